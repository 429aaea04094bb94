"""The case engine. A request changes a case one way: mark the request seen, load the case, make the change,
commit (a lost race is run again on the fresh state; a replay is answered with nothing, having done nothing).
A workflow event is applied in one order, whatever the kind of case: the table (and any stage it skips), the
versioned save, the history, the nudges stopped and started, then the effects (cards and messages)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from bot.domain.errors import ConcurrencyConflict, Duplicate, NotFound
from bot.domain.forms import Context
from bot.domain.people import Actor
from bot.domain.statement import Draft, SignOff
from bot.domain.workflow import Transition, Workflow
from bot.ports import CaseRepository, UnitOfWork
from bot.services.core import Core, Reply, record

_TRIES = 3


class Case(Protocol):
    ref: str
    version: int
    state: Any


@dataclass
class Step:
    """What one workflow event needs besides the case: who, the event, and facts for the history and effects."""

    actor: Actor
    event: str
    facts: dict[str, Any] = field(default_factory=dict)
    draft: Draft | None = None  # the current draft, when the event concerns it
    superseded: Draft | None = None  # the draft whose approvers' cards must now say it was replaced
    decision: SignOff | None = None


C = TypeVar("C", bound=Case)
X = TypeVar("X", bound=Step)
Effect = Callable[[UnitOfWork, Core, Context, C, X], Awaitable[None]]
# Given what the event did, as one transition from the state before to the state after, with all its effects.
Rule = Callable[[UnitOfWork, Core, Context, C, X, Transition[Any, Any]], Awaitable[None]]


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


def _nothing(case: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class CaseKind(Generic[C, X]):
    """What the engine needs to know of one kind of case."""

    noun: str  # "enquiry": said when a reference is not found
    repository: Callable[[UnitOfWork], CaseRepository[C]]
    workflow: Workflow[Any, Any]
    effects: Mapping[Any, Effect[C, X]]
    nudges: Rule[C, X]  # the nudges the event stops and starts
    recorded: Callable[[C], dict[str, Any]] = _nothing  # what every history entry says of the case
    skip: Callable[[C], str | None] | None = None  # why the stage reached needs nobody (it moves on), or None
    prepare: Rule[C, X] | None = None  # what the case itself takes on from the event, before it is saved
    effect_order: tuple[Any, ...] = ()  # the order effects run in (default: the table's)

    async def apply(self, uow: UnitOfWork, core: Core, ctx: Context, case: C, step: X) -> None:
        """Apply the table's transition for `step.event` (moving on past stages nobody needs), save the case
        against the version it was loaded at, record it, stop and start its nudges, and queue its effects."""
        t = self.workflow.apply(case.state, step.event)
        before, expected = case.state, case.version
        case.state = t.target
        effects = list(t.effects)
        history = [record(case.ref, ctx.now, step.event, step.actor, state=case.state.value, **self.recorded(case),
                          **step.facts)]
        while self.skip is not None and (why := self.skip(case)) is not None:
            skipped = case.state
            t = self.workflow.apply(case.state, "skip")
            case.state = t.target
            effects += [e for e in t.effects if e not in effects]
            history.append(record(case.ref, ctx.now, "skip", step.actor, state=case.state.value,
                                  skipped=skipped.value, why=why))
        if self.effect_order:
            effects = [e for e in self.effect_order if e in effects]
        moved: Transition[Any, Any] = Transition(before, step.event, case.state, tuple(effects))
        if self.prepare is not None:
            await self.prepare(uow, core, ctx, case, step, moved)
        await self.repository(uow).save(case, expected, ctx.now)
        for entry in history:
            await uow.history.append(entry)
        await self.nudges(uow, core, ctx, case, step, moved)
        for effect in moved.effects:
            await self.effects[effect](uow, core, ctx, case, step)

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
