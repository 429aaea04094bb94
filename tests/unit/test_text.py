"""Unit tests for how instants read to people (`bot.domain.timefmt`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FrozenClock
from bot.domain.timefmt import at, describe, due, local, time_left

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 27, 14, 5, tzinfo=UTC)  # Friday, 14:05 GMT
SUMMER_NOW = datetime(2026, 7, 15, 9, 0, tzinfo=UTC)  # Wednesday, 10:00 BST


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (utc(2026, 11, 27, 16, 0), "Today 16:00"),
        (utc(2026, 11, 27, 0, 0), "Today 00:00"),
        (utc(2026, 11, 27, 23, 59), "Today 23:59"),
        (utc(2026, 11, 27, 9, 0), "Today 09:00"),  # earlier today: still "Today"
        (utc(2026, 11, 28, 10, 0), "Tomorrow 10:00"),
        (utc(2026, 11, 26, 16, 0), "Yesterday 16:00"),
        (utc(2026, 12, 4, 12, 0), "Friday 4 Dec, 12:00"),
        (utc(2026, 11, 29, 9, 30), "Sunday 29 Nov, 09:30"),
        (utc(2026, 11, 20, 8, 0), "Friday 20 Nov, 08:00"),  # a week ago
        (utc(2027, 1, 5, 9, 0), "Tuesday 5 Jan 2027, 09:00"),  # another year shows the year
        (utc(2025, 12, 31, 17, 0), "Wednesday 31 Dec 2025, 17:00"),
    ],
)
def test_describe_in_winter(when: datetime, text: str) -> None:
    assert describe(when, NOW, LONDON) == text


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (utc(2026, 7, 15, 15, 0), "Today 16:00"),  # UTC + 1 in summer
        (utc(2026, 7, 15, 22, 59), "Today 23:59"),
        (utc(2026, 7, 15, 23, 30), "Tomorrow 00:30"),  # still 15 July in UTC, but 16 July in London
        (utc(2026, 7, 14, 23, 30), "Today 00:30"),
        (utc(2026, 7, 17, 11, 0), "Friday 17 Jul, 12:00"),
    ],
)
def test_describe_in_summer_uses_local_time_and_local_dates(when: datetime, text: str) -> None:
    assert describe(when, SUMMER_NOW, LONDON) == text


def test_describe_compares_local_dates_not_utc_dates() -> None:
    """At 00:30 BST on 16 July (23:30 UTC on 15 July), 09:00 BST the same morning is "Today"."""
    now = utc(2026, 7, 15, 23, 30)
    assert describe(utc(2026, 7, 16, 8, 0), now, LONDON) == "Today 09:00"


def test_describe_the_night_the_clocks_go_back() -> None:
    now = datetime(2026, 10, 24, 22, 0, tzinfo=LONDON)
    assert describe(utc(2026, 10, 25, 0, 30), now, LONDON) == "Tomorrow 01:30"  # first 01:30 (BST)
    assert describe(utc(2026, 10, 25, 1, 30), now, LONDON) == "Tomorrow 01:30"  # second 01:30 (GMT)
    assert describe(utc(2026, 10, 25, 2, 0), now, LONDON) == "Tomorrow 02:00"


def test_describe_accepts_now_in_any_zone() -> None:
    assert describe(utc(2026, 11, 28, 10, 0), NOW.astimezone(ZoneInfo("America/New_York")), LONDON) == (
        "Tomorrow 10:00"
    )


def test_local() -> None:
    assert local(utc(2026, 7, 15, 15, 0), LONDON).strftime("%H:%M %Z") == "16:00 BST"
    assert local(utc(2026, 11, 27, 15, 0), LONDON).strftime("%H:%M %Z") == "15:00 GMT"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(hours=1, minutes=55), "in 1 hour 55 minutes"),
        (timedelta(hours=2), "in 2 hours"),
        (timedelta(minutes=40), "in 40 minutes"),
        (timedelta(hours=1), "in 1 hour"),
        (timedelta(hours=2, minutes=40), "in about 3 hours"),  # from two hours on, to the nearest hour
        (timedelta(hours=3, minutes=29), "in about 3 hours"),
        (timedelta(hours=5, minutes=55), "in about 6 hours"),
        (timedelta(hours=23, minutes=29), "in about 23 hours"),
        (timedelta(days=1, hours=12), "in about 2 days"),
        (timedelta(minutes=12), "in 12 minutes"),
        (timedelta(minutes=1), "in 1 minute"),
        (timedelta(seconds=59), "in less than a minute"),
        (timedelta(0), "in less than a minute"),
        (timedelta(minutes=59, seconds=59), "in 59 minutes"),  # whole minutes, rounded down
        (timedelta(hours=23, minutes=59), "in about a day"),
        (timedelta(days=1), "in about a day"),
        (timedelta(days=1, hours=3, minutes=40), "in about a day"),
        (timedelta(days=90), "in about 90 days"),
        (-timedelta(minutes=12), "12 minutes ago"),
        (-timedelta(seconds=30), "less than a minute ago"),
        (-timedelta(hours=1, minutes=5), "1 hour 5 minutes ago"),
        (-timedelta(hours=3), "3 hours ago"),
        (-timedelta(days=2, hours=4), "about 2 days ago"),
    ],
)
def test_time_left(delta: timedelta, text: str) -> None:
    assert time_left(NOW + delta, NOW) == text


def test_time_left_counts_real_time_across_the_clocks_going_back() -> None:
    """22:00 BST to 02:00 GMT is five hours, though the wall clock moved four."""
    now = datetime(2026, 10, 24, 22, 0, tzinfo=LONDON)
    assert time_left(utc(2026, 10, 25, 2, 0), now) == "in 5 hours"


def test_time_left_counts_real_time_when_both_times_are_local() -> None:
    """Python subtracts same-zone datetimes by wall clock; the helper must count elapsed time anyway."""
    now = datetime(2026, 10, 24, 22, 0, tzinfo=LONDON)
    when = utc(2026, 10, 25, 2, 0).astimezone(LONDON)
    assert time_left(when, now) == "in 5 hours"


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (utc(2026, 11, 27, 16, 0), "today at 16:00"),
        (utc(2026, 11, 28, 10, 0), "tomorrow at 10:00"),
        (utc(2026, 11, 26, 16, 0), "yesterday at 16:00"),
        (utc(2026, 12, 4, 16, 0), "on Friday 4 Dec, 16:00"),
        (utc(2027, 1, 5, 9, 0), "on Tuesday 5 Jan 2027, 09:00"),
    ],
)
def test_at_reads_inside_a_sentence(when: datetime, text: str) -> None:
    assert at(when, NOW, LONDON) == text


def test_a_deadline_reads_with_the_time_left_from_the_clock_it_is_given() -> None:
    """The clock is injected: the same deadline reads differently as the clock moves on."""
    clock = FrozenClock(NOW)
    deadline = utc(2026, 11, 27, 16, 0)
    assert due(deadline, clock.now(), LONDON) == "Today 16:00 (in 1 hour 55 minutes)"
    clock.advance(minutes=75)
    assert due(deadline, clock.now(), LONDON) == "Today 16:00 (in 40 minutes)"
    clock.advance(hours=2)
    assert due(deadline, clock.now(), LONDON) == "Today 16:00 (1 hour 20 minutes ago)"
    week = utc(2026, 12, 4, 16, 0)
    assert due(week, NOW, LONDON) == "Friday 4 Dec, 16:00 (in about 7 days)"
    assert due(utc(2026, 11, 28, 14, 5), NOW, LONDON) == "Tomorrow 14:05 (in about a day)"
