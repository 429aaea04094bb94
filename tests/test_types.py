"""The code type-checks: mypy with the settings in pyproject.toml ([tool.mypy]), checked on every run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_errors() -> None:
    # Incremental: .mypy_cache (gitignored) makes later runs take a second or two; a fresh clone starts cold.
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert result.stdout.startswith("Success: no issues found"), result.stdout[-6000:]
