"""The nudge tick: claim what is due, check it still matters, send it, and schedule what follows."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.domain.crisis import CrisisSlot, CrisisState
from bot.domain.enquiry import Enquiry, require
from bot.domain.errors import NotFound, ValidationFailed
from bot.domain.forms import Context
from bot.domain.messages import Outbound, Recipient
from bot.domain.nudges import (
    DEFERRED_KINDS,
    REMINDER,
    Nudge,
    NudgeKind,
    NudgeStatus,
    deferred_until,
    on_logged,
    still_applies,
)
from bot.domain.people import Actor, Role
from bot.domain.permissions import Asked
from bot.domain.statement import Decision
from bot.ports import UnitOfWork
from bot.services import press_release_effects
from bot.services.casework import Answer, Unchanged
from bot.services.core import Core, Reply
from bot.services.enquiries import ENQUIRIES, Step, update_card
from cards import crisis_views
from cards import reminder_views as views
from cards.model import Button, Card, Fact

log = logging.getLogger("mediadesk.nudges")

# A batch is one transaction. 100 at a time commits often, so the first reminders of a burst are on their
# way while the rest are still being taken, and other writers (SQLite has one) get a turn in between.
BATCH = 100
MAX_FAILURES = 3
RETRY_AFTER = timedelta(minutes=1)


async def tick(core: Core, limit: int = BATCH) -> int:
    """Send every nudge that is due. Safe on several replicas: each due row is taken by one transaction.

    Batches follow each other while they come back full, so a burst (everything held overnight falls due at
    08:00) goes out in one tick rather than one batch per tick. The loop ends: each batch settles every nudge
    it took (sent, cancelled, deferred, or due again a minute later), so only what falls due meanwhile is left.
    """
    sent = 0
    while True:
        try:
            count, full = await _tick_once(core, limit)
        except Exception:
            if not sent:
                raise
            # What went out is committed; the rest stays due and the next tick takes it.
            log.warning("nudge tick stopped early", exc_info=True)
            return sent
        sent += count
        if not full:
            return sent
        # Let the outbox relay, woken by that commit, claim the batch's reminders before the next batch takes
        # the database (SQLite has one writer): they go out now, not when the whole burst is done.
        await asyncio.sleep(0)


async def _tick_once(core: Core, limit: int) -> tuple[int, bool]:
    try:
        return await _take(core, limit, careful=False)
    except Exception:
        # Something in the batch failed and none of it was committed. Take it again with each nudge on its own,
        # so the broken one is retried (or marked failed) alone and the others go out.
        log.info("nudge batch failed; taking it again one nudge at a time", exc_info=True)
        return await _take(core, limit, careful=True)


async def _take(core: Core, limit: int, *, careful: bool) -> tuple[int, bool]:
    """One batch in one transaction. Careful: a savepoint per nudge (two more statements each, so only after a
    failure: a burst of 500 goes out a quarter faster without them)."""
    sent = 0
    ctx = core.ctx()
    async with core.uow() as uow:
        due = await uow.nudges.claim_due(ctx.now, limit)
        channel = _ChannelReminders()
        for nudge in due:
            if not careful:
                sent += await _fire(uow, core, ctx, nudge, channel)
                continue
            try:
                async with uow.savepoint():  # one broken nudge must not hold up the rest of the batch
                    sent += await _fire(uow, core, ctx, nudge, channel)
            except Exception:
                failures = int(nudge.data.get("failures", 0)) + 1
                if failures >= MAX_FAILURES:
                    log.exception("nudge could not be sent; marked failed", extra={"nudge_id": nudge.id,
                                                                                   "case": nudge.case_ref})
                    await uow.nudges.finish(nudge, NudgeStatus.FAILED, ctx.now)
                else:  # often a race with someone acting on the case at that moment: try again shortly
                    log.warning("nudge failed; will retry", exc_info=True, extra={"nudge_id": nudge.id})
                    await uow.nudges.retry_later(nudge, ctx.now + RETRY_AFTER, {**nudge.data, "failures": failures})
                channel.forget(nudge)
        await channel.send(uow, ctx)
        if due:
            await uow.commit()
    return sent, len(due) == limit


async def _fire(uow: UnitOfWork, core: Core, ctx: Context, nudge: Nudge, channel: _ChannelReminders) -> int:
    if nudge.kind in (NudgeKind.CRISIS_UNACKNOWLEDGED, NudgeKind.CRISIS_SIGN_OFF):
        return await _fire_crisis(uow, core, ctx, nudge)
    if nudge.kind is NudgeKind.PRESS_STAGE:
        return await press_release_effects.fire_nudge(uow, core, ctx, nudge)  # the holder of the current stage
    enquiry = await uow.enquiries.get(nudge.case_ref)
    draft = await uow.drafts.latest(nudge.case_ref) if enquiry else None
    decided = [s.slot.value for s in await uow.drafts.sign_offs(nudge.case_ref, draft.number)
               if s.decision is Decision.APPROVED] if draft else []
    facts = {"version": draft.number if draft else None, "decided": decided}
    if enquiry is None or not still_applies(nudge, enquiry, facts):
        await uow.nudges.finish(nudge, NudgeStatus.CANCELLED, ctx.now)
        return 0
    # Out of hours, reminders wait for the office to open unless the journalist's deadline comes first.
    if nudge.kind in DEFERRED_KINDS:
        later = deferred_until(ctx.now, enquiry.deadline, core.is_open(ctx.now), core.next_open(ctx.now))
        if later is not None:
            await uow.nudges.finish(nudge, NudgeStatus.CANCELLED, ctx.now)
            held = [n for n in await uow.nudges.pending_for(nudge.case_ref)
                    if n.kind is nudge.kind and n.recipient == nudge.recipient
                    and abs(n.due_at - later) < timedelta(minutes=5)]
            if not held:  # reminders held overnight arrive as one at opening time, not several
                await uow.nudges.add(Nudge(nudge.case_ref, nudge.kind, later, nudge.recipient, nudge.seq,
                                           {**nudge.data, "deferred_from": ctx.now.isoformat()}), ctx.now)
            await update_card(uow, core, ctx, enquiry, draft)  # the card shows the new next reminder
            return 0
    platform = enquiry.reporter.platform or "slack"
    send = _Sender(uow, ctx, enquiry, platform)
    match nudge.kind:
        case NudgeKind.UNCLAIMED:
            if core.is_open(ctx.now) or not enquiry.routing.get("asked"):
                channel.add(platform, enquiry, nudge, ctx)  # sent with the batch: one digest if several
            else:  # out of hours with the deadline close: chase the on-call director, not the channel
                on_call = enquiry.routing.get("acknowledged_by") or enquiry.routing["asked"][-1]
                await send.email(on_call, views.unclaimed_reminder_card(enquiry, nudge, ctx))
            if nudge.seq == core.policy.unclaimed_escalate_after:
                for email in _escalation(core):
                    await send.email(email, views.escalation_card(enquiry, "is still unclaimed", ctx))
            await uow.nudges.add(Nudge(enquiry.ref, NudgeKind.UNCLAIMED, ctx.now + core.policy.unclaimed_repeat,
                                       seq=nudge.seq + 1), ctx.now)
        case NudgeKind.DEADLINE:
            assert nudge.recipient is not None
            await send.email(nudge.recipient, views.deadline_reminder_card(enquiry, draft, nudge, ctx))
        case NudgeKind.DEADLINE_MISSED:
            if enquiry.owner and enquiry.owner.email:
                await send.email(enquiry.owner.email, views.escalation_card(enquiry, "has missed its deadline", ctx,
                                                                            for_owner=True))
            for email in _escalation(core):
                if not (enquiry.owner and (enquiry.owner.email or "").lower() == email):
                    await send.email(email, views.escalation_card(enquiry, "has missed its deadline", ctx))
        case NudgeKind.SIGN_OFF:
            assert nudge.recipient is not None and draft is not None
            await send.email(nudge.recipient, views.sign_off_reminder_card(enquiry, draft, nudge, ctx))
            # A snoozed reminder carries on the chain but never escalates a second time.
            if nudge.seq == core.policy.sign_off_escalate_after and not nudge.data.get("snoozed_from"):
                waiting = core.directory.name_of(nudge.recipient)
                for email in _escalation(core):
                    if email != nudge.recipient:
                        await send.email(email, views.escalation_card(
                            enquiry, f"is still waiting for sign-off by {waiting}", ctx))
            await uow.nudges.add(Nudge(enquiry.ref, NudgeKind.SIGN_OFF, ctx.now + core.policy.sign_off_repeat,
                                       nudge.recipient, nudge.seq + 1, dict(nudge.data)), ctx.now)
        case NudgeKind.ON_CALL:
            await _next_on_call(uow, core, ctx, enquiry, nudge, send)
        case _:
            pass
    await uow.nudges.finish(nudge, NudgeStatus.SENT, ctx.now)
    await update_card(uow, core, ctx, enquiry, draft)  # time left, the next reminder, a missed deadline
    return 1


async def _fire_crisis(uow: UnitOfWork, core: Core, ctx: Context, nudge: Nudge) -> int:
    """Crises are chased in minutes, round the clock: a crisis doesn't wait for office hours."""
    crisis = await uow.crises.get(nudge.case_ref)
    draft = await uow.drafts.latest(nudge.case_ref) if crisis else None
    decided = {s.slot.value for s in await uow.drafts.sign_offs(nudge.case_ref, draft.number)} if draft else set()
    if crisis is None:
        live = False
    elif nudge.kind is NudgeKind.CRISIS_UNACKNOWLEDGED:
        live = crisis.state is CrisisState.REPORTED
    else:
        live = (crisis.state is CrisisState.LINE_DRAFTED and draft is not None
                and nudge.data.get("version") == draft.number and nudge.data.get("slot") not in decided)
    if not live:
        await uow.nudges.finish(nudge, NudgeStatus.CANCELLED, ctx.now)
        return 0
    assert crisis is not None
    platform = crisis.reporter.platform or "slack"
    if nudge.kind is NudgeKind.CRISIS_UNACKNOWLEDGED:
        people = _escalation(core)
        if crisis.routing.get("on_call"):
            people = list(dict.fromkeys([crisis.routing["on_call"], *people]))
        if core.rota is not None and not core.is_open(ctx.now):
            people = list(dict.fromkeys([*people, *core.rota.chain(ctx.now)[:2]]))
        card = crisis_views.unacknowledged_card(crisis, ctx, nudge.seq)
        await uow.outbox.add(Outbound(Recipient.comms(platform), card.to_json(), case_ref=crisis.ref), ctx.now)
        for email in people:
            await uow.outbox.add(Outbound(Recipient("email", platform, email), card.to_json(), case_ref=crisis.ref),
                                 ctx.now)
        await uow.nudges.add(Nudge(crisis.ref, NudgeKind.CRISIS_UNACKNOWLEDGED, ctx.now + core.crisis_ack,
                                   seq=nudge.seq + 1), ctx.now)
    else:
        assert nudge.recipient is not None and draft is not None
        card = crisis_views.sign_off_chase_card(crisis, draft, CrisisSlot(nudge.data["slot"]))
        await uow.outbox.add(Outbound(Recipient("email", platform, nudge.recipient), card.to_json(),
                                      case_ref=crisis.ref), ctx.now)
        await uow.nudges.add(Nudge(crisis.ref, NudgeKind.CRISIS_SIGN_OFF, ctx.now + core.crisis_sign_off,
                                   nudge.recipient, nudge.seq + 1, dict(nudge.data)), ctx.now)
    await uow.nudges.finish(nudge, NudgeStatus.SENT, ctx.now)
    return 1


