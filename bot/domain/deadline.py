"""Understanding a journalist's deadline the way people write it, in the organisation's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.domain.errors import ValidationFailed
from bot.domain.timefmt import describe

# Words newsrooms use that the parser does not know; mapped to what it does know.
_SYNONYMS = {
    "noon": "12:00",
    "midday": "12:00",
    "lunchtime": "12:00",
    "end of day": "17:00",
    "end of the day": "17:00",
    "eod": "17:00",
    "close of play": "17:00",
    "cop": "17:00",
    "first thing": "09:00",
}
_HORIZON = timedelta(days=90)
_JUST_GONE = timedelta(hours=6)
EXAMPLES = '"4pm", "tomorrow 10am", "Friday noon", "in 2 hours" or "2026-12-01 09:30"'


def _normalise(text: str) -> str:
    words = text.lower().replace("deadline", " ").split()
    while words and words[0] in ("by", "is", "at", ":", "-"):
        words.pop(0)
    cleaned = " ".join(words).strip(" :-–")
    cleaned = cleaned.replace(" by ", " ")
    if len(cleaned) == 4 and cleaned.isdigit() and int(cleaned[:2]) < 24 and int(cleaned[2:]) < 60:
        cleaned = f"{cleaned[:2]}:{cleaned[2:]}"  # "1600" is a time of day, not the year 1600
    for word, replacement in _SYNONYMS.items():
        if cleaned == word or cleaned.endswith(" " + word) or cleaned.startswith(word + " ") or f" {word} " in cleaned:
            cleaned = cleaned.replace(word, replacement)
    return cleaned


def _parse(phrase: str, base: datetime, prefer: str) -> datetime | None:
    return dateparser.parse(
        phrase,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": prefer,
            "RELATIVE_BASE": base,
            "DATE_ORDER": "DMY",
            "PREFER_DAY_OF_MONTH": "first",
        },
    )


def _to_utc(parsed: datetime, tz: ZoneInfo, relative: bool) -> datetime:
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    if relative:
        return parsed.replace(tzinfo=UTC)
    return _localise(parsed, tz)


def parse_deadline(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """Return the deadline as an aware UTC instant, or raise ValidationFailed with a question back."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationFailed(f"When do they need a response by? For example {EXAMPLES}.")
    phrase = _normalise(raw)
    # "in 2 hours" is elapsed time: count it in UTC so a clock change in between does not shift it.
    relative = phrase.startswith("in ")
    base = (now.astimezone(UTC) if relative else now.astimezone(tz)).replace(tzinfo=None)
    # First read it as this week's day ("Friday 4pm" on a Friday morning is today) ...
    parsed = _parse(phrase, base, "current_period")
    if parsed is None:
        raise ValidationFailed(
            f"Sorry, I couldn't read \"{raw[:80]}\" as a time. Please write it like {EXAMPLES}."
        )
    instant = _to_utc(parsed, tz, relative)
    just_gone = timedelta(0) <= now - instant < _JUST_GONE
    if just_gone and instant.astimezone(tz).date() == now.astimezone(tz).date():
        # A time a few hours ago today is not quietly moved to tomorrow: the deadline may really have gone.
        # (At 9pm, "9am" or "01:30" plainly mean tomorrow, so those do roll over below.)
        raise ValidationFailed(
            f"{describe(instant, now, tz)} has already passed. If the deadline has gone, say when they can "
            "still use a response (for example \"in 30 minutes\"); if they meant another day, say which "
            "(for example \"tomorrow 4pm\" or \"next Friday noon\")."
        )
    if instant <= now:
        # ... and only when that day is already behind us, as the next such day ("Monday 9am").
        later = _parse(phrase, base, "future")
        if later is not None:
            instant = _to_utc(later, tz, relative)
    if instant <= now:
        raise ValidationFailed(
            f"{describe(instant, now, tz)} has already passed. When do they need the response by? "
            "If the deadline has gone, say when they can still use it (for example \"in 30 minutes\")."
        )
    if instant - now > _HORIZON:
        raise ValidationFailed(
            f"{describe(instant, now, tz)} is more than 90 days away, which looks like a mistake. "
            f"Please write the deadline like {EXAMPLES}."
        )
    return instant


def _localise(naive: datetime, tz: ZoneInfo) -> datetime:
    """Attach the zone, refusing wall-clock times that a clock change skips or repeats."""
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() != second.utcoffset():
        # The hour repeated when the clocks go back (fold differs) or skipped when they go forward.
        round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if round_trip != naive:
            raise ValidationFailed(
                f"{naive:%H:%M} doesn't exist on {naive:%-d %b}: the clocks go forward that night. "
                f"Please give another time, like {EXAMPLES}."
            )
        raise ValidationFailed(
            f"{naive:%H:%M} happens twice on {naive:%-d %b} because the clocks go back. "
            "Please give a time outside that hour, or the time in UTC (for example \"01:30Z\")."
        )
    return first.astimezone(UTC)
