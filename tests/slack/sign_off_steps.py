"""A media call drafted and sent for sign-off in Slack, and what people see of it; shared by the suites."""

from __future__ import annotations

import re
from typing import Any

from tests.slack import harness as h

WORDING = "We are working hard to reduce waiting times at Basildon A&E. <!channel> *bold* <@U123>"


# --- what people see ----------------------------------------------------------------------------------------------

def dm_channel(who: tuple) -> str:
    return "D" + who[0]


def comms_card(slack: h.SlackHarness) -> dict:
    return slack.fake.messages_in(h.COMMS_CHANNEL)[0]


def ref_of(card: dict) -> str:
    found = re.search(r"MC-\d{4}-\d{4}", h.text_of(card))
    assert found, h.text_of(card)
    return found.group(0)


def cards_for(slack: h.SlackHarness, who: tuple) -> list[dict]:
    """The approval cards in `who`'s DMs (not the bot's one-line replies), oldest first."""
    return [m for m in slack.dms(who) if "Sign-off: MC-" in h.text_of(m)]


async def next_card(slack: h.SlackHarness, who: tuple, after: int) -> dict:
    """Wait until `who` has more than `after` approval cards; return the newest."""
    await h.eventually(lambda: len(cards_for(slack, who)) > after, f"approval card {after + 1} for {who[2]}")
    return cards_for(slack, who)[-1]


def dms_saying(slack: h.SlackHarness, who: tuple, words: str) -> list[dict]:
    return [m for m in slack.dms(who) if words in h.text_of(m)]


async def card_says(slack: h.SlackHarness, words: str) -> dict:
    await h.eventually(lambda: words in h.text_of(comms_card(slack)), f"the comms card to say {words!r}")
    await slack.settle()
    return comms_card(slack)


# --- what people do -----------------------------------------------------------------------------------------------

async def write_draft(slack: h.SlackHarness, who: tuple, message: dict, channel: str, label: str, text: str,
                      **more: Any) -> None:
    """Press Draft response / Edit draft on `message`, fill in the modal and save it."""
    opened = len(slack.fake.calls_to("views.open")) + 1
    saved_before = len(dms_saying(slack, who, "Saved draft version"))
    await slack.click(who, message, label, channel=channel)
    values = {"statement": text, "spokesperson": "written", **more}
    status, body = await h.submit_modal(slack, who, opened, values)
    assert status == 200 and body in ("", "{}"), body
    await h.eventually(lambda: len(dms_saying(slack, who, "Saved draft version")) > saved_before, "the draft saved")
    await slack.settle()


async def drafted(slack: h.SlackHarness, text: str = WORDING, outlet: str = "BBC Essex", kind: str = "TV or radio",
                  **more: Any) -> str:
    """Logged, claimed by Casey, version 1 drafted. Returns the reference."""
    card = await h.logged_and_claimed(slack, outlet=outlet, kind=kind)
    await write_draft(slack, h.COMMS_A, card, h.COMMS_CHANNEL, "Draft response", text, **more)
    await card_says(slack, "Draft v1")
    return ref_of(comms_card(slack))


async def press(slack: h.SlackHarness, who: tuple, message: dict, label: str, channel: str) -> dict:
    """Press a button that answers privately; return the ephemeral reply."""
    before = len(h.ephemerals(slack, who))
    status, _ = await slack.click(who, message, label, channel=channel)
    assert status == 200
    return await h.next_ephemeral(slack, who, before)
