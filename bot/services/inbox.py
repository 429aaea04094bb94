"""The inbox: every request that changes something is kept before the platform is answered, and finished later
if a crash cuts its work off. The doors call these; the work itself marks its request done in its own
transaction (`UnitOfWork.mark_request_seen`), so a request is applied once however often it arrives."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection

from bot.ports import InboundRequest
from bot.services.core import Core

log = logging.getLogger("mediadesk.inbox")

# How long a process has to finish a request it accepted before another may take it over. Live work takes
# well under a second; after a crash on PostgreSQL the survivors wait this long, on SQLite a start takes all.
LEASE_SECONDS = 10.0
BATCH = 100


async def accept(core: Core, request: InboundRequest) -> bool:
    """Keep the request; False when it was kept before (a retry or replay: answer it, do nothing)."""
    if core.inbox is None:
        return True
    return await core.inbox.accept(request, core.clock.now(), LEASE_SECONDS)


async def finish(core: Core, key: str) -> None:
    """The request's work is over, whatever came of it (its own transaction marked it done if it did anything)."""
    if core.inbox is not None:
        await core.inbox.finish(key, core.clock.now())


async def finish_or_warn(core: Core, key: str) -> None:
    """`finish`, logging rather than raising a failure: the work's own transaction already marked the request
    done if it did anything, so at worst a finished request is looked at again after its lease."""
    try:
        await finish(core, key)
    except Exception:
        log.warning("could not mark a request finished", exc_info=True)


async def finish_cut_off(core: Core, platform: str, busy: Collection[str],
                         replay: Callable[[InboundRequest], Awaitable[None]], *, every_lease: bool = False) -> int:
    """Replay the requests a crash cut off that nobody here is working on (`busy`): one person's in the order
    they came, different people side by side. Returns how many there were."""
    pending = [r for r in await unfinished(core, platform, every_lease=every_lease) if r.key not in busy]
    by_person: dict[str, list[InboundRequest]] = {}
    for request in pending:
        by_person.setdefault(request.person, []).append(request)

    async def in_order(requests: list[InboundRequest]) -> None:
        for request in requests:
            await replay(request)

    await asyncio.gather(*(in_order(requests) for requests in by_person.values()))
    return len(pending)


async def unfinished(core: Core, platform: str, *, every_lease: bool = False) -> list[InboundRequest]:
    """Requests accepted but never finished (cut off by a crash), oldest first, leased to this process."""
    if core.inbox is None:
        return []
    return await core.inbox.claim_unfinished(platform, core.clock.now(), LEASE_SECONDS, BATCH,
                                             every_lease=every_lease)
