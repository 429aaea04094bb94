"""What people read in a Teams 1:1 chat while logging a call (through signed activities and the fake Connector):
numbers as they are written, an email typed for the number, help mid-way, what to type when nothing is in progress,
Skip only where it works, the cancel and consent questions, and the one-screen form's own introduction."""

from __future__ import annotations

from typing import Any

from tests.teams.harness import COMMS, DIRECTOR, HEAD, STAFF, Teams, card_text, titles


def _show_card(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The card a ShowCard button opens (Teams' way of asking "are you sure?")."""
    found = [a for a in card.get("actions") or [] if a.get("type") == "Action.ShowCard" and a["title"] == title]
    assert found, f"no {title!r} asking first; buttons: {titles(card)}"
    return found[0]["card"]


async def _to_the_phone_question(teams: Teams) -> dict[str, Any]:
    await teams.say("media call")
    first = await teams.next_card(STAFF, 0)
    phone = await teams.answer_questions(first, ["Sam Reporter", "BBC Essex", "TV or radio"], after=0)
    assert "What's their phone number?" in card_text(phone)
    return phone


async def test_an_email_typed_for_the_phone_becomes_the_email_and_the_number_is_asked_again(teams: Teams) -> None:
    await _to_the_phone_question(teams)
    await teams.say("sam@bbc.example.co.uk")
    again = await teams.next_card(STAFF, 4)
    said = card_text(again)
    assert "What's their phone number?" in said and "question 4 of 7" in said
    assert "I've put it in as the email: sam@bbc.example.co.uk" in said
    assert "doesn't look like a phone number" not in said
    assert "Skip" in titles(again)
    await teams.say("+1 415 555 0100")  # an international number is a number
    summary = await teams.next_card(STAFF, 5)
    assert "What is the enquiry about?" in card_text(summary)  # the email question was answered by the email
    await teams.say("A&E waiting times")
    await teams.next_card(STAFF, 6)
    await teams.say("5pm")
    review = await teams.next_card(STAFF, 7)
    assert "check and send" in card_text(review)
    assert "+1 415 555 0100" in card_text(review) and "sam@bbc.example.co.uk" in card_text(review)


async def test_a_number_not_in_use_in_the_uk_is_saved_with_a_gentle_note(teams: Teams) -> None:
    await _to_the_phone_question(teams)
    await teams.say("07700 900123")
    email = await teams.next_card(STAFF, 4)
    assert "What's their email address?" in card_text(email)
    assert "Saved. That isn't a usual UK number — check it with the journalist if you can." in card_text(email)


async def test_help_mid_way_shows_the_question_again_with_its_hint(teams: Teams) -> None:
    phone = await _to_the_phone_question(teams)
    await teams.say("help")
    again = await teams.next_card(STAFF, 4)
    said = card_text(again)
    assert "What's their phone number?" in said and "question 4 of 7" in said
    assert "take at least a phone number or an email address" in said  # the question's own hint
    assert "Help: answer the question above, or type back, skip or cancel." in said
    assert titles(again) == titles(phone)
    await teams.say("0113 496 0000")  # and the questions carry on
    assert "What's their email address?" in card_text(await teams.next_card(STAFF, 5))


async def test_a_message_with_nothing_in_progress_names_all_three_things_to_start(teams: Teams) -> None:
    await teams.say("hello?")
    said = card_text(await teams.next_card(STAFF, 0))
    for words in ('"media call"', '"crisis"', '"press release"'):
        assert words in said
    await teams.say("help")
    helped = card_text(await teams.next_card(STAFF, 1))
    assert all(words in helped for words in ('"media call"', '"crisis"', '"press release"'))


async def test_skip_and_cancel_as_shown_on_the_questions(teams: Teams) -> None:
    await teams.say("media call")
    first = await teams.next_card(STAFF, 0)
    assert "Skip" not in titles(first)  # the journalist's name is needed
    confirm = _show_card(first, "Cancel")
    assert card_text(confirm["body"]).strip() == "Cancel this media call log? Nothing will be sent to comms."
    assert titles(confirm) == ["Yes, cancel"]
    phone = await teams.answer_questions(first, ["Sam Reporter", "BBC Essex", "Newspaper"], after=0)
    assert "Skip" in titles(phone)
    await teams.press(phone, "Skip")
    email = await teams.next_card(STAFF, 4)
    assert "What's their email address?" in card_text(email)
    assert "Skip" not in titles(email)  # with no number, skipping the email would be refused


async def test_the_one_screen_form_does_not_promise_questions_in_turn(teams: Teams) -> None:
    await teams.say("media call form")
    form = await teams.next_card(STAFF, 0)
    said = card_text(form)
    assert "Don't answer the journalist's questions" in said and "in turn" not in said


async def test_the_confirmation_gives_the_reference_once(teams: Teams) -> None:
    await teams.add_to_comms_channel()
    await teams.log_a_call()
    confirmation = await teams.card_saying(STAFF, "Sent to comms")
    assert card_text(confirmation).count("MC-2026-0001") == 1


async def test_the_consent_question_keeps_its_capital_i(teams: Teams) -> None:
    await teams.install(COMMS, DIRECTOR, HEAD)
    card_id, _ = await teams.log_a_call()
    await teams.claim(card_id)
    card = await teams.draft(card_id, "If you need more, call Jo on 07911 123456 or jo.bloggs@gmail.com.")
    await teams.press(card, "Request sign-off", by=COMMS, on=card_id)
    warning = await teams.card_saying(COMMS, "Check before sign-off")
    ask = _show_card(warning, "I have consent: send anyway")
    assert titles(ask) == ["Yes, I have consent: send anyway"]
    _, body = await teams.press(ask, "Yes, I have consent: send anyway", by=COMMS)
    assert "has gone for sign-off" in body["value"]
