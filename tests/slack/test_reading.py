"""What people read, through signed HTTP as Slack sends it: the next step after saving a draft, and long
enquiries shown by their first lines with the whole text one press away (privately)."""

from __future__ import annotations

import pytest

from tests.conformance import check_block_kit
from tests.slack import harness as h
from tests.slack.sign_off_steps import comms_card, dm_channel, drafted, next_card, press

# A long enquiry, as a reporter might paste it: 3,000 characters, many lines, and a last line to look for.
LONG = "\n".join([f"Question {n}: the journalist asks about waiting times at Basildon A&E, the number of "
                  f"corridor patients on {n} November, staffing levels and what the ICB is doing about it."
                  for n in range(1, 25)])
LONG = (LONG[: 3000 - 40] + "\nLast line: the deadline is firm.")[:3000]


async def test_saving_a_draft_offers_request_sign_off_in_the_owners_own_chat(slack: h.SlackHarness) -> None:
    ref = await drafted(slack)
    [saved] = [m for m in slack.dms(h.COMMS_A) if "Saved draft version 1" in h.text_of(m)]
    assert h.labels(saved) == ["Request sign-off", "Edit draft"]
    assert check_block_kit(saved["blocks"]) == []
    reply = await press(slack, h.COMMS_A, saved, "Request sign-off", dm_channel(h.COMMS_A))
    assert f"Version 1 of {ref} has gone for sign-off" in h.text_of(reply)
    await next_card(slack, h.DIRECTOR, 0)
    await h.eventually(lambda: "Waiting for sign-off" in h.text_of(comms_card(slack)), "the card to say so")


async def log_long(slack: h.SlackHarness, summary: str = LONG) -> dict:
    """Sam logs an enquiry with a long text through the one-screen form; returns the channel card."""
    await slack.command(h.STAFF, "form")
    status, body = await h.submit_modal(slack, h.STAFF, 1, {
        "journalist": "Sam Reporter", "outlet": "BBC Essex", "outlet_kind": "broadcast", "phone": "01245 123456",
        "summary": summary, "deadline": "5pm"})
    assert status == 200 and body in ("", "{}"), body
    return await h.eventually(lambda: next(iter(slack.fake.messages_in(h.COMMS_CHANNEL)), None), "the channel card")


def _shown_enquiry(message: dict) -> str:
    """The Enquiry section's text as Slack shows it."""
    [section] = [b["text"]["text"] for b in message["blocks"]
                 if b["type"] == "section" and b.get("text", {}).get("text", "").startswith("*Enquiry*")]
    return section.removeprefix("*Enquiry*\n").replace("&amp;", "&")  # as typed (Slack shows & for &amp;)


async def test_a_long_enquiry_shows_its_first_lines_and_the_whole_text_privately(slack: h.SlackHarness) -> None:
    card = await log_long(slack)
    shown = _shown_enquiry(card)
    assert len(shown) <= 300 and shown.endswith("…") and shown.startswith("Question 1: the journalist asks")
    assert LONG.startswith(shown[:-1]) and LONG[len(shown) - 1] in " \n,"  # cut at a word
    assert "Last line" not in h.text_of(card) and "Show full enquiry" in h.labels(card)
    assert check_block_kit(card["blocks"]) == []

    # Pressed in the channel: the whole text, for the person who pressed only (an ephemeral message).
    posted = len(slack.fake.messages_in(h.COMMS_CHANNEL))
    reply = await press(slack, h.COMMS_A, card, "Show full enquiry", h.COMMS_CHANNEL)
    assert reply["user"] == h.COMMS_A[0] and reply["channel"] == h.COMMS_CHANNEL
    whole = h.text_of(reply)
    assert "Last line: the deadline is firm." in whole and "Question 18" in whole
    assert check_block_kit(reply["blocks"]) == []
    await slack.settle()
    assert len(slack.fake.messages_in(h.COMMS_CHANNEL)) == posted  # nothing posted for everyone

    # Someone with no part in Media Desk is told no, politely.
    refused = await press(slack, h.OUTSIDER, card, "Show full enquiry", h.COMMS_CHANNEL)
    assert "can read it in full" in h.text_of(refused) and "Last line" not in h.text_of(refused)


async def test_reminders_never_repeat_a_long_enquiry(slack: h.SlackHarness) -> None:
    await log_long(slack)
    slack.clock.advance(minutes=15)
    await slack.tick()
    [reminder] = [m for m in slack.fake.messages_in(h.COMMS_CHANNEL) if "Still unclaimed" in h.text_of(m)]
    assert "Last line" not in h.text_of(reminder) and len(h.text_of(reminder)) < 3000
    assert len(_shown_enquiry(reminder)) <= 300 and "Show full enquiry" in h.labels(reminder)
    reply = await press(slack, h.COMMS_A, reminder, "Show full enquiry", h.COMMS_CHANNEL)
    assert "Last line: the deadline is firm." in h.text_of(reply)
    slack.fake.assert_conformant()


@pytest.mark.parametrize("summary", ["A&E waiting times", "Four short lines\nof text\nthat fit\nin full"])
async def test_a_short_enquiry_is_shown_whole_with_nothing_more_to_press(slack: h.SlackHarness, summary: str) -> None:
    card = await log_long(slack, summary)
    assert "Show full enquiry" not in h.labels(card) and "…" not in _shown_enquiry(card)
