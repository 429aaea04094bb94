"""No module under tests/ imports a test module (test_*.py): shared steps live in the harnesses, flows and fakes.

A test module imported by another is collected once but run in two places' context, and a helper moved or renamed
in it breaks suites that look unrelated; so what tests share is kept where it says it is shared.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _package(path: Path) -> list[str]:
    """The dotted package a module under tests/ sits in, e.g. ["tests", "slack"]."""
    return ["tests", *path.relative_to(TESTS).parent.parts]


def imported_test_modules(source: str, package: list[str]) -> list[str]:
    """Every test module (a dotted name whose last part starts with test_) that `source` imports."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            # `from tests.slack import test_security` imports the module named by the alias
            names = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        found.extend(name for name in names
                     if name.split(".")[0] == "tests" and name.split(".")[-1].startswith("test_"))
    return sorted(set(found))


def test_no_module_under_tests_imports_a_test_module() -> None:
    offenders = {}
    for path in sorted(TESTS.rglob("*.py")):
        if imported := imported_test_modules(path.read_text(encoding="utf-8"), _package(path)):
            offenders[str(path.relative_to(TESTS.parent))] = imported
    assert offenders == {}, "move what these import into a harness, flows or tests/fakes module: " + repr(offenders)


def test_the_check_sees_every_way_of_importing_a_test_module() -> None:
    slack = ["tests", "slack"]
    assert imported_test_modules("from tests.slack.test_security import rows", slack) == ["tests.slack.test_security"]
    assert imported_test_modules("import tests.slack.test_crisis as crisis", slack) == ["tests.slack.test_crisis"]
    assert imported_test_modules("from tests.slack import test_crisis", slack) == ["tests.slack.test_crisis"]
    assert imported_test_modules("from .test_crisis import forged", slack) == ["tests.slack.test_crisis"]
    assert imported_test_modules("from ..teams.test_views import seen_by", slack) == ["tests.teams.test_views"]
    assert imported_test_modules("def f():\n    from tests.teams.test_press_release import REF\n", slack) == [
        "tests.teams.test_press_release"]


def test_the_check_leaves_shared_modules_and_other_packages_alone() -> None:
    source = ("from aiohttp.test_utils import TestServer\nfrom tests.slack.harness import quiet\n"
              "from tests.fakes import bot_connector\nfrom .flows import log_a_call\nimport tests.conformance\n")
    assert imported_test_modules(source, ["tests", "playground"]) == []
