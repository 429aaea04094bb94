"""A press release as a case the engine runs (casework): its step, the sign-off stages nobody needs, due dates
and the chase, and the cards and messages each event sends (the channel card, each person's card)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.enquiry import Person
from bot.domain.forms import Context
from bot.domain.messages import Outbound, Recipient
from bot.domain.nudges import Nudge, NudgeKind, NudgeStatus
from bot.domain.people import Actor, Role
from bot.domain.press_release import (
    COLLATING,
    PRESS_WORKFLOW,
    PressComment,
    PressEffect,
    PressRelease,
    PressState,
    ReleaseKind,
    holders,
    slots_for,
)
from bot.domain.statement import Draft, SignOff
from bot.domain.workflow import Transition
from bot.ports import UnitOfWork
from bot.services.casework import CaseKind, Effect, Step
from bot.services.core import Core, record
from cards import press_views as views
from cards.model import ActionPayload, Card

P = PressState
PRESS_NUDGES = (NudgeKind.PRESS_STAGE,)
_SKIPPABLE = (P.EXTERNAL_SIGN_OFF, P.LEAD_SIGN_OFF, P.QUOTE_APPROVAL)


@dataclass
class PressStep(Step):
    headline: str | None = None  # what the owner hears (TELL_OWNER)
    comment: PressComment | None = None  # what the lead hears (TELL_LEAD), or the text of a comment


def _platform(pr: PressRelease) -> str:
    return pr.requester.platform or "slack"


def due(core: Core, ctx: Context, pr: PressRelease) -> datetime | None:
    if pr.state is P.CLOSED:
        return None
    if pr.state is P.READY:
        for planned in (pr.embargo, pr.preferred):
            if planned and planned > ctx.now:
                return planned
    due = ctx.now + core.press.stage(pr.kind, pr.state)
    return due if pr.kind is ReleaseKind.REACTIVE else core.next_open(due)


# --- the workflow -------------------------------------------------------------------------------------------

def _skip(pr: PressRelease) -> str | None:
    """A sign-off stage nobody needs to sign is passed over, saying why."""
    if pr.state in _SKIPPABLE and not slots_for(pr.state, pr):
        return _why_skipped(pr.state, pr)
    return None


async def _prepare(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep,
                   moved: Transition[Any, Any]) -> None:
    """A new stage has a new due date, and the keys of the cards its people are about to get are kept."""
    if moved.source is not moved.target:
        pr.due = due(core, ctx, pr)
    if PressEffect.NEW_STAGE in moved.effects:
        draft = await uow.drafts.latest(pr.ref)
        for email in await _whose_turn(uow, core, ctx, pr):
            keep_card(pr, email, _card_key(pr, draft, email))


async def _reschedule(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep,
                      moved: Transition[Any, Any]) -> None:
    """A stage left is no longer chased; a new stage is chased from its due date."""
    if moved.source is not moved.target:
        await uow.nudges.cancel(pr.ref, PRESS_NUDGES, ctx.now)
    if PressEffect.NEW_STAGE in moved.effects:
        await schedule_chase(uow, ctx, pr)


def _why_skipped(stage: PressState, pr: PressRelease) -> str:
    return {P.EXTERNAL_SIGN_OFF: "no partners to sign off",
            P.LEAD_SIGN_OFF: "a statement has no project lead sign-off",
            P.QUOTE_APPROVAL: "nobody is quoted"}.get(stage, "nothing to sign")


# --- effects ------------------------------------------------------------------------------------------------

async def _state_of(uow: UnitOfWork, pr: PressRelease) -> tuple[Draft | None, list[SignOff], list[PressComment]]:
    draft = await uow.drafts.latest(pr.ref)
    sign_offs = await uow.drafts.sign_offs(pr.ref, draft.number) if draft else []
    comments = await uow.press_comments.for_case(pr.ref)
    return draft, sign_offs, comments


async def channel_card(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease) -> Card:
    """The comms channel card as the release now stands."""
    draft, sign_offs, comments = await _state_of(uow, pr)
    return views.press_card(pr, ctx, core.directory, draft=draft, sign_offs=sign_offs, comments=comments)


def _viewers(core: Core, pr: PressRelease) -> list[str]:
    """Who may see the release's channel card with only their own buttons."""
    d = core.directory
    people = [*d.people_with(Role.COMMS), *d.people_with(Role.DIRECTOR_OF_COMMS),
              *d.people_with(Role.SIGN_OFF_DELEGATE), _email_of(pr.requester) or "", pr.lead_email() or ""]
    return list(dict.fromkeys(e.lower() for e in people if e))


