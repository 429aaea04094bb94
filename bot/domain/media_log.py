"""The media log (issue 14): what a search or an export may ask for, and one line of the log per case.

The policy: "a record will be kept of all ICB media enquiries / statements and releases by the communications
team". Every case is in the log, open and closed; this module says what its filters mean, refuses the ones that
mean nothing in a sentence, and derives a case's line (claimed, approved, issued, deadline met) from its history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.crisis import CrisisState
from bot.domain.enquiry import EnquiryState
from bot.domain.errors import ValidationFailed
from bot.domain.media_call import OUTLET_KINDS
from bot.domain.messages import HistoryEntry
from bot.domain.press_release import PressState


class CaseKind(StrEnum):
    ENQUIRY = "enquiry"
    CRISIS = "crisis"
    PRESS_RELEASE = "press_release"


STATES: dict[CaseKind, tuple[str, ...]] = {
    CaseKind.ENQUIRY: tuple(s.value for s in EnquiryState),
    CaseKind.CRISIS: tuple(s.value for s in CrisisState),
    CaseKind.PRESS_RELEASE: tuple(s.value for s in PressState),
}
OUTLET_TYPES = tuple(c.value for c in OUTLET_KINDS)
# The states a case ends in (its "closed at" is when it got there).
FINAL_STATES = {CaseKind.ENQUIRY: {"closed", "withdrawn"}, CaseKind.CRISIS: {"stood_down"},
                CaseKind.PRESS_RELEASE: {"closed"}}
# What taking a case on is called in each workflow's history.
CLAIM_EVENTS = {CaseKind.ENQUIRY: {"claim"}, CaseKind.CRISIS: {"acknowledge"},
                CaseKind.PRESS_RELEASE: {"claim", "claim_reactive"}}
ISSUE_EVENTS = {"issue", "circulate"}  # a response or release issued; a crisis's official line circulated
CLOSE_EVENTS = {"issue", "close", "withdraw", "stand_down", "stop", "decide_nothing"}  # the steps that end a case
# The history a log line is made from (a case's other steps don't change its line).
LOG_EVENTS = frozenset(set().union(*CLAIM_EVENTS.values(), ISSUE_EVENTS, CLOSE_EVENTS, {"approve_last"}))
_ALIASES = {"enquiries": "enquiry", "media_call": "enquiry", "crises": "crisis", "press": "press_release",
            "release": "press_release", "press_releases": "press_release", "statement": "press_release"}


@dataclass(frozen=True)
class LogFilter:
    """Which cases: every field left empty means "any". Times are UTC instants, `logged_before` exclusive."""

    kinds: tuple[CaseKind, ...] = ()
    states: tuple[str, ...] = ()
    owner: str | None = None  # email of the person who owns (leads) the case
    outlet_kind: str | None = None
    logged_from: datetime | None = None
    logged_before: datetime | None = None
    logged_by: str | None = None  # only the cases this person logged (what a member of staff may see)

    def describe(self) -> str:
        """The filter in words, for messages and the history of an export."""
        parts = [" or ".join(k.replace("_", " ") for k in self.kinds) or "all cases"]
        if self.states:
            parts.append("in state " + " or ".join(s.replace("_", " ") for s in self.states))
        if self.owner:
            parts.append(f"owned by {self.owner}")
        if self.outlet_kind:
            parts.append(f"from {self.outlet_kind} outlets")
        if self.logged_from:
            parts.append(f"logged from {self.logged_from.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
        if self.logged_before:
            parts.append(f"logged before {self.logged_before.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
        if self.logged_by:
            parts.append(f"logged by {self.logged_by}")
        return ", ".join(parts)


def parse_kind(text: str) -> CaseKind:
    word = text.strip().lower().replace("-", "_").replace(" ", "_")
    word = _ALIASES.get(word, word)
    if word not in CaseKind._value2member_map_:
        raise ValidationFailed(f"There is no kind of case called “{text}”: choose from "
                               f"{', '.join(k.value for k in CaseKind)}.")
    return CaseKind(word)


def parse_day(text: str | date, what: str) -> date:
    """A calendar day written YYYY-MM-DD; a day that does not exist is refused in words."""
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"The {what} date “{text}” is not a date on the calendar: write it as YYYY-MM-DD, "
                               "for example 2026-03-31.") from None


def log_filter(tz: ZoneInfo, *, kinds: Iterable[str] = (), states: Iterable[str] = (), owner: str | None = None,
               outlet_type: str | None = None, date_from: str | date | None = None, date_to: str | date | None = None,
               logged_by: str | None = None) -> LogFilter:
    """A filter from what a person typed; raise ValidationFailed with a sentence for anything that means nothing.
    Dates are whole days in the organisation's time zone, both ends included."""
    chosen = tuple(dict.fromkeys(parse_kind(k) for k in kinds))
    possible = {s for kind in (chosen or tuple(CaseKind)) for s in STATES[kind]}
    wanted: list[str] = []
    for state in states:
        value = state.strip().lower().replace("-", "_").replace(" ", "_")
        if value not in possible:
            of = " or ".join(k.replace("_", " ") for k in chosen) if chosen else "any case"
            raise ValidationFailed(f"“{state}” is not a state of {of}: choose from {', '.join(sorted(possible))}.")
        wanted.append(value)
    if outlet_type is not None and outlet_type.strip().lower() not in OUTLET_TYPES:
        raise ValidationFailed(f"There is no outlet type called “{outlet_type}”: choose from "
                               f"{', '.join(OUTLET_TYPES)}.")
    first = parse_day(date_from, "from") if date_from else None
    last = parse_day(date_to, "to") if date_to else None
    if first and last and first > last:
        raise ValidationFailed(f"The from date ({first:%d %b %Y}) is after the to date ({last:%d %b %Y}): "
                               "nothing could match.")
    return LogFilter(
        kinds=chosen, states=tuple(dict.fromkeys(wanted)), owner=(owner or "").strip().lower() or None,
        outlet_kind=outlet_type.strip().lower() if outlet_type else None,
        logged_from=start_of(first, tz) if first else None,
        logged_before=start_of(last + timedelta(days=1), tz) if last else None,
        logged_by=(logged_by or "").strip().lower() or None)


