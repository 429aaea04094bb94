"""Retention (issue 15): how long a case is kept after it closes, when it comes up for appraisal, and what may be
decided then.

The periods follow the NHS Records Management Code of Practice 2021 (updated 2023), Appendix II, and can be
changed under [retention] in the TOML file. The Code says that no record is destroyed automatically: when a case's
review date comes it goes to a queue, and the Director of Communications (or a records manager named in [people])
decides to keep it, to extend it to a later review date, or to destroy it, giving a reason. A legal hold beats every
rule: a case on hold cannot be destroyed, whatever its dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidTransition, NotAllowed, ValidationFailed
from bot.domain.media_log import CaseKind
from bot.domain.people import Directory, Role


class RetentionClass(StrEnum):
    CORPORATE_COMMUNICATIONS = "corporate_communications"
    MEDIA_ENQUIRY = "media_enquiry"
    SERIOUS_INCIDENT = "serious_incident"


@dataclass(frozen=True)
class ClassRule:
    """A retention class: its name, the Code's Appendix II entry it follows, its default period and why."""

    label: str
    code_entry: str
    default_years: int
    why: str


CLASSES: Mapping[RetentionClass, ClassRule] = {
    RetentionClass.CORPORATE_COMMUNICATIONS: ClassRule(
        "Corporate communications", "Corporate records: communications (press releases and important internal "
        "communications)", 6,
        "a press release, or a crisis's official line, is part of the ICB's public record"),
    RetentionClass.MEDIA_ENQUIRY: ClassRule(
        "Media enquiry", "Corporate records: communications (press releases and important internal "
        "communications), as the IG lead has not said otherwise", 6,
        "what the ICB told a journalist was said on its behalf, as a press release is"),
    RetentionClass.SERIOUS_INCIDENT: ClassRule(
        "Serious incident", "Corporate records: serious incidents", 20,
        "a case about an incident that harmed patients or staff may be needed by an investigation, a claim or "
        "an inquiry long after the press have moved on"),
}

# A crisis's answer to "Are patients or staff harmed?" (bot/domain/crisis.py: HARM) that links it to an incident.
HARMED = frozenset({"patients", "staff", "both"})


def classify(kind: CaseKind, *, harm: str | None = None, patient_safety: bool = False) -> RetentionClass:
    """The class a case is kept under: incident records for a crisis where someone was harmed and for an enquiry
    marked as about a patient safety incident; the Code's communications records otherwise."""
    if (kind is CaseKind.CRISIS and harm in HARMED) or (kind is CaseKind.ENQUIRY and patient_safety):
        return RetentionClass.SERIOUS_INCIDENT
    if kind is CaseKind.ENQUIRY:
        return RetentionClass.MEDIA_ENQUIRY
    return RetentionClass.CORPORATE_COMMUNICATIONS


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March, so a period is never a day short."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


@dataclass(frozen=True)
class RetentionPolicy:
    """Years each class is kept after its case closes (the Code's minimum retention periods, or the IG lead's)."""

    years: Mapping[RetentionClass, int] = field(
        default_factory=lambda: {c: rule.default_years for c, rule in CLASSES.items()})

    def review_on(self, cls: RetentionClass, closed_at: datetime, tz: ZoneInfo) -> date:
        """When a case closed at `closed_at` comes up for appraisal: its closing day, `years` on (in `tz`).

        The Code counts most corporate records from their creation or from the end of the matter; counting from
        the close is never shorter."""
        return add_years(closed_at.astimezone(tz).date(), self.years[cls])


class RetentionStatus(StrEnum):
    RETAINED = "retained"  # within its period (or an extension of it)
    DUE = "due"  # its review date has come: queued for a decision
    KEPT = "kept"  # decided: kept for good (continuing value, or selected for permanent preservation)
    DESTROYED = "destroyed"  # decided: its content and personal data removed; the disposal record remains


class Appraisal(StrEnum):
    KEEP = "keep"
    DESTROY = "destroy"
    EXTEND = "extend"


@dataclass(frozen=True)
class Hold:
    """A legal hold (litigation, a claim, a public inquiry or an investigation in prospect)."""

    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class CaseFile:
    """What retention needs to know of a case: its kind, when it was logged and closed (None while open), and
    what says whether it concerns an incident in which someone was harmed."""

    ref: str
    kind: CaseKind
    logged_at: datetime
    closed_at: datetime | None
    harm: str | None = None
    patient_safety: bool = False


@dataclass(frozen=True)
class Retention:
    """A case's place in the retention schedule. `retention_class` and `review_on` are set when it closes."""

    ref: str
    kind: CaseKind
    logged_at: datetime
    retention_class: RetentionClass | None = None
    closed_at: datetime | None = None
    review_on: date | None = None
    status: RetentionStatus = RetentionStatus.RETAINED
    queued_at: datetime | None = None
    decision: Appraisal | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    hold: Hold | None = None

    def describe(self) -> str:
        """The state in a few words, for the list and the card."""
        if self.status is RetentionStatus.DESTROYED:
            return "destroyed"
        if self.hold is not None:
            return "on legal hold"
        if self.closed_at is None:
            return "open"
        if self.status is RetentionStatus.KEPT:
            return "kept for good"
        if self.status is RetentionStatus.DUE:
            return "due for review"
        return "retained (extended)" if self.decision is Appraisal.EXTEND else "retained"


