"""Unit tests for reading a journalist's deadline (`bot.domain.deadline.parse_deadline` and `read_deadline`).

Every test injects `now`; the organisation's zone is Europe/London.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.deadline import Reading, examples, parse_deadline, read_deadline
from bot.domain.errors import ValidationFailed
from bot.domain.forms import Context
from bot.domain.media_call import MEDIA_CALL
from bot.domain.office_hours import OfficeHours

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
    ("now", "text", "expected"),
    [
        pytest.param(BEFORE_CLOCKS_GO_BACK, "00:30", utc(2026, 10, 24, 23, 30), id="repeated-hour-before-still-bst"),
        pytest.param(BEFORE_CLOCKS_GO_BACK, "02:30", utc(2026, 10, 25, 2, 30), id="repeated-hour-after-already-gmt"),
        pytest.param(BEFORE_CLOCKS_GO_FORWARD, "00:30", utc(2026, 3, 29, 0, 30), id="skipped-hour-before-still-gmt"),
        pytest.param(BEFORE_CLOCKS_GO_FORWARD, "02:30", utc(2026, 3, 29, 1, 30), id="skipped-hour-after-already-bst"),
    ],
)
def test_times_either_side_of_the_hour_the_clocks_change_are_accepted(now: datetime, text: str,
                                                                       expected: datetime) -> None:
    assert parse(text, now) == expected


@pytest.mark.parametrize("text", ["01:30", "29 Mar 01:30", "2026-03-29T01:30"])
def test_the_skipped_hour_when_the_clocks_go_forward_is_refused(text: str) -> None:
    message = refusal(text, BEFORE_CLOCKS_GO_FORWARD)
    assert "clocks go forward" in message
    assert "01:30 doesn't exist on 29 Mar" in message


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


# --- deadlines as people say them on the phone (issue 11) ----------------------------------------------------
# A reading says what was understood, whether the words leave no doubt, and one plain sentence explaining it.

# Wednesday 2 December 2026, 10:00 GMT: "5" and "4" must not become 5 or 4 December.
WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=LONDON)
FRIDAY_EVENING = datetime(2026, 11, 27, 19, 0, tzinfo=LONDON)
# Thursday 24 December 2026, 16:00: Friday 25 December is a bank holiday (Christmas Day).
CHRISTMAS_EVE = datetime(2026, 12, 24, 16, 0, tzinfo=LONDON)
CLOSED = OfficeHours(LONDON).closed_reason


def at(now: datetime, hour: int, minute: int = 0, days: int = 0) -> datetime:
    """A wall-clock time `days` after `now`'s day, as the UTC instant it is."""
    local = datetime.combine(now.date() + timedelta(days=days), datetime.min.time(), tzinfo=LONDON)
    return local.replace(hour=hour, minute=minute).astimezone(UTC)


def read(text: str, now: datetime = NOW, **kwargs) -> Reading:  # noqa: ANN003
    return read_deadline(text, now, LONDON, **kwargs)


def read_refusal(text: str, now: datetime = NOW, **kwargs) -> str:  # noqa: ANN003
    with pytest.raises(ValidationFailed) as caught:
        read_deadline(text, now, LONDON, **kwargs)
    return caught.value.message


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [
        ("5", 17, 0), ("by 5", 17, 0), ("4", 16, 0), ("by 4", 16, 0), ("half 4", 16, 30), ("4.30", 16, 30),
        ("4:30", 16, 30), ("5 o'clock", 17, 0), ("5 oclock", 17, 0), ("quarter past 3", 15, 15),
        ("quarter to 5", 16, 45), ("half past 4", 16, 30), ("ten past three", 15, 10), ("by five", 17, 0),
        ("1", 13, 0), ("7", 19, 0), ("half 7", 19, 30), ("Deadline: 5", 17, 0), ("at 5", 17, 0),
        ("5pm", 17, 0), ("17:00", 17, 0), ("1600", 16, 0), ("4pm", 16, 0),
    ],
)
def test_a_bare_hour_is_a_time_of_day_in_the_afternoon_never_a_day_of_the_month(
        text: str, hour: int, minute: int) -> None:
    reading = read(text, WEDNESDAY)
    assert reading.when == at(WEDNESDAY, hour, minute)  # today, 2 December: not the 5th or the 4th
    assert reading.certain and reading.question is None
    assert reading.sentence == f"“{text}” read as {hour:02d}:{minute:02d} today."


