"""Offline checks of Adaptive Cards against Microsoft's published 1.5 schema.

Reusable from any test (``from tests.adaptive import assert_adaptive_card``):

* :func:`validate_adaptive_card` lists what is wrong with a card (empty when it conforms);
* :func:`assert_adaptive_card` raises ``AssertionError`` listing it.

The schema is ``adaptive-card-1.5.json`` (JSON Schema draft-06) in the specs folder that
:func:`tests.conformance.specs_dir` locates, read lazily on first use. As PROVENANCE.md says, the schema does not
require ``version`` (checked here: it must be "1.5") and rejects Teams' own ``msteams`` property, which is
therefore stripped from every AdaptiveCard object (the top-level card and those inside Action.ShowCard).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from jsonschema import Draft6Validator
from jsonschema.exceptions import ValidationError

from tests.conformance import SPECS_ENV, specs_dir

ADAPTIVE_CARD_SCHEMA = "adaptive-card-1.5.json"
ADAPTIVE_CARD_VERSION = "1.5"
INPUT_TYPES = ("Input.Text", "Input.ChoiceSet", "Input.Date", "Input.Time", "Input.Number", "Input.Toggle")
MESSAGE_MAX = 300


@functools.lru_cache(maxsize=4)
def _validator(path: Path) -> Draft6Validator:
    with path.open(encoding="utf-8") as fh:
        schema = json.load(fh)
    # The schema's root is anyOf[AdaptiveCard]: validating against the definition itself reports each problem
    # separately instead of one "not valid under any of the given schemas".
    root = {
        "$schema": schema.get("$schema", "http://json-schema.org/draft-06/schema#"),
        "definitions": schema["definitions"],
        "allOf": [{"$ref": "#/definitions/AdaptiveCard"}],
    }
    Draft6Validator.check_schema(root)
    return Draft6Validator(root)


def adaptive_card_validator() -> Draft6Validator:
    """The draft-06 validator for an AdaptiveCard (cached per schema path)."""
    path = specs_dir() / ADAPTIVE_CARD_SCHEMA
    if not path.is_file():
        raise FileNotFoundError(
            f"spec {ADAPTIVE_CARD_SCHEMA!r} not found in {path.parent} (set ${SPECS_ENV} to override)"
        )
    return _validator(path)


def strip_msteams(node: Any) -> Any:
    """A copy without the ``msteams`` property of every AdaptiveCard object (Teams' extension)."""
    if isinstance(node, Mapping):
        is_card = node.get("type") == "AdaptiveCard"
        return {k: strip_msteams(v) for k, v in node.items() if not (is_card and k == "msteams")}
    if isinstance(node, list):
        return [strip_msteams(item) for item in node]
    return node


def _where(error: ValidationError) -> str:
    where = "$"
    for part in error.absolute_path:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    return where


def _short(text: str) -> str:
    return text if len(text) <= MESSAGE_MAX else text[: MESSAGE_MAX - 1] + "…"


def _explain(error: ValidationError) -> Iterator[str]:
    """Readable messages: for an element or action that matches no type, the errors of the type it names."""
    instance = error.instance
    if error.validator == "anyOf" and isinstance(instance, Mapping) and "type" in instance and error.context:
        kind = instance["type"]
        branch = next(
            (
                i for i, sub in enumerate(error.validator_value)
                if any(str(ref.get("$ref", "")).endswith(f"/{kind}") for ref in sub.get("allOf", []))
            ),
            None,
        )
        if branch is None:
            yield f"{_where(error)}: unknown or misplaced type {kind!r}"
            return
        causes = [e for e in error.context if e.schema_path and e.schema_path[0] == branch]
        if causes:
            for cause in causes:
                yield from _explain(cause)
            return
    yield f"{_where(error)}: {_short(error.message)}"


def walk(node: Any) -> Iterator[Mapping[str, Any]]:
    """Every object anywhere in a card (the cards of ShowCard actions included), outermost first."""
    if isinstance(node, Mapping):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def validate_adaptive_card(card: Any) -> list[str]:
    """What is wrong with `card` as a top-level Adaptive Card 1.5 for Teams; an empty list when nothing is."""
    if not isinstance(card, Mapping):
        return [f"$: a card must be a JSON object, not {type(card).__name__}"]
    problems: list[str] = []
    try:
        json.dumps(card)
    except (TypeError, ValueError) as exc:
        problems.append(f"$: not JSON-serialisable ({exc})")
    if card.get("type") != "AdaptiveCard":
        problems.append(f"$.type: must be 'AdaptiveCard', not {card.get('type')!r}")
    if card.get("version") != ADAPTIVE_CARD_VERSION:
        problems.append(f"$.version: must be {ADAPTIVE_CARD_VERSION!r}, not {card.get('version')!r}")
    errors = sorted(adaptive_card_validator().iter_errors(strip_msteams(card)), key=lambda e: list(map(str, e.path)))
    for error in errors:
        problems.extend(_explain(error))
    ids = [str(i.get("id")) for i in walk(card) if i.get("type") in INPUT_TYPES]
    problems.extend(f"$: input id {i!r} is used more than once" for i in sorted({i for i in ids if ids.count(i) > 1}))
    return problems


def assert_adaptive_card(card: Any) -> None:
    """Raise AssertionError listing every problem :func:`validate_adaptive_card` finds."""
    problems = validate_adaptive_card(card)
    if problems:
        raise AssertionError("Adaptive Card does not conform:\n  " + "\n  ".join(problems))
