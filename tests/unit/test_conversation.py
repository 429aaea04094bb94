"""Unit tests for the conversation engine walking MEDIA_CALL, and for `prefill`."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.conversation import TYPED_COMMANDS, Conversation, ConversationStatus
from bot.domain.errors import ValidationFailed
from bot.domain.forms import Context
from bot.domain.media_call import MEDIA_CALL, prefill

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 27, 14, 5, tzinfo=LONDON)  # Friday, GMT
CTX = Context(NOW, LONDON)

ORDER = ["journalist", "outlet", "outlet_kind", "phone", "email", "summary", "deadline"]
ANSWERS = {
    "journalist": "Sam Reporter",
    "outlet": "BBC Essex",
    "outlet_kind": "TV or radio",
    "phone": "01245123456",
    "email": "Sam@Example.co.uk",
    "summary": "A&E waiting times",
    "deadline": "4pm",
}
STORED = {
    "journalist": "Sam Reporter",
    "outlet": "BBC Essex",
    "outlet_kind": "broadcast",
    "phone": "+441245123456",
    "email": "Sam@example.co.uk",
    "summary": "A&E waiting times",
    "deadline": "2026-11-27T16:00:00+00:00",
}
CONTACT_NEEDED = "We need at least a phone number or an email address so comms can get back to the journalist."


def new(answered: int = 0) -> Conversation:
    """A media call conversation in Slack, its first `answered` questions answered."""
    conv = Conversation(form_id=MEDIA_CALL.id, platform="slack", user_id="U1", channel="D1")
    conv.start(MEDIA_CALL)
    for name in ORDER[:answered]:
        conv.answer(MEDIA_CALL, ANSWERS[name], CTX)
    return conv


def at_review() -> Conversation:
    conv = new(answered=len(ORDER))
    assert conv.reviewing
    return conv


def refused(action, *args) -> str:  # noqa: ANN001
    with pytest.raises(ValidationFailed) as caught:
        action(*args)
    return caught.value.message


# --- walking the form ----------------------------------------------------------------------------------------


def test_start_asks_the_first_question() -> None:
    conv = new()
    assert conv.step == "journalist"
    assert conv.status is ConversationStatus.ACTIVE
    assert conv.answers == {}
    assert conv.version == 0
    assert not conv.reviewing


def test_walking_question_by_question_reaches_review() -> None:
    conv = new()
    for i, name in enumerate(ORDER):
        assert conv.step == name
        conv.answer(MEDIA_CALL, ANSWERS[name], CTX)
        assert conv.version == i + 1
    assert conv.step is None
    assert conv.reviewing
    assert conv.answers == STORED


def test_an_invalid_answer_keeps_the_question_and_changes_nothing() -> None:
    conv = new(answered=3)
    version = conv.version
    message = refused(conv.answer, MEDIA_CALL, "hello", CTX)
    assert "I couldn't find a phone number" in message
    assert conv.step == "phone"
    assert "phone" not in conv.answers
    assert conv.version == version


def test_answering_at_review_is_refused() -> None:
    conv = at_review()
    assert refused(conv.answer, MEDIA_CALL, "more", CTX).startswith("Everything is filled in.")


def test_start_with_prefill_asks_only_what_is_missing() -> None:
    conv = Conversation(form_id=MEDIA_CALL.id, platform="slack", user_id="U1")
    conv.start(MEDIA_CALL, {"outlet": "BBC Essex", "summary": "Beds"})
    assert conv.step == "journalist"
    conv.answer(MEDIA_CALL, "Sam", CTX)
    assert conv.step == "outlet_kind"  # the prefilled outlet is not asked again
    conv.answer(MEDIA_CALL, "broadcast", CTX)
    conv.answer(MEDIA_CALL, "01245 123456", CTX)
    conv.skip(MEDIA_CALL)
    assert conv.step == "deadline"  # the prefilled summary is not asked again


def test_prefill_of_everything_starts_at_review() -> None:
    conv = Conversation(form_id=MEDIA_CALL.id, platform="slack", user_id="U1")
    conv.start(MEDIA_CALL, dict(STORED))
    assert conv.reviewing


# --- back ----------------------------------------------------------------------------------------------------


def test_back_from_the_first_question_is_refused() -> None:
    conv = new()
    assert refused(conv.back, MEDIA_CALL) == "This is the first question, so there is nothing to go back to."
    assert conv.step == "journalist"
    assert conv.version == 0


def test_back_goes_to_the_previous_question_keeping_its_answer() -> None:
    conv = new()
    conv.answer(MEDIA_CALL, "Sam", CTX)
    conv.back(MEDIA_CALL)
    assert conv.step == "journalist"
    assert conv.answers["journalist"] == "Sam"
    assert conv.version == 2


def test_back_from_review_goes_to_the_last_question() -> None:
    conv = at_review()
    conv.back(MEDIA_CALL)
    assert conv.step == "deadline"
    assert not conv.reviewing


# --- skip ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["journalist", "outlet", "outlet_kind", "summary", "deadline"])
def test_skipping_a_required_question_is_refused(name: str) -> None:
    conv = new()
    conv.edit(MEDIA_CALL, name)
    version = conv.version
    label = MEDIA_CALL.field(name).label
    assert refused(conv.skip, MEDIA_CALL) == f"{label} is needed, so this question can't be skipped."
    assert conv.step == name
    assert name not in conv.answers
    assert conv.version == version


def test_skipping_the_phone_moves_to_email() -> None:
    conv = new(answered=3)
    conv.skip(MEDIA_CALL)
    assert conv.step == "email"
    assert conv.answers["phone"] is None
    assert conv.version == 4


@pytest.mark.parametrize("how", ["skip", "empty answer"])
def test_skipping_both_phone_and_email_is_refused_at_email(how: str) -> None:
    conv = new(answered=3)
    conv.skip(MEDIA_CALL)
    assert conv.step == "email"
    version = conv.version
    if how == "skip":
        message = refused(conv.skip, MEDIA_CALL)
    else:
        message = refused(conv.answer, MEDIA_CALL, "  ", CTX)
    assert message == CONTACT_NEEDED
    assert conv.step == "email"
    assert "email" not in conv.answers
    assert conv.version == version


def test_skipping_email_after_giving_a_phone_is_allowed() -> None:
    conv = new(answered=4)
    conv.skip(MEDIA_CALL)
    assert conv.answers["email"] is None
    assert conv.step == "summary"


def test_skipping_phone_when_email_was_already_skipped_is_refused() -> None:
    """Changing the phone to 'skip' from review would leave no way to reach the journalist."""
    conv = new(answered=4)
    conv.skip(MEDIA_CALL)  # email skipped: allowed, there is a phone
    conv.answer(MEDIA_CALL, ANSWERS["summary"], CTX)
    conv.answer(MEDIA_CALL, ANSWERS["deadline"], CTX)
    conv.edit(MEDIA_CALL, "phone")
    assert not conv.can_skip(MEDIA_CALL)  # so no Skip button is offered
    assert refused(conv.skip, MEDIA_CALL) == CONTACT_NEEDED
    assert conv.answers["phone"] == "+441245123456"


def test_skip_at_review_is_refused() -> None:
    conv = at_review()
    assert refused(conv.skip, MEDIA_CALL) == "There is no question to skip: you are reviewing your answers."


# --- keep and edit -------------------------------------------------------------------------------------------


def test_keep_after_back_keeps_the_answer_and_moves_on() -> None:
    conv = new()
    conv.answer(MEDIA_CALL, "Sam", CTX)
    conv.answer(MEDIA_CALL, "BBC Essex", CTX)
    conv.back(MEDIA_CALL)
    assert conv.step == "outlet"
    conv.keep(MEDIA_CALL)
    assert conv.step == "outlet_kind"
    assert conv.answers == {"journalist": "Sam", "outlet": "BBC Essex"}
    assert conv.version == 4


def test_keep_from_the_last_question_returns_to_review() -> None:
    conv = at_review()
    conv.back(MEDIA_CALL)
    conv.keep(MEDIA_CALL)
    assert conv.reviewing
    assert conv.answers == STORED


def test_keep_without_an_earlier_answer_is_refused() -> None:
    conv = new()
    assert refused(conv.keep, MEDIA_CALL) == "There is no earlier answer to keep; please answer the question."
    assert conv.version == 0


def test_keep_at_review_is_refused() -> None:
    conv = at_review()
    assert "no earlier answer to keep" in refused(conv.keep, MEDIA_CALL)


@pytest.mark.parametrize(
    ("name", "raw", "stored"),
    [
        ("journalist", "Alex Writer", "Alex Writer"),
        ("outlet_kind", "newspaper", "newspaper"),
        ("phone", "+44 7911 123456", "+447911123456"),
        ("summary", "<!channel> *urgent*", "<!channel> *urgent*"),
        ("deadline", "tomorrow 10am", "2026-11-28T10:00:00+00:00"),
    ],
)
def test_edit_from_review_returns_to_review_after_answering(name: str, raw: str, stored: str) -> None:
    conv = at_review()
    conv.edit(MEDIA_CALL, name)
    assert conv.step == name
    conv.answer(MEDIA_CALL, raw, CTX)
    assert conv.reviewing
    assert conv.answers == {**STORED, name: stored}
    assert conv.version == len(ORDER) + 2


def test_edit_of_an_unknown_question_raises_key_error() -> None:
    """The service turns this into "That isn't one of the questions."; the engine itself does not change."""
    conv = at_review()
    with pytest.raises(KeyError):
        conv.edit(MEDIA_CALL, "favourite_colour")
    assert conv.reviewing
    assert conv.version == len(ORDER)


# --- cancel and submit ---------------------------------------------------------------------------------------


def test_cancel_finishes_the_conversation() -> None:
    conv = new()
    conv.answer(MEDIA_CALL, "Sam", CTX)
    conv.cancel()
    assert conv.status is ConversationStatus.CANCELLED
    assert not conv.reviewing
    assert conv.version == 2


@pytest.mark.parametrize("action", ["answer", "skip", "back", "keep", "edit", "cancel", "check_ready"])
def test_nothing_works_after_cancel(action: str) -> None:
    conv = at_review()
    conv.cancel()
    version = conv.version
    calls = {
        "answer": lambda: conv.answer(MEDIA_CALL, "x", CTX),
        "skip": lambda: conv.skip(MEDIA_CALL),
        "back": lambda: conv.back(MEDIA_CALL),
        "keep": lambda: conv.keep(MEDIA_CALL),
        "edit": lambda: conv.edit(MEDIA_CALL, "outlet"),
        "cancel": conv.cancel,
        "check_ready": lambda: conv.check_ready(MEDIA_CALL, CTX),
    }
    assert refused(calls[action]) == "This form is finished; start a new one if you need to."
    assert conv.version == version
    assert conv.status is ConversationStatus.CANCELLED


def test_check_ready_passes_a_complete_conversation_and_changes_nothing() -> None:
    conv = at_review()
    conv.check_ready(MEDIA_CALL, CTX)
    assert conv.reviewing
    assert conv.version == len(ORDER)


def test_check_ready_before_review_is_refused() -> None:
    conv = new()
    assert refused(conv.check_ready, MEDIA_CALL, CTX) == (
        "There are still questions to answer before this can be sent."
    )


def test_check_ready_sends_a_passed_deadline_back_to_its_question() -> None:
    """The deadline was 16:00; at 16:30 it has passed, so the person is asked again."""
    conv = at_review()
    later = Context(NOW + timedelta(hours=2, minutes=25), LONDON)
    message = refused(conv.check_ready, MEDIA_CALL, later)
    assert message.startswith("The deadline needs another look: Today 16:00 has already passed.")
    assert conv.step == "deadline"
    assert conv.version == len(ORDER) + 1
    conv.answer(MEDIA_CALL, "in 30 minutes", later)
    assert conv.reviewing
    assert conv.answers["deadline"] == "2026-11-27T17:00:00+00:00"
    conv.check_ready(MEDIA_CALL, later)


def test_check_ready_accepts_a_deadline_still_ahead() -> None:
    conv = at_review()
    conv.check_ready(MEDIA_CALL, Context(NOW + timedelta(hours=1, minutes=54), LONDON))
    assert conv.reviewing


def test_check_ready_reports_missing_contact_details() -> None:
    conv = Conversation(form_id=MEDIA_CALL.id, platform="slack", user_id="U1")
    conv.start(MEDIA_CALL, {**STORED, "phone": None, "email": None})
    assert conv.reviewing
    assert refused(conv.check_ready, MEDIA_CALL, CTX) == CONTACT_NEEDED


def test_submitted_records_the_reference() -> None:
    conv = at_review()
    conv.check_ready(MEDIA_CALL, CTX)
    conv.submitted("MC-2026-0042")
    assert conv.status is ConversationStatus.SUBMITTED
    assert conv.case_ref == "MC-2026-0042"
    assert conv.version == len(ORDER) + 1
    assert refused(conv.answer, MEDIA_CALL, "x", CTX).startswith("This form is finished")


def test_version_increases_on_every_change() -> None:
    conv = new()
    versions = [conv.version]
    steps = [
        lambda: conv.answer(MEDIA_CALL, "Sam", CTX),
        lambda: conv.back(MEDIA_CALL),
        lambda: conv.keep(MEDIA_CALL),
        lambda: conv.answer(MEDIA_CALL, "BBC Essex", CTX),
        lambda: conv.answer(MEDIA_CALL, "online", CTX),
        lambda: conv.skip(MEDIA_CALL),
        lambda: conv.answer(MEDIA_CALL, "sam@example.co.uk", CTX),
        lambda: conv.answer(MEDIA_CALL, "Beds", CTX),
        lambda: conv.answer(MEDIA_CALL, "4pm", CTX),
        lambda: conv.edit(MEDIA_CALL, "summary"),
        lambda: conv.answer(MEDIA_CALL, "Beds and trolleys", CTX),
        lambda: conv.back(MEDIA_CALL),
        lambda: conv.answer(MEDIA_CALL, "5pm", CTX),
        lambda: conv.submitted("MC-2026-0001"),
    ]
    for step in steps:
        step()
        versions.append(conv.version)
    assert versions == list(range(len(steps) + 1))


def test_typed_commands() -> None:
    assert TYPED_COMMANDS == {"back": "back", "skip": "skip", "cancel": "cancel", "send": "submit", "submit": "submit",
                              "help": "help", "/help": "help"}


# --- prefill -------------------------------------------------------------------------------------------------


def test_prefill_reads_outlet_summary_and_deadline() -> None:
    answers, notes = prefill("BBC Essex, A&E waiting times, deadline 4pm", CTX)
    assert answers == {"outlet": "BBC Essex", "summary": "A&E waiting times", "deadline": "2026-11-27T16:00:00+00:00"}
    assert notes == []


def test_prefill_reads_an_email_and_a_phone_wherever_they_are() -> None:
    answers, notes = prefill("Echo, sam@example.co.uk, 07911 123456, Beds, by 4pm", CTX)
    assert answers == {
        "outlet": "Echo",
        "email": "sam@example.co.uk",
        "phone": "+447911123456",
        "summary": "Beds",
        "deadline": "2026-11-27T16:00:00+00:00",
    }
    assert notes == []


def test_prefill_with_an_unreadable_deadline_gives_a_note_and_no_deadline() -> None:
    # (This read "deadline asap" until "asap" became a question of its own: see the pending-question tests.)
    answers, notes = prefill("Echo, Beds, deadline tomorrow-ish", CTX)
    assert answers == {"outlet": "Echo", "summary": "Beds"}
    assert len(notes) == 1
    assert notes[0].startswith('Sorry, I couldn\'t read "deadline tomorrow-ish" as a time.')
    assert '"4pm"' in notes[0]


def test_prefill_with_a_past_deadline_gives_a_note() -> None:
    answers, notes = prefill("Echo, deadline yesterday 4pm", CTX)
    assert "deadline" not in answers
    assert notes and "has already passed" in notes[0]


@pytest.mark.parametrize("text", ["", ",,,", " , , "])
def test_prefill_of_nothing_fills_nothing(text: str) -> None:
    assert prefill(text, CTX) == ({}, [])


def test_prefill_keeps_hostile_text_verbatim() -> None:
    answers, _ = prefill("<!channel>, <https://evil|x> *now*", CTX)
    assert answers == {"outlet": "<!channel>", "summary": "<https://evil|x> *now*"}


def test_prefilled_answers_start_a_conversation_at_the_first_gap() -> None:
    answers, _ = prefill("BBC Essex, A&E waiting times, deadline 4pm", CTX)
    conv = Conversation(form_id=MEDIA_CALL.id, platform="slack", user_id="U1")
    conv.start(MEDIA_CALL, answers)
    assert conv.step == "journalist"
    for raw in ["Sam", "broadcast", "01245 123456"]:
        conv.answer(MEDIA_CALL, raw, CTX)
    conv.skip(MEDIA_CALL)
    assert conv.reviewing


def test_prefill_does_not_silently_drop_text() -> None:
    """A summary with a comma in it must not lose its second half without a word."""
    answers, notes = prefill("BBC Essex, waiting times, parking charges, deadline 4pm", CTX)
    assert "parking charges" in answers.get("summary", "") or any("parking charges" in n for n in notes)


# --- a day without a time: the pending-day question ---------------------------------------------------------


def at_deadline() -> Conversation:
    conv = new(answered=len(ORDER) - 1)
    assert conv.step == "deadline"
    return conv


def test_a_day_without_a_time_asks_what_time_on_that_day_and_remembers_it() -> None:
    conv = at_deadline()
    version = conv.version
    conv.answer(MEDIA_CALL, "Monday", CTX)
    assert conv.step == "deadline"  # the same question, asked the new way
    assert "deadline" not in conv.answers
    assert conv.asking("deadline") == "What time on Monday 30 Nov?"
    assert conv.pending == {"deadline": {"ask": "What time on Monday 30 Nov?", "day": "2026-11-30"}}
    assert conv.version == version + 1  # saved, so a restart loses nothing
    conv.answer(MEDIA_CALL, "5", CTX)
    assert conv.reviewing
    assert conv.answers["deadline"] == "2026-11-30T17:00:00+00:00"  # 17:00 on Monday, not today
    assert conv.pending == {} and conv.checks() == {}


def test_the_remembered_day_survives_being_stored_and_read_back() -> None:
    """What storage keeps is plain JSON: a conversation rebuilt from it answers the same way."""
    conv = at_deadline()
    conv.answer(MEDIA_CALL, "tomorrow", CTX)
    stored = json.loads(json.dumps({"answers": conv.answers, "pending": conv.pending}))
    again = Conversation(form_id=MEDIA_CALL.id, platform="slack", user_id="U1", answers=stored["answers"],
                         step="deadline", pending=stored["pending"])
    again.answer(MEDIA_CALL, "noon", CTX)
    assert again.answers["deadline"] == "2026-11-28T12:00:00+00:00"


def test_asap_asks_how_soon_and_the_next_answer_is_read_as_usual() -> None:
    conv = at_deadline()
    conv.answer(MEDIA_CALL, "asap", CTX)
    assert conv.step == "deadline"
    assert (conv.asking("deadline") or "").startswith("How soon do they need it?")
    conv.answer(MEDIA_CALL, "in 1 hour", CTX)
    assert conv.answers["deadline"] == "2026-11-27T15:05:00+00:00" and conv.reviewing


def test_a_guess_moves_on_and_is_kept_to_check_on_the_review_screen() -> None:
    conv = at_deadline()
    conv.answer(MEDIA_CALL, "by 9", CTX)
    assert conv.reviewing
    assert conv.answers["deadline"] == "2026-11-27T21:00:00+00:00"
    assert conv.checks() == {"deadline": '“by 9” read as 21:00 today. If they meant 09:00 tomorrow, Saturday 28 Nov, '
                                         'type "tomorrow 9am".'}
    conv.edit(MEDIA_CALL, "deadline")
    conv.answer(MEDIA_CALL, "9pm", CTX)  # said exactly: nothing left to check
    assert conv.checks() == {}


def test_keeping_a_guess_confirms_it() -> None:
    conv = at_deadline()
    conv.answer(MEDIA_CALL, "end of day", CTX)
    conv.edit(MEDIA_CALL, "deadline")
    conv.keep(MEDIA_CALL)
    assert conv.reviewing and conv.checks() == {}
    assert conv.answers["deadline"] == "2026-11-27T17:00:00+00:00"


def test_a_refused_answer_keeps_the_day_asked_about() -> None:
    conv = at_deadline()
    conv.answer(MEDIA_CALL, "Monday", CTX)
    assert "couldn't read" in refused(conv.answer, MEDIA_CALL, "teatime-ish", CTX)
    assert conv.asking("deadline") == "What time on Monday 30 Nov?"
    conv.answer(MEDIA_CALL, "half 4", CTX)
    assert conv.answers["deadline"] == "2026-11-30T16:30:00+00:00"


def test_prefill_asks_about_a_day_without_a_time_when_the_deadline_comes() -> None:
    readings: dict = {}
    answers, notes = prefill("BBC Essex, waits, deadline Monday", CTX, readings)
    assert "deadline" not in answers and notes == []
    conv = Conversation(form_id=MEDIA_CALL.id, platform="slack", user_id="U1")
    conv.start(MEDIA_CALL, answers, readings)
    for raw in ["Sam", "broadcast", "01245 123456"]:
        conv.answer(MEDIA_CALL, raw, CTX)
    conv.skip(MEDIA_CALL)
    assert conv.step == "deadline" and conv.asking("deadline") == "What time on Monday 30 Nov?"
    conv.answer(MEDIA_CALL, "5", CTX)
    assert conv.answers["deadline"] == "2026-11-30T17:00:00+00:00"


def test_prefill_by_5_is_five_this_afternoon() -> None:
    answers, notes = prefill("BBC Essex, waits, by 5", CTX, {})
    assert answers == {"outlet": "BBC Essex", "summary": "waits", "deadline": "2026-11-27T17:00:00+00:00"}
    assert notes == []


def test_a_one_screen_form_goes_to_review_with_its_guess_to_check() -> None:
    values, errors, unsure = MEDIA_CALL.read_all({**ANSWERS, "deadline": "Monday"}, CTX)
    assert errors == {} and set(unsure) == {"deadline"}
    assert values["deadline"] == "2026-11-30T17:00:00+00:00"
    conv = Conversation(form_id=MEDIA_CALL.id, platform="slack", user_id="U1")
    conv.review(values, unsure)
    assert conv.reviewing
    assert conv.checks()["deadline"].startswith("“Monday” gives no time, so I've put 17:00 on Monday 30 Nov")
    conv.edit(MEDIA_CALL, "deadline")  # "Change the deadline" asks about that day
    assert conv.asking("deadline") == "What time on Monday 30 Nov?"
    conv.answer(MEDIA_CALL, "noon", CTX)
    assert conv.answers["deadline"] == "2026-11-30T12:00:00+00:00" and conv.checks() == {}
    conv.check_ready(MEDIA_CALL, CTX)


# --- what may be skipped, numbers, an email where a number was asked --------------------------------------


def test_skip_is_allowed_only_where_it_would_be_accepted() -> None:
    conv = new()
    assert not conv.can_skip(MEDIA_CALL)  # the journalist's name is needed
    for name in ORDER[:3]:
        conv.answer(MEDIA_CALL, ANSWERS[name], CTX)
    assert conv.step == "phone" and conv.can_skip(MEDIA_CALL)  # the email may still come
    conv.skip(MEDIA_CALL)
    assert conv.step == "email" and not conv.can_skip(MEDIA_CALL)  # no phone: the email is the only way back
    conv.answer(MEDIA_CALL, "sam@example.co.uk", CTX)
    assert not conv.can_skip(MEDIA_CALL)  # the enquiry is needed
    conv.answer(MEDIA_CALL, ANSWERS["summary"], CTX)
    conv.answer(MEDIA_CALL, ANSWERS["deadline"], CTX)
    assert conv.reviewing and not conv.can_skip(MEDIA_CALL)


def test_a_number_not_in_use_is_kept_with_a_gentle_word() -> None:
    conv = new(answered=3)
    said = conv.answer(MEDIA_CALL, "07700 900123", CTX)
    assert said == "Saved. That isn't a usual UK number — check it with the journalist if you can."
    assert conv.answers["phone"] == "+447700900123" and conv.step == "email"


def test_a_usual_number_is_kept_without_a_word() -> None:
    conv = new(answered=3)
    assert conv.answer(MEDIA_CALL, "+1 415 555 0100", CTX) is None
    assert conv.answers["phone"] == "+14155550100"


def test_an_email_typed_for_the_phone_goes_in_as_the_email_and_the_phone_is_asked_again() -> None:
    conv = new(answered=3)
    version = conv.version
    said = conv.answer(MEDIA_CALL, " Sam@Echo.example.co.uk ", CTX)
    assert conv.answers["email"] == "Sam@echo.example.co.uk"
    assert "phone" not in conv.answers and conv.step == "phone"  # the number is asked again
    assert conv.version == version + 1  # the buttons on the old question stop working
    assert said == ("That's an email address, so I've put it in as the email: Sam@echo.example.co.uk. Type their "
                    "phone number here too if you have one, or press Skip.")
    assert conv.can_skip(MEDIA_CALL)
    conv.skip(MEDIA_CALL)
    assert conv.step == "summary"  # the email question is already answered


def test_an_email_for_the_phone_does_not_replace_a_different_email() -> None:
    conv = new(answered=3)
    conv.skip(MEDIA_CALL)
    conv.answer(MEDIA_CALL, "first@example.co.uk", CTX)
    conv.edit(MEDIA_CALL, "phone")
    message = refused(conv.answer, MEDIA_CALL, "second@example.co.uk", CTX)
    assert "the email is already first@example.co.uk" in message
    assert conv.answers["email"] == "first@example.co.uk"


def _at_the_phone() -> Conversation:
    conv = Conversation(form_id="media_call", platform="slack", user_id="U1")
    conv.start(MEDIA_CALL, {"journalist": "Jane Reporter", "outlet": "Essex Chronicle", "outlet_kind": "newspaper"})
    assert conv.step == "phone"
    conv.offer("phone", "We have Jane on record: 01245 123456. Use these?", {"phone": "+441245123456", "email": None})
    return conv


def test_an_offer_on_record_is_asked_instead_and_taken_with_one_step() -> None:
    conv = _at_the_phone()
    assert conv.asking("phone") == "We have Jane on record: 01245 123456. Use these?"
    assert conv.offered("phone") == {"phone": "+441245123456", "email": None}
    assert conv.checks() == {}  # nothing to confirm on the review screen
    json.dumps(conv.pending)  # kept as it is stored

    conv.use_offer(MEDIA_CALL)

    assert (conv.answers["phone"], conv.answers["email"], conv.step) == ("+441245123456", None, "summary")
    assert conv.pending == {}


def test_an_offer_turned_down_or_answered_over_is_gone() -> None:
    conv = _at_the_phone()
    conv.decline_offer()
    assert (conv.step, conv.offered("phone"), conv.asking("phone")) == ("phone", None, None)
    with pytest.raises(ValidationFailed, match="nothing on record"):
        conv.use_offer(MEDIA_CALL)

    conv = _at_the_phone()
    conv.answer(MEDIA_CALL, "01245 777777", CTX)
    assert (conv.answers["phone"], conv.step, conv.pending) == ("+441245777777", "email", {})

    conv = _at_the_phone()
    conv.answer(MEDIA_CALL, "jane@chronicle.example", CTX)  # an email where the number was asked
    assert conv.answers["email"] == "jane@chronicle.example" and conv.offered("phone") is None