@dataclass(frozen=True)
class Disposal:
    """What is left of a destroyed case: that it existed, how it was classed, its dates, who decided and why."""

    ref: str
    kind: CaseKind
    retention_class: RetentionClass
    logged_at: datetime
    closed_at: datetime
    review_on: date
    decided_by: str
    reason: str
    destroyed_at: datetime


def register(case: CaseFile, policy: RetentionPolicy, tz: ZoneInfo, existing: Retention | None = None) -> Retention:
    """The record of a case: classed, and given its review date once it has closed (a hold placed while it was
    open is kept)."""
    base = existing or Retention(case.ref, case.kind, case.logged_at)
    if case.closed_at is None:
        return base
    cls = classify(case.kind, harm=case.harm, patient_safety=case.patient_safety)
    return replace(base, retention_class=cls, closed_at=case.closed_at,
                   review_on=policy.review_on(cls, case.closed_at, tz))


def queue_if_due(record: Retention, today: date, now: datetime) -> Retention | None:
    """The record moved to the appraisal queue when its review date has come; None when it stays as it is.
    Only queued: nothing is ever destroyed here. A case on hold waits until the hold is released."""
    if (record.status is RetentionStatus.RETAINED and record.hold is None and record.review_on is not None
            and record.review_on <= today):
        return replace(record, status=RetentionStatus.DUE, queued_at=now)
    return None


def require_records_role(directory: Directory, email: str) -> None:
    """Only the Director of Communications, or a records manager named in [people] records_managers, decides what
    happens to a record or places a hold on it."""
    if not directory.roles_of(email) & {Role.DIRECTOR_OF_COMMS, Role.RECORDS_MANAGER}:
        raise NotAllowed(f"{email} cannot decide what happens to a record: only the Director of Communications "
                         "or a records manager ([people] records_managers in the TOML file) can. Nothing was "
                         "changed.")


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise ValidationFailed("Give a reason (--reason): it is kept with the decision.")
    return reason


def parse_until(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"“{text}” is not a date on the calendar: write the new review date as YYYY-MM-DD, "
                               "for example 2030-03-31. Nothing was changed.") from None


def _not_destroyed(record: Retention) -> None:
    if record.status is RetentionStatus.DESTROYED:
        raise InvalidTransition(f"{record.ref} was destroyed on {record.decided_at:%d %b %Y}: there is nothing "
                                "left to decide.")


def appraise(record: Retention, decision: Appraisal, *, reason: str, by: str, now: datetime, today: date,
             until: date | None = None) -> Retention:
    """The decision applied, or a refusal in a sentence (DomainError) with nothing changed."""
    why = _reason(reason)
    _not_destroyed(record)
    if record.closed_at is None or record.review_on is None:
        raise InvalidTransition(f"{record.ref} is still open: a case is appraised once it has closed and its "
                                "retention period has run.")
    if until is not None and decision is not Appraisal.EXTEND:
        raise ValidationFailed("A new review date (--until) goes only with extend. Nothing was changed.")
    decided = replace(record, decision=decision, decided_by=by, decided_at=now, reason=why, queued_at=None)
    if decision is Appraisal.KEEP:
        return replace(decided, status=RetentionStatus.KEPT)
    if decision is Appraisal.EXTEND:
        if until is None:
            raise ValidationFailed("Say until when (--until YYYY-MM-DD): the case comes up for review again then. "
                                   "Nothing was changed.")
        earliest = max(today, record.review_on)
        if until <= earliest:
            raise ValidationFailed(f"The new review date must be after {earliest:%d %b %Y} (today, or the end of "
                                   f"its retention period if that is later), not {until:%d %b %Y}. Nothing was "
                                   "changed.")
        return replace(decided, status=RetentionStatus.RETAINED, review_on=until)
    if record.hold is not None:
        raise InvalidTransition(f"{record.ref} is under a legal hold ({record.hold.reason}; placed by "
                                f"{record.hold.by} on {record.hold.at:%d %b %Y}): it cannot be destroyed until the "
                                "hold is released. Nothing was changed.")
    if record.review_on > today:
        raise InvalidTransition(f"{record.ref} is kept until {record.review_on:%d %b %Y}, the end of its minimum "
                                "retention period: it can be destroyed only after that. Nothing was changed.")
    return replace(decided, status=RetentionStatus.DESTROYED)


def place_hold(record: Retention, *, reason: str, by: str, now: datetime) -> Retention:
    why = _reason(reason)
    _not_destroyed(record)
    if record.hold is not None:
        raise InvalidTransition(f"{record.ref} is already under a legal hold ({record.hold.reason}; placed by "
                                f"{record.hold.by} on {record.hold.at:%d %b %Y}).")
    # A case waiting for a decision leaves the queue while it is held: nothing about it can be disposed of.
    status = RetentionStatus.RETAINED if record.status is RetentionStatus.DUE else record.status
    return replace(record, hold=Hold(why, by, now), status=status, queued_at=None)


def release_hold(record: Retention, *, reason: str, by: str, now: datetime) -> Retention:
    _reason(reason)
    if record.hold is None:
        raise InvalidTransition(f"{record.ref} is not under a legal hold.")
    return replace(record, hold=None)  # back in the queue at the next check if its review date has passed


def disposal_of(record: Retention) -> Disposal:
    """The disposal record of a case just decided for destruction."""
    assert record.status is RetentionStatus.DESTROYED and record.retention_class and record.closed_at
    assert record.review_on and record.decided_by and record.decided_at and record.reason
    return Disposal(record.ref, record.kind, record.retention_class, record.logged_at, record.closed_at,
                    record.review_on, record.decided_by, record.reason, record.decided_at)
