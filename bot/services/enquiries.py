"""Acting on a media enquiry from its card: claim, release, hand over, withdraw."""

from __future__ import annotations

from bot.domain.enquiry import ENQUIRY_WORKFLOW, Effect, Enquiry, EnquiryState, Person, authorise
from bot.domain.errors import ConcurrencyConflict, Duplicate, InvalidTransition, NotFound
from bot.domain.forms import Context
from bot.domain.messages import Outbound, Recipient
from bot.domain.people import Actor
from bot.ports import UnitOfWork
from bot.services.core import Core, Reply, record
from cards import views

_MAX_TRIES = 3


async def act_on_enquiry(core: Core, actor: Actor, action: str, ref: str, request_key: str,
                         target: str | None = None) -> Reply:
    """Apply one workflow event; a lost race is retried once against the fresh state, then explained."""
    for attempt in range(_MAX_TRIES):
        try:
            return await _act_once(core, actor, action, ref, request_key, target)
        except ConcurrencyConflict:
            if attempt == _MAX_TRIES - 1:
                raise
        except Duplicate:
            return Reply()
    raise AssertionError("unreachable")


async def _act_once(core: Core, actor: Actor, action: str, ref: str, request_key: str,
                    target: str | None) -> Reply:
    ctx = core.ctx()
    async with core.uow() as uow:
        await uow.mark_request_seen(request_key, ctx.now)
        enquiry = await uow.enquiries.get(ref)
        if enquiry is None:
            raise NotFound(f"I can't find enquiry {ref}.")
        authorise(core.directory, actor, enquiry, action, target)
        try:
            transition = ENQUIRY_WORKFLOW.apply(enquiry.state, action)
        except InvalidTransition as exc:
            if enquiry.state is EnquiryState.CLAIMED and action == "claim" and enquiry.owner:
                raise InvalidTransition(f"{enquiry.owner.name} has already claimed {ref}.") from exc
            raise
        previous = enquiry.owner
        expected = enquiry.version
        enquiry.state = transition.target
        if action == "claim":
            enquiry.owner = Person(actor.label, actor.email, actor.platform, actor.user_id)
        elif action == "hand_over":
            enquiry.owner = Person(core.directory.name_of(target or ""), target, actor.platform, None)
        elif action == "release":
            enquiry.owner = None
        await uow.enquiries.save(enquiry, expected, ctx.now)
        await uow.history.append(record(ref, ctx.now, action, actor, state=enquiry.state.value,
                                        owner=enquiry.owner.email if enquiry.owner else None,
                                        previous_owner=previous.email if previous else None))
        for effect in transition.effects:
            await _EFFECTS[effect](uow, core, ctx, enquiry, actor, previous)
        await uow.commit()
    return Reply(text=_DONE.get(action, "Done.").format(ref=ref, owner=enquiry.owner.name if enquiry.owner else ""))


_DONE = {
    "claim": "You have claimed {ref}. I've sent you the next steps in a direct message.",
    "release": "You released {ref}: it is back in the queue for the comms team.",
    "hand_over": "{ref} is now with {owner}; I've let them know.",
    "withdraw": "{ref} has been withdrawn.",
    "close": "{ref} is closed.",
}


def _to_person(person: Person) -> Recipient:
    """Reach a person on the platform we know them from: by user id, else by email."""
    if person.user_id:
        return Recipient.user(person.platform or "slack", person.user_id)
    return Recipient("email", person.platform or "slack", person.email)


async def _update_card(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, actor: Actor, prev: Person | None) -> None:
    card = views.enquiry_card(e, ctx.now, ctx, core.directory)
    await uow.outbox.add(Outbound(recipient=Recipient.comms(e.reporter.platform or actor.platform),
                                  card=card.to_json(), key=views.enquiry_key(e.ref), case_ref=e.ref), ctx.now)


async def _brief_owner(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, actor: Actor, prev: Person | None) -> None:
    assert e.owner is not None
    await uow.outbox.add(Outbound(recipient=_to_person(e.owner), card=views.owner_brief_card(e, ctx.now, ctx).to_json(),
                                  case_ref=e.ref), ctx.now)


async def _notify_reporter(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, actor: Actor,
                           prev: Person | None) -> None:
    assert e.owner is not None
    text = (f"{e.owner.name} from the communications team has picked up your media enquiry {e.ref} "
            f"({e.journalist}, {e.outlet}). They may contact you for information.")
    await uow.outbox.add(Outbound(recipient=_to_person(e.reporter), card=views.reporter_update_card(e, text).to_json(),
                                  case_ref=e.ref), ctx.now)


async def _notify_previous_owner(uow: UnitOfWork, core: Core, ctx: Context, e: Enquiry, actor: Actor,
                                 prev: Person | None) -> None:
    if prev is None or (prev.user_id == actor.user_id and prev.platform == actor.platform):
        return
    now_with = f"it is now with {e.owner.name}" if e.owner else "it is back in the queue"
    text = f"{actor.label} took {e.ref} off you: {now_with}."
    await uow.outbox.add(Outbound(recipient=_to_person(prev), card=views.notice_card(f"Update on {e.ref}", text).to_json(),
                                  case_ref=e.ref), ctx.now)


_EFFECTS = {
    Effect.UPDATE_CARD: _update_card,
    Effect.BRIEF_OWNER: _brief_owner,
    Effect.NOTIFY_REPORTER: _notify_reporter,
    Effect.NOTIFY_PREVIOUS_OWNER: _notify_previous_owner,
}
