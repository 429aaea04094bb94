"""The words of a deadline as people say them on the phone, taken apart: a time of day, a part of the day, an
idiom ("end of day"), and the words left for the day ("Monday", "31/12"). No dates or clocks here: that is
`deadline.py`'s job."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LENGTH = 100  # longer than any deadline people say; longer text is refused without parsing it


@dataclass(frozen=True)
class Clock:
    """A time of day as said. `fixed`: the hour leaves no doubt ("4pm", "17:00", "0930", "noon"), 0-24;
    otherwise it is an hour on the 12-hour dial, 1-12 ("5", "half 4", "4.30"), read in working sense."""

    hour: int
    minute: int
    fixed: bool


@dataclass(frozen=True)
class Phrase:
    text: str  # the phrase, tidied
    clock: Clock | None = None
    idiom: str | None = None  # "eod" (end of day, close of play...), "first" (first thing), "lunch"
    part: str | None = None  # "morning", "afternoon", "evening"
    day: str = ""  # the words left over, for the day ("monday", "tomorrow", "31/12", "next week")
    urgent: bool = False  # "asap", "urgent": no time was given at all
    parser: bool = False  # elapsed time, a time zone or a full date and time: the date parser reads it as is


_FILLERS = ("by", "is", "at", "before", "for", "on", "no later than", "not later than", ":", "-", "–")
_URGENT = {"asap", "a.s.a.p.", "a.s.a.p", "as soon as possible", "as soon as you can", "urgent", "urgently",
           "now", "right now", "immediately", "straight away", "right away", "urgent asap", "asap please"}
_IDIOMS = {  # longest first, so "end of the day" is not read as "end of day" plus "the"
    "end of the working day": "eod", "end of the day": "eod", "end of day": "eod", "end of play": "eod",
    "close of play": "eod", "close of business": "eod", "end of business": "eod", "eod": "eod", "cop": "eod",
    "cob": "eod", "eob": "eod", "first thing in the morning": "first", "first thing": "first",
    "lunchtime": "lunch", "lunch time": "lunch",
}
_PARTS = {  # the words for a part of the day -> (that part, a day word they carry)
    "this morning": ("morning", "today"), "this afternoon": ("afternoon", "today"),
    "this evening": ("evening", "today"), "tonight": ("evening", "today"), "in the morning": ("morning", ""),
    "in the afternoon": ("afternoon", ""), "in the evening": ("evening", ""), "at night": ("evening", ""),
    "morning": ("morning", ""), "afternoon": ("afternoon", ""), "evening": ("evening", ""), "night": ("evening", ""),
}
_NUMBERS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())} | {"twenty": "20"}
_MONTHS = {"jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul",
           "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec",
           "december"}
_UNITS = {"min", "mins", "minute", "minutes", "hour", "hours", "hr", "hrs", "h", "day", "days", "week", "weeks"}

_RELATIVE = re.compile(r"^in (an?|\d+|a few|half an?)\s")
_ZONED = re.compile(r"(\d(z|\s?utc|\s?gmt)|:\d\d[+-]\d\d:?\d\d)$")
_DATE_AND_TIME = re.compile(r"^\d{4}-\d\d-\d\d[t ]\d")
_AM_PM = re.compile(r"^(\d{1,2})(?:[:.](\d\d))?(am|pm|a\.m\.|p\.m\.)$")
_HOUR_MINUTE = re.compile(r"^(\d{1,2})[:.](\d\d)$")
_HHMM = re.compile(r"^([01]\d|2[0-3])([0-5]\d)$")
_HOUR = re.compile(r"^\d{1,2}$")


def read_phrase(text: str) -> Phrase | None:
    """Take a deadline apart; None when it can't be one (too long, two times, "13pm")."""
    phrase = _tidy(text)
    if len(phrase) > MAX_LENGTH:
        return None
    if phrase in _URGENT:
        return Phrase(phrase, urgent=True)
    if _RELATIVE.match(phrase) or _ZONED.search(phrase) or _DATE_AND_TIME.match(phrase):
        return Phrase(phrase, parser=True)
    words = f" {phrase} "
    idiom = part = None
    for said, meaning in _IDIOMS.items():
        if f" {said} " in words:
            idiom, words = meaning, words.replace(f" {said} ", " ", 1)
            break
    for said, (meaning, day_word) in _PARTS.items():
        if f" {said} " in words:
            part, words = meaning, words.replace(f" {said} ", f" {day_word} ", 1)
            break
    tokens = [_NUMBERS.get(t, t) for t in words.split() if t not in ("by", "at", "on", "before", "the")]
    found = _clocks(tokens)
    if len(found) > 1 or any(clock.hour > 24 for clock, _ in found):  # "4pm 5pm", "13pm": not a deadline
        return None
    clock, used = found[0] if found else (None, set())
    day = " ".join(t for i, t in enumerate(tokens) if i not in used)
    return Phrase(phrase, clock=clock, idiom=idiom, part=part, day=day)


