"""A crisis (Appendix C): a situation that could damage the ICB's reputation, and its workflow table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.domain import guidance
from bot.domain.enquiry import Person
from bot.domain.forms import Choice, Field, Form, Kind
from bot.domain.people import Directory, Role
from bot.domain.role_fields import person_field
from bot.domain.workflow import Transition, Workflow


class CrisisState(StrEnum):
    REPORTED = "reported"  # the alert is out; waiting for a comms lead
    ACKNOWLEDGED = "acknowledged"  # a comms lead has it
    LINE_DRAFTED = "line_drafted"  # a holding line is with its approvers
    SIGNED_OFF = "signed_off"  # the head of department and the Director (or delegate) approved it
    CIRCULATED = "circulated"  # the official line went out
    STOOD_DOWN = "stood_down"


class CrisisEffect(StrEnum):
    UPDATE_CARD = "update_card"
    TELL_REPORTER = "tell_reporter"
    ASK_APPROVERS = "ask_approvers"
    UPDATE_APPROVER_CARDS = "update_approver_cards"
    TELL_LEAD = "tell_lead"
    CIRCULATE = "circulate"


C, F = CrisisState, CrisisEffect
_ACTIVE = (C.REPORTED, C.ACKNOWLEDGED, C.LINE_DRAFTED, C.SIGNED_OFF, C.CIRCULATED)


def _transitions() -> list[Transition[CrisisState, CrisisEffect]]:
    t = [
        Transition(C.REPORTED, "acknowledge", C.ACKNOWLEDGED, (F.UPDATE_CARD, F.TELL_REPORTER)),
        Transition(C.ACKNOWLEDGED, "draft_line", C.LINE_DRAFTED, (F.UPDATE_CARD, F.ASK_APPROVERS)),
        Transition(C.LINE_DRAFTED, "draft_line", C.LINE_DRAFTED, (F.UPDATE_CARD, F.UPDATE_APPROVER_CARDS,
                                                                  F.ASK_APPROVERS)),
        Transition(C.SIGNED_OFF, "draft_line", C.LINE_DRAFTED, (F.UPDATE_CARD, F.UPDATE_APPROVER_CARDS,
                                                                F.ASK_APPROVERS)),
        Transition(C.CIRCULATED, "draft_line", C.LINE_DRAFTED, (F.UPDATE_CARD, F.ASK_APPROVERS)),
        Transition(C.LINE_DRAFTED, "approve", C.LINE_DRAFTED, (F.UPDATE_CARD, F.UPDATE_APPROVER_CARDS)),
        Transition(C.LINE_DRAFTED, "approve_last", C.SIGNED_OFF, (F.UPDATE_CARD, F.UPDATE_APPROVER_CARDS,
                                                                  F.TELL_LEAD)),
        Transition(C.LINE_DRAFTED, "request_changes", C.ACKNOWLEDGED, (F.UPDATE_CARD, F.UPDATE_APPROVER_CARDS,
                                                                       F.TELL_LEAD)),
        Transition(C.SIGNED_OFF, "circulate", C.CIRCULATED, (F.UPDATE_CARD, F.CIRCULATE)),
        # A lead agency named after sign-off: its sign-off is now needed before the line can go out.
        Transition(C.SIGNED_OFF, "agency_needed", C.LINE_DRAFTED, (F.UPDATE_CARD,)),
        Transition(C.CIRCULATED, "confirm_line", C.CIRCULATED, (F.UPDATE_CARD,)),
    ]
    for state in _ACTIVE:
        t.append(Transition(state, "add_update", state, (F.UPDATE_CARD,)))
        t.append(Transition(state, "details", state, (F.UPDATE_CARD,)))
        if state is not C.REPORTED:
            t.append(Transition(state, "stand_down", C.STOOD_DOWN, (F.UPDATE_CARD, F.TELL_REPORTER,
                                                                   F.UPDATE_APPROVER_CARDS)))
            t.append(Transition(state, "lead_agency", state, (F.UPDATE_CARD,)))
    return t


_EXPLAIN: Mapping[str, Mapping[CrisisState, str]] = {
    "acknowledge": {s: "A comms lead has already taken this crisis." for s in _ACTIVE if s is not C.REPORTED},
    "draft_line": {C.REPORTED: "A comms lead must acknowledge the crisis before a holding line is drafted."},
    "circulate": {
        C.REPORTED: "There is no signed-off line to circulate yet.",
        C.ACKNOWLEDGED: "There is no signed-off line to circulate yet.",
        C.LINE_DRAFTED: "The holding line must be signed off before it is circulated.",
        C.CIRCULATED: "The latest line has already been circulated.",
    },
    "approve": {
        C.SIGNED_OFF: "This holding line has already been signed off.",
        C.ACKNOWLEDGED: "This holding line is not waiting for sign-off (it may have been changed since).",
        C.CIRCULATED: "This holding line has already been signed off and circulated.",
        C.REPORTED: "There is no holding line to sign off yet.",
    },
    "stand_down": {C.REPORTED: "Acknowledge the crisis before standing it down."},
    "confirm_line": {s: "No official line has been circulated yet." for s in (C.REPORTED, C.ACKNOWLEDGED,
                                                                              C.LINE_DRAFTED, C.SIGNED_OFF)},
}
for _event in ("approve_last", "request_changes"):
    _EXPLAIN = {**_EXPLAIN, _event: _EXPLAIN["approve"]}

CRISIS_WORKFLOW: Workflow[CrisisState, CrisisEffect] = Workflow(
    "crisis", _transitions(),
    explain=lambda state, event: _EXPLAIN.get(event, {}).get(state)
    or ("This crisis has been stood down." if state is C.STOOD_DOWN
        else f"That can't be done while the crisis is {state.replace('_', ' ')}."),
)


class CrisisSlot(StrEnum):
    HEAD_OF_DEPARTMENT = "head_of_department"
    COMMS = "comms"  # Director of Communications or delegate
    LEAD_AGENCY = "lead_agency"  # Police, Fire, Gold command: recorded by comms


CRISIS_SLOT_NAMES = {
    CrisisSlot.HEAD_OF_DEPARTMENT: "Head of department",
    CrisisSlot.COMMS: "Director of Communications or delegate",
    CrisisSlot.LEAD_AGENCY: "Lead agency",
}


@dataclass(frozen=True)
class HoldingLine:
    id: int
    title: str
    text: str
    created_by: str


@dataclass
class Crisis:
    ref: str
    details: dict[str, Any]  # the reporter's answers so far
    reporter: Person
    created_at: datetime
    state: CrisisState = CrisisState.REPORTED
    lead: Person | None = None  # the comms lead who acknowledged it
    head_of_department: str | None = None  # email, named when the line is drafted
    lead_agency: str | None = None  # e.g. "Essex Police (Gold command)"
    routing: dict = field(default_factory=dict)
    confirmations: list[str] = field(default_factory=list)  # who confirmed they have the official line
    version: int = 1
    id: int | None = None

    @property
    def summary(self) -> str:
        return str(self.details.get("what", ""))

    @property
    def patient_safety(self) -> bool:
        return self.details.get("harm") in ("patients", "both")


def required_crisis_slots(crisis: Crisis) -> list[CrisisSlot]:
    slots = [CrisisSlot.HEAD_OF_DEPARTMENT, CrisisSlot.COMMS]
    if crisis.lead_agency:
        slots.append(CrisisSlot.LEAD_AGENCY)
    return slots


def crisis_approvers(slot: CrisisSlot, crisis: Crisis, directory: Directory) -> list[str]:
    if slot is CrisisSlot.HEAD_OF_DEPARTMENT:
        return [crisis.head_of_department.lower()] if crisis.head_of_department else []
    if slot is CrisisSlot.COMMS:
        directors = directory.people_with(Role.DIRECTOR_OF_COMMS)
        return directors + [e for e in directory.people_with(Role.SIGN_OFF_DELEGATE) if e not in directors]
    return []


HOW_AWARE = (
    Choice("told", "I was told about it"),
    Choice("public", "A member of the public contacted me"),
    Choice("incident", "An incident happened"),
    Choice("media", "The media contacted me"),
)
HARM = (
    Choice("patients", "Patients harmed"),
    Choice("staff", "Staff harmed"),
    Choice("both", "Patients and staff harmed"),
    Choice("none", "Nobody harmed"),
    Choice("unknown", "Not known yet"),
)
YES_NO = (Choice("yes", "Yes"), Choice("no", "No"), Choice("unknown", "Not known"))

CRISIS_FORM = Form(
    id="crisis",
    title="Report a crisis",
    intro=guidance.CRISIS_FIRST,
    screen_intro=guidance.CRISIS_FIRST_SCREEN,
    noun="crisis report",
    outro=guidance.CRISIS_END,
    submit_label="Send to comms",
    alert_label="🚨 Alert comms now",
    command="/crisis",
    first_status="Offer no comment or opinion to anyone",
    fields=(
        Field("what", "What happened", "What has happened?", Kind.LONG_TEXT, max_len=3000,
              help="A sentence or two is enough to raise the alert."),
        Field("how", "How you heard", "How did you become aware of it?", Kind.CHOICE, optional=True,
              choices=HOW_AWARE),
        Field("where_when", "Where and when", "Where and when did it happen?", optional=True, max_len=300),
        Field("affected", "Who is affected", "Who is affected?", Kind.LONG_TEXT, optional=True, max_len=1000),
        Field("harm", "Harm", "Are patients or staff harmed?", Kind.CHOICE, optional=True, choices=HARM,
              help="A patient safety incident must be reported to NHS England under PSIRF; patient "
                   "confidentiality must be protected."),
        Field("media_aware", "Media aware", "Are the media already aware?", Kind.CHOICE, optional=True,
              choices=YES_NO),
        Field("phone", "Your number", "What number can comms reach you on?", Kind.PHONE, optional=True, max_len=40,
              help="Especially out of hours: comms may need more information."),
        Field("availability", "Your availability", "When are you available (or not)?", optional=True, max_len=300),
        Field("colleague", "Colleague to contact", "Who should comms contact if they can't reach you?",
              optional=True, max_len=300),
    ),
)

# The form asks the reporter in their own voice ("Your number"); the comms card speaks about them.
FOR_COMMS = {
    "how": "How they heard",
    "phone": "Reporter's number",
    "availability": "When they can be reached",
}


def comms_label(field: Field) -> str:
    """A crisis form field's label as comms read it on the crisis card."""
    return FOR_COMMS.get(field.name, field.label)