def test_the_one_screen_form_reads_a_bare_hour_as_a_time_of_day() -> None:
    assert MEDIA_CALL.field("deadline").validate("5", Context(WEDNESDAY, LONDON)) == "2026-12-02T17:00:00+00:00"


@pytest.mark.parametrize(
    ("now", "text", "expected", "other"),
    [
        (NOW, "9", at(NOW, 21), '"tomorrow 9am"'),  # 14:05: the evening comes next
        (NOW, "by 10", at(NOW, 22), '"tomorrow 10am"'),
        (NOW, "8.30", at(NOW, 20, 30), '"tomorrow 8:30am"'),
        (datetime(2026, 11, 27, 7, 30, tzinfo=LONDON), "9", at(NOW, 9), '"9pm"'),  # early: this morning
        (datetime(2026, 11, 27, 7, 30, tzinfo=LONDON), "half 11", at(NOW, 11, 30), '"11:30pm"'),
    ],
)
def test_eight_to_eleven_is_the_next_morning_or_evening_and_says_so(
        now: datetime, text: str, expected: datetime, other: str) -> None:
    reading = read(text, now)
    assert reading.when == expected
    assert not reading.certain and reading.question is None  # a guess: stated, and confirmed on a form
    assert other in reading.sentence


def test_nine_typed_at_ten_at_night_is_tomorrow_morning_not_a_deadline_gone() -> None:
    reading = read("9", datetime(2026, 11, 27, 22, 0, tzinfo=LONDON))
    assert reading.when == at(NOW, 9, days=1)
    assert reading.sentence == "“9” read as 09:00 tomorrow, Saturday 28 Nov: 21:00 today has gone."


def test_twelve_is_noon() -> None:
    morning = datetime(2026, 11, 27, 10, 0, tzinfo=LONDON)
    assert read("12", morning).when == at(NOW, 12) and read("12", morning).certain
    assert read("half 12", morning).when == at(NOW, 12, 30)
    assert read("midnight", morning).when == at(NOW, 0, days=1)  # midnight is said "midnight"
    assert "has already passed" in read_refusal("12", datetime(2026, 11, 27, 13, 0, tzinfo=LONDON))
    evening = read("12", datetime(2026, 11, 27, 19, 0, tzinfo=LONDON))
    assert evening.when == at(NOW, 12, days=1) and not evening.certain


# --- the edge times -------------------------------------------------------------------------------------------


def test_by_5_at_16_59_is_in_a_minute() -> None:
    reading = read("by 5", datetime(2026, 11, 27, 16, 59, tzinfo=LONDON))
    assert reading.when == at(NOW, 17) and reading.certain


def test_by_5_at_17_01_has_just_gone_and_is_asked_about() -> None:
    message = read_refusal("by 5", datetime(2026, 11, 27, 17, 1, tzinfo=LONDON))
    assert message.startswith("Today 17:00 has already passed.") and '"tomorrow 4pm"' in message


def test_by_5_at_23_30_is_tomorrow_afternoon_stated_plainly() -> None:
    reading = read("by 5", datetime(2026, 11, 27, 23, 30, tzinfo=LONDON))
    assert reading.when == at(NOW, 17, days=1)
    assert not reading.certain
    assert reading.sentence == "“by 5” read as 17:00 tomorrow, Saturday 28 Nov: 17:00 today has gone."


def test_a_friday_evening() -> None:
    assert read("by 9", FRIDAY_EVENING).when == at(NOW, 21)  # tonight, the next 9 o'clock
    assert "has already passed" in read_refusal("by 5", FRIDAY_EVENING)  # two hours ago: asked about
    first = read("first thing", FRIDAY_EVENING, closed=CLOSED)
    assert first.when == at(NOW, 9, days=1) and not first.certain
    assert first.sentence.startswith("“first thing” read as 09:00 tomorrow, Saturday 28 Nov")
    assert "The office is closed that day (weekend)." in first.sentence
    monday = read("Monday", FRIDAY_EVENING, closed=CLOSED)
    assert monday.question == "What time on Monday 30 Nov?" and monday.day == date(2026, 11, 30)
    tomorrow = read("tomorrow", FRIDAY_EVENING, closed=CLOSED)
    assert tomorrow.question == "What time tomorrow, Saturday 28 Nov? The office is closed that day (weekend)."


