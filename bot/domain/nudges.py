"""Nudges: reminders and escalations as rows with a due time, and the rules that schedule them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.domain.enquiry import Enquiry, EnquiryState
from bot.domain.office_hours import OfficeHours
from bot.domain.permissions import Rule, Rules


class NudgeKind(StrEnum):
    UNCLAIMED = "unclaimed"  # the comms channel: still nobody on it; repeats, then escalates
    UNCLAIMED_ESCALATION = "unclaimed_escalation"  # Head of Communications / Director
    DEADLINE = "deadline"  # the owner, before the journalist's deadline
    DEADLINE_MISSED = "deadline_missed"  # the deadline passed with the case still open
    SIGN_OFF = "sign_off"  # an approver who has not acted; repeats, then escalates
    SIGN_OFF_ESCALATION = "sign_off_escalation"  # the Director and delegates
    ON_CALL = "on_call"  # out of hours: the next person in the on-call chain, if nobody acknowledged
    CRISIS_UNACKNOWLEDGED = "crisis_unacknowledged"  # nobody has taken a crisis on: minutes, not hours
    CRISIS_SIGN_OFF = "crisis_sign_off"  # a holding line waits for an approver
    PRESS_STAGE = "press_stage"  # a press release's stage is due: chase whoever holds it


class NudgeStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"  # the thing it chased was done first
    FAILED = "failed"


@dataclass
class Nudge:
    case_ref: str
    kind: NudgeKind
    due_at: datetime
    recipient: str | None = None  # an email; None means the comms channel
    seq: int = 1  # the how-many-th of its chain
    data: dict[str, Any] = field(default_factory=dict)
    status: NudgeStatus = NudgeStatus.PENDING
    id: int | None = None


# A reminder's own buttons are its recipient's (the case's buttons on it are the case's table's to allow).
_RECIPIENTS: Rule[Nudge] = Rule(lambda q: q.email == q.case.recipient, "That reminder was for someone else.")
REMINDER: Rules[Nudge] = Rules({"snooze": _RECIPIENTS}, default=_RECIPIENTS)


@dataclass(frozen=True)
class NudgePolicy:
    """The timings, from the TOML file's [nudges] section."""

    unclaimed_after: timedelta = timedelta(minutes=15)
    unclaimed_repeat: timedelta = timedelta(minutes=15)
    unclaimed_escalate_after: int = 2  # reminders in the channel before escalating
    owner_before: tuple[timedelta, ...] = (timedelta(minutes=60), timedelta(minutes=15))
    owner_half_time: bool = True  # also remind at half the time left
    sign_off_after: timedelta = timedelta(minutes=20)
    sign_off_repeat: timedelta = timedelta(minutes=20)
    sign_off_escalate_after: int = 2
    on_call_ack: timedelta = timedelta(minutes=15)
    snooze: timedelta = timedelta(minutes=30)


WORKING = (EnquiryState.CLAIMED, EnquiryState.AWAITING_SIGN_OFF, EnquiryState.CHANGES_REQUESTED,
           EnquiryState.REJECTED, EnquiryState.APPROVED)
FINISHED = (EnquiryState.CLOSED, EnquiryState.WITHDRAWN)


def owner_reminders(enquiry: Enquiry, now: datetime, policy: NudgePolicy) -> list[Nudge]:
    """Reminders for the owner: at half the time left, and at fixed times before the deadline."""
    if enquiry.owner is None or not enquiry.owner.email:
        return []
    times: set[datetime] = set()
    left = enquiry.deadline - now
    if policy.owner_half_time and left > timedelta(minutes=30):
        times.add(now + left / 2)
    for before in policy.owner_before:
        when = enquiry.deadline - before
        if when > now:
            times.add(when)
    # Reminders within five minutes of each other are one reminder.
    kept: list[datetime] = []
    for when in sorted(times):
        if not kept or when - kept[-1] >= timedelta(minutes=5):
            kept.append(when)
    email = enquiry.owner.email.lower()
    return [Nudge(enquiry.ref, NudgeKind.DEADLINE, when, email, seq=i + 1,
                  data={"minutes_left": round((enquiry.deadline - when).total_seconds() / 60)})
            for i, when in enumerate(kept)]


