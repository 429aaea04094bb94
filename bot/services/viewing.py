"""A shared card as one person sees it: only the buttons they may press (Teams' user-specific views)."""

from __future__ import annotations

from bot.domain.enquiry import may
from bot.domain.people import Actor
from bot.services.core import Core
from bot.services.enquiries import channel_card
from cards.model import ActionPayload, Card


async def card_for(core: Core, actor: Actor, view: ActionPayload) -> Card | None:
    """The case's channel card for `actor`; None when there is no such case (or no personal view of it)."""
    if view.k != "enquiry":
        return None
    ctx = core.ctx()
    async with core.uow() as uow:
        enquiry = await uow.enquiries.get(view.id)
        if enquiry is None:
            return None
        card = await channel_card(uow, core, ctx, enquiry, await uow.drafts.latest(enquiry.ref))
    mine = card.for_viewer(lambda payload: may(core.directory, actor, enquiry, payload.a))
    return mine.model_copy(update={"view": view})  # so Teams asks again when the card changes