def start_of(day: date, tz: ZoneInfo) -> datetime:
    """Midnight at the start of `day` in `tz` (an aware instant; clock changes are at 01:00, never midnight)."""
    return datetime.combine(day, time(0), tz)


@dataclass(frozen=True)
class SearchHit:
    ref: str
    kind: CaseKind
    state: str
    title: str
    logged_at: datetime
    updated_at: datetime
    snippet: str  # the passage that matched, the matched words between ** and **


@dataclass(frozen=True)
class EarlierStatement:
    """An approved statement from an earlier case, offered as a starting point ("have we said this before?")."""

    ref: str
    kind: CaseKind
    text: str
    logged_at: datetime
    approved_at: datetime | None


@dataclass(frozen=True)
class CaseFacts:
    """What a case's own row says, as the log needs it."""

    kind: CaseKind
    ref: str
    state: str
    logged_at: datetime
    logged_by: str
    owner: str | None = None
    outlet: str | None = None
    outlet_kind: str | None = None
    journalist: str | None = None
    enquiry: str = ""
    deadline: datetime | None = None
    spokesperson: str | None = None
    issued_how: str | None = None  # from the case itself (an enquiry's method, a release's channels)
    logged_by_email: str | None = None


@dataclass(frozen=True)
class Approval:
    """One approving sign-off on one draft version."""

    version: int
    by: str
    at: datetime
    email: str | None = None


