"""SQLite's one writer: an urgent write (keeping a request before its 200) goes before waiting work; the inbox
writes the requests that arrive together in one commit, and a retry in the same batch is recognised."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.ports import InboundRequest
from storage.db import Database, WriteLock
from storage.inbox_store import SqlInboxStore

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


async def test_an_urgent_writer_goes_before_the_work_already_waiting() -> None:
    lock, order = WriteLock(), []
    await lock.acquire()

    async def write(name: str, urgent: bool) -> None:
        await lock.acquire(urgent=urgent)
        order.append(name)
        await asyncio.sleep(0)
        lock.release()

    tasks = [asyncio.create_task(write(f"work {n}", False)) for n in range(3)]
    await asyncio.sleep(0)
    tasks.append(asyncio.create_task(write("keep request", True)))
    await asyncio.sleep(0)
    lock.release()
    await asyncio.gather(*tasks)
    assert order == ["keep request", "work 0", "work 1", "work 2"]
    assert not lock.locked()


async def test_a_waiter_cancelled_as_it_is_handed_the_lock_passes_it_on() -> None:
    lock = WriteLock()
    await lock.acquire()
    first = asyncio.create_task(lock.acquire())
    second = asyncio.create_task(lock.acquire())
    await asyncio.sleep(0)
    lock.release()  # handed to `first`...
    first.cancel()  # ...which is cancelled before it runs
    await asyncio.wait_for(second, timeout=1)
    assert lock.locked()
    lock.release()
    assert not lock.locked()


async def test_requests_arriving_together_are_kept_once_each_and_a_retry_among_them_is_recognised(
    database: Database,
) -> None:
    store = SqlInboxStore(database)

    def request(key: str) -> InboundRequest:
        return InboundRequest(key=key, platform="slack", person="U1", body="{}")

    kept = await asyncio.gather(*(store.accept(request(k), NOW, 10) for k in ["a", "b", "a", "c"]))
    assert kept == [True, True, False, True]
    assert await store.accept(request("b"), NOW, 10) is False
    assert len(await store.claim_unfinished("slack", NOW, 10, 10, every_lease=True)) == 3, "kept once each"
