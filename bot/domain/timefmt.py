"""Showing instants to people: in the organisation's time zone, with time left."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


def local(when: datetime, tz: ZoneInfo) -> datetime:
    return when.astimezone(tz)


def describe(when: datetime, now: datetime, tz: ZoneInfo) -> str:
    """'Today 16:00', 'Tomorrow 10:00', 'Fri 4 Dec 12:00' in local time."""
    w, n = when.astimezone(tz), now.astimezone(tz)
    clock = w.strftime("%H:%M")
    days = (w.date() - n.date()).days
    if days == 0:
        return f"Today {clock}"
    if days == 1:
        return f"Tomorrow {clock}"
    if days == -1:
        return f"Yesterday {clock}"
    fmt = "%a %-d %b %H:%M" if w.year == n.year else "%a %-d %b %Y %H:%M"
    return w.strftime(fmt)


def time_left(when: datetime, now: datetime) -> str:
    """'in 1 h 55 min', '12 min ago'."""
    delta = when.astimezone(UTC) - now.astimezone(UTC)  # elapsed time, not wall-clock difference
    past = delta < timedelta(0)
    minutes = int(abs(delta).total_seconds() // 60)
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    if days:
        text = f"{days} d {hours} h"
    elif hours:
        text = f"{hours} h {mins} min" if mins else f"{hours} h"
    else:
        text = f"{mins} min" if mins else "less than a minute"
    return f"{text} ago" if past else f"in {text}"
