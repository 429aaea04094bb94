"""The monthly figures for the Board (issue 14; the policy's "Monitoring Compliance"), from the media log's lines.

Pure: the lines of one month's cases in, the figures and what each one means out.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import ValidationFailed
from bot.domain.media_log import CaseKind, LogRow
from bot.domain.office_hours import OfficeHours


def parse_month(text: str) -> date:
    """The first day of a month written YYYY-MM."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValidationFailed(f"“{text}” is not a month: write it as YYYY-MM, for example 2026-03.") from None


def next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True)
class Spread:
    """How long something took, in minutes, over the cases where it happened."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, minutes: list[float]) -> Spread:
        if not minutes:
            return cls(0, None, None)
        p90 = statistics.quantiles(minutes, n=10, method="inclusive")[-1] if len(minutes) > 1 else minutes[0]
        return cls(len(minutes), statistics.median(minutes), p90)


@dataclass
class MonthFigures:
    month: date
    by_kind: Counter[str] = field(default_factory=Counter)
    by_outlet_type: Counter[str] = field(default_factory=Counter)
    by_week: Counter[date] = field(default_factory=Counter)  # enquiries by the Monday of the week they came in
    deadlines_met: int = 0
    deadlines_missed: int = 0
    to_claim: Spread = Spread(0, None, None)
    to_sign_off: Spread = Spread(0, None, None)
    to_issue: Spread = Spread(0, None, None)
    out_of_hours: int = 0
    crises: int = 0
    crisis_to_line: Spread = Spread(0, None, None)
    releases_issued: int = 0
    written_to_newspapers: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def met_share(self) -> float | None:
        due = self.deadlines_met + self.deadlines_missed
        return self.deadlines_met / due if due else None


DEFINITIONS = (
    ("Cases", "Enquiries, crises and press releases logged in the month (London time), whatever became of them."),
    ("Deadlines met", "Of the enquiries whose deadline has come, the share answered (issued) by the deadline. "
                      "Enquiries withdrawn, or closed without a response, are not counted."),
    ("Time to claim", "From logging to a comms officer claiming the enquiry (a crisis: to the comms lead taking "
                      "it on; a press release: to its claim). Median and 90th percentile, in minutes."),
    ("Time to sign-off", "From logging to the last required approval of the statement that went out."),
    ("Time to issue", "From logging to the response being issued (a crisis: the official line circulated)."),
    ("Out of hours", "Enquiries logged while the press office was closed (evenings, weekends, bank holidays)."),
    ("Crisis to holding line", "From the alert to the signed-off holding line that was circulated."),
    ("Press releases issued", "Press releases and statements of the month marked as issued."),
    ("Written answers to newspapers", "Newspaper enquiries answered in writing by email, as the policy asks."),
)


def summarise(rows: Iterable[LogRow], month: date, tz: ZoneInfo, hours: OfficeHours | None) -> MonthFigures:
    figures = MonthFigures(month)
    claims: list[float] = []
    sign_offs: list[float] = []
    issues: list[float] = []
    lines: list[float] = []
    for row in rows:
        figures.by_kind[row.kind.value] += 1
        if row.claimed_at:
            claims.append(_minutes(row.logged_at, row.claimed_at))
        if row.approved_at and row.issued_at:
            sign_offs.append(_minutes(row.logged_at, row.approved_at))
        if row.issued_at:
            issues.append(_minutes(row.logged_at, row.issued_at))
        if row.kind is CaseKind.ENQUIRY:
            figures.by_outlet_type[row.outlet_kind or "not given"] += 1
            local = row.logged_at.astimezone(tz).date()
            figures.by_week[local - timedelta(days=local.weekday())] += 1
            figures.deadlines_met += row.deadline_met == "met"
            figures.deadlines_missed += row.deadline_met == "missed"
            figures.out_of_hours += hours is not None and not hours.is_open(row.logged_at)
            figures.written_to_newspapers += bool(row.outlet_kind == "newspaper" and row.issued_at
                                                  and row.issued_how == "email")
        elif row.kind is CaseKind.CRISIS:
            figures.crises += 1
            if row.approved_at and row.issued_at:
                lines.append(_minutes(row.logged_at, row.approved_at))
        elif row.issued_at:
            figures.releases_issued += 1
    figures.to_claim, figures.to_sign_off, figures.to_issue = Spread.of(claims), Spread.of(sign_offs), Spread.of(issues)
    figures.crisis_to_line = Spread.of(lines)
    return figures


def _minutes(start: datetime, end: datetime) -> float:
    return max((end - start).total_seconds() / 60, 0.0)


def duration(minutes: float | None) -> str:
    """ "45 min", "3 h 20 min", "2 d 4 h"; a dash when nothing happened."""
    if minutes is None:
        return "–"
    whole = round(minutes)
    if whole < 60:
        return f"{whole} min"
    if whole < 24 * 60:
        return f"{whole // 60} h {whole % 60} min" if whole % 60 else f"{whole // 60} h"
    return f"{whole // 1440} d {(whole % 1440) // 60} h"
