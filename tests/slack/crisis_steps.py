"""The private replies the crisis suite reads, and its forged click; shared with the press release suite."""

from __future__ import annotations

from cards.model import ActionPayload
from tests.slack.harness import SlackHarness, ephemerals, next_ephemeral, text_of


def replies(slack: SlackHarness, who: tuple) -> list[str]:
    """Everything the bot told `who` privately: ephemerals and plain DMs (a reply to a modal goes to the DM)."""
    return [text_of(e) for e in ephemerals(slack, who)] + [text_of(m) for m in slack.dms(who)]


async def forged(slack: SlackHarness, who: tuple, payload: ActionPayload, where: str) -> dict:
    """A click carrying a button value never shown to `who` (copied, or made up). Returns the private reply."""
    before = len(ephemerals(slack, who))
    status, body = await slack.send(*slack.requests.block_action(who[0], f"md.{payload.a}.0", payload.encode(),
                                                                 channel_id=where))
    assert status == 200, body
    return await next_ephemeral(slack, who, before)
