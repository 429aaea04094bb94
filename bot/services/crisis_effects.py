"""A crisis as a case the engine runs (casework): the nudges each event stops and starts, and the cards and
messages it sends (the channel card, the approvers' cards, the official line)."""

from __future__ import annotations

from typing import Any

from bot.domain.crisis import (
    CRISIS_WORKFLOW,
    Crisis,
    CrisisEffect,
    CrisisSlot,
    CrisisState,
    alert_list,
    crisis_approvers,
    required_crisis_slots,
)
from bot.domain.enquiry import Person
from bot.domain.forms import Context
from bot.domain.messages import Outbound, Recipient
from bot.domain.nudges import Nudge, NudgeKind
from bot.domain.people import Role
from bot.domain.workflow import Transition
from bot.ports import UnitOfWork
from bot.services.casework import CaseKind, Effect, Step
from bot.services.core import Core
from cards import crisis_views as views
from cards.model import ActionPayload, Card


async def _reschedule(uow: UnitOfWork, core: Core, ctx: Context, crisis: Crisis, step: Step,
                      moved: Transition[Any, Any]) -> None:
    """Taken on: stop chasing; a new line, a decision or the end: stop chasing approvers; asked: chase them."""
    if step.event in ("acknowledge", "stand_down"):
        await uow.nudges.cancel(crisis.ref, (NudgeKind.CRISIS_UNACKNOWLEDGED,), ctx.now)
    if step.event in ("draft_line", "approve_last", "request_changes", "stand_down"):
        await uow.nudges.cancel(crisis.ref, (NudgeKind.CRISIS_SIGN_OFF,), ctx.now)
    if CrisisEffect.ASK_APPROVERS in moved.effects:
        assert step.draft is not None
        for slot, email in _approvers(core, crisis):
            await uow.nudges.add(Nudge(crisis.ref, NudgeKind.CRISIS_SIGN_OFF, ctx.now + core.crisis_sign_off, email,
                                       data={"version": step.draft.number, "slot": slot.value}), ctx.now)


# --- effects -----------------------------------------------------------------------------------------------

async def channel_card(uow: UnitOfWork, core: Core, ctx: Context, crisis: Crisis) -> Card:
    """The comms channel card as the crisis now stands."""
    draft = await uow.drafts.latest(crisis.ref)
    sign_offs = await uow.drafts.sign_offs(crisis.ref, draft.number) if draft else []
    timeline = [h for h in await uow.history.for_case(crisis.ref) if h.event == "add_update"]
    lines = await uow.holding_lines.active() if crisis.state in (CrisisState.ACKNOWLEDGED, CrisisState.CIRCULATED) \
        else []
    return views.crisis_card(crisis, ctx, core.directory, draft=draft, sign_offs=sign_offs, timeline=timeline,
                             library=lines)


def _viewers(core: Core, crisis: Crisis) -> list[str]:
    """Who may see the crisis card with only their own buttons."""
    d = core.directory
    people = [*d.people_with(Role.COMMS), *alert_list(d), *d.people_with(Role.ON_CALL_DIRECTOR),
              crisis.reporter.email or "", crisis.head_of_department or ""]
    return list(dict.fromkeys(e.lower() for e in people if e))


async def update_card(uow: UnitOfWork, core: Core, ctx: Context, crisis: Crisis) -> None:
    card = (await channel_card(uow, core, ctx, crisis)).model_copy(update={
        "view": ActionPayload(a="view", k="crisis", id=crisis.ref), "viewers": _viewers(core, crisis)})
    await uow.outbox.add(Outbound(Recipient.comms(crisis.reporter.platform or "slack"), card.to_json(),
                                  key=views.crisis_key(crisis.ref), case_ref=crisis.ref), ctx.now)


async def _update_card(uow: UnitOfWork, core: Core, ctx: Context, crisis: Crisis, step: Step) -> None:
    await update_card(uow, core, ctx, crisis)


