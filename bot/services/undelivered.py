"""When a person can no longer be reached on their platform: record it on the case and tell the comms team."""

from __future__ import annotations

from bot.domain.messages import HistoryEntry, Outbound, Recipient
from bot.services.core import Core
from cards import views
from cards.model import Card

EVENT = "recipient_unreachable"
NEVER_OPENED = "never opened"  # how a delivery's reason starts when it has no chat with the person at all
SYSTEM = "Media Desk"
_PLATFORMS = {"teams": "Microsoft Teams", "slack": "Slack"}


async def recipient_unreachable(core: Core, message: Outbound, reason: str) -> None:
    """`message` could not reach its person (they removed or blocked the bot). Once per person and case, a
    notice goes to the comms channel of the same platform, so someone can reach them another way."""
    recipient = message.recipient
    if recipient.kind == "comms_channel":
        return  # nowhere to tell: the relay's log and the outbox row say it
    now = core.clock.now()
    who = _name(core, recipient)
    async with core.uow() as uow:
        if message.case_ref:
            told = [h for h in await uow.history.for_case(message.case_ref)
                    if h.event == EVENT and h.data.get("recipient") == recipient.address]
            await uow.history.append(HistoryEntry(
                case_ref=message.case_ref, at=now, event=EVENT, actor=SYSTEM, actor_email=None,
                data={"platform": recipient.platform, "recipient": recipient.address, "reason": reason[:300],
                      "message": str(message.card.get("title", ""))[:200]}))
            if told:  # the team already knows about this person on this case: one notice is enough
                await uow.commit()
                return
        await uow.outbox.add(Outbound(Recipient.comms(recipient.platform), _notice(who, message, reason).to_json(),
                                      case_ref=message.case_ref), now)
        await uow.commit()


def _name(core: Core, recipient: Recipient) -> str:
    address = recipient.address or "someone"
    return core.directory.name_of(address) if recipient.kind == "email" else address


def _notice(who: str, message: Outbound, reason: str) -> Card:
    title = str(message.card.get("title") or "a message")
    platform = _PLATFORMS.get(message.recipient.platform, message.recipient.platform)
    if reason.startswith(NEVER_OPENED):
        text = (f"Media Desk could not send \"{title}\" to {who}: they have not opened Media Desk in {platform} "
                "yet, so it can't reach them. Please contact them another way, and ask them to open Media Desk "
                "once so that it can reach them next time.")
    else:
        text = (f"Media Desk could not send \"{title}\" to {who}: they have removed Media Desk or blocked it in "
                f"{platform}. Please contact them another way, and ask them to open Media Desk again so that it "
                "can reach them.")
    return views.notice_card(f"Couldn't reach {who}", text)
