"""Reading one batch ahead: the database fetches the next batch while the caller works on this one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TypeVar

T = TypeVar("T")
_END = object()


async def read_ahead(source: AsyncIterator[T]) -> AsyncGenerator[T, None]:
    """The items of `source`, in order, the next one already being fetched (in a task of its own) while the
    caller has this one. A caller that may stop early closes this (contextlib.aclosing): the fetch under way is
    let finish and `source` is closed, so its connection goes back before the database is disposed."""
    pending: asyncio.Future[object] = asyncio.ensure_future(anext(source, _END))
    try:
        while (item := await pending) is not _END:
            pending = asyncio.ensure_future(anext(source, _END))
            yield item  # type: ignore[misc] # not _END, so a T
    finally:
        # Not cancelled: a fetch cut off mid-way could leave its connection in a transaction.
        await asyncio.gather(pending, return_exceptions=True)
        aclose = getattr(source, "aclose", None)
        if aclose is not None:
            await aclose()