async def update_channel_card(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease) -> None:
    card = (await channel_card(uow, core, ctx, pr)).model_copy(update={
        "view": ActionPayload(a="view", k="press", id=pr.ref), "viewers": _viewers(core, pr)})
    await uow.outbox.add(Outbound(Recipient.comms(_platform(pr)), card.to_json(), key=views.press_key(pr.ref),
                                  case_ref=pr.ref), ctx.now)


async def _update_card(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep) -> None:
    await update_channel_card(uow, core, ctx, pr)


def _people(pr: PressRelease) -> dict[str, str]:
    return dict(pr.details.get("_cards") or {})


def _card_key(pr: PressRelease, draft: Draft | None, email: str) -> str:
    return views.person_key(pr.ref, pr.state, draft.number if draft else None, email)


def keep_card(pr: PressRelease, email: str, key: str) -> None:
    """Remember the card a person was sent, so every later step updates it (kept with the release)."""
    pr.details = {**pr.details, "_cards": {**_people(pr), email: key}}


async def post_person_card(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, email: str) -> str:
    """A new card for a person whose turn it now is (a fresh message, so they are notified); its key."""
    draft, sign_offs, comments = await _state_of(uow, pr)
    key = _card_key(pr, draft, email)
    card = views.person_card(pr, ctx, core.directory, email, draft=draft, sign_offs=sign_offs, comments=comments)
    await uow.outbox.add(Outbound(Recipient("email", _platform(pr), email), card.to_json(), key=key,
                                  case_ref=pr.ref), ctx.now)
    return key


async def _update_people(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep) -> None:
    """Every card a person was sent shows where the release now stands (buttons only for whoever may act)."""
    draft, sign_offs, comments = await _state_of(uow, pr)
    for email, key in _people(pr).items():
        card = views.person_card(pr, ctx, core.directory, email, draft=draft, sign_offs=sign_offs,
                                 comments=comments)
        await uow.outbox.add(Outbound(Recipient("email", _platform(pr), email), card.to_json(), key=key,
                                      case_ref=pr.ref, update_only=True), ctx.now)


async def _whose_turn(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease) -> list[str]:
    """Who gets a card of their own at the stage the release has reached."""
    draft = await uow.drafts.latest(pr.ref)
    decided = {s.slot.value for s in await uow.drafts.sign_offs(pr.ref, draft.number)} if draft else set()
    owner = _email_of(pr.owner)
    # comms work from the channel card, except while they collate
    people = [email for email in holders(pr, core.directory, decided) if email != owner or pr.state in COLLATING]
    if pr.state is P.READY and pr.embargo and pr.embargo > ctx.now:
        people += core.directory.people_with(Role.DIRECTOR_OF_COMMS)  # the override is theirs to give
    return people


async def _new_stage(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep) -> None:
    """The holders of the new stage are asked on a card of their own (chased from its due date: _reschedule)."""
    for email in await _whose_turn(uow, core, ctx, pr):
        await post_person_card(uow, core, ctx, pr, email)


def _email_of(person: Person | None) -> str | None:
    return (person.email or "").lower() or None if person else None


async def schedule_chase(uow: UnitOfWork, ctx: Context, pr: PressRelease) -> None:
    if pr.due is not None and pr.state is not P.CLOSED:
        await uow.nudges.add(Nudge(pr.ref, NudgeKind.PRESS_STAGE, pr.due, data={"state": pr.state.value}), ctx.now)


def _to(person: Person) -> Recipient:
    if person.user_id:
        return Recipient.user(person.platform or "slack", person.user_id)
    return Recipient("email", person.platform or "slack", person.email)