def test_the_day_before_a_bank_holiday() -> None:
    assert read("by 5", CHRISTMAS_EVE, closed=CLOSED).when == at(CHRISTMAS_EVE, 17)
    tomorrow = read("tomorrow", CHRISTMAS_EVE, closed=CLOSED)
    assert tomorrow.question == ("What time tomorrow, Friday 25 Dec? "
                                 "The office is closed that day (bank holiday: Christmas Day).")
    first = read("first thing", CHRISTMAS_EVE, closed=CLOSED)
    assert first.when == at(CHRISTMAS_EVE, 9, days=1) and not first.certain  # the journalist's morning stands
    assert "bank holiday: Christmas Day" in first.sentence
    assert read("5", CHRISTMAS_EVE, day=date(2026, 12, 25)).when == at(CHRISTMAS_EVE, 17, days=1)


# --- a day without a time is asked about, never midnight -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "question", "day"),
    [
        ("Monday", "What time on Monday 30 Nov?", date(2026, 11, 30)),
        ("by Monday", "What time on Monday 30 Nov?", date(2026, 11, 30)),
        ("tomorrow", "What time tomorrow, Saturday 28 Nov?", date(2026, 11, 28)),
        ("31/12", "What time on Thursday 31 Dec?", date(2026, 12, 31)),
        ("today", "What time today?", date(2026, 11, 27)),
        ("next Friday", "What time on Friday 4 Dec?", date(2026, 12, 4)),
        ("this afternoon", "What time this afternoon?", date(2026, 11, 27)),
        ("tonight", "What time tonight?", date(2026, 11, 27)),
    ],
)
def test_a_day_without_a_time_asks_what_time(text: str, question: str, day: date) -> None:
    reading = read(text)
    assert reading.question == question
    assert reading.day == day
    assert not reading.certain
    assert reading.when is not None and reading.when.astimezone(LONDON).date() == day  # proposed, to confirm
    assert reading.when.astimezone(LONDON).hour != 0  # never midnight


def test_a_day_without_a_time_proposes_the_end_of_the_working_day_for_a_form_to_confirm() -> None:
    reading = read("Monday")
    assert reading.when == utc(2026, 11, 30, 17, 0)
    assert reading.sentence == "“Monday” gives no time, so I've put 17:00 on Monday 30 Nov, the end of the working day."
    assert read("this afternoon").when == utc(2026, 11, 27, 17, 0)


def test_next_week_asks_which_day_and_proposes_its_monday() -> None:
    reading = read("next week")
    assert reading.question == 'Which day and what time next week? For example "Tuesday 4pm".'
    assert reading.when == utc(2026, 11, 30, 17, 0) and reading.day == date(2026, 11, 30)


def test_today_after_the_end_of_the_working_day_asks_and_proposes_nothing() -> None:
    reading = read("today", datetime(2026, 11, 27, 17, 30, tzinfo=LONDON))
    assert reading.question == "What time today?" and reading.when is None


def test_a_morning_already_over_is_refused() -> None:
    assert read_refusal("this morning").startswith("This morning has gone: it's 14:05 now.")


def test_a_day_without_a_time_is_not_given_one_silently_where_nothing_can_be_confirmed() -> None:
    assert refusal("Monday") == "What time on Monday 30 Nov?"
    with pytest.raises(ValidationFailed) as caught:
        MEDIA_CALL.field("deadline").validate("tomorrow", Context(NOW, LONDON))
    assert caught.value.message == "What time tomorrow, Saturday 28 Nov?"


def test_a_day_past_or_too_far_is_refused_even_without_a_time() -> None:
    assert read_refusal("yesterday").startswith("Yesterday has already passed.")
    assert "more than 90 days away" in read_refusal("2027-03-01")


# --- the answer to "What time on Monday?" lands on Monday ----------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected", "certain"),
    [
        ("5", utc(2026, 11, 30, 17, 0), True),
        ("by 5", utc(2026, 11, 30, 17, 0), True),
        ("noon", utc(2026, 11, 30, 12, 0), True),
        ("4.30pm", utc(2026, 11, 30, 16, 30), True),
        ("end of day", utc(2026, 11, 30, 17, 0), False),
        ("9", utc(2026, 11, 30, 9, 0), False),  # the morning comes first on Monday
        ("tomorrow 10am", utc(2026, 11, 28, 10, 0), True),  # an answer with its own day keeps it
        ("in 2 hours", utc(2026, 11, 27, 16, 5), True),
    ],
)
def test_the_next_answer_is_combined_with_the_day_asked_about(answer: str, expected: datetime, certain: bool
                                                               ) -> None:
    reading = read(answer, day=date(2026, 11, 30))
    assert reading.when == expected
    assert reading.certain is certain