@dataclass(frozen=True)
class LogRow:
    """One line of the media log: the columns issue 14 lists, in its order."""

    ref: str
    kind: CaseKind
    logged_at: datetime
    logged_by: str
    outlet: str | None
    outlet_kind: str | None
    journalist: str | None
    enquiry: str
    deadline: datetime | None
    claimed_by: str | None
    claimed_at: datetime | None
    spokesperson: str | None
    statement: str | None  # as issued (or as circulated, for a crisis)
    approved_by: str | None
    approved_at: datetime | None
    issued_at: datetime | None
    issued_how: str | None
    deadline_met: str  # "met", "missed", "open" (not yet due), or "" where there is no deadline to meet
    state: str
    closed_at: datetime | None
    # Who the staff named above are, by email (not columns: an FOI export decides by them who may be named).
    logged_by_email: str | None = None
    claimed_by_email: str | None = None
    approvers: tuple[tuple[str, str | None], ...] = ()  # (name, email) of each approver, in order


COLUMNS = ("Reference", "Kind", "Logged at", "Logged by", "Outlet", "Outlet type", "Journalist", "Enquiry",
           "Deadline", "Claimed by", "Claimed at", "Spokesperson", "Statement as issued", "Approved by",
           "Approved at", "Issued at", "Issued how", "Deadline met", "State", "Closed at")


def log_row(case: CaseFacts, history: Sequence[HistoryEntry], drafts: Mapping[int, str],
            approvals: Sequence[Approval], now: datetime) -> LogRow:
    """The case's line, from its row, its history (oldest first), its drafts by number and its approvals."""
    claim = next((h for h in history if h.event in CLAIM_EVENTS[case.kind]), None)
    issue = next((h for h in reversed(history) if h.event in ISSUE_EVENTS), None)
    issued_version = _int(issue.data.get("version")) if issue else None
    completed = [h for h in history if h.event == "approve_last"]
    if issued_version is not None:
        completed = [h for h in completed if _int(h.data.get("version")) == issued_version] or completed
    signed = completed[-1] if completed else None
    version = issued_version if issued_version is not None else (_int(signed.data.get("version")) if signed else None)
    approvers = [a for a in approvals if a.version == version and (signed is None or a.at <= signed.at)]
    statement = None
    if issue is not None:
        statement = drafts.get(issued_version) if issued_version is not None else None
        statement = statement or issue.data.get("text")
    closed = next((h for h in reversed(history) if h.event in CLOSE_EVENTS
                   and h.data.get("state") in FINAL_STATES[case.kind]), None)
    closed = closed if case.state in FINAL_STATES[case.kind] else None
    return LogRow(
        ref=case.ref, kind=case.kind, logged_at=case.logged_at, logged_by=case.logged_by, outlet=case.outlet,
        outlet_kind=case.outlet_kind, journalist=case.journalist, enquiry=case.enquiry, deadline=case.deadline,
        claimed_by=claim.actor if claim else None, claimed_at=claim.at if claim else None,
        spokesperson=case.spokesperson, statement=statement,
        approved_by="; ".join(dict.fromkeys(a.by for a in approvers)) or None,
        approved_at=signed.at if signed else None,
        issued_at=issue.at if issue else None,
        issued_how=case.issued_how or (issue.data.get("method") if issue else None) or (
            "circulated" if issue and issue.event == "circulate" else None),
        deadline_met=deadline_outcome(case.deadline, issue.at if issue else None, case.state, case.kind, now),
        state=case.state, closed_at=closed.at if closed else None, logged_by_email=case.logged_by_email,
        claimed_by_email=claim.actor_email if claim else None,
        approvers=tuple(dict.fromkeys((a.by, a.email) for a in approvers)))


def deadline_outcome(deadline: datetime | None, issued_at: datetime | None, state: str, kind: CaseKind,
                     now: datetime) -> str:
    """"met" when the response went by the deadline, "missed" when it went later or is still owed after it,
    "open" while there is time, "" when nothing was owed (no deadline; withdrawn, or closed without a response)."""
    if deadline is None:
        return ""
    if issued_at is not None:
        return "met" if issued_at <= deadline else "missed"
    if state in FINAL_STATES[kind]:
        return ""
    return "missed" if now > deadline else "open"


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
