"""Retention (issue 15): set each closed case's class and review date, queue what is due, decide, hold, destroy.

The check (the server's, hourly; and every `mediadesk retention list`) only records and queues: nothing is ever
destroyed without a decision by the Director of Communications or a records manager, and never while on hold.

The review date is taken from the case's close in its history when the check first finds the case closed, rather
than set by each workflow as it closes a case: one place does it for the three workflows, for cases closed before
retention existed, and for any closing step added later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.domain import retention as rules
from bot.domain.errors import NotFound, ValidationFailed
from bot.domain.messages import HistoryEntry, Outbound, Recipient
from bot.domain.people import Role
from bot.domain.retention import Appraisal, Retention, RetentionPolicy, RetentionStatus
from bot.ports import UnitOfWork
from bot.services.core import Core
from cards.retention_views import destroyed_card, due_card

log = logging.getLogger(__name__)

BATCH = 2000  # cases per transaction in the check


@dataclass(frozen=True)
class Checked:
    registered: int  # cases given their class and review date
    queued: list[Retention]  # cases put in the appraisal queue


async def check(core: Core, policy: RetentionPolicy) -> Checked:
    """Class and date the cases closed since the last check; queue those whose review date has come."""
    now = core.clock.now()
    today = now.astimezone(core.tz).date()
    registered = 0
    while True:
        async with core.uow() as uow:
            files = await uow.retention.unregistered(BATCH)
            await uow.retention.put(*(rules.register(case, policy, core.tz, existing) for case, existing in files))
            await uow.commit()
        registered += len(files)
        if len(files) < BATCH:
            break
    queued: list[Retention] = []
    while True:
        async with core.uow() as uow:
            due = await uow.retention.due(today, BATCH)
            # Queued in the schedule (with the time), not in each case's history: nothing of the case changes.
            moved = [m for r in due if (m := rules.queue_if_due(r, today, now)) is not None]
            await uow.retention.put(*moved)
            await uow.commit()
        queued.extend(moved)
        if len(due) < BATCH:
            break
    return Checked(registered, queued)


async def records(core: Core, policy: RetentionPolicy,
                  which: Literal["all", "due", "held"] = "all") -> list[Retention]:
    """The schedule as it stands after a check."""
    await check(core, policy)
    async with core.uow() as uow:
        return await uow.retention.listing(which)


async def monthly_card(core: Core, policy: RetentionPolicy) -> bool:
    """After the check: the month's card to the Director (and records managers) with what is due, sent by the first
    check of the month that finds something due (by one replica only). True when it was sent."""
    await check(core, policy)
    now = core.clock.now()
    month = now.astimezone(core.tz).strftime("%Y-%m")
    async with core.uow() as uow:
        due = await uow.retention.listing("due")
        if not due or not await uow.retention.add_notice(month, now, len(due)):
            return False
        held = await uow.retention.listing("held")
        card = due_card(due, len(held), now, core.tz).to_json()
        people = dict.fromkeys(core.directory.people_with(Role.DIRECTOR_OF_COMMS)
                               + core.directory.people_with(Role.RECORDS_MANAGER))
        for platform in core.chat_platforms:
            for email in people:
                await uow.outbox.add(Outbound(Recipient("email", platform, email), card,
                                              key=f"retention:{month}:{email}"[:120]), now)
        await uow.commit()
    log.info("retention: %d cases due for review this month, card sent", len(due))
    return True


async def decide(core: Core, policy: RetentionPolicy, ref: str, decision: str, *, reason: str, by: str,
                 until: str | None = None) -> Retention:
    """Keep, extend or destroy a case; a refusal (DomainError) leaves everything as it was."""
    rules.require_records_role(core.directory, by)
    try:
        appraisal = Appraisal(decision.strip().lower())
    except ValueError:
        raise ValidationFailed(f"“{decision}” is not a decision: keep, extend or destroy.") from None
    new_review = rules.parse_until(until) if until is not None else None
    now = core.clock.now()
    async with core.uow() as uow:
        record = await _record(uow, core, policy, ref)
        decided = rules.appraise(record, appraisal, reason=reason, by=by.lower(), now=now,
                                 today=now.astimezone(core.tz).date(), until=new_review)
        if decided.status is RetentionStatus.DESTROYED:
            await _destroy(uow, core, decided, now)
        else:
            await uow.retention.put(decided)
            await uow.history.append(_entry(ref, now, "retention_decision", core.directory.name_of(by), by,
                                            decision=appraisal.value, reason=decided.reason,
                                            review_on=_day(decided)))
        await uow.commit()
    return decided


# The entries that are the record of how the case was kept and disposed of: never erased with it.
GOVERNANCE_EVENTS = frozenset({"retention_decision", "legal_hold", "legal_hold_released", "redacted"})


async def _destroy(uow: UnitOfWork, core: Core, decided: Retention, now: datetime) -> None:
    """Remove the case's content and personal data; keep the disposal record and say so in the history."""
    ref = decided.ref
    placeholder = destroyed_card(ref, now, core.tz).to_json()
    posted = await uow.retention.destroy_content(ref, now, placeholder)
    for recipient, key in posted:  # the cards people can still see in chat are replaced where they are
        await uow.outbox.add(Outbound(recipient, placeholder, key=key, case_ref=ref, update_only=True), now)
    await uow.retention.add_disposal(rules.disposal_of(decided))
    await uow.retention.put(decided)
    # The history's own entries held what they recorded (a journalist's name on "logged", a statement on "issue"):
    # their content goes, their seals stay, so the chain still verifies; the record of the decisions stays whole.
    erased = await uow.history.erase(ref, keep=GOVERNANCE_EVENTS)
    await uow.history.append(_entry(ref, now, "destroyed", core.directory.name_of(decided.decided_by or ""),
                                    decided.decided_by, retention_class=_cls(decided), reason=decided.reason,
                                    review_on=_day(decided), entries=erased))


