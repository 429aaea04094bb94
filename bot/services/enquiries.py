"""Moving a media enquiry through its workflow table: one transition, its history entry and its effects."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.domain.enquiry import ENQUIRY_WORKFLOW, Effect, Enquiry, EnquiryState, Person, require
from bot.domain.errors import InvalidTransition
from bot.domain.forms import Context
from bot.domain.media_log import EarlierStatement
from bot.domain.messages import Outbound, Recipient
from bot.domain.nudges import CANCELS, SIGN_OFF_KINDS, added_by, goes_at
from bot.domain.people import Actor, Role
from bot.domain.statement import Draft, Slot, approvers, required_slots
from bot.domain.workflow import Transition
from bot.ports import UnitOfWork
from bot.services import casework, media_log
from bot.services.casework import CaseKind
from bot.services.core import Core, Reply
from cards import views
from cards.model import ActionPayload, Card

log = logging.getLogger("mediadesk.enquiries")


@dataclass
class Step(casework.Step):
    previous_owner: Person | None = None  # who owned the enquiry before a claim, release or hand-over


# Taking an enquiry away from its owner needs a card made for the case as it is now: a Release pressed on a
# card from before a hand-over would otherwise release the new owner's enquiry.
_BOUND_TO_VERSION = frozenset({"release", "hand_over"})


async def act_on_enquiry(core: Core, actor: Actor, action: str, ref: str, request_key: str,
                         target: str | None = None, version: int | None = None) -> Reply:
    """Claim, release, hand over or withdraw, from the card's buttons."""
    async def change(uow: UnitOfWork, ctx: Context, enquiry: Enquiry) -> Reply:
        require(core.directory, actor, enquiry, action, target, out_of_hours=not core.is_open(ctx.now))
        if action in _BOUND_TO_VERSION and version != enquiry.version:
            owner = f" {enquiry.owner.name} owns it now." if enquiry.owner else " Nobody owns it now."
            raise InvalidTransition(f"That button is from an earlier version of the {ref} card, so nothing was "
                                    f"changed.{owner} Please use the card as it is now.")
        if action == "claim" and enquiry.state is not EnquiryState.OPEN and enquiry.owner:
            raise InvalidTransition(f"{enquiry.owner.name} has already claimed {ref}.")
        step = Step(actor, action, previous_owner=enquiry.owner,
                    facts={"previous_owner": enquiry.owner.email if enquiry.owner else None})
        if action == "claim":
            enquiry.owner = Person(actor.label, actor.email, actor.platform, actor.user_id)
        elif action == "hand_over":
            enquiry.owner = Person(core.directory.name_of(target or ""), target, actor.platform, None)
        elif action == "release":
            enquiry.owner = None
        step.draft = await uow.drafts.latest(ref)
        await ENQUIRIES.apply(uow, core, ctx, enquiry, step)
        return Reply(text=_DONE.get(action, "Done.").format(ref=ref, owner=enquiry.owner.name if enquiry.owner
                                                           else ""))

    return await ENQUIRIES.run(core, ref, request_key, change)


_DONE = {
    "claim": "You have claimed {ref}. I've sent you the next steps in a direct message.",
    "release": "You released {ref}: it is back in the queue for the comms team.",
    "hand_over": "{ref} is now with {owner}; I've let them know.",
    "withdraw": "{ref} has been withdrawn.",
}


async def _reschedule(uow: UnitOfWork, core: Core, ctx: Context, enquiry: Enquiry, step: Step,
                      moved: Transition[Any, Any]) -> None:
    """Stop the nudges this event makes unnecessary and start the ones it calls for, in the same transaction."""
    if kinds := CANCELS.get(step.event):
        await uow.nudges.cancel(enquiry.ref, kinds, ctx.now)
    if step.event == "approve" and step.decision is not None and isinstance(step.decision.slot, Slot):
        for email in approvers(step.decision.slot, enquiry.plan, core.directory):
            await uow.nudges.cancel(enquiry.ref, SIGN_OFF_KINDS, ctx.now, recipient=email)
    pending: dict[str, list[str]] = {}
    if step.event == "request_sign_off":
        for slot in required_slots(enquiry.plan):
            emails = [e for e in approvers(slot, enquiry.plan, core.directory) if not _owns(enquiry, e)]
            if emails:
                pending[slot.value] = emails
    for nudge in added_by(step.event, enquiry, ctx.now, core.policy, approvers=pending,
                          version=step.draft.number if step.draft else None):
        await uow.nudges.add(nudge, ctx.now)


