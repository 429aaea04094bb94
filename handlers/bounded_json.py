"""JSON from a client, decoded only after its size and nesting are known to be sane.

Python's decoder recurses once per level: a body nested a few thousand deep raises RecursionError, which no
door should ever turn into a 500. Every door (Slack, Teams, the playground) decodes through `loads`.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 64  # Slack's and Teams' own payloads stay under 20 levels, cards and view state included
MAX_BYTES = 1024 * 1024

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)  # a JSON string, escapes included
_BRACKETS = re.compile(r"[\[\]{}]")


class BadJson(ValueError):
    """Not JSON we will decode: too big, too deep, or not JSON at all (the message says which, no content)."""


def depth(text: str) -> int:
    """The deepest nesting of arrays and objects in `text`, ignoring brackets inside strings."""
    deepest = level = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        if bracket in "[{":
            level += 1
            deepest = max(deepest, level)
        else:
            level -= 1
    return deepest


def loads(raw: str | bytes, *, max_depth: int = MAX_DEPTH, max_bytes: int = MAX_BYTES) -> Any:
    """Decode `raw`, or raise BadJson without recursing into it."""
    if len(raw) > max_bytes:
        raise BadJson(f"over {max_bytes} bytes")
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise BadJson("not UTF-8") from None
    if depth(text) > max_depth:
        raise BadJson(f"nested more than {max_depth} deep")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise BadJson("not JSON") from None
