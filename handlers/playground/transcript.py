"""What the playground's conversations hold, in memory: activities in order, with a watermark clients poll from.

An updated activity (a card changed in place) keeps its id and moves to the end, so a client polling from its
watermark sees the new version and Web Chat replaces the old one where it was.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from typing import Any

MAX_ACTIVITIES = 500  # per conversation: enough to try the whole flow many times over


class Transcript:
    """One conversation's activities (Bot Framework JSON), each under a sequence number."""

    def __init__(self) -> None:
        self._seq = itertools.count(1)
        self._by_id: OrderedDict[str, tuple[int, dict[str, Any]]] = OrderedDict()

    def put(self, activity: dict[str, Any]) -> None:
        """Add an activity, or replace the one with the same id."""
        self._by_id.pop(activity["id"], None)
        self._by_id[activity["id"]] = (next(self._seq), activity)
        while len(self._by_id) > MAX_ACTIVITIES:
            self._by_id.popitem(last=False)

    def get(self, activity_id: str) -> dict[str, Any] | None:
        entry = self._by_id.get(activity_id)
        return entry[1] if entry else None

    def since(self, watermark: int) -> tuple[list[dict[str, Any]], int]:
        """Activities added or changed after `watermark`, and the new watermark."""
        fresh = [(seq, activity) for seq, activity in self._by_id.values() if seq > watermark]
        return [activity for _, activity in fresh], max([watermark, *(seq for seq, _ in fresh)])

    def activities(self) -> list[dict[str, Any]]:
        return [activity for _, activity in self._by_id.values()]