def _tidy(text: str) -> str:
    words = text.lower().replace("’", "'").replace(",", " ").replace("deadline", " ").split()
    phrase = " ".join(words).strip(" :-–")
    stripped = True
    while stripped:
        stripped = False
        for filler in _FILLERS:
            if phrase.startswith(filler + " ") or phrase == filler:
                phrase, stripped = phrase[len(filler):].strip(" :-–"), True
    phrase = re.sub(r"\b(\d{1,2}(?:[:.]\d\d)?)\s+(am|pm|a\.m\.|p\.m\.)(?=\s|$)", r"\1\2", phrase)
    return " ".join(re.sub(r"o'?\s?clock\b", " oclock", phrase).split())


def _clocks(tokens: list[str]) -> list[tuple[Clock, set[int]]]:
    """Every time of day said, with the positions of the words that said it."""
    found: list[tuple[Clock, set[int]]] = []
    used: set[int] = set()
    n = len(tokens)

    def at(i: int) -> str:
        return tokens[i] if 0 <= i < n else ""

    for i, token in enumerate(tokens):
        if i in used:
            continue
        clock: Clock | None = None
        span = {i}
        if token in ("noon", "midday", "midnight"):
            clock = Clock(24 if token == "midnight" else 12, 0, fixed=True)
            if at(i - 1) == "12":
                span.add(i - 1)
        elif m := _AM_PM.match(token):
            clock = _twelve_hour(int(m[1]), int(m[2] or 0), m[3][0])
        elif token in ("half", "quarter") or (_HOUR.match(token) and at(i + 1) in ("past", "to")):
            clock, span = _said_minutes(tokens, i)
        elif m := _HOUR_MINUTE.match(token):
            hour, minute = int(m[1]), int(m[2])
            if hour < 24 and minute < 60:
                fixed = hour == 0 or hour > 12 or token.startswith("0")
                clock = Clock(hour, minute, fixed)
        elif (m := _HHMM.match(token)) and at(i - 1) not in _MONTHS:
            clock = Clock(int(m[1]), int(m[2]), fixed=True)  # "1600": a time of day, not the year 1600
        elif (_HOUR.match(token) and at(i - 1) not in _MONTHS
              and at(i + 1) not in _MONTHS | _UNITS | {"noon", "midday", "midnight"}):
            hour = int(token)
            if hour < 24:
                clock = Clock(hour, 0, fixed=hour == 0 or hour > 12 or token.startswith("0"))
        if clock is None:
            continue
        last = max(span)
        if at(last + 1) == "oclock":
            span.add(last + 1)
        elif at(last + 1) in ("am", "pm") and not clock.fixed:
            span.add(last + 1)
            clock = _twelve_hour(clock.hour, clock.minute, at(last + 1)[0])
        used |= span
        found.append((clock, span))
    return found


def _twelve_hour(hour: int, minute: int, meridiem: str) -> Clock:
    if not 1 <= hour <= 12 or minute > 59:
        return Clock(99, 0, fixed=True)  # "13pm": no such time, so the phrase is refused
    return Clock(hour % 12 + (12 if meridiem == "p" else 0), minute, fixed=True)


def _said_minutes(tokens: list[str], i: int) -> tuple[Clock | None, set[int]]:
    """'half 4' (British for 4:30), 'half past 4', 'quarter to 5', '10 past 3'."""
    word = tokens[i]
    minutes = {"half": 30, "quarter": 15}.get(word) or (int(word) if word.isascii() and word.isdigit() else 0)
    rest = tokens[i + 1:i + 3]
    if word == "half" and rest[:1] and _HOUR.match(rest[0]):
        hour, span = int(rest[0]), {i, i + 1}
    elif len(rest) == 2 and rest[0] in ("past", "to") and _HOUR.match(rest[1]) and 0 < minutes < 60:
        hour, span = int(rest[1]), {i, i + 1, i + 2}
        if rest[0] == "to":
            hour, minutes = (hour - 2) % 12 + 1, 60 - minutes
    else:
        return None, {i}
    if not 1 <= hour <= 12:
        return None, {i}
    return Clock(hour, minutes, fixed=False), span
