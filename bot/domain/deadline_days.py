"""Which day the words of a deadline name ("Monday", "tomorrow", "31/12", "next week"), in local dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateparser.date import DateDataParser

from bot.domain.deadline_words import examples, unreadable

_ORDINAL = re.compile(r"^\d{1,2}(st|nd|rd|th)$")
_WEEKDAYS = {name: n for n, names in enumerate((
    ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thur", "thurs"),
    ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"))) for name in names}


@dataclass(frozen=True)
class Day:
    on: date | None  # None: no day was said (today = True), or a week or month with no day in it
    named: bool = False  # a weekday's name: today's, once its time has gone, means next week's
    week: bool = False  # "next week": no day in it, so its Monday is proposed
    today: bool = False  # no day was said at all


def day_named(words: str, raw: str, now: datetime, tz: ZoneInfo) -> Day | None:
    """The day the words name; None when the date parser reads a time in them."""
    today = now.astimezone(tz).date()
    if words in ("today", "this"):
        return Day(today)
    if words in ("tomorrow", "tmrw", "tmw", "tomorrow's"):
        return Day(today + timedelta(days=1))
    if words == "next week":
        return Day(today + timedelta(days=7 - today.weekday()), week=True)
    if (weekday := _WEEKDAYS.get(words.removeprefix("this "))) is not None:
        return Day(today + timedelta(days=(weekday - today.weekday()) % 7), named=True)
    base = now.astimezone(tz).replace(tzinfo=None)
    found = read_date(words, base, "current_period")
    if found.date_obj is None:
        raise unreadable(raw, examples(now, tz))
    if found.period == "time":
        return None
    if found.period != "day":
        return Day(None)
    on = found.date_obj.date()
    if on < today and (later := read_date(words, base, "future").date_obj) is not None:
        on = later.date()  # "31/10" in November is next October (and refused below as too far away)
    if on < today and _ORDINAL.match(words):  # "the 4th" on the 27th is next month's
        on = _next_month(on)
    return Day(on)


def _next_month(on: date) -> date:
    year, month = (on.year + 1, 1) if on.month == 12 else (on.year, on.month + 1)
    try:
        return on.replace(year=year, month=month)
    except ValueError:  # no 31st next month: left as it was, and refused as passed
        return on


def read_date(phrase: str, base: datetime, prefer: str):  # noqa: ANN202
    settings = {"PREFER_DATES_FROM": prefer, "RELATIVE_BASE": base, "DATE_ORDER": "DMY",
                "PREFER_DAY_OF_MONTH": "first", "RETURN_TIME_AS_PERIOD": True}
    return DateDataParser(languages=["en"], settings=settings).get_date_data(phrase)
