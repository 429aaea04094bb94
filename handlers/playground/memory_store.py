"""Conversation references kept in memory (ports.ReferenceStore): the playground's conversations are made up
again at every start, so there is nothing to keep."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any


class MemoryReferenceStore:
    def __init__(self) -> None:
        self._refs: dict[tuple[str, str], dict[str, Any]] = {}

    async def remember(self, platform: str, keys: Iterable[str], reference: dict[str, Any], now: datetime) -> None:
        for key in keys:
            if key:
                self._refs[(platform, key)] = dict(reference)

    async def find(self, platform: str, key: str) -> dict[str, Any] | None:
        found = self._refs.get((platform, key))
        return dict(found) if found is not None else None