def _owns(enquiry: Enquiry, email: str) -> bool:
    return bool(enquiry.owner and enquiry.owner.email and enquiry.owner.email.lower() == email.lower())


# --- effects --------------------------------------------------------------------------------------------------

def to_person(person: Person) -> Recipient:
    """Reach a person on the platform we know them from: by user id, else by email."""
    if person.user_id:
        return Recipient.user(person.platform or "slack", person.user_id)
    return Recipient("email", person.platform or "slack", person.email)


def _platform(enquiry: Enquiry) -> str:
    return enquiry.reporter.platform or "slack"


async def _dm(uow: UnitOfWork, ctx: Context, to: Recipient, card: Any, ref: str, key: str | None = None,
              update_only: bool = False) -> None:
    await uow.outbox.add(Outbound(recipient=to, card=card.to_json(), case_ref=ref, key=key, update_only=update_only),
                         ctx.now)


async def _update_card(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, step: Step) -> None:
    await update_card(uow, core, ctx, e, step.draft)


async def channel_card(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, draft: Draft | None) -> Card:
    """The comms channel card as the enquiry now stands, with the next reminder."""
    sign_offs = await uow.drafts.sign_offs(e.ref, draft.number) if draft else []
    pending = await uow.nudges.pending_for(e.ref)
    return views.enquiry_card(e, ctx.now, ctx, core.directory, draft=draft, sign_offs=sign_offs,
                              next_reminder=min((goes_at(n, e.deadline, core.hours) for n in pending), default=None))


def _viewers(core: Core, e: Enquiry) -> list[str]:
    """Who may see the channel card with only their own buttons: those who act on enquiries or watch them."""
    d = core.directory
    people = [*d.people_with(Role.COMMS), *d.people_with(Role.ON_CALL_DIRECTOR),
              *d.people_with(Role.DIRECTOR_OF_COMMS), *d.people_with(Role.SIGN_OFF_DELEGATE),
              *(p.email for p in (e.owner, e.reporter) if p and p.email)]
    return list(dict.fromkeys(email.lower() for email in people))


async def update_card(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, draft: Draft | None) -> None:
    """Queue the comms channel card as it now stands (in place); each viewer may get only their own buttons."""
    card = (await channel_card(uow, core, ctx, e, draft)).model_copy(update={
        "view": ActionPayload(a="view", k="enquiry", id=e.ref), "viewers": _viewers(core, e)})
    await uow.outbox.add(Outbound(recipient=Recipient.comms(_platform(e)), card=card.to_json(),
                                  key=views.enquiry_key(e.ref), case_ref=e.ref), ctx.now)


async def _brief_owner(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, step: Step) -> None:
    """The new owner's brief, with the approved statements most like this enquiry ("have we said this before?")."""
    assert e.owner is not None
    said = await _said_before(core, e)
    if said:  # the owner reads them: an access, recorded like a search (`mediadesk audit who-saw`)
        await uow.history.append(media_log.offered(e.ref, said, e.owner.name, e.owner.email, ctx.now))
    await _dm(uow, ctx, to_person(e.owner), views.owner_brief_card(e, ctx.now, ctx, said), e.ref)


async def _said_before(core: Core, e: Enquiry) -> list[EarlierStatement]:
    if core.media_log is None:
        return []
    try:
        return await media_log.said_before(core.media_log, e.summary, ref=e.ref, before=e.created_at)
    except Exception:  # a help, not the claim: the brief goes without it rather than the claim failing
        log.exception("said before: the earlier statements for %s could not be read", e.ref)
        return []


