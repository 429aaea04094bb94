"""A shared card as one person sees it: only the buttons they may press (Teams' user-specific views)."""

from __future__ import annotations

from bot.domain import crisis as crisis_rules
from bot.domain import enquiry as enquiry_rules
from bot.domain import press_release as press_rules
from bot.domain.people import Actor
from bot.services import crises, enquiries, press_releases
from bot.services.core import Core, Reply
from cards import views
from cards.model import ActionPayload, Card


async def card_for(core: Core, actor: Actor, view: ActionPayload) -> Card | None:
    """The case's channel card for `actor`; None when there is no such case (or no personal view of it)."""
    ctx, directory = core.ctx(), core.directory
    async with core.uow() as uow:
        if view.k == "enquiry" and (enquiry := await uow.enquiries.get(view.id)) is not None:
            card = await enquiries.channel_card(uow, core, ctx, enquiry, await uow.drafts.latest(enquiry.ref))
            closed = not core.is_open(ctx.now)
            mine = card.for_viewer(lambda p: enquiry_rules.may(directory, actor, enquiry, p.a, out_of_hours=closed))
        elif view.k == "crisis" and (crisis := await uow.crises.get(view.id)) is not None:
            card = await crises.channel_card(uow, core, ctx, crisis)
            mine = card.for_viewer(lambda p: crisis_rules.may(directory, actor, crisis, p.a, p.x))
        elif view.k == "press" and (release := await uow.press_releases.get(view.id)) is not None:
            card = await press_releases.channel_card(uow, core, ctx, release)
            mine = card.for_viewer(lambda p: press_rules.may(directory, actor, release, p.a, p.x))
        else:
            return None
    return mine.model_copy(update={"view": view})  # so Teams asks again when the card changes


async def full_enquiry(core: Core, actor: Actor, ref: str) -> Reply:
    """The whole text of an enquiry whose card shows only its start, for `actor` alone."""
    async with core.uow() as uow:
        enquiry = await enquiries.load(uow, ref)
    enquiry_rules.require(core.directory, actor, enquiry, "show")
    return Reply(text=f"I've sent you the full enquiry {ref} in your chat with Media Desk.",
                 card=views.full_enquiry_card(enquiry, core.ctx()))
