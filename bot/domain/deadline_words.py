"""How the bot words a deadline back to people: the day and time it read, and why it refuses one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import ValidationFailed
from bot.domain.timefmt import describe

# A day (or part of a day) said without a time: the time proposed for a form to confirm, and why.
END_OF: dict[str | None, tuple[time, str]] = {
    None: (time(17), "the end of the working day"),
    "morning": (time(12), "the end of the morning"),
    "afternoon": (time(17), "the end of the afternoon"),
    "evening": (time(20), "in the evening"),
}
IDIOMS = {"eod": "the end of the working day", "first": "the start of the working day", "lunch": "lunchtime"}


def examples(now: datetime, tz: ZoneInfo) -> str:
    """Deadlines to copy, built from the clock so that none of them has already passed."""
    local = now.astimezone(tz)
    weekday = next(d for d in (local.date() + timedelta(days=n) for n in range(2, 9)) if d.weekday() < 5)
    later = local.date() + timedelta(days=7)
    soon = '"4pm", ' if local.hour < 15 else ""
    return f'{soon}"tomorrow 10am", "{weekday:%A} noon", "in 2 hours" or "{later:%Y-%m-%d} 09:30"'


def day_words(on: date, today: date, part: str | None = None) -> str:
    """'today', 'this afternoon', 'tonight', 'tomorrow, Saturday 28 Nov', 'on Monday 30 Nov'."""
    days = (on - today).days
    if days == 0:
        return "today" if part is None else "tonight" if part == "evening" else f"this {part}"
    named = f"{on:%A %-d %b}" if on.year == today.year else f"{on:%A %-d %b %Y}"
    if days == 1:
        return f"tomorrow{' ' + part if part else ''}, {named}"
    return f"on {named}{', in the ' + part if part else ''}"


def stated(when: datetime, now: datetime, tz: ZoneInfo) -> str:
    """An instant as a reading states it: '17:00 today', '09:00 tomorrow, Saturday 28 Nov'."""
    local = when.astimezone(tz)
    return f"{local:%H:%M} {day_words(local.date(), now.astimezone(tz).date())}"


def typed(naive: datetime, today: date) -> str:
    """How to type a local time so that it can't be misread: '9pm', 'tomorrow 9:30am', 'Monday 9am'."""
    hour = naive.hour % 12 or 12
    clock = (f"{hour}" if naive.minute == 0 else f"{hour}:{naive:%M}") + ("am" if naive.hour < 12 else "pm")
    days = (naive.date() - today).days
    return clock if days == 0 else f"tomorrow {clock}" if days == 1 else f"{naive:%A} {clock}"


def closed_note(on: date, closed: Callable[[date], str | None] | None) -> str:
    """A guess that lands on a day the office is shut says so (the journalist's deadline still stands)."""
    reason = closed(on) if closed is not None else None
    return f" The office is closed that day ({reason})." if reason else ""


def unreadable(raw: str, examples: str) -> ValidationFailed:
    return ValidationFailed(f"Sorry, I couldn't read \"{raw[:80]}\" as a time. Please write it like {examples}.")


def just_gone(when: datetime, now: datetime, tz: ZoneInfo) -> ValidationFailed:
    return ValidationFailed(
        f"{describe(when, now, tz)} has already passed. If the deadline has gone, say when they can "
        "still use a response (for example \"in 30 minutes\"); if they meant another day, say which "
        "(for example \"tomorrow 4pm\" or \"next Friday noon\")."
    )


def passed(label: str) -> ValidationFailed:
    return ValidationFailed(
        f"{label} has already passed. When do they need the response by? "
        "If the deadline has gone, say when they can still use it (for example \"in 30 minutes\")."
    )


def too_far(label: str, examples: str) -> ValidationFailed:
    return ValidationFailed(f"{label} is more than 90 days away, which looks like a mistake. "
                            f"Please write the deadline like {examples}.")
