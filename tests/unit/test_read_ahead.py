"""Reading one batch ahead (storage/read_ahead.py): every item in order, the next fetched while the caller works
on this one, and a caller that stops early leaves nothing open behind it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import aclosing

import pytest

from storage.read_ahead import read_ahead

pytestmark = pytest.mark.asyncio


class Source:
    """Batches 0..n-1, each taking a moment to fetch; says what was asked of it and whether it was closed."""

    def __init__(self, n: int) -> None:
        self.n, self.fetched, self.closed = n, [], False

    async def batches(self) -> AsyncIterator[int]:
        try:
            for i in range(self.n):
                await asyncio.sleep(0.01)
                self.fetched.append(i)
                yield i
        finally:
            self.closed = True


async def test_every_item_comes_in_order_and_the_next_is_fetched_meanwhile() -> None:
    source = Source(5)
    seen = []
    async for item in read_ahead(source.batches()):
        await asyncio.sleep(0.02)  # the caller's work on this batch: the next one is fetched during it
        seen.append((item, list(source.fetched)))
    assert [item for item, _ in seen] == [0, 1, 2, 3, 4]
    assert all(fetched[-1] == min(item + 1, 4) for item, fetched in seen)
    assert source.closed


async def test_stopping_early_lets_the_fetch_finish_and_closes_the_source() -> None:
    source = Source(100)
    async with aclosing(read_ahead(source.batches())) as batches:
        async for item in batches:
            if item == 2:
                break
    assert source.closed and source.fetched == [0, 1, 2, 3]  # the fetch under way ran to its end, no further


async def test_an_error_in_the_source_reaches_the_caller() -> None:
    async def broken() -> AsyncIterator[int]:
        yield 1
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError, match="went away"):
        async for _ in read_ahead(broken()):
            pass
