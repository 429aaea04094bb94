"""Showing instants to people: in the organisation's time zone, in words, with how long until (or since)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

# Under this, time left is given to the minute ("in 1 hour 55 minutes"): close to a deadline it matters.
EXACT_UNDER = timedelta(hours=2)


def local(when: datetime, tz: ZoneInfo) -> datetime:
    return when.astimezone(tz)


def _days_apart(when: datetime, now: datetime, tz: ZoneInfo) -> int:
    return (when.astimezone(tz).date() - now.astimezone(tz).date()).days


def _date(when: datetime, now: datetime, tz: ZoneInfo) -> str:
    """'Friday 4 Dec, 16:00' ('Friday 4 Dec 2027, 16:00' in another year)."""
    w = when.astimezone(tz)
    year = "" if w.year == now.astimezone(tz).year else f" {w.year}"
    return f"{w:%A} {w.day} {w:%b}{year}, {w:%H:%M}"


def describe(when: datetime, now: datetime, tz: ZoneInfo) -> str:
    """'Today 16:00', 'Tomorrow 10:00', 'Yesterday 09:00', else 'Friday 4 Dec, 16:00', in local time."""
    clock = when.astimezone(tz).strftime("%H:%M")
    named = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}.get(_days_apart(when, now, tz))
    return f"{named} {clock}" if named else _date(when, now, tz)


def at(when: datetime, now: datetime, tz: ZoneInfo) -> str:
    """The same, to follow a word in a sentence: 'today at 16:00', 'tomorrow at 10:00', 'on Friday 4 Dec, 16:00'."""
    clock = when.astimezone(tz).strftime("%H:%M")
    named = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(_days_apart(when, now, tz))
    return f"{named} at {clock}" if named else f"on {_date(when, now, tz)}"


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def span(delta: timedelta) -> str:
    """A length of time as people say it: '40 minutes', '1 hour 5 minutes', 'about 3 hours', 'about a day'."""
    minutes = int(abs(delta).total_seconds() // 60)  # whole minutes, rounded down
    if minutes < 1:
        return "less than a minute"
    if minutes < 60:
        return _count(minutes, "minute")
    hours, mins = divmod(minutes, 60)
    if abs(delta) < EXACT_UNDER:
        return _count(hours, "hour") + (f" {_count(mins, 'minute')}" if mins else "")
    if not mins:
        return _count(hours, "hour") if hours < 24 else _about_days(minutes)
    rounded = (minutes + 30) // 60
    return f"about {rounded} hours" if rounded < 24 else _about_days(minutes)


def _about_days(minutes: int) -> str:
    days = max((minutes + 12 * 60) // (24 * 60), 1)
    return "about a day" if days == 1 else f"about {days} days"


def time_left(when: datetime, now: datetime) -> str:
    """'in 40 minutes', 'in about 3 hours', 'in about a day'; '12 minutes ago' once it has passed."""
    delta = when.astimezone(UTC) - now.astimezone(UTC)  # elapsed time, not wall-clock difference
    return f"{span(delta)} ago" if delta < timedelta(0) else f"in {span(delta)}"


def due(when: datetime, now: datetime, tz: ZoneInfo) -> str:
    """A deadline as a card shows it: 'Today 16:00 (in 40 minutes)'."""
    return f"{describe(when, now, tz)} ({time_left(when, now)})"