HOLDING_LINE_FORM_ID = "holding_line"
UPDATE_FORM = Form(
    id="crisis_update", title="Add an update", submit_label="Add update", outro="",
    intro="What has changed? The update goes on the crisis timeline, with your name and the time.",
    fields=(Field("text", "Update", "What has changed?", Kind.LONG_TEXT, max_len=3000),),
)
LIBRARY_FORM = Form(
    id="library_line", title="New holding line", submit_label="Save", outro="",
    intro="A pre-approved holding statement that comms can start a crisis line from.",
    fields=(Field("title", "Title", "A short name", max_len=100, placeholder="e.g. Service disruption"),
            Field("text", "Holding line", "The statement", Kind.LONG_TEXT, max_len=3000)),
)
LEAD_AGENCY_FORM = Form(
    id="lead_agency", title="Lead agency", submit_label="Save", outro="",
    intro="When another agency leads (Police, Fire, a Gold command under EPRR), its sign-off joins the chain.",
    fields=(Field("agency", "Lead agency", "Which agency leads?", max_len=200, optional=True,
                  placeholder="e.g. Essex Police (Gold command)"),),
)


def holding_line_form(directory: Directory) -> Form:
    fields = [Field("text", "Holding line", "The holding line", Kind.LONG_TEXT, max_len=3000,
                    help="The words everyone will use until there is more to say.")]
    fields.append(person_field(directory, Role.HEAD_OF_DEPARTMENT, "head_of_department",
                               "Head of department to sign off", "Who signs it off?",
                               help="Appendix C: approved by the relevant head of department and signed off by "
                                    "the Director of Communications or delegate."))
    return Form(id=HOLDING_LINE_FORM_ID, title="Holding line", submit_label="Send for sign-off", outro="",
                intro="Start from the library or write it here. It goes straight to its approvers.",
                fields=tuple(fields))