def test_the_part_of_the_day_asked_about_is_kept_too() -> None:
    early = datetime(2026, 11, 27, 8, 0, tzinfo=LONDON)
    tonight = read("tonight", early)
    assert read("9", early, day=tonight.day, part=tonight.part).when == at(early, 21)  # not 09:00
    afternoon = read("this afternoon")
    assert read("3", day=afternoon.day, part=afternoon.part).when == at(NOW, 15)


def test_a_day_asked_about_that_has_since_passed_is_forgotten() -> None:
    assert read("5", day=date(2026, 11, 20)).when == at(NOW, 17)


# --- "asap", "urgent", "end of day", "first thing" -------------------------------------------------------------


@pytest.mark.parametrize("text", ["asap", "ASAP", "urgent", "as soon as possible", "by asap", "deadline asap"])
def test_asap_asks_how_soon_and_proposes_an_hour_for_a_form_to_confirm(text: str) -> None:
    reading = read(text)
    assert reading.question is not None and reading.question.startswith("How soon do they need it?")
    assert reading.when == NOW + timedelta(hours=1) and not reading.certain
    assert "an hour from now" in reading.sentence and "15:05 today" in reading.sentence


@pytest.mark.parametrize("text", ["end of day", "by end of day", "eod", "close of play", "COB"])
def test_end_of_day_is_17_00_stated_plainly(text: str) -> None:
    reading = read(text)
    assert reading.when == utc(2026, 11, 27, 17, 0) and not reading.certain and reading.question is None
    assert reading.sentence.startswith(f"“{text}” read as 17:00 today (the end of the working day).")


def test_first_thing_is_nine_the_next_morning() -> None:
    assert read("first thing").when == at(NOW, 9, days=1)
    assert read("first thing", datetime(2026, 11, 27, 7, 0, tzinfo=LONDON)).when == at(NOW, 9)
    assert read("first thing Monday").when == utc(2026, 11, 30, 9, 0)


def test_a_guess_is_refused_with_a_way_to_be_exact_where_it_cannot_be_confirmed() -> None:
    with pytest.raises(ValidationFailed) as caught:
        MEDIA_CALL.field("deadline").validate("9", Context(NOW, LONDON))
    assert caught.value.message.startswith("“9” read as 21:00 today.")
    assert "Please type the exact time" in caught.value.message


# --- examples are never in the past ------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", range(0, 24 * 7, 5))
def test_every_example_shown_reads_as_a_time_still_ahead(hours: int) -> None:
    now = NOW + timedelta(hours=hours)
    shown = examples(now, LONDON)
    quoted = shown.split('"')[1::2]
    assert len(quoted) >= 4
    for example in quoted:
        reading = read_deadline(example, now, LONDON)
        assert reading.certain and reading.when is not None and reading.when > now, (now, example)
    assert str(now.astimezone(LONDON).date()) not in shown  # the dated example is a week ahead


def test_the_empty_deadline_question_shows_examples_from_the_clock() -> None:
    message = refusal("", WEDNESDAY)
    assert "2026-12-01" not in message and '"2026-12-09 09:30"' in message and '"Friday noon"' in message


def test_a_day_of_the_month_said_as_an_ordinal_is_the_next_such_day() -> None:
    assert read("the 4th").day == date(2026, 12, 4)  # on 27 November: next month's 4th
    assert read("by the 4th at 5").when == utc(2026, 12, 4, 17, 0)


@pytest.mark.parametrize(("typed", "hour", "minute"), [
    ("¹⁶³⁰", 16, 30),  # superscript digits pass str.isdigit() and then failed int(): "something went wrong"
    ("by ⁵", 17, 0),
    ("４pm", 16, 0),  # full-width digits, as some phone keyboards type them
])
def test_digits_of_any_kind_read_as_ascii_digits(typed: str, hour: int, minute: int) -> None:
    reading = read_deadline(typed, NOW, LONDON)
    local = reading.when.astimezone(LONDON)
    assert (local.date(), local.hour, local.minute) == (NOW.date(), hour, minute)
