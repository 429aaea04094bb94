"""The one way a request changes a case: mark the request seen, load the case, make the change, commit. A lost
race is run again on the fresh state; a replay is answered with nothing, having done nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from bot.domain.errors import ConcurrencyConflict, Duplicate, NotFound
from bot.domain.forms import Context
from bot.ports import CaseRepository, UnitOfWork
from bot.services.core import Core, Reply

_TRIES = 3


class Case(Protocol):
    ref: str
    version: int
    state: Any


C = TypeVar("C", bound=Case)


@dataclass(frozen=True)
class Unchanged:
    """An answer that changed nothing: the transaction is not committed (a repeat of the request asks again)."""

    reply: Reply


Answer = Reply | Unchanged


async def perform(core: Core, request_key: str, work: Callable[[UnitOfWork, Context], Awaitable[Answer]]) -> Reply:
    """Run `work` in one unit of work with the request marked seen, and commit it (unless it says Unchanged)."""
    for attempt in range(_TRIES):
        ctx = core.ctx()
        try:
            async with core.uow() as uow:
                await uow.mark_request_seen(request_key, ctx.now)
                answer = await work(uow, ctx)
                if isinstance(answer, Unchanged):
                    return answer.reply
                await uow.commit()
                return answer
        except ConcurrencyConflict:
            if attempt == _TRIES - 1:
                raise
        except Duplicate:
            return Reply()
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class CaseKind(Generic[C]):
    """What the engine needs to know of one kind of case."""

    noun: str  # "enquiry": said when a reference is not found
    repository: Callable[[UnitOfWork], CaseRepository[C]]

    async def load(self, uow: UnitOfWork, ref: str) -> C:
        case = await self.repository(uow).get(ref)
        if case is None:
            raise NotFound(f"I can't find {self.noun} {ref}.")
        return case

    async def run(self, core: Core, ref: str, request_key: str,
                  change: Callable[[UnitOfWork, Context, C], Awaitable[Answer]]) -> Reply:
        """A request that changes the case `ref` (see `perform`)."""
        async def work(uow: UnitOfWork, ctx: Context) -> Answer:
            return await change(uow, ctx, await self.load(uow, ref))

        return await perform(core, request_key, work)