# --- who may press what ------------------------------------------------------------------------------------

_COMMS_ONLY = {"line": "draft a holding line", "line_from": "draft a holding line", "agency": "record a lead agency",
               "circulate": "circulate the official line", "stand_down": "stand a crisis down"}


def is_comms(directory: Directory, actor: Any) -> bool:
    """The communications team, with the Director of Communications and their delegates."""
    return directory.has(actor, Role.COMMS, Role.DIRECTOR_OF_COMMS, Role.SIGN_OFF_DELEGATE)


def alert_list(directory: Directory) -> list[str]:
    """Director of Communications and sign-off delegates: they hear of every crisis directly."""
    return list(dict.fromkeys(directory.people_with(Role.DIRECTOR_OF_COMMS)
                              + directory.people_with(Role.SIGN_OFF_DELEGATE)))


def is_reporter(actor: Any, crisis: Crisis) -> bool:
    return (crisis.reporter.platform, crisis.reporter.user_id) == (actor.platform, actor.user_id)


def may_lead(directory: Directory, actor: Any, crisis: Crisis) -> bool:
    """Comms leads a crisis; out of hours the on-call director who was alerted may take it on too."""
    email = (actor.email or "").lower()
    return is_comms(directory, actor) or (bool(email) and email == crisis.routing.get("on_call")) or \
        directory.has(actor, Role.ON_CALL_DIRECTOR)