async def _notify_reporter(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, step: Step) -> None:
    assert e.owner is not None
    text = (f"{e.owner.name} from the communications team has picked up your media enquiry {e.ref} "
            f"({e.journalist}, {e.outlet}). They may contact you for information.")
    await _dm(uow, ctx, to_person(e.reporter), views.reporter_update_card(e, text), e.ref)


async def _notify_previous_owner(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, step: Step) -> None:
    prev, actor = step.previous_owner, step.actor
    if prev is None or (prev.user_id == actor.user_id and prev.platform == actor.platform):
        return
    if prev.email and actor.email and prev.email.lower() == actor.email.lower():
        return
    now_with = f"it is now with {e.owner.name}" if e.owner else "it is back in the queue"
    text = f"{actor.label} took {e.ref} off you: {now_with}."
    await _dm(uow, ctx, to_person(prev), views.notice_card(f"Update on {e.ref}", text), e.ref)


async def _ask_approvers(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, step: Step) -> None:
    assert step.draft is not None
    for slot in required_slots(e.plan):
        for email in approvers(slot, e.plan, core.directory):
            if _owns(e, email):
                continue  # nobody signs off their own draft
            card = views.approval_card(e, step.draft, slot, email, [], ctx, core.directory)
            await _dm(uow, ctx, Recipient("email", _platform(e), email), card, e.ref,
                      key=views.approval_key(e.ref, step.draft.number, slot, email))


async def _update_approver_cards(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, step: Step) -> None:
    """Every approver's card for the affected version shows where things now stand (in place, never new)."""
    draft = step.superseded or step.draft
    if draft is None:
        return
    sign_offs = await uow.drafts.sign_offs(e.ref, draft.number)
    for slot in (Slot.COMMS, Slot.EXECUTIVE):
        for email in approvers(slot, e.plan, core.directory):
            card = views.approval_card(e, draft, slot, email, sign_offs, ctx, core.directory,
                                       superseded_by=step.draft if step.superseded else None)
            await _dm(uow, ctx, Recipient("email", _platform(e), email), card, e.ref,
                      key=views.approval_key(e.ref, draft.number, slot, email), update_only=True)


async def _tell_owner(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, step: Step) -> None:
    if e.owner is None or step.decision is None or step.draft is None:
        return
    await _dm(uow, ctx, to_person(e.owner), views.decision_card(e, step.draft, step.decision, ctx), e.ref)


async def _reporter_closed(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, step: Step) -> None:
    issued = e.plan.issued
    text = (f"The communications team has responded to {e.journalist} ({e.outlet}) about {e.ref}. "
            "The enquiry is closed. Thank you for passing it on.") if issued else (
        f"The communications team has closed {e.ref}. Thank you for passing it on.")
    await _dm(uow, ctx, to_person(e.reporter), views.reporter_update_card(e, text), e.ref)


_EFFECTS: dict[Effect, Callable[[UnitOfWork, Core, Context, Enquiry, Step], Awaitable[None]]] = {
    Effect.UPDATE_CARD: _update_card,
    Effect.BRIEF_OWNER: _brief_owner,
    Effect.NOTIFY_REPORTER: _notify_reporter,
    Effect.NOTIFY_PREVIOUS_OWNER: _notify_previous_owner,
    Effect.ASK_APPROVERS: _ask_approvers,
    Effect.UPDATE_APPROVER_CARDS: _update_approver_cards,
    Effect.TELL_OWNER: _tell_owner,
    Effect.REPORTER_CLOSED: _reporter_closed,
}


ENQUIRIES: CaseKind[Enquiry, Step] = CaseKind(
    "enquiry", lambda uow: uow.enquiries, ENQUIRY_WORKFLOW, _EFFECTS, _reschedule,
    recorded=lambda e: {"owner": e.owner.email if e.owner else None})