async def _tell_requester(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep) -> None:
    card = views.requester_news_card(pr, step.event, ctx)
    await uow.outbox.add(Outbound(_to(pr.requester), card.to_json(), case_ref=pr.ref), ctx.now)


async def _tell_owner(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep) -> None:
    if pr.owner is None or not step.headline:
        return
    card = views.owner_news_card(pr, ctx, step.headline, step.comment.text if step.comment else None)
    await uow.outbox.add(Outbound(_to(pr.owner), card.to_json(), case_ref=pr.ref), ctx.now)


async def _tell_lead(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep) -> None:
    lead = pr.lead_email()
    if lead is None or step.comment is None:
        return
    await uow.outbox.add(Outbound(Recipient("email", _platform(pr), lead),
                                  views.lead_news_card(pr, step.comment).to_json(), case_ref=pr.ref), ctx.now)


_EFFECTS: dict[PressEffect, Effect[PressRelease, PressStep]] = {
    PressEffect.UPDATE_CARD: _update_card,
    PressEffect.NEW_STAGE: _new_stage,
    PressEffect.UPDATE_PEOPLE: _update_people,
    PressEffect.TELL_REQUESTER: _tell_requester,
    PressEffect.TELL_OWNER: _tell_owner,
    PressEffect.TELL_LEAD: _tell_lead,
}

# Effects run in PressEffect's order: the new stage's cards are posted before everyone's cards are updated.
PRESS: CaseKind[PressRelease, PressStep] = CaseKind(
    "press release", lambda uow: uow.press_releases, PRESS_WORKFLOW, _EFFECTS, _reschedule, skip=_skip,
    prepare=_prepare, effect_order=tuple(PressEffect))


# --- the chase (called by the nudge tick) -------------------------------------------------------------------

async def fire_nudge(uow: UnitOfWork, core: Core, ctx: Context, nudge: Nudge) -> int:
    """A stage fell due: chase whoever holds it (the channel when nobody has claimed it), then again later."""
    pr = await uow.press_releases.get(nudge.case_ref)
    if pr is None or pr.state is P.CLOSED or pr.state.value != nudge.data.get("state"):
        await uow.nudges.finish(nudge, NudgeStatus.CANCELLED, ctx.now)
        return 0
    if pr.kind is ReleaseKind.PROACTIVE and not core.is_open(ctx.now):
        await uow.nudges.finish(nudge, NudgeStatus.CANCELLED, ctx.now)
        await uow.nudges.add(Nudge(pr.ref, NudgeKind.PRESS_STAGE, core.next_open(ctx.now), seq=nudge.seq,
                                   data=dict(nudge.data)), ctx.now)
        return 0
    draft = await uow.drafts.latest(pr.ref)
    decided = {s.slot.value for s in await uow.drafts.sign_offs(pr.ref, draft.number)} if draft else set()
    card: Card = views.chase_card(pr, ctx, core.directory, decided, nudge.seq)
    people = holders(pr, core.directory, decided)
    if not people:
        await uow.outbox.add(Outbound(Recipient.comms(_platform(pr)), card.to_json(), case_ref=pr.ref), ctx.now)
    for email in people:
        await uow.outbox.add(Outbound(Recipient("email", _platform(pr), email), card.to_json(), case_ref=pr.ref),
                             ctx.now)
    await uow.history.append(record(pr.ref, ctx.now, "chased", _BOT, state=pr.state.value, to=people or ["comms"],
                                    seq=nudge.seq))
    await uow.nudges.add(Nudge(pr.ref, NudgeKind.PRESS_STAGE, ctx.now + core.press.repeat(pr.kind),
                               seq=nudge.seq + 1, data=dict(nudge.data)), ctx.now)
    await uow.nudges.finish(nudge, NudgeStatus.SENT, ctx.now)
    await update_channel_card(uow, core, ctx, pr)  # "overdue" on the card
    return 1


_BOT = Actor(platform="mediadesk", user_id="mediadesk", email=None, name="Media Desk")
