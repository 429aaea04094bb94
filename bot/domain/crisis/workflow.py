"""A crisis's workflow table (Appendix C): from the alert to the official line, and the sentence for a refused step."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

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
