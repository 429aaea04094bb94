"""The press office's hours (policy: Monday to Friday, 8am to 6pm, not bank holidays) and the on-call rota."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class OfficeHours:
    """Opening hours in local time; bank holidays from the `holidays` library (England by default)."""

    tz: ZoneInfo
    opens: time = time(8, 0)
    closes: time = time(18, 0)
    weekdays: frozenset[int] = frozenset(range(5))  # Monday=0 … Friday=4
    country: str = "GB"
    subdivision: str | None = "ENG"
    closures: frozenset[date] = frozenset()  # extra closed days (e.g. the office's Christmas shutdown)
    _calendars: dict[int, holidays.HolidayBase] = field(default_factory=dict, compare=False, repr=False)

    def _holidays(self, year: int) -> holidays.HolidayBase:
        if year not in self._calendars:
            self._calendars[year] = holidays.country_holidays(self.country, subdiv=self.subdivision, years=year)
        return self._calendars[year]

    def closed_reason(self, day: date) -> str | None:
        """Why the office is shut all day, or None on a working day."""
        if day in self.closures:
            return "office closure"
        if name := self._holidays(day.year).get(day):
            return f"bank holiday: {name}"
        if day.weekday() not in self.weekdays:
            return "weekend" if day.weekday() >= 5 else "not a working day"
        return None

    def is_open(self, instant: datetime) -> bool:
        local = instant.astimezone(self.tz)
        return self.closed_reason(local.date()) is None and self.opens <= local.time() < self.closes

    def next_open(self, instant: datetime) -> datetime:
        """The next moment the office opens (the instant itself if it is open), in UTC."""
        if self.is_open(instant):
            return instant
        local = instant.astimezone(self.tz)
        day = local.date()
        if self.closed_reason(day) is None and local.time() < self.opens:
            return _at(day, self.opens, self.tz)
        for _ in range(370):
            day += timedelta(days=1)
            if self.closed_reason(day) is None:
                return _at(day, self.opens, self.tz)
        raise ValueError("no working day within a year: check the office hours configuration")

    def describe_closed(self, instant: datetime) -> str:
        local = instant.astimezone(self.tz)
        reason = self.closed_reason(local.date())
        return reason or ("before opening" if local.time() < self.opens else "after hours")


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock time on a day, as UTC (a skipped hour moves forward, as clocks do)."""
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class Override:
    start: datetime
    end: datetime
    email: str


@dataclass(frozen=True)
class Rota:
    """Who is the on-call director at an instant: a weekly rotation, explicit overrides, then deputies."""

    rotation: Sequence[str]
    starts: datetime  # the moment rotation[0]'s first week begins (a handover time)
    overrides: Sequence[Override] = ()
    deputies: Sequence[str] = ()
    week: timedelta = timedelta(days=7)

    def on_call(self, instant: datetime) -> str | None:
        for override in self.overrides:
            if override.start <= instant < override.end:
                return override.email
        if not self.rotation:
            return self.deputies[0] if self.deputies else None
        return self.rotation[self._weeks(instant) % len(self.rotation)]

    def _weeks(self, instant: datetime) -> int:
        """Whole rota weeks since the start, counted on the wall clock (handover stays at 08:00 across DST)."""
        tz = self.starts.tzinfo
        local = instant.astimezone(tz).replace(tzinfo=None)
        return int((local - self.starts.replace(tzinfo=None)) // self.week)

    def chain(self, instant: datetime) -> list[str]:
        """Whom to try, in order: the person on call, then the next in the rota, then the deputies."""
        first = self.on_call(instant)
        order: list[str] = [first] if first else []
        if self.rotation:
            weeks = self._weeks(instant)
            for step in range(1, len(self.rotation)):
                order.append(self.rotation[(weeks + step) % len(self.rotation)])
        order.extend(self.deputies)
        return _unique(order)


def _unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.lower()
        if key not in seen:
            seen.add(key)
            out.append(key)
    return out
