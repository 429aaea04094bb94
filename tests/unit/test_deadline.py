"""Unit tests for reading a journalist's deadline (`bot.domain.deadline.parse_deadline`).

Every test injects `now`; the organisation's zone is Europe/London.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.deadline import parse_deadline
from bot.domain.errors import ValidationFailed
from bot.domain.forms import Context
from bot.domain.media_call import MEDIA_CALL

LONDON = ZoneInfo("Europe/London")

# Friday 27 November 2026, 14:05 in London (GMT, so local time equals UTC).
NOW = datetime(2026, 11, 27, 14, 5, tzinfo=LONDON)
# Wednesday 15 July 2026, 10:00 in London (BST, UTC+1).
SUMMER = datetime(2026, 7, 15, 10, 0, tzinfo=LONDON)
# Saturday 24 October 2026, 22:00 BST: the clocks go back at 02:00 BST on Sunday 25 October.
BEFORE_CLOCKS_GO_BACK = datetime(2026, 10, 24, 22, 0, tzinfo=LONDON)
# Saturday 28 March 2026, 22:00 GMT: the clocks go forward at 01:00 GMT on Sunday 29 March.
BEFORE_CLOCKS_GO_FORWARD = datetime(2026, 3, 28, 22, 0, tzinfo=LONDON)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def parse(text: str, now: datetime = NOW) -> datetime:
    return parse_deadline(text, now, LONDON)


def refusal(text: str, now: datetime = NOW) -> str:
    with pytest.raises(ValidationFailed) as caught:
        parse_deadline(text, now, LONDON)
    return caught.value.message


# --- what people type, on a winter Friday afternoon ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4pm", utc(2026, 11, 27, 16, 0)),
        ("4 pm", utc(2026, 11, 27, 16, 0)),
        ("16:00", utc(2026, 11, 27, 16, 0)),
        ("today 4pm", utc(2026, 11, 27, 16, 0)),
        ("tomorrow 10am", utc(2026, 11, 28, 10, 0)),
        ("by tomorrow 10am", utc(2026, 11, 28, 10, 0)),
        ("next Friday noon", utc(2026, 12, 4, 12, 0)),
        ("Monday 9am", utc(2026, 11, 30, 9, 0)),
        ("in 2 hours", utc(2026, 11, 27, 16, 5)),
        ("in 30 minutes", utc(2026, 11, 27, 14, 35)),
        ("in an hour", utc(2026, 11, 27, 15, 5)),
        ("2026-12-01T09:30", utc(2026, 12, 1, 9, 30)),
        ("2026-12-01 09:30", utc(2026, 12, 1, 9, 30)),
        ("2026-12-01T09:30Z", utc(2026, 12, 1, 9, 30)),
        ("2026-12-01T09:30+01:00", utc(2026, 12, 1, 8, 30)),
        ("end of day", utc(2026, 11, 27, 17, 0)),
        ("by end of day", utc(2026, 11, 27, 17, 0)),
        ("eod", utc(2026, 11, 27, 17, 0)),
        ("close of play", utc(2026, 11, 27, 17, 0)),
        ("deadline 4pm", utc(2026, 11, 27, 16, 0)),
        ("Deadline 4pm", utc(2026, 11, 27, 16, 0)),
        ("by 4pm", utc(2026, 11, 27, 16, 0)),
        ("  By 4PM  ", utc(2026, 11, 27, 16, 0)),
        ("01/12 10:00", utc(2026, 12, 1, 10, 0)),  # day first, as written in the UK
    ],
)
def test_readable_deadlines_become_the_exact_utc_instant(text: str, expected: datetime) -> None:
    result = parse(text)
    assert result == expected
    assert result.utcoffset() == timedelta(0)


def test_friday_noon_asked_on_thursday_is_the_next_day() -> None:
    thursday = datetime(2026, 11, 26, 9, 0, tzinfo=LONDON)
    assert parse("Friday noon", thursday) == utc(2026, 11, 27, 12, 0)


@pytest.mark.parametrize("text", ["2pm", "10am", "Friday noon", "today 9am"])
def test_a_time_gone_earlier_today_is_asked_about_not_moved_to_tomorrow(text: str) -> None:
    """At 14:05 "2pm" may mean the deadline has just gone: ask, rather than quietly assume tomorrow."""
    message = refusal(text)
    assert "has already passed" in message and "tomorrow 4pm" in message


def test_a_morning_time_typed_late_in_the_evening_means_tomorrow() -> None:
    evening = datetime(2026, 11, 27, 21, 0, tzinfo=LONDON)
    assert parse("9am", evening) == utc(2026, 11, 28, 9, 0)


@pytest.mark.parametrize("text", ["Friday 4pm", "fri 4pm", "Friday noon"])
def test_todays_weekday_with_a_time_still_ahead_is_today(text: str) -> None:
    """On Friday at 09:00, "Friday 4pm" is this afternoon, not a week later."""
    friday_morning = datetime(2026, 11, 27, 9, 0, tzinfo=LONDON)
    expected = {"Friday noon": utc(2026, 11, 27, 12, 0)}.get(text, utc(2026, 11, 27, 16, 0))
    assert parse(text, friday_morning) == expected


def test_deadline_with_a_colon_is_understood() -> None:
    assert parse("Deadline: 4pm") == utc(2026, 11, 27, 16, 0)


def test_twenty_four_hour_time_without_a_colon() -> None:
    """'1600' is how many NHS and newsroom staff write 4pm: read it, or ask for a readable format."""
    try:
        result = parse("1600")
    except ValidationFailed as exc:
        assert "4pm" in exc.message and "1600 00:00" not in exc.message
    else:
        assert result == utc(2026, 11, 27, 16, 0)


# --- summer time ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4pm", utc(2026, 7, 15, 15, 0)),
        ("tomorrow 10am", utc(2026, 7, 16, 9, 0)),
        ("Friday noon", utc(2026, 7, 17, 11, 0)),
        ("end of day", utc(2026, 7, 15, 16, 0)),
        ("in 2 hours", utc(2026, 7, 15, 11, 0)),
        ("2026-07-16T09:30", utc(2026, 7, 16, 8, 30)),  # local wall-clock time, BST
        ("2026-07-16T09:30Z", utc(2026, 7, 16, 9, 30)),  # explicit UTC is kept as UTC
        ("2026-07-16T09:30+01:00", utc(2026, 7, 16, 8, 30)),
    ],
)
def test_summer_deadlines_are_british_summer_time(text: str, expected: datetime) -> None:
    """In July a wall-clock time is BST, so its UTC instant is one hour earlier."""
    assert parse(text, SUMMER) == expected


def test_tomorrow_just_before_midnight_in_summer_uses_the_local_date() -> None:
    """At 23:30 BST on 14 July it is already 15 July in UTC; "tomorrow" still means 15 July locally."""
    late = datetime(2026, 7, 14, 23, 30, tzinfo=LONDON)
    assert parse("tomorrow 10am", late) == utc(2026, 7, 15, 9, 0)


# --- clock changes -------------------------------------------------------------------------------------------


def test_in_five_hours_across_the_clocks_going_back_counts_elapsed_time() -> None:
    """22:00 BST + 5 real hours is 02:00 GMT (not 03:00, which wall-clock arithmetic would give)."""
    result = parse("in 5 hours", BEFORE_CLOCKS_GO_BACK)
    assert result == utc(2026, 10, 25, 2, 0)
    assert result - BEFORE_CLOCKS_GO_BACK == timedelta(hours=5)
    assert result.astimezone(LONDON).strftime("%H:%M %Z") == "02:00 GMT"


def test_in_five_hours_across_the_clocks_going_forward_counts_elapsed_time() -> None:
    result = parse("in 5 hours", BEFORE_CLOCKS_GO_FORWARD)
    assert result == utc(2026, 3, 29, 3, 0)
    assert result.astimezone(LONDON).strftime("%H:%M %Z") == "04:00 BST"


@pytest.mark.parametrize("text", ["01:30", "1:30am", "25 Oct 01:30", "2026-10-25 01:30", "2026-10-25T01:30"])
def test_the_repeated_hour_when_the_clocks_go_back_is_refused(text: str) -> None:
    message = refusal(text, BEFORE_CLOCKS_GO_BACK)
    assert "clocks go back" in message
    assert "01:30" in message
    assert "25 Oct" in message
    assert '"01:30Z"' in message  # says what to type instead


def test_the_utc_time_suggested_for_the_repeated_hour_is_accepted() -> None:
    assert parse("01:30Z", BEFORE_CLOCKS_GO_BACK) == utc(2026, 10, 25, 1, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:30", utc(2026, 10, 24, 23, 30)),  # still BST
        ("02:30", utc(2026, 10, 25, 2, 30)),  # already GMT
    ],
)
def test_times_either_side_of_the_repeated_hour_are_accepted(text: str, expected: datetime) -> None:
    assert parse(text, BEFORE_CLOCKS_GO_BACK) == expected


@pytest.mark.parametrize("text", ["01:30", "29 Mar 01:30", "2026-03-29T01:30"])
def test_the_skipped_hour_when_the_clocks_go_forward_is_refused(text: str) -> None:
    message = refusal(text, BEFORE_CLOCKS_GO_FORWARD)
    assert "clocks go forward" in message
    assert "01:30 doesn't exist on 29 Mar" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:30", utc(2026, 3, 29, 0, 30)),  # still GMT
        ("02:30", utc(2026, 3, 29, 1, 30)),  # already BST
    ],
)
def test_times_either_side_of_the_skipped_hour_are_accepted(text: str, expected: datetime) -> None:
    assert parse(text, BEFORE_CLOCKS_GO_FORWARD) == expected


# --- refusals say what to type -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", None])
def test_no_deadline_asks_the_question_with_examples(text: str | None) -> None:
    message = refusal(text)  # type: ignore[arg-type]
    assert message.startswith("When do they need a response by?")
    assert '"4pm"' in message and '"in 2 hours"' in message


@pytest.mark.parametrize("text", ["31/02", "25:00", "tomorrow-ish", "within 2 hours", "copenhagen 4pm"])
def test_unreadable_deadlines_are_refused_with_examples(text: str) -> None:
    message = refusal(text)
    assert message.startswith(f'Sorry, I couldn\'t read "{text}" as a time.')
    assert '"4pm"' in message and '"tomorrow 10am"' in message


@pytest.mark.parametrize("text", ["yesterday 4pm", "today 9am", "2026-11-27T14:00"])
def test_a_past_time_is_refused_and_suggests_what_to_say_instead(text: str) -> None:
    message = refusal(text)
    assert "has already passed" in message
    assert '"in 30 minutes"' in message


def test_past_time_message_shows_the_time_understood() -> None:
    assert refusal("yesterday 4pm").startswith("Yesterday 16:00 has already passed.")


@pytest.mark.parametrize("text", ["in 91 days", "2027-03-01", "2027-11-27 10:00"])
def test_more_than_ninety_days_away_is_refused(text: str) -> None:
    message = refusal(text)
    assert "more than 90 days away" in message
    assert '"4pm"' in message


def test_exactly_ninety_days_away_is_accepted() -> None:
    assert parse("in 90 days") == NOW + timedelta(days=90)


def test_refusal_quotes_at_most_80_characters_of_what_was_typed() -> None:
    message = refusal("x" * 500)
    assert f'"{"x" * 80}"' in message
    assert "x" * 81 not in message


@pytest.mark.parametrize(
    "text",
    [
        "x" * 40_000,
        "4pm " * 10_000,
        "9" * 40_000,
        "\U0001f3e5" * 40_000,
        "deadline " * 4_444,
        "in 2 hours" + " " * 39_990,
    ],
    ids=["letters", "repeated-4pm", "digits", "emoji", "repeated-deadline", "padded"],
)
def test_forty_thousand_characters_never_crash(text: str) -> None:
    """The parser either reads it or refuses it politely; no other exception escapes."""
    try:
        result = parse(text)
    except ValidationFailed as exc:
        assert exc.message
        assert len(exc.message) < 400
    else:
        assert result.utcoffset() == timedelta(0)
        assert NOW < result <= NOW + timedelta(days=90)


def test_the_deadline_field_caps_length_before_parsing() -> None:
    """Through the form, a 40,000-character deadline is refused for its length, not parsed."""
    field = MEDIA_CALL.field("deadline")
    with pytest.raises(ValidationFailed) as caught:
        field.validate("4pm" + " x" * 20_000, Context(NOW, LONDON))
    assert "40,003 characters" in caught.value.message
    assert "at most 100" in caught.value.message


def test_the_deadline_field_stores_the_utc_instant_as_iso_text() -> None:
    assert MEDIA_CALL.field("deadline").validate("4pm", Context(NOW, LONDON)) == "2026-11-27T16:00:00+00:00"
