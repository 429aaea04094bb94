"""The press-release workflow table: the stages, what each step does, and the sentence for a refused step."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from bot.domain.workflow import Transition, Workflow


class PressState(StrEnum):
    REQUESTED = "requested"  # with the comms team, waiting to be claimed
    DECIDING = "deciding"  # reactive: comms decide whether a release is needed, and in whose name
    GATHERING = "gathering"  # proactive: comms gather dates, key messages, who is quoted, partners
    FIRST_DRAFT = "first_draft"  # comms write the first draft
    COMMENTS = "comments"  # the project lead collates one set of comments and amends from their team
    AMENDING = "amending"  # comms make the amendments
    FINAL_COMMENTS = "final_comments"  # the project lead's final check: the last time changes can be made
    FINAL_AMENDS = "final_amends"  # comms make the final amendments
    EXTERNAL_SIGN_OFF = "external_sign_off"  # each named partner, through comms
    LEAD_SIGN_OFF = "lead_sign_off"  # the project lead signs off: no more amends after this
    QUOTE_APPROVAL = "quote_approval"  # each person quoted approves their quote
    DIRECTOR_SIGN_OFF = "director_sign_off"  # the Director of Communications (and executives, reactive)
    READY = "ready"  # signed off: comms issue it (not before the embargo)
    ISSUED = "issued"  # out: comms follow up coverage
    CLOSED = "closed"


class PressEffect(StrEnum):
    UPDATE_CARD = "update_card"  # the comms channel card, in place
    NEW_STAGE = "new_stage"  # the next holder is asked (a DM card) and chased from the stage's due date
    UPDATE_PEOPLE = "update_people"  # everyone's DM card shows where it now stands
    TELL_REQUESTER = "tell_requester"
    TELL_OWNER = "tell_owner"  # the comms owner hears of amendments, comments and asks for a change
    TELL_LEAD = "tell_lead"  # the project lead hears of a team member's comments


P, F = PressState, PressEffect
SIGN_OFF_STAGES = (P.EXTERNAL_SIGN_OFF, P.LEAD_SIGN_OFF, P.QUOTE_APPROVAL, P.DIRECTOR_SIGN_OFF)
AFTER_LEAD_SIGN_OFF = (P.QUOTE_APPROVAL, P.DIRECTOR_SIGN_OFF, P.READY)
DRAFTING = (P.FIRST_DRAFT, P.AMENDING, P.FINAL_AMENDS)  # comms hold the text and may save versions
COLLATING = (P.COMMENTS, P.FINAL_COMMENTS)  # the project lead holds it: one collated set per round
BEFORE_ISSUE = (P.REQUESTED, P.DECIDING, P.GATHERING, *DRAFTING, *COLLATING, *SIGN_OFF_STAGES, P.READY)
OPEN = (*BEFORE_ISSUE, P.ISSUED)

_MOVE = (F.UPDATE_CARD, F.UPDATE_PEOPLE, F.NEW_STAGE)  # old cards updated, then the new holders asked


def _transitions() -> list[Transition[PressState, PressEffect]]:
    t = [
        Transition(P.REQUESTED, "claim", P.GATHERING, (*_MOVE, F.TELL_REQUESTER)),
        Transition(P.REQUESTED, "claim_reactive", P.DECIDING, (*_MOVE, F.TELL_REQUESTER)),
        Transition(P.DECIDING, "decide_release", P.FIRST_DRAFT, (*_MOVE, F.TELL_REQUESTER)),
        Transition(P.DECIDING, "decide_statement", P.FIRST_DRAFT, (*_MOVE, F.TELL_REQUESTER)),
        Transition(P.DECIDING, "decide_nothing", P.CLOSED, (*_MOVE, F.TELL_REQUESTER)),
        Transition(P.GATHERING, "gathered", P.FIRST_DRAFT, _MOVE),
        Transition(P.FIRST_DRAFT, "send_draft", P.COMMENTS, _MOVE),
        Transition(P.FIRST_DRAFT, "send_statement", P.QUOTE_APPROVAL, _MOVE),
        Transition(P.COMMENTS, "send_amends", P.AMENDING, (*_MOVE, F.TELL_OWNER)),
        Transition(P.COMMENTS, "no_amends", P.EXTERNAL_SIGN_OFF, (*_MOVE, F.TELL_OWNER)),
        Transition(P.AMENDING, "send_amended", P.FINAL_COMMENTS, _MOVE),
        Transition(P.FINAL_COMMENTS, "send_amends", P.FINAL_AMENDS, (*_MOVE, F.TELL_OWNER)),
        Transition(P.FINAL_COMMENTS, "no_amends", P.EXTERNAL_SIGN_OFF, (*_MOVE, F.TELL_OWNER)),
        Transition(P.FINAL_AMENDS, "send_for_sign_off", P.EXTERNAL_SIGN_OFF, _MOVE),
        # Each sign-off stage: one approval of several, the approval that completes it, or nothing to sign.
        Transition(P.EXTERNAL_SIGN_OFF, "approve", P.EXTERNAL_SIGN_OFF, (F.UPDATE_CARD, F.UPDATE_PEOPLE)),
        Transition(P.EXTERNAL_SIGN_OFF, "approve_last", P.LEAD_SIGN_OFF, _MOVE),
        Transition(P.EXTERNAL_SIGN_OFF, "skip", P.LEAD_SIGN_OFF, _MOVE),
        Transition(P.LEAD_SIGN_OFF, "approve_last", P.QUOTE_APPROVAL, _MOVE),
        Transition(P.LEAD_SIGN_OFF, "skip", P.QUOTE_APPROVAL, _MOVE),
        Transition(P.QUOTE_APPROVAL, "approve", P.QUOTE_APPROVAL, (F.UPDATE_CARD, F.UPDATE_PEOPLE)),
        Transition(P.QUOTE_APPROVAL, "approve_last", P.DIRECTOR_SIGN_OFF, _MOVE),
        Transition(P.QUOTE_APPROVAL, "skip", P.DIRECTOR_SIGN_OFF, _MOVE),
        Transition(P.DIRECTOR_SIGN_OFF, "approve", P.DIRECTOR_SIGN_OFF, (F.UPDATE_CARD, F.UPDATE_PEOPLE)),
        Transition(P.DIRECTOR_SIGN_OFF, "approve_last", P.READY, (*_MOVE, F.TELL_OWNER)),
        Transition(P.READY, "lift_embargo", P.READY, (F.UPDATE_CARD, F.UPDATE_PEOPLE)),
        Transition(P.READY, "issue", P.ISSUED, (*_MOVE, F.TELL_REQUESTER)),
        Transition(P.ISSUED, "log_coverage", P.ISSUED, (F.UPDATE_CARD,)),
        Transition(P.ISSUED, "close", P.CLOSED, _MOVE),
    ]
    for state in DRAFTING:
        t.append(Transition(state, "save_draft", state, (F.UPDATE_CARD,)))
    for state in COLLATING:
        t.append(Transition(state, "invite_team", state, (F.UPDATE_CARD, F.UPDATE_PEOPLE)))
        t.append(Transition(state, "team_comment", state, (F.UPDATE_CARD, F.UPDATE_PEOPLE, F.TELL_LEAD)))
    for state in SIGN_OFF_STAGES:
        t.append(Transition(state, "ask_change", state, (F.UPDATE_CARD, F.UPDATE_PEOPLE, F.TELL_OWNER)))
    # A new version once sign-off has begun: back to external sign-off; earlier sign-offs no longer count.
    for state in (*SIGN_OFF_STAGES, P.READY):
        t.append(Transition(state, "revise", P.EXTERNAL_SIGN_OFF, _MOVE))
    for state in BEFORE_ISSUE:
        if state is not P.REQUESTED:
            t.append(Transition(state, "details", state, (F.UPDATE_CARD, F.UPDATE_PEOPLE)))
        t.append(Transition(state, "stop", P.CLOSED, (*_MOVE, F.TELL_REQUESTER)))
    return t


_NOT_YET = "Someone from the communications team must claim this press release first."
_EXPLAIN_EVENT: Mapping[str, Mapping[PressState, str]] = {
    "claim": {s: "Someone from the communications team has already claimed this press release." for s in OPEN
              if s is not P.REQUESTED},
    "send_amends": {
        P.AMENDING: "The project lead has already sent this round's collated amendments; comms are making them.",
        P.FINAL_AMENDS: "The project lead has already sent the final amendments; comms are making them.",
        P.FIRST_DRAFT: "There is no draft with the project lead for comments yet.",
        **{s: "The time for amendments has passed: the release is being signed off. Ask comms if something "
              "must change." for s in (*SIGN_OFF_STAGES, P.READY)},
    },
    "save_draft": {
        **{s: "The draft is with the project lead for comments: the next version follows their collated "
              "amendments." for s in COLLATING},
        **{s: "Sign-off has begun: a new version is a late change (use \"Late change\" on the card)."
           for s in (*SIGN_OFF_STAGES, P.READY)},
    },
    "approve": {
        **{s: "This release is not waiting for that sign-off (it may have moved on or changed since)."
           for s in OPEN},
    },
    "issue": {
        **{s: "The release can't be issued yet: it needs every sign-off, ending with the Director of "
              "Communications." for s in BEFORE_ISSUE if s is not P.READY},
        P.ISSUED: "This press release has already been issued.",
    },
    "revise": {s: "There is nothing to revise at this stage: save a new draft instead." for s in DRAFTING},
}
for _event in ("approve_last", "ask_change"):
    _EXPLAIN_EVENT = {**_EXPLAIN_EVENT, _event: _EXPLAIN_EVENT["approve"]}
_EXPLAIN_EVENT = {**_EXPLAIN_EVENT, "no_amends": _EXPLAIN_EVENT["send_amends"]}


def _explain(state: PressState, event: str) -> str:
    if message := _EXPLAIN_EVENT.get(event, {}).get(state):
        return message
    if state is P.CLOSED:
        return "This press release is closed."
    if state is P.REQUESTED:
        return _NOT_YET
    if state is P.ISSUED and event != "log_coverage":
        return "This press release has already been issued; only coverage can be logged now."
    return f"That can't be done while the press release is at the {STAGE_NAMES[state].lower()} stage."


PRESS_WORKFLOW: Workflow[PressState, PressEffect] = Workflow("press_release", _transitions(),
                                                              explain=_explain)

STAGE_NAMES: Mapping[PressState, str] = {
    P.REQUESTED: "Requested",
    P.DECIDING: "Comms deciding how to respond",
    P.GATHERING: "Information gathering",
    P.FIRST_DRAFT: "First draft",
    P.COMMENTS: "Comments and amends",
    P.AMENDING: "Amended draft",
    P.FINAL_COMMENTS: "Final comments",
    P.FINAL_AMENDS: "Final amends",
    P.EXTERNAL_SIGN_OFF: "External sign-off",
    P.LEAD_SIGN_OFF: "Project lead sign-off",
    P.QUOTE_APPROVAL: "Quote approval",
    P.DIRECTOR_SIGN_OFF: "Final sign-off",
    P.READY: "Ready to issue",
    P.ISSUED: "Issued: coverage follow-up",
    P.CLOSED: "Closed",
}