def _escalation(core: Core) -> list[str]:
    """Head of Communications (delegates) and the Director of Communications."""
    return list(dict.fromkeys(core.directory.people_with(Role.SIGN_OFF_DELEGATE)
                              + core.directory.people_with(Role.DIRECTOR_OF_COMMS)))


class _ChannelReminders:
    """The batch's "still unclaimed" reminders for the comms channel: one alone is sent as before; several due
    together go as a digest (one message listing each, with its Claim button) rather than a message each."""

    def __init__(self) -> None:
        self._due: dict[str, list[tuple[Nudge, str, Card, tuple[Fact, Button]]]] = {}

    def add(self, platform: str, enquiry: Enquiry, nudge: Nudge, ctx: Context) -> None:
        # Both forms are built here, inside the nudge's savepoint, so an enquiry that cannot be shown fails
        # alone; putting the digest together afterwards cannot fail.
        self._due.setdefault(platform, []).append((nudge, enquiry.ref, views.unclaimed_reminder_card(
            enquiry, nudge, ctx), views.unclaimed_digest_line(enquiry, ctx)))

    def forget(self, nudge: Nudge) -> None:
        """The nudge's savepoint was rolled back: it was not sent after all."""
        for reminders in self._due.values():
            reminders[:] = [r for r in reminders if r[0] is not nudge]

    async def send(self, uow: UnitOfWork, ctx: Context) -> None:
        for platform, reminders in self._due.items():
            parts = -(-len(reminders) // views.DIGEST_MAX)  # as few digests as fit, as evenly filled as can be
            for k in range(parts):
                chunk = reminders[k * len(reminders) // parts:(k + 1) * len(reminders) // parts]
                if len(chunk) == 1:  # alone: the reminder as it always looked
                    [(_, ref, card, _)] = chunk
                    message = Outbound(Recipient.comms(platform), card.to_json(), case_ref=ref)
                else:
                    card = views.unclaimed_digest_card([line for *_, line in chunk])
                    message = Outbound(Recipient.comms(platform), card.to_json())
                await uow.outbox.add(message, ctx.now)


class _Sender:
    def __init__(self, uow: UnitOfWork, ctx: Context, enquiry: Enquiry, platform: str) -> None:
        self.uow, self.ctx, self.enquiry, self.platform = uow, ctx, enquiry, platform

    async def channel(self, card: views.Card) -> None:
        await self.uow.outbox.add(Outbound(Recipient.comms(self.platform), card.to_json(),
                                           case_ref=self.enquiry.ref), self.ctx.now)

    async def email(self, email: str, card: views.Card) -> None:
        await self.uow.outbox.add(Outbound(Recipient("email", self.platform, email), card.to_json(),
                                           case_ref=self.enquiry.ref), self.ctx.now)


# --- out of hours ------------------------------------------------------------------------------------------

async def route_out_of_hours(uow: UnitOfWork, core: Core, ctx: Context, enquiry: Enquiry) -> None:
    """At logging time: schedule the usual nudges, and out of hours ask the on-call director to acknowledge."""
    for nudge in on_logged(enquiry, ctx.now, core.policy):
        await uow.nudges.add(nudge, ctx.now)
    if core.is_open(ctx.now) or core.rota is None:
        return
    chain = core.rota.chain(ctx.now)
    reason = core.hours.describe_closed(ctx.now) if core.hours else "out of hours"
    enquiry.routing = {"out_of_hours": True, "reason": reason, "asked": chain[:1]}
    if not chain:
        log.warning("enquiry logged out of hours but nobody is on the on-call rota", extra={"case": enquiry.ref})
        return
    platform = enquiry.reporter.platform or "slack"
    await _ask_on_call(uow, core, ctx, enquiry, chain[0], platform, first=True)
    await uow.nudges.add(Nudge(enquiry.ref, NudgeKind.ON_CALL, ctx.now + core.policy.on_call_ack, seq=1,
                               data={"chain": chain}), ctx.now)


async def _ask_on_call(uow: UnitOfWork, core: Core, ctx: Context, enquiry: Enquiry, email: str, platform: str,
                       *, first: bool) -> None:
    card = views.on_call_card(enquiry, ctx, training_url=core.training_url, contacts=core.on_call_contacts,
                              minutes=int(core.policy.on_call_ack.total_seconds() // 60), first=first)
    await uow.outbox.add(Outbound(Recipient("email", platform, email), card.to_json(), case_ref=enquiry.ref,
                                  key=views.on_call_key(enquiry.ref, email)), ctx.now)


async def _next_on_call(uow: UnitOfWork, core: Core, ctx: Context, enquiry: Enquiry, nudge: Nudge,
                        send: _Sender) -> None:
    chain: list[str] = list(nudge.data.get("chain") or [])
    asked: list[str] = list(enquiry.routing.get("asked") or [])
    remaining = [e for e in chain if e not in asked]
    if not remaining:
        await send.channel(views.escalation_card(enquiry, "was logged out of hours and nobody on the on-call rota "
                                                          "has acknowledged it", ctx))
        return
    expected = enquiry.version
    enquiry.routing = {**enquiry.routing, "asked": asked + remaining[:1]}
    await uow.enquiries.save(enquiry, expected, ctx.now)
    await _ask_on_call(uow, core, ctx, enquiry, remaining[0], send.platform, first=False)
    await uow.nudges.add(Nudge(enquiry.ref, NudgeKind.ON_CALL, ctx.now + core.policy.on_call_ack, seq=nudge.seq + 1,
                               data=dict(nudge.data)), ctx.now)


async def acknowledge(core: Core, actor: Actor, ref: str, request_key: str) -> Reply:
    """The on-call director says "I have it": the chase down the rota stops."""
    async def change(uow: UnitOfWork, ctx: Context, enquiry: Enquiry) -> Answer:
        require(core.directory, actor, enquiry, "ack")
        if by := enquiry.routing.get("acknowledged_by"):
            raise ValidationFailed(f"{core.directory.name_of(by)} has already acknowledged {ref}.")
        enquiry.routing = {**enquiry.routing, "acknowledged_by": (actor.email or "").lower(),
                           "acknowledged_at": ctx.now.isoformat()}
        await ENQUIRIES.apply(uow, core, ctx, enquiry, Step(actor, "acknowledge", draft=await uow.drafts.latest(ref)))
        return Reply(text=f"Thank you: you have {ref}. Claim it on the card when you start on it; the "
                          "journalist should hear from you before their deadline.")

    return await ENQUIRIES.run(core, ref, request_key, change)


async def snooze(core: Core, actor: Actor, ref: str, nudge_id: str, request_key: str) -> Reply:
    """"Remind me later": the same reminder again after the snooze time (it still stops if the work is done)."""
    async def change(uow: UnitOfWork, ctx: Context, _: Enquiry) -> Answer:
        original = next((n for n in await uow.nudges.all_for(ref) if str(n.id) == nudge_id), None)
        if original is None:
            raise NotFound("That reminder no longer exists.")
        REMINDER.require(Asked(core.directory, actor, original), "snooze")
        me = (actor.email or "").lower()
        pending = await uow.nudges.pending_for(ref)
        if any(n.data.get("snoozed_from") == original.id for n in pending):
            return Unchanged(Reply(text="That reminder is already snoozed."))
        # Reminders of this kind due before the snooze ends are folded into the one that comes back;
        # later ones (say, 15 minutes before the deadline) stay as they are.
        when = ctx.now + core.policy.snooze
        folded = [n for n in pending if n.kind is original.kind and n.recipient == me and n.due_at <= when]
        for n in folded:
            await uow.nudges.finish(n, NudgeStatus.CANCELLED, ctx.now)
        seq = max([original.seq, *(n.seq for n in folded)])
        await uow.nudges.add(Nudge(ref, original.kind, when, me, seq,
                                   {**original.data, "snoozed_from": original.id}), ctx.now)
        minutes = int(core.policy.snooze.total_seconds() // 60)
        return Reply(text=f"I'll remind you again in {minutes} minutes.")

    return await ENQUIRIES.run(core, ref, request_key, change)