async def hold(core: Core, policy: RetentionPolicy, ref: str, *, reason: str, by: str) -> Retention:
    """A legal hold: the case cannot be destroyed until it is released (open cases can be held too)."""
    return await _change_hold(core, policy, ref, rules.place_hold, "legal_hold", reason=reason, by=by)


async def release_hold(core: Core, policy: RetentionPolicy, ref: str, *, reason: str, by: str) -> Retention:
    """Lift a legal hold: the case is back in its schedule (and in the queue, if its review date has passed)."""
    return await _change_hold(core, policy, ref, rules.release_hold, "legal_hold_released", reason=reason, by=by)


async def _change_hold(core: Core, policy: RetentionPolicy, ref: str, change: Callable[..., Retention], event: str,
                       *, reason: str, by: str) -> Retention:
    """Place or release a hold (`change`), with the reason in the case's history as `event`."""
    rules.require_records_role(core.directory, by)
    now = core.clock.now()
    async with core.uow() as uow:
        changed = change(await _record(uow, core, policy, ref), reason=reason, by=by.lower(), now=now)
        await uow.retention.put(changed)
        await uow.history.append(_entry(ref, now, event, core.directory.name_of(by), by,
                                        reason=" ".join(reason.split())))
        await uow.commit()
    return changed


async def _record(uow: UnitOfWork, core: Core, policy: RetentionPolicy, ref: str) -> Retention:
    """The case's record, classed and dated if it closed since the last check; NotFound when there is no case."""
    ref = ref.strip().upper()
    record = await uow.retention.get(ref)
    if record is not None and record.closed_at is not None:
        return record
    case = await uow.retention.case_file(ref)
    if case is None:
        raise NotFound(f"There is no case {ref}. Nothing was changed.")
    return rules.register(case, policy, core.tz, record)


def _entry(ref: str, at: datetime, event: str, actor: str, email: str | None, **data: Any) -> HistoryEntry:
    return HistoryEntry(case_ref=ref, at=at, event=event, actor=actor, actor_email=email.lower() if email else None,
                        data={"via": "retention", **data})


def _cls(record: Retention) -> str | None:
    return record.retention_class.value if record.retention_class else None


def _day(record: Retention) -> str | None:
    return record.review_on.isoformat() if record.review_on else None

