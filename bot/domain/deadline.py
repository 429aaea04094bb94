"""Understanding a journalist's deadline the way people say it on the phone, in the organisation's time zone.

A reading says what was understood, whether the words leave no doubt, and in one plain sentence how it was read,
so that the conversation, the one-screen form's check step and the cards can state it. A bare hour is a time of
day in working sense: 1 to 7 are afternoon ("by 5" is 17:00), 8 to 11 the next morning or evening, whichever
comes first, and 12 is noon (midnight is said "midnight"). A day without a time is asked about, never midnight.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.domain.deadline_days import Day, day_named
from bot.domain.deadline_phrases import Phrase, read_phrase
from bot.domain.deadline_words import (
    END_OF,
    IDIOMS,
    closed_note,
    day_words,
    examples,
    just_gone,
    passed,
    stated,
    too_far,
    typed,
    unreadable,
)
from bot.domain.errors import ValidationFailed
from bot.domain.timefmt import describe

__all__ = ["Closed", "Reading", "examples", "parse_deadline", "read_deadline"]

Closed = Callable[[date], str | None]  # why the office is shut all day (OfficeHours.closed_reason), or None

_HORIZON = timedelta(days=90)
_JUST_GONE = timedelta(hours=6)
_IDIOM_HOURS = {"eod": 17, "first": 9, "lunch": 12}


@dataclass(frozen=True)
class Reading:
    """What a deadline was understood to mean."""

    when: datetime | None  # the UTC instant understood, or proposed when not certain; None: nothing to propose
    certain: bool  # the words fix the time ("4pm", "by 5", "in 2 hours"); otherwise it is stated and confirmed
    sentence: str  # the reading stated plainly, for the review screen and the one-screen form's check step
    question: str | None = None  # asked in the conversation before moving on: a day without a time, "asap"
    day: date | None = None  # the day the question is about, so that the next answer ("5", "noon") lands on it
    part: str | None = None  # and the part of that day ("afternoon"), when one was said

    @property
    def refusal(self) -> str:
        """What a form with no check step says instead of guessing."""
        return self.question or f'{self.sentence} Please type the exact time, for example "4pm" or "9:30am".'


def parse_deadline(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """The instant understood (certain or not), or ValidationFailed with the question to ask."""
    reading = read_deadline(text, now, tz)
    if reading.question or reading.when is None:
        raise ValidationFailed(reading.refusal)
    return reading.when


def read_deadline(text: str, now: datetime, tz: ZoneInfo, *, day: date | None = None, part: str | None = None,
                  closed: Closed | None = None) -> Reading:
    """Read a deadline, or raise ValidationFailed saying what to type instead.

    `day` (and `part`) is the day a question was asked about ("What time on Monday?"): an answer without a day
    of its own lands on it. `closed` says why the office is shut on a day, to mention it with a guess.
    """
    # NFKC: digits of every kind become ASCII ("¹²³⁰" is 1230, "４pm" is 4pm), so no later int() can fail.
    raw = " ".join(unicodedata.normalize("NFKC", text or "").split())
    if not raw:
        raise ValidationFailed(f"When do they need a response by? For example {examples(now, tz)}.")
    phrase = read_phrase(raw)
    if phrase is None:
        raise unreadable(raw, examples(now, tz))
    if phrase.urgent:
        soon = now + timedelta(hours=1)
        return Reading(soon, False, f"“{raw}” gives no time, so I've put {stated(soon, now, tz)}, an hour from now.",
                       question='How soon do they need it? For example "in 1 hour" or "in 30 minutes", or the '
                                "time they gave.")
    today = now.astimezone(tz).date()
    said_part = phrase.part
    if phrase.parser:
        return _certain(raw, _parsed(phrase.text, raw, now, tz), now, tz)
    if phrase.day:
        on = day_named(phrase.day, raw, now, tz)
        if on is None:  # the date parser found a time our grammar does not know: let it read the whole phrase
            if phrase.clock or phrase.idiom:
                raise unreadable(raw, examples(now, tz))
            return _certain(raw, _parsed(phrase.text, raw, now, tz), now, tz)
    elif day is not None and day >= today:
        on, said_part = Day(day), said_part or part
    else:
        on = Day(None, today=True)
    if phrase.clock is None and phrase.idiom is None:
        return _ask_time(raw, on, said_part, now, tz, closed)
    return _at_time(raw, phrase, on, said_part, now, tz, closed)


def _ask_time(raw: str, day: Day, part: str | None, now: datetime, tz: ZoneInfo, closed: Closed | None
              ) -> Reading:
    """A day without a time: ask for it, and propose the end of that (part of the) day for a form to confirm."""
    local = now.astimezone(tz)
    if day.on is None and not day.today:
        return Reading(None, False, f"“{raw}” gives no day or time.", question=f"Which day and what time {raw}?")
    clock, why = END_OF[part]
    if day.on is not None and day.on < local.date():
        raise passed("Yesterday" if (local.date() - day.on).days == 1 else f"{day.on:%a %-d %b}")
    on = day.on or (local.date() if local.time() < clock else local.date() + timedelta(days=1))
    if (on - local.date()).days > _HORIZON.days:
        raise too_far(f"{on:%a %-d %b %Y}", examples(now, tz))
    proposal = _localise(datetime.combine(on, clock), tz, now)
    words = day_words(on, local.date(), part)
    if proposal <= now and part in ("morning", "afternoon") and on == local.date():
        raise ValidationFailed(f"This {part} has gone: it's {local:%H:%M} now. When do they need a response by? "
                               f"For example {examples(now, tz)}.")
    note = closed_note(on, closed)
    if day.week:
        sentence = (f"“{raw}” gives no day or time, so I've put {clock:%H:%M} {words}, the first day of that week."
                    + note)
        question = f'Which day and what time next week? For example "{on + timedelta(days=1):%A} 4pm".'
    else:
        sentence, question = f"“{raw}” gives no time, so I've put {clock:%H:%M} {words}, {why}." + note, None
    gone = proposal <= now
    if gone:
        sentence = f"“{raw}” gives no time."
    return Reading(None if gone else proposal, False, sentence,
                   question=question or f"What time {words}?{note}", day=on, part=part)


def _at_time(raw: str, phrase: Phrase, day: Day, part: str | None, now: datetime, tz: ZoneInfo,
             closed: Closed | None) -> Reading:
    """A time of day, on the day said or the next one it can be."""
    local = now.astimezone(tz)
    hours, minute = _hours(phrase, part)
    first = day.on or local.date()
    pick = _first_after(first, hours, minute, now, tz)
    if pick is None:
        gone = _at(first, hours[-1], minute)
        if phrase.idiom == "first" and day.today:
            pick = _at(first + timedelta(days=1), hours[0], minute)  # "first thing" at 10am is tomorrow's
        elif first == local.date() and len(hours) == 1 and timedelta(0) <= now - _loose(gone, tz) < _JUST_GONE:
            # A time a few hours ago today is not quietly moved to tomorrow: the deadline may really have gone.
            raise just_gone(_loose(gone, tz), now, tz)
        elif day.today or (day.named and first == local.date()):
            pick = _at(first + timedelta(days=7 if day.named else 1), hours[0], minute)
        else:
            raise passed(describe(_loose(gone, tz), now, tz))
    when = _localise(pick, tz, now)
    if when - now > _HORIZON:
        raise too_far(f"{when.astimezone(tz):%a %-d %b %Y %H:%M}", examples(now, tz))
    on = pick.date()
    sentence = f"“{raw}” read as {stated(when, now, tz)}"
    fixed = phrase.clock is not None and phrase.clock.fixed  # no clock: an idiom ("first thing") gives hours
    if phrase.idiom is None and (len(hours) == 1 or fixed) and (fixed or on == first):
        return Reading(when, True, sentence + ".")
    if phrase.idiom:
        sentence += f" ({IDIOMS[phrase.idiom]}). If they gave a time, type it instead."
    elif len(hours) > 1 and on == first and (other := _first_after(on, hours, minute, when, tz)
                                             or _at(on + timedelta(days=1), hours[0], minute)):
        sentence += f'. If they meant {stated(_loose(other, tz), now, tz)}, type "{typed(other, local.date())}".'
    else:
        sentence += f": {_at(first, hours[-1], minute):%H:%M} {day_words(first, local.date())} has gone."
    return Reading(when, False, sentence + closed_note(on, closed))


def _hours(phrase: Phrase, part: str | None) -> tuple[list[int], int]:
    """The hours (0-24, earliest first) a time of day can mean, and its minute."""
    if phrase.clock is None:
        return [_IDIOM_HOURS[phrase.idiom or ""]], 0
    hour, minute = phrase.clock.hour, phrase.clock.minute
    if phrase.clock.fixed or hour == 12:
        return [hour], minute
    if part == "morning":
        return [hour], minute
    if part in ("afternoon", "evening") or hour <= 7:
        return [hour + 12], minute
    return [hour, hour + 12], minute  # 8 to 11: the next morning or evening


def _at(on: date, hour: int, minute: int) -> datetime:
    """A wall-clock time on a day, naive (hour 24 is midnight at the end of the day)."""
    return datetime.combine(on, time()) + timedelta(hours=hour, minutes=minute)


def _first_after(on: date, hours: list[int], minute: int, after: datetime, tz: ZoneInfo) -> datetime | None:
    return next((t for t in (_at(on, h, minute) for h in hours) if _loose(t, tz) > after), None)


def _loose(naive: datetime, tz: ZoneInfo) -> datetime:
    """For comparing only: a wall-clock time as UTC, without refusing clock changes."""
    return naive.replace(tzinfo=tz).astimezone(UTC)


def _certain(raw: str, when: datetime, now: datetime, tz: ZoneInfo) -> Reading:
    return Reading(when, True, f"“{raw}” read as {stated(when, now, tz)}.")


def _parsed(phrase: str, raw: str, now: datetime, tz: ZoneInfo) -> datetime:
    """Elapsed time, a time zone or a full date and time, read by the date parser as it always was."""
    # "in 2 hours" is elapsed time: count it in UTC so a clock change in between does not shift it.
    relative = phrase.startswith("in ")
    base = (now.astimezone(UTC) if relative else now.astimezone(tz)).replace(tzinfo=None)

    def parse(prefer: str) -> datetime | None:
        found = dateparser.parse(phrase, languages=["en"], settings={
            "PREFER_DATES_FROM": prefer, "RELATIVE_BASE": base, "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"})
        if found is None:
            return None
        if found.tzinfo is not None:
            return found.astimezone(UTC)
        return found.replace(tzinfo=UTC) if relative else _localise(found, tz, now)

    instant = parse("current_period")
    if instant is None:
        raise unreadable(raw, examples(now, tz))
    if timedelta(0) <= now - instant < _JUST_GONE and instant.astimezone(tz).date() == now.astimezone(tz).date():
        raise just_gone(instant, now, tz)
    if instant <= now and (later := parse("future")) is not None:
        instant = later
    if instant <= now:
        raise passed(describe(instant, now, tz))
    if instant - now > _HORIZON:
        raise too_far(f"{instant.astimezone(tz):%a %-d %b %Y %H:%M}", examples(now, tz))
    return instant


def _localise(naive: datetime, tz: ZoneInfo, now: datetime) -> datetime:
    """Attach the zone, refusing wall-clock times that a clock change skips or repeats."""
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        # The hour repeated when the clocks go back (fold differs) or skipped when they go forward.
        round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if round_trip != naive:
            raise ValidationFailed(
                f"{naive:%H:%M} doesn't exist on {naive:%-d %b}: the clocks go forward that night. "
                f"Please give another time, like {examples(now, tz)}."
            )
        raise ValidationFailed(
            f"{naive:%H:%M} happens twice on {naive:%-d %b} because the clocks go back. "
            "Please give a time outside that hour, or the time in UTC (for example \"01:30Z\")."
        )
    return first.astimezone(UTC)