def require(directory: Directory, actor: Any, crisis: Crisis, action: str, slot: CrisisSlot | None = None) -> None:
    """Who may press which button of a crisis; raises NotAllowed with the reason in plain English."""
    from bot.domain.errors import NotAllowed

    if action in _COMMS_ONLY:
        if not is_comms(directory, actor):
            raise NotAllowed(f"Only the communications team can {_COMMS_ONLY[action]}.")
    elif action == "ack":
        if not may_lead(directory, actor, crisis):
            raise NotAllowed("Only the communications team (or, out of hours, the on-call director) can take a "
                             "crisis on.")
    elif action == "confirm":
        if not is_reporter(actor, crisis) and not is_comms(directory, actor):
            raise NotAllowed("This confirmation is for the person who reported the crisis.")
    elif action == "update":
        involved = is_comms(directory, actor) or is_reporter(actor, crisis) or bool(
            actor.email and actor.email.lower() in alert_list(directory) + [crisis.head_of_department or ""])
        if not involved:
            raise NotAllowed("Only people involved in this crisis can add to its timeline.")
    elif slot is CrisisSlot.LEAD_AGENCY:  # approve / changes, recorded by comms for the agency
        if not is_comms(directory, actor):
            raise NotAllowed("Only the communications team can record the lead agency's sign-off.")
    elif slot is not None:
        allowed = crisis_approvers(slot, crisis, directory)
        if not actor.email or actor.email.lower() not in allowed:
            who = " or ".join(directory.name_of(e) for e in allowed) or "nobody configured"
            raise NotAllowed(f"Only {who} can sign this off as {slot.value.replace('_', ' ')}. "
                             "Your click has not been counted.")


def may(directory: Directory, actor: Any, crisis: Crisis, action: str, x: str | None = None) -> bool:
    """Whether `actor` may press a button for `action` (with its argument `x`) on this crisis."""
    from bot.domain.errors import NotAllowed

    slot = None
    if action in ("approve", "changes"):
        try:
            slot = CrisisSlot((x or "").partition(":")[0])
        except ValueError:
            return False
    try:
        require(directory, actor, crisis, action, slot)
    except NotAllowed:
        return False
    return True
