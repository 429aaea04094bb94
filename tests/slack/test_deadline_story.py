"""Deadlines as people say them on the phone, through signed Slack requests: "by 5" is 17:00 on the comms card,
a day without a time is asked about (and remembered across a restart), and a one-screen form whose deadline is a
guess comes back to the person's DM to confirm instead of going straight to comms."""

from __future__ import annotations

import json

from tests.conformance import check_view
from tests.fakes.slack_api import Call
from tests.slack.harness import COMMS_CHANNEL, STAFF, Press, SlackHarness, answer_asked, labels, text_of

DM = "D" + STAFF[0]  # the clock: Friday 27 November 2026, 14:05 (tests/slack/conftest.py)


async def _answer_up_to_the_deadline(slack: SlackHarness) -> None:
    await _answer_the_contacts(slack, "BBC Essex, waiting times at Basildon")  # outlet and enquiry prefilled
    await slack.dm_saying(STAFF, "When do they need a response by")


async def _answer_the_contacts(slack: SlackHarness, prefill: str) -> None:
    """/media-call with `prefill`, then the journalist, the kind of outlet, the phone; the email skipped."""
    await slack.command(STAFF, prefill)
    await answer_asked(slack, STAFF, ("Who is the journalist", "Sam Reporter"),
                       ("What kind of outlet", Press("TV or radio")), ("What's their phone number?", "01245 123456"),
                       ("What's their email address?", Press("Skip")))


async def _send(slack: SlackHarness, review: dict) -> dict:
    await slack.click(STAFF, review, "Send to comms", channel=DM)
    return await slack.next_in_channel(COMMS_CHANNEL, 0)


async def test_by_5_typed_in_the_conversation_is_17_00_on_the_comms_card(slack: SlackHarness) -> None:
    await _answer_up_to_the_deadline(slack)
    await slack.say(STAFF, "by 5")
    review = await slack.dm_saying(STAFF, "check and send")
    assert "Today 17:00 (in about 3 hours)" in text_of(review)
    assert "Please check the deadline" not in text_of(review)  # "by 5" leaves no doubt
    card = await _send(slack, review)
    assert "MC-2026-0001" in text_of(card) and "Today 17:00" in text_of(card)
    assert "5 Dec" not in text_of(card)


async def test_a_day_without_a_time_is_asked_about_and_remembered_across_a_restart(slack: SlackHarness) -> None:
    await _answer_up_to_the_deadline(slack)
    await slack.say(STAFF, "Monday")
    asked = await slack.dm_saying(STAFF, "What time on Monday 30 Nov?")
    assert "check and send" not in text_of(asked)
    assert slack.fake.messages_in(COMMS_CHANNEL) == []

    await slack.restart()  # the pending day is in the database, not in memory
    await slack.say(STAFF, "5")
    review = await slack.dm_saying(STAFF, "check and send")
    assert "Monday 30 Nov, 17:00" in text_of(review)
    card = await _send(slack, review)
    assert "Monday 30 Nov, 17:00" in text_of(card)
    slack.fake.assert_conformant()


def _state(**values: str | None) -> dict:
    out: dict = {name: {"value": values.get(name)} for name in
                 ("journalist", "outlet", "phone", "email", "summary", "deadline")}
    kind = values.get("outlet_kind")
    out["outlet_kind"] = {"value": {"type": "static_select", "selected_option": {
        "value": kind, "text": {"type": "plain_text", "text": kind}} if kind else None}}
    return out


async def _submit(slack: SlackHarness, opened: Call, deadline: str) -> tuple[int, str]:
    """Sam fills in the one-screen form that `opened` opened, the deadline as typed; returns Slack's answer."""
    filled = _state(journalist="Sam Reporter", outlet="Echo", outlet_kind="newspaper", summary="Bed closures",
                    phone="01245 123456", deadline=deadline)
    return await slack.send(*slack.requests.view_submission(
        STAFF[0], "md.form", filled, private_metadata=opened.args["view"]["private_metadata"]))


