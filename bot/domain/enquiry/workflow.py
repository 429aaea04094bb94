"""A media enquiry's workflow table: its states, what each step does, and the sentence for a refused step."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.workflow import Transition, Workflow


class EnquiryState(StrEnum):
    OPEN = "open"  # logged, waiting for a comms officer to claim it
    CLAIMED = "claimed"  # a comms officer owns it and is preparing the response
    AWAITING_SIGN_OFF = "awaiting_sign_off"  # a draft is with the approvers
    CHANGES_REQUESTED = "changes_requested"  # an approver asked for changes
    REJECTED = "rejected"  # an approver rejected the draft
    APPROVED = "approved"  # every required sign-off is in; ready to issue
    CLOSED = "closed"  # responded (issued) or closed without a response
    WITHDRAWN = "withdrawn"  # logged by mistake or the journalist dropped it


class Effect(StrEnum):
    UPDATE_CARD = "update_card"
    NOTIFY_REPORTER = "notify_reporter"
    BRIEF_OWNER = "brief_owner"
    NOTIFY_PREVIOUS_OWNER = "notify_previous_owner"
    ASK_APPROVERS = "ask_approvers"  # DM the draft to everyone who may sign off a pending slot
    UPDATE_APPROVER_CARDS = "update_approver_cards"  # show each approver where the sign-off now stands
    TELL_OWNER = "tell_owner"  # the owner hears of a decision
    REPORTER_CLOSED = "reporter_closed"


S = EnquiryState
E = Effect
_WORKING = (S.CLAIMED, S.AWAITING_SIGN_OFF, S.CHANGES_REQUESTED, S.REJECTED, S.APPROVED)


def _transitions() -> list[Transition[EnquiryState, Effect]]:
    t = [
        Transition(S.OPEN, "claim", S.CLAIMED, (E.UPDATE_CARD, E.BRIEF_OWNER, E.NOTIFY_REPORTER)),
        Transition(S.CLAIMED, "release", S.OPEN, (E.UPDATE_CARD, E.NOTIFY_PREVIOUS_OWNER)),
        Transition(S.OPEN, "withdraw", S.WITHDRAWN, (E.UPDATE_CARD,)),
        # Out of hours, the on-call director acknowledges before anyone claims it.
        Transition(S.OPEN, "acknowledge", S.OPEN, (E.UPDATE_CARD,)),
        # Drafting: saving a draft while it is with approvers (or approved) takes it back to the owner.
        Transition(S.CLAIMED, "draft", S.CLAIMED, (E.UPDATE_CARD,)),
        Transition(S.CHANGES_REQUESTED, "draft", S.CHANGES_REQUESTED, (E.UPDATE_CARD,)),
        Transition(S.REJECTED, "draft", S.CLAIMED, (E.UPDATE_CARD,)),
        Transition(S.AWAITING_SIGN_OFF, "draft", S.CLAIMED, (E.UPDATE_CARD, E.UPDATE_APPROVER_CARDS)),
        Transition(S.APPROVED, "draft", S.CLAIMED, (E.UPDATE_CARD, E.UPDATE_APPROVER_CARDS)),
        Transition(S.CLAIMED, "request_sign_off", S.AWAITING_SIGN_OFF, (E.UPDATE_CARD, E.ASK_APPROVERS)),
        Transition(S.CHANGES_REQUESTED, "request_sign_off", S.AWAITING_SIGN_OFF, (E.UPDATE_CARD, E.ASK_APPROVERS)),
        # A sign-off that leaves others pending, and the one that completes the set.
        Transition(S.AWAITING_SIGN_OFF, "approve", S.AWAITING_SIGN_OFF, (E.UPDATE_CARD, E.UPDATE_APPROVER_CARDS)),
        Transition(S.AWAITING_SIGN_OFF, "approve_last", S.APPROVED,
                   (E.UPDATE_CARD, E.UPDATE_APPROVER_CARDS, E.TELL_OWNER)),
        Transition(S.AWAITING_SIGN_OFF, "request_changes", S.CHANGES_REQUESTED,
                   (E.UPDATE_CARD, E.UPDATE_APPROVER_CARDS, E.TELL_OWNER)),
        Transition(S.AWAITING_SIGN_OFF, "reject", S.REJECTED, (E.UPDATE_CARD, E.UPDATE_APPROVER_CARDS, E.TELL_OWNER)),
        Transition(S.APPROVED, "issue", S.CLOSED, (E.UPDATE_CARD, E.REPORTER_CLOSED)),
        Transition(S.CLAIMED, "close", S.CLOSED, (E.UPDATE_CARD, E.REPORTER_CLOSED)),
        Transition(S.REJECTED, "close", S.CLOSED, (E.UPDATE_CARD, E.REPORTER_CLOSED)),
        Transition(S.CHANGES_REQUESTED, "close", S.CLOSED, (E.UPDATE_CARD, E.REPORTER_CLOSED)),
    ]
    for state in _WORKING:
        t.append(Transition(state, "hand_over", state, (E.UPDATE_CARD, E.BRIEF_OWNER, E.NOTIFY_PREVIOUS_OWNER)))
        t.append(Transition(state, "withdraw", S.WITHDRAWN, (E.UPDATE_CARD, E.UPDATE_APPROVER_CARDS)))
        t.append(Transition(state, "tick", state, (E.UPDATE_CARD,)))
    return t


ENQUIRY_WORKFLOW: Workflow[EnquiryState, Effect] = Workflow(
    "enquiry",
    _transitions(),
    explain=lambda state, event: _EXPLAIN.get((state, event))
    or _EXPLAIN_EVENT.get(event, {}).get(state)
    or {
        S.CLOSED: "This enquiry is already closed.",
        S.WITHDRAWN: "This enquiry was withdrawn.",
        S.OPEN: "Claim the enquiry first.",
    }.get(state, f"That can't be done while the enquiry is {state.replace('_', ' ')}."),
)

_EXPLAIN: dict[tuple[EnquiryState, str], str] = {
    (S.OPEN, "release"): "Nobody has claimed this enquiry, so there is nothing to release.",
    (S.OPEN, "hand_over"): "Claim the enquiry first; then you can hand it over.",
}
_EXPLAIN_EVENT: dict[str, dict[EnquiryState, str]] = {
    "acknowledge": {s: "Someone has already claimed this enquiry, so no acknowledgement is needed." for s in _WORKING},
    "claim": {s: "Someone has already claimed this enquiry." for s in _WORKING},
    "release": {s: "The enquiry can only be released before a draft goes for sign-off." for s in _WORKING},
    "request_sign_off": {
        S.AWAITING_SIGN_OFF: "This draft is already waiting for sign-off.",
        S.APPROVED: "This draft is already approved: it can be issued.",
        S.REJECTED: "The draft was rejected: save a new draft before asking for sign-off again.",
    },
    "approve": {
        S.APPROVED: "This draft has already been approved.",
        S.CLAIMED: "This draft is not waiting for sign-off (it may have been edited since).",
        S.CHANGES_REQUESTED: "Changes have been requested, so this draft can no longer be approved.",
        S.REJECTED: "This draft was rejected, so it can no longer be approved.",
    },
    "issue": {
        S.CLAIMED: "The response needs sign-off before it can be issued.",
        S.AWAITING_SIGN_OFF: "The response is still waiting for sign-off.",
        S.CHANGES_REQUESTED: "Changes were requested: edit the draft and ask for sign-off again.",
        S.REJECTED: "The draft was rejected: it cannot be issued.",
    },
    "close": {
        S.AWAITING_SIGN_OFF: "The draft is waiting for sign-off: issue it once approved, or edit it first.",
        S.APPROVED: "The response is approved: mark it as issued to close the enquiry.",
    },
}
for _event in ("approve_last", "request_changes", "reject"):
    _EXPLAIN_EVENT[_event] = _EXPLAIN_EVENT["approve"]
