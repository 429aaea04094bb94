"""The door before the work: the work behind earlier acks waits for a lull in arriving requests (a second at
most), so that under a burst new requests are kept and answered first. The work is safe meanwhile: it is kept
in the inbox, and a restart finishes it from there."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

PATIENCE_SECONDS = 1.0  # how long work gives way to a burst before it runs regardless
# A lull: nobody inside the door and nobody arrived for this long. (Under a burst the door empties for a moment
# between one person's answer and their next request; work started then would hold the event loop for its run.)
LULL_SECONDS = 0.03


class Arrivals:
    """Counts the requests inside a door (between arriving and being answered)."""

    def __init__(self, patience: float = PATIENCE_SECONDS, lull: float = LULL_SECONDS) -> None:
        self._inside = 0
        self._last = -lull  # when a request last arrived (the event loop's clock)
        self._empty = asyncio.Event()
        self._empty.set()
        self.patience, self.lull = patience, lull

    @contextlib.contextmanager
    def arriving(self) -> Iterator[None]:
        self._inside += 1
        self._last = asyncio.get_running_loop().time()
        self._empty.clear()
        try:
            yield
        finally:
            self._inside -= 1
            if self._inside == 0:
                self._empty.set()

    async def lull_or_patience(self) -> None:
        """Return at a lull in arrivals, or after `patience` seconds whatever is arriving."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self.patience
        while (now := loop.time()) < give_up:
            if not self._empty.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._empty.wait(), give_up - now)
                continue
            quiet_at = self._last + self.lull
            if now >= quiet_at:
                return
            await asyncio.sleep(min(quiet_at, give_up) - now)
