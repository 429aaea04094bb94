"""A media enquiry (Appendix B) and its workflow table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.domain.statement import Plan
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


@dataclass
class Person:
    """Who did something, as recorded on a case."""

    name: str
    email: str | None
    platform: str | None = None
    user_id: str | None = None


@dataclass
class Enquiry:
    ref: str
    journalist: str
    outlet: str
    outlet_kind: str
    phone: str | None
    email: str | None
    summary: str
    deadline: datetime
    reporter: Person
    created_at: datetime
    state: EnquiryState = EnquiryState.OPEN
    owner: Person | None = None
    plan: Plan = field(default_factory=Plan)
    routing: dict = field(default_factory=dict)  # out of hours: who was asked, who acknowledged
    version: int = 1
    id: int | None = None


def authorise(directory, actor, enquiry: Enquiry, action: str, target: str | None = None, *,
              out_of_hours: bool = False) -> None:
    """Who may do what to an enquiry; raises NotAllowed with the reason in plain English."""
    from bot.domain import guidance
    from bot.domain.errors import NotAllowed
    from bot.domain.people import Role

    is_comms = directory.has(actor, Role.COMMS)
    if action == "claim" and not is_comms:
        # Out of hours, and only then, the on-call director takes the enquiry on (policy: "Out of Hours
        # Enquiries"); in office hours it is the communications team's.
        asked = enquiry.routing.get("asked") or []
        on_call = directory.has(actor, Role.ON_CALL_DIRECTOR) or (actor.email or "").lower() in asked
        if on_call and out_of_hours:
            return
        if on_call:
            raise NotAllowed("In office hours the communications team takes enquiries on: the on-call director "
                             "is asked only out of hours.")
    if action == "withdraw":
        is_reporter = enquiry.reporter.user_id == actor.user_id and enquiry.reporter.platform == actor.platform
        if not (is_comms or is_reporter):
            raise NotAllowed("Only the person who logged this enquiry or the communications team can withdraw it.")
        return
    if not is_comms:
        raise NotAllowed(guidance.NOT_COMMS if action == "claim" else
                         "Only members of the communications team can change who owns a media enquiry.")
    if action == "hand_over":
        if not target or Role.COMMS not in directory.roles_of(target):
            raise NotAllowed("Enquiries can only be handed over to a member of the communications team.")
        if enquiry.owner and (enquiry.owner.email or "").lower() == target.lower():
            raise NotAllowed(f"{enquiry.owner.name} already owns this enquiry.")


# The owner's own work on the response: only the comms officer who owns the enquiry does these.
OWNER_ACTIONS = frozenset({"draft", "request_sign_off", "issue", "close"})
READ_ACTIONS = frozenset({"show"})  # reading the whole enquiry: whoever the bot shows its cards to
COMMS_ACTIONS = frozenset({"tick", "partner"})  # the checklist; a partner's sign-off, recorded by comms


def is_owner(actor, enquiry: Enquiry) -> bool:  # noqa: ANN001 - Actor
    owner = enquiry.owner
    if owner is None:
        return False
    if owner.user_id and owner.platform == actor.platform and owner.user_id == actor.user_id:
        return True
    return bool(owner.email and actor.email and owner.email.lower() == actor.email.lower())


def require(directory, actor, enquiry: Enquiry, action: str, target: str | None = None, *,  # noqa: ANN001
            out_of_hours: bool = False) -> None:
    """Who may press which button of an enquiry (ownership, the response, the checklist); raises NotAllowed."""
    from bot.domain import guidance
    from bot.domain.errors import NotAllowed
    from bot.domain.people import Role

    if action in READ_ACTIONS:
        reporter = enquiry.reporter.user_id == actor.user_id and enquiry.reporter.platform == actor.platform
        if not (reporter or is_owner(actor, enquiry) or directory.roles_of(actor.email)):
            raise NotAllowed("Only the communications team, its approvers and the person who logged this enquiry "
                             "can read it in full.")
    elif action in OWNER_ACTIONS:
        if not is_owner(actor, enquiry):
            who = enquiry.owner.name if enquiry.owner else "nobody yet"
            raise NotAllowed(guidance.NOT_OWNER.format(owner=who))
    elif action in COMMS_ACTIONS:
        if not directory.has(actor, Role.COMMS):
            raise NotAllowed("Only the communications team can tick off the checklist." if action == "tick" else
                             "A partner's sign-off is recorded by the communications team.")
    else:
        authorise(directory, actor, enquiry, action, target, out_of_hours=out_of_hours)


def may(directory, actor, enquiry: Enquiry, action: str, *, out_of_hours: bool = False) -> bool:  # noqa: ANN001
    """Whether `actor` may press a button for `action` on this enquiry (a hand-over: to someone)."""
    from bot.domain.errors import NotAllowed

    try:
        require(directory, actor, enquiry, "release" if action == "hand_over" else action,
                out_of_hours=out_of_hours)
    except NotAllowed:
        return False
    return True