def _to(person: Person, platform: str) -> Recipient:
    if person.user_id:
        return Recipient.user(person.platform or platform, person.user_id)
    return Recipient("email", person.platform or platform, person.email)


async def _tell_reporter(uow: UnitOfWork, core: Core, ctx: Context, crisis: Crisis, step: Step) -> None:
    card = views.reporter_news_card(crisis, step.event)
    await uow.outbox.add(Outbound(_to(crisis.reporter, "slack"), card.to_json(), case_ref=crisis.ref), ctx.now)


def _approvers(core: Core, crisis: Crisis) -> list[tuple[CrisisSlot, str]]:
    """Each sign-off the line needs, with each person who may give it."""
    return [(slot, email) for slot in required_crisis_slots(crisis)
            for email in crisis_approvers(slot, crisis, core.directory)]


async def _ask_approvers(uow: UnitOfWork, core: Core, ctx: Context, crisis: Crisis, step: Step) -> None:
    assert step.draft is not None
    platform = crisis.reporter.platform or "slack"
    for slot, email in _approvers(core, crisis):
        card = views.crisis_approval_card(crisis, step.draft, slot, email, [], ctx)
        await uow.outbox.add(Outbound(Recipient("email", platform, email), card.to_json(), case_ref=crisis.ref,
                                      key=views.crisis_approval_key(crisis.ref, step.draft.number, slot, email)),
                             ctx.now)


async def _update_approver_cards(uow: UnitOfWork, core: Core, ctx: Context, crisis: Crisis, step: Step) -> None:
    draft = step.superseded or step.draft
    if draft is None:
        return
    sign_offs = await uow.drafts.sign_offs(crisis.ref, draft.number)
    platform = crisis.reporter.platform or "slack"
    for slot, email in _approvers(core, crisis):
        card = views.crisis_approval_card(crisis, draft, slot, email, sign_offs, ctx,
                                          superseded=step.superseded is not None)
        await uow.outbox.add(Outbound(Recipient("email", platform, email), card.to_json(), case_ref=crisis.ref,
                                      key=views.crisis_approval_key(crisis.ref, draft.number, slot, email),
                                      update_only=True), ctx.now)


async def _tell_lead(uow: UnitOfWork, core: Core, ctx: Context, crisis: Crisis, step: Step) -> None:
    if crisis.lead is None or step.decision is None:
        return
    card = views.lead_decision_card(crisis, step.decision)
    await uow.outbox.add(Outbound(_to(crisis.lead, "slack"), card.to_json(), case_ref=crisis.ref), ctx.now)


async def _circulate(uow: UnitOfWork, core: Core, ctx: Context, crisis: Crisis, step: Step) -> None:
    assert step.draft is not None
    platform = crisis.reporter.platform or "slack"
    await uow.outbox.add(Outbound(Recipient.comms(platform), views.official_line_card(crisis, step.draft,
                                                                                      for_reporter=False).to_json(),
                                  case_ref=crisis.ref), ctx.now)
    await uow.outbox.add(Outbound(_to(crisis.reporter, platform),
                                  views.official_line_card(crisis, step.draft, for_reporter=True).to_json(),
                                  case_ref=crisis.ref), ctx.now)


_EFFECTS: dict[CrisisEffect, Effect[Crisis, Step]] = {
    CrisisEffect.UPDATE_CARD: _update_card,
    CrisisEffect.TELL_REPORTER: _tell_reporter,
    CrisisEffect.ASK_APPROVERS: _ask_approvers,
    CrisisEffect.UPDATE_APPROVER_CARDS: _update_approver_cards,
    CrisisEffect.TELL_LEAD: _tell_lead,
    CrisisEffect.CIRCULATE: _circulate,
}

CRISES: CaseKind[Crisis, Step] = CaseKind("crisis", lambda uow: uow.crises, CRISIS_WORKFLOW, _EFFECTS, _reschedule)
