"""The day's anchor of the history chain: recorded once a day, logged, and sent to the Director's chat."""

from __future__ import annotations

import logging

from bot.domain.audit import Anchor
from bot.domain.messages import Outbound, Recipient
from bot.domain.people import Role
from bot.services.core import Core
from cards.record_views import anchor_card

log = logging.getLogger(__name__)


async def anchor_today(core: Core) -> Anchor | None:
    """Record today's anchor unless it is done (by this process or another replica); the anchor, if new."""
    ctx = core.ctx()
    day = ctx.now.astimezone(core.tz).date().isoformat()
    async with core.uow() as uow:
        head = await uow.history.head()
        if head.seq == 0:  # nothing recorded yet: nothing to seal
            return None
        if not await uow.history.add_anchor(day, head, ctx.now):
            return None
        card = anchor_card(head, ctx.now, core.tz).to_json()
        for platform in core.chat_platforms:
            for email in core.directory.people_with(Role.DIRECTOR_OF_COMMS):
                await uow.outbox.add(Outbound(Recipient("email", platform, email), card,
                                              key=f"anchor:{day}:{email}"[:120]), ctx.now)
        await uow.commit()
    # The log is the second place the anchor is kept: a copy that a rewrite of the database cannot reach.
    log.info("history anchor %s %s", day, head.text())
    return head
