"""A shared card as one person sees it: only the buttons they may press (Teams' user-specific views)."""

from __future__ import annotations

from bot.domain import crisis as crisis_rules
from bot.domain import enquiry as enquiry_rules
from bot.domain import press_release as press_rules
from bot.domain.messages import MessageRef, Outbound, Recipient
from bot.domain.people import Actor
from bot.services import crisis_effects, enquiries, press_release_effects
from bot.services.core import Core, Reply
from cards import crisis_views, press_views, views
from cards.model import ActionPayload, Card

_CHANNEL_KEYS = {"enquiry": views.enquiry_key, "crisis": crisis_views.crisis_key, "press": press_views.press_key}


async def retire_if_copy(core: Core, view: ActionPayload, shown_in: MessageRef) -> Card | None:
    """When the card shown in `shown_in` is not the case's live channel card (a second post of it that the
    platform accepted but never told us about), make it point to the live one, for everyone; the card to show."""
    key_for = _CHANNEL_KEYS.get(view.k)
    if key_for is None:
        return None
    now = core.ctx().now
    async with core.uow() as uow:
        live = await uow.outbox.ref_for(shown_in.platform, key_for(view.id))
        if live is None or live.ts == shown_in.ts:
            return None
        notice = views.notice_card(f"{view.id}: an extra copy", (
            f"This is an extra copy of the card for {view.id}, posted twice by mistake. Nothing can be done "
            "from it: use the live card for the case, further down this channel."))
        if await uow.outbox.replace_copy(MessageRef(shown_in.platform, live.channel, shown_in.ts),
                                         Outbound(Recipient.comms(shown_in.platform), notice.to_json(),
                                                  case_ref=view.id), now):
            await uow.commit()
    return notice


async def card_for(core: Core, actor: Actor, view: ActionPayload) -> Card | None:
    """The case's channel card for `actor`; None when there is no such case (or no personal view of it)."""
    ctx, directory = core.ctx(), core.directory
    async with core.uow() as uow:
        if view.k == "enquiry" and (enquiry := await uow.enquiries.get(view.id)) is not None:
            card = await enquiries.channel_card(uow, core, ctx, enquiry, await uow.drafts.latest(enquiry.ref))
            closed = not core.is_open(ctx.now)
            mine = card.for_viewer(
                lambda p: enquiry_rules.may(directory, actor, enquiry, p.a, p.x, out_of_hours=closed))
        elif view.k == "crisis" and (crisis := await uow.crises.get(view.id)) is not None:
            card = await crisis_effects.channel_card(uow, core, ctx, crisis)
            mine = card.for_viewer(lambda p: crisis_rules.may(directory, actor, crisis, p.a, p.x))
        elif view.k == "press" and (release := await uow.press_releases.get(view.id)) is not None:
            card = await press_release_effects.channel_card(uow, core, ctx, release)
            mine = card.for_viewer(lambda p: press_rules.may(directory, actor, release, p.a, p.x))
        else:
            return None
    return mine.model_copy(update={"view": view})  # so Teams asks again when the card changes


async def full_enquiry(core: Core, actor: Actor, ref: str) -> Reply:
    """The whole text of an enquiry whose card shows only its start, for `actor` alone."""
    async with core.uow() as uow:
        enquiry = await enquiries.ENQUIRIES.load(uow, ref)
    enquiry_rules.require(core.directory, actor, enquiry, "show")
    return Reply(text=f"I've sent you the full enquiry {ref} in your chat with Media Desk.",
                 card=views.full_enquiry_card(enquiry, core.ctx()))