def still_applies(nudge: Nudge, enquiry: Enquiry, data: dict[str, Any]) -> bool:
    """Whether the thing a nudge chases is still undone (the guard that makes late or stray nudges harmless)."""
    state = enquiry.state
    match nudge.kind:
        case NudgeKind.UNCLAIMED | NudgeKind.UNCLAIMED_ESCALATION:
            return state is EnquiryState.OPEN
        case NudgeKind.ON_CALL:
            return state is EnquiryState.OPEN and not enquiry.routing.get("acknowledged_by")
        case NudgeKind.DEADLINE:
            return (state in WORKING and enquiry.owner is not None
                    and (enquiry.owner.email or "").lower() == nudge.recipient)
        case NudgeKind.DEADLINE_MISSED:
            return state not in FINISHED
        case NudgeKind.SIGN_OFF | NudgeKind.SIGN_OFF_ESCALATION:
            return (state is EnquiryState.AWAITING_SIGN_OFF and data.get("version") == nudge.data.get("version")
                    and nudge.data.get("slot") not in data.get("decided", ()))
    return False


ALL_KINDS = tuple(NudgeKind)
SIGN_OFF_KINDS = (NudgeKind.SIGN_OFF, NudgeKind.SIGN_OFF_ESCALATION)

# What each workflow event makes unnecessary (guards catch anything these miss).
CANCELS: dict[str, tuple[NudgeKind, ...]] = {
    "claim": (NudgeKind.UNCLAIMED, NudgeKind.UNCLAIMED_ESCALATION, NudgeKind.ON_CALL),
    "acknowledge": (NudgeKind.ON_CALL,),
    "release": (NudgeKind.DEADLINE,),
    "hand_over": (NudgeKind.DEADLINE,),
    "request_sign_off": SIGN_OFF_KINDS,
    "approve_last": SIGN_OFF_KINDS,
    "request_changes": SIGN_OFF_KINDS,
    "reject": SIGN_OFF_KINDS,
    "draft": SIGN_OFF_KINDS,
    "issue": ALL_KINDS,
    "close": ALL_KINDS,
    "withdraw": ALL_KINDS,
}


def on_logged(enquiry: Enquiry, now: datetime, policy: NudgePolicy) -> list[Nudge]:
    return [
        Nudge(enquiry.ref, NudgeKind.UNCLAIMED, now + policy.unclaimed_after),
        Nudge(enquiry.ref, NudgeKind.DEADLINE_MISSED, enquiry.deadline),
    ]


def added_by(event: str, enquiry: Enquiry, now: datetime, policy: NudgePolicy, *,
             approvers: dict[str, list[str]] | None = None, version: int | None = None) -> list[Nudge]:
    """New nudges a workflow event starts. `approvers` maps each pending sign-off slot to its emails."""
    if event in ("claim", "hand_over"):
        return owner_reminders(enquiry, now, policy)
    if event == "release":
        return [Nudge(enquiry.ref, NudgeKind.UNCLAIMED, now + policy.unclaimed_after)]
    if event == "request_sign_off":
        return [Nudge(enquiry.ref, NudgeKind.SIGN_OFF, now + policy.sign_off_after, email,
                      data={"version": version, "slot": slot})
                for slot, emails in (approvers or {}).items() for email in emails]
    return []


# The reminders that wait for the office to open (escalations, the on-call chain and crises do not).
DEFERRED_KINDS = (NudgeKind.UNCLAIMED, NudgeKind.DEADLINE, NudgeKind.SIGN_OFF)


def deferred_until(now: datetime, deadline: datetime, is_open: bool, next_open: datetime) -> datetime | None:
    """Out of hours a reminder waits for the office to open, unless the deadline comes first."""
    if is_open or deadline <= next_open:
        return None
    return next_open


def goes_at(nudge: Nudge, deadline: datetime | None, hours: OfficeHours | None) -> datetime:
    """When a pending nudge will really go: its due time, or the opening it will be held for out of hours."""
    if hours is None or deadline is None or nudge.kind not in DEFERRED_KINDS:
        return nudge.due_at
    later = deferred_until(nudge.due_at, deadline, hours.is_open(nudge.due_at), hours.next_open(nudge.due_at))
    return later or nudge.due_at
