"""The door before the work: the work behind earlier acks waits for a gap in arriving requests (a little while at
most), so that under a burst new requests are kept and answered first. The work is safe meanwhile: it is kept
in the inbox, and a restart finishes it from there."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

PATIENCE_SECONDS = 1.0  # how long work gives way to a burst before it runs regardless


class Arrivals:
    """Counts the requests inside a door (between arriving and being answered)."""

    def __init__(self, patience: float = PATIENCE_SECONDS) -> None:
        self._inside = 0
        self._gap = asyncio.Event()
        self._gap.set()
        self.patience = patience

    @contextlib.contextmanager
    def arriving(self) -> Iterator[None]:
        self._inside += 1
        self._gap.clear()
        try:
            yield
        finally:
            self._inside -= 1
            if self._inside == 0:
                self._gap.set()

    async def gap(self) -> None:
        """Return when no request is inside the door, or after `patience` seconds whatever is arriving."""
        if self._gap.is_set():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._gap.wait(), self.patience)
