"""One check on what people read: no doubled full stop (".." that is not part of an ellipsis "...")."""

from __future__ import annotations

import re
from typing import Any

_DOUBLED = re.compile(r"(?<!\.)\.\.(?!\.)")
# Where Slack and Adaptive Cards keep words a person reads (a button's "value" is its payload, a URL is a URL).
_READ = frozenset({"text", "title", "label", "placeholder", "fallbackText", "errorMessage"})


def doubled_stops(thing: Any, key: str = "text") -> list[str]:
    """Each readable string in `thing` (a text, a Block Kit or Adaptive Card JSON) with "..", shown around it."""
    if isinstance(thing, str):
        return [f"…{thing[max(m.start() - 40, 0):m.end() + 20]}…" for m in _DOUBLED.finditer(thing)] \
            if key in _READ else []
    if isinstance(thing, dict):
        return [found for k, v in thing.items() for found in doubled_stops(v, k if isinstance(v, str) else key)]
    if isinstance(thing, list):
        return [found for v in thing for found in doubled_stops(v, key)]
    return []
