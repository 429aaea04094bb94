"""Deadlines as people say them on the phone, through Teams activities: "by 5" typed in the 1:1 chat is 17:00 on
the comms channel card, and a one-screen form whose deadline is a guess ("Monday") comes back to the person's
chat to confirm or change instead of going straight to comms."""

from __future__ import annotations

from tests.teams.harness import ANSWERS, COMMS, COMMS_CHANNEL, STAFF, Teams, card_text, inputs_of, titles

# The clock: Friday 27 November 2026, 14:05 London (tests/teams/conftest.py).


async def test_by_5_typed_in_the_chat_is_17_00_on_the_comms_channel_card(teams: Teams) -> None:
    await teams.add_to_comms_channel()
    _, card = await teams.log_a_call([*ANSWERS[:-1], "by 5"])
    text = card_text(card)
    assert "Media enquiry MC-2026-0001" in text and "Today 17:00" in text
    assert "5 Dec" not in text


async def test_monday_in_the_chat_asks_what_time_on_monday(teams: Teams) -> None:
    await teams.add_to_comms_channel()
    await teams.say("media call")
    question = await teams.answer_questions(await teams.next_card(STAFF, 0), ANSWERS[:-1], after=0)
    assert "When do they need a response by?" in card_text(question)
    await teams.say("Monday")
    asked = await teams.card_saying(STAFF, "What time on Monday 30 Nov?")
    assert "Keep current answer" not in titles(asked)
    await teams.say("noon")
    review = await teams.card_saying(STAFF, "check and send")
    assert "Monday 30 Nov, 12:00" in card_text(review)
    await teams.press(review, "Send to comms")
    card = await teams.next_card(COMMS_CHANNEL, 0)
    assert "Monday 30 Nov, 12:00" in card_text(card)


async def _one_screen_form(teams: Teams, deadline: str) -> dict:
    """Sam opens the one-screen form in the chat and sends it; returns the note the form became."""
    await teams.say("media call form")
    form = await teams.next_card(STAFF, 0)
    assert "deadline" in [i["id"] for i in inputs_of(form)]
    _, body = await teams.submit(form, {"journalist": "Sam Reporter", "outlet": "BBC Essex",
                                        "outlet_kind": "broadcast", "phone": "01245 123456",
                                        "summary": "A&E waiting times", "deadline": deadline})
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body  # the form becomes a note
    assert inputs_of(body["value"]) == []
    return body["value"]


async def test_a_one_screen_form_with_monday_is_checked_in_the_chat_and_logged_once_confirmed(teams: Teams) -> None:
    await teams.install(COMMS)
    note = await _one_screen_form(teams, "Monday")
    assert "Not sent yet" in card_text(note)
    review = await teams.card_saying(STAFF, "Please check the deadline")
    shown = card_text(review)
    assert "“Monday” gives no time, so I've put 17:00 on Monday 30 Nov, the end of the working day." in shown
    assert "Monday 30 Nov, 17:00" in shown
    assert titles(review) == ["Go", "Send to comms", "Change the deadline", "Cancel"]
    await teams.settle()
    assert teams.connector.cards_in(COMMS_CHANNEL) == []  # no enquiry until the reading is confirmed

    await teams.press(review, "Send to comms")
    card = await teams.next_card(COMMS_CHANNEL, 0)
    assert "MC-2026-0001" in card_text(card) and "Monday 30 Nov, 17:00" in card_text(card)
    await teams.card_saying(STAFF, "Sent to comms: MC-2026-0001")


async def test_a_one_screen_form_guess_can_be_changed_to_the_time_they_gave(teams: Teams) -> None:
    await teams.add_to_comms_channel()
    await _one_screen_form(teams, "Monday")
    review = await teams.card_saying(STAFF, "Please check the deadline")
    await teams.press(review, "Change the deadline")
    asked = await teams.card_saying(STAFF, "What time on Monday 30 Nov?")
    assert "Keep current answer" in titles(asked)
    await teams.say("half 4")
    review = await teams.card_saying(STAFF, "Monday 30 Nov, 16:30")
    assert "Please check the deadline" not in card_text(review)  # said exactly: nothing left to check
    await teams.press(review, "Send to comms")
    card = await teams.next_card(COMMS_CHANNEL, 0)
    assert "Monday 30 Nov, 16:30" in card_text(card)
