"""Buttons that take an enquiry away from its owner are bound to the case as the card showed it.

Before, Release and Hand over ignored the version their card was made for: a Release pressed on a copy of
the card from before a hand-over released the new owner's enquiry.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.slack.harness import COMMS_A, COMMS_B, COMMS_CHANNEL, SlackHarness, eventually, log_a_call, text_of


def _card(slack: SlackHarness) -> dict[str, Any]:
    [card] = slack.fake.messages_in(COMMS_CHANNEL)
    return card


async def _private_reply(slack: SlackHarness, who: tuple[str, str, str], before: int) -> str:
    replies = await eventually(lambda: [e for e in slack.fake.ephemerals if e["user"] == who[0]][before:],
                               f"a reply to {who[2]}")
    return replies[-1]["text"]


async def test_a_release_from_before_a_hand_over_changes_nothing(slack: SlackHarness) -> None:
    card = await log_a_call(slack)
    await slack.click(COMMS_A, card, "Claim", channel=COMMS_CHANNEL)
    await eventually(lambda: "Claimed by Casey Comms" in text_of(_card(slack)), "the claim")
    await slack.settle()
    claimed = copy.deepcopy(_card(slack))  # the card as Casey last saw it, say on a phone that didn't refresh

    before = len([e for e in slack.fake.ephemerals if e["user"] == COMMS_A[0]])
    await slack.click(COMMS_A, claimed, "Alex Press", channel=COMMS_CHANNEL)  # hand over to Alex
    assert "is now with Alex Press" in await _private_reply(slack, COMMS_A, before)
    await eventually(lambda: "Claimed by Alex Press" in text_of(_card(slack)), "the hand-over on the card")
    await slack.settle()
    handed = copy.deepcopy(_card(slack))

    before += 1
    status, _ = await slack.click(COMMS_A, claimed, "Release", channel=COMMS_CHANNEL)
    assert status == 200
    told = await _private_reply(slack, COMMS_A, before)
    assert "earlier version of the MC-2026-0001 card" in told and "Alex Press owns it now" in told
    await slack.settle()
    assert _card(slack) == handed, "the card is unchanged: Alex still owns the enquiry"

    # The Release on the card as it is now still works (for whoever may press it).
    await slack.click(COMMS_B, handed, "Release", channel=COMMS_CHANNEL)
    await eventually(lambda: "Claim" in text_of(_card(slack)) and "Alex Press" not in text_of(_card(slack)),
                     "the release")