async def test_a_one_screen_form_with_monday_is_checked_in_the_dm_and_logged_once_confirmed(
        slack: SlackHarness) -> None:
    await slack.command(STAFF, "form")
    (opened,) = await slack.fake.wait_for("views.open")
    assert check_view(opened.args["view"]) == []
    status, body = await _submit(slack, opened, "Monday")
    assert status == 200 and body in ("", "{}")  # the form closes: nothing is wrong with it

    review = await slack.dm_saying(STAFF, "Please check the deadline")
    shown = text_of(review)
    assert "“Monday” gives no time, so I've put 17:00 on Monday 30 Nov, the end of the working day." in shown
    assert "Monday 30 Nov, 17:00" in shown
    assert labels(review)[:2] == ["Send to comms", "Change the deadline"]
    assert "Not sent yet" in text_of(await slack.dm_saying(STAFF, "Not sent yet"))
    await slack.settle()
    assert slack.fake.messages_in(COMMS_CHANNEL) == []  # no enquiry until the reading is confirmed

    card = await _send(slack, review)
    assert "MC-2026-0001" in text_of(card) and "Monday 30 Nov, 17:00" in text_of(card)
    confirmation = await slack.dm_saying(STAFF, "Sent to comms: MC-2026-0001")
    assert "Monday 30 Nov, 17:00" in text_of(confirmation)
    slack.fake.assert_conformant()


async def test_a_one_screen_form_with_an_exact_deadline_still_goes_straight_to_comms(slack: SlackHarness) -> None:
    await slack.command(STAFF, "form")
    (opened,) = await slack.fake.wait_for("views.open")
    status, body = await _submit(slack, opened, "by 5")
    assert status == 200 and body in ("", "{}")
    card = await slack.next_in_channel(COMMS_CHANNEL, 0)
    assert "Today 17:00" in text_of(card)
    assert not [m for m in slack.dms(STAFF) if "Please check the deadline" in text_of(m)]


async def test_a_one_screen_form_asks_inline_when_there_is_nothing_to_propose(slack: SlackHarness) -> None:
    slack.clock.set(slack.clock.now().replace(hour=17, minute=30))
    await slack.command(STAFF, "form")
    (opened,) = await slack.fake.wait_for("views.open")
    status, body = await _submit(slack, opened, "today")
    assert json.loads(body) == {"response_action": "errors", "errors": {"deadline": "What time today?"}}


async def test_the_form_opened_from_the_conversation_comes_back_to_it_for_the_check(slack: SlackHarness) -> None:
    await slack.command(STAFF, "Echo, bed closures")
    first = await slack.dm_saying(STAFF, "Who is the journalist")
    await slack.click(STAFF, first, "Use a form instead", channel=DM)
    (opened,) = await slack.fake.wait_for("views.open")
    status, body = await _submit(slack, opened, "first thing")
    assert status == 200 and body in ("", "{}")
    review = await slack.dm_saying(STAFF, "Please check the deadline")
    assert "“first thing” read as 09:00 tomorrow, Saturday 28 Nov" in text_of(review)
    await slack.click(STAFF, first, "Cancel", channel=DM)  # the conversation moved on: its old buttons are stale
    await slack.fake.wait_for("chat.postEphemeral")
    assert "earlier question" in slack.fake.calls_to("chat.postEphemeral")[-1].args["text"]
    card = await _send(slack, review)
    assert "Tomorrow 09:00" in text_of(card)


async def test_a_day_typed_after_the_command_is_asked_about_when_the_deadline_comes(slack: SlackHarness) -> None:
    await _answer_the_contacts(slack, "BBC Essex, waiting times at Basildon, by Monday")
    asked = await slack.dm_saying(STAFF, "What time on Monday 30 Nov?")
    assert "Just the time will do" in text_of(asked)
    await slack.say(STAFF, "half 4")
    review = await slack.dm_saying(STAFF, "check and send")
    assert "Monday 30 Nov, 16:30" in text_of(review)
