"""What people read in the Slack DM while logging a call: phone numbers as they are really written, an email typed
where the number was asked, help mid-way, what to type when nothing is in progress, Skip only where it works, the
cancel question, one reference on the confirmation and the one-screen form's own introduction."""

from __future__ import annotations

import json

from storage.models import EnquiryRow
from tests.slack.harness import COMMS_CHANNEL, STAFF, Press, SlackHarness, answer, labels, rows, text_of

DM = "D" + STAFF[0]


def blocks_of(message: dict) -> str:
    """What the message shows (its blocks), without the notification text."""
    return json.dumps(message.get("blocks", []), ensure_ascii=False)


async def _to_the_phone_question(slack: SlackHarness, prefill: str = "BBC Essex, A&E waiting times, deadline 4pm"
                                 ) -> dict:
    await slack.command(STAFF, prefill)
    phone = await answer(slack, STAFF, "Sam Reporter", Press("TV or radio"))
    assert "What's their phone number?" in text_of(phone)
    return phone


async def test_a_london_number_with_its_country_code_is_taken_and_shown_as_dialled_here(slack: SlackHarness) -> None:
    await _to_the_phone_question(slack)
    await slack.say(STAFF, "+44 20 7946 0958")
    email = await slack.next_dm(STAFF, 3)
    assert "What's their email address?" in text_of(email)  # taken: on to the next question
    assert "⚠️" not in blocks_of(email)  # no refusal of any kind
    review = await answer(slack, STAFF, Press("Skip"), after=3)
    assert "020 7946 0958" in blocks_of(review)
    await slack.click(STAFF, review, "Send to comms", channel=DM)
    card = await slack.next_in_channel(COMMS_CHANNEL, 0)
    assert "020 7946 0958" in blocks_of(card)
    await slack.settle()
    [enquiry] = await rows(slack.database_url, EnquiryRow)
    assert enquiry.phone == "+442079460958"  # stored once, the same way however it was typed


async def test_a_number_not_in_use_in_the_uk_is_saved_with_a_gentle_note(slack: SlackHarness) -> None:
    await _to_the_phone_question(slack)
    await slack.say(STAFF, "07700 900123")
    email = await slack.next_dm(STAFF, 3)
    shown = blocks_of(email)
    assert "What's their email address?" in shown
    assert "Saved. That isn't a usual UK number — check it with the journalist if you can." in shown
    assert "⚠️" not in shown  # a note, not an error


async def test_an_international_number_typed_after_the_command_is_kept_international(slack: SlackHarness) -> None:
    await slack.command(STAFF, "Le Monde, hospital strike, +1 415 555 0100, deadline 4pm")
    review = await answer(slack, STAFF, "Sam Reporter", Press("Newspaper"), Press("Skip"))
    assert "+1 415 555 0100" in blocks_of(review)


async def test_an_email_typed_for_the_phone_becomes_the_email_and_the_phone_is_asked_again(
        slack: SlackHarness) -> None:
    await _to_the_phone_question(slack)
    await slack.say(STAFF, "sam@bbc.example.co.uk")
    again = await slack.next_dm(STAFF, 3)
    shown = blocks_of(again)
    assert "What's their phone number?" in shown and "question 4 of 7" in shown
    assert "I've put it in as the email: sam@bbc.example.co.uk" in shown
    assert "doesn't look like a phone number" not in shown
    assert "Skip" in labels(again)  # with an email, the number may be left out
    await slack.say(STAFF, "01245 123456")
    review = await slack.next_dm(STAFF, 4)  # the email question was answered by the email
    assert "check and send" in text_of(review)
    assert "sam@bbc.example.co.uk" in blocks_of(review) and "01245 123456" in blocks_of(review)


async def test_help_mid_way_shows_the_question_again_with_its_hint(slack: SlackHarness) -> None:
    phone = await _to_the_phone_question(slack)
    await slack.say(STAFF, "help")
    again = await slack.next_dm(STAFF, 3)
    shown = blocks_of(again)
    assert "What's their phone number?" in shown and "question 4 of 7" in shown
    assert "take at least a phone number or an email address" in shown  # the question's own hint
    assert "Help: answer the question above, or type back, skip or cancel." in shown
    assert labels(again) == labels(phone)
    await slack.say(STAFF, "01245 123456")  # and the conversation carries on from there
    email = await slack.next_dm(STAFF, 4)
    assert "What's their email address?" in text_of(email)


async def test_a_message_with_nothing_in_progress_names_all_three_things_to_start(slack: SlackHarness) -> None:
    await slack.say(STAFF, "hello?")
    reply = await slack.next_dm(STAFF, 0)
    shown = blocks_of(reply)
    for command in ("/media-call", "/crisis", "/press-release"):
        assert command in shown
    await slack.say(STAFF, "help")
    helped = await slack.next_dm(STAFF, 1)
    assert all(command in blocks_of(helped) for command in ("/media-call", "/crisis", "/press-release"))


async def test_skip_is_offered_only_where_it_would_be_accepted(slack: SlackHarness) -> None:
    phone = await _to_the_phone_question(slack)
    assert "Skip" not in labels(slack.dms(STAFF)[0])  # the journalist's name is needed
    assert "Skip" in labels(phone)  # an email may still come
    await slack.click(STAFF, phone, "Skip", channel=DM)
    email = await slack.next_dm(STAFF, 3)
    assert "What's their email address?" in text_of(email)
    assert "Skip" not in labels(email)  # with no number, skipping the email would be refused
    await slack.say(STAFF, "skip")  # typed anyway: refused in words, and still no Skip button
    refused = await slack.next_dm(STAFF, 4)
    assert "We need at least a phone number or an email address" in blocks_of(refused)
    assert "Skip" not in labels(refused)


async def test_the_cancel_question_names_a_media_call_log(slack: SlackHarness) -> None:
    await slack.command(STAFF, "")
    first = await slack.next_dm(STAFF, 0)
    confirms = [e["confirm"]["text"]["text"] for b in first["blocks"] if b["type"] == "actions"
                for e in b["elements"] if e.get("confirm")]
    assert confirms == ["Cancel this media call log? Nothing will be sent to comms."]


async def test_the_confirmation_gives_the_reference_once(slack: SlackHarness) -> None:
    await _to_the_phone_question(slack)
    review = await answer(slack, STAFF, "01245 123456", Press("Skip"), after=2)
    await slack.click(STAFF, review, "Send to comms", channel=DM)
    confirmation = await slack.dm_saying(STAFF, "Sent to comms")
    assert blocks_of(confirmation).count("MC-2026-0001") == 1


async def test_the_one_screen_form_does_not_promise_questions_in_turn(slack: SlackHarness) -> None:
    await slack.command(STAFF, "form")
    (opened,) = await slack.fake.wait_for("views.open")
    intro = json.dumps(opened.args["view"]["blocks"][0])
    assert "Don't answer the journalist's questions" in intro
    assert "in turn" not in intro
