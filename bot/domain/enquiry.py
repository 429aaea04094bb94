"""A media enquiry (Appendix B) and its workflow table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.workflow import Transition, Workflow


class EnquiryState(StrEnum):
    OPEN = "open"  # logged, waiting for a comms officer to claim it
    CLAIMED = "claimed"  # a comms officer owns it
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"  # logged by mistake or the journalist dropped it


class Effect(StrEnum):
    UPDATE_CARD = "update_card"
    NOTIFY_REPORTER = "notify_reporter"
    BRIEF_OWNER = "brief_owner"
    NOTIFY_PREVIOUS_OWNER = "notify_previous_owner"


S = EnquiryState
E = Effect

ENQUIRY_WORKFLOW: Workflow[EnquiryState] = Workflow(
    "enquiry",
    [
        Transition(S.OPEN, "claim", S.CLAIMED, (E.UPDATE_CARD, E.BRIEF_OWNER, E.NOTIFY_REPORTER)),
        Transition(S.CLAIMED, "release", S.OPEN, (E.UPDATE_CARD, E.NOTIFY_PREVIOUS_OWNER)),
        Transition(S.CLAIMED, "hand_over", S.CLAIMED, (E.UPDATE_CARD, E.BRIEF_OWNER, E.NOTIFY_PREVIOUS_OWNER)),
        Transition(S.OPEN, "withdraw", S.WITHDRAWN, (E.UPDATE_CARD,)),
        Transition(S.CLAIMED, "withdraw", S.WITHDRAWN, (E.UPDATE_CARD,)),
        Transition(S.CLAIMED, "close", S.CLOSED, (E.UPDATE_CARD,)),
    ],
    explain=lambda state, event: _EXPLAIN.get((state, event))
    or {
        S.CLOSED: "This enquiry is already closed.",
        S.WITHDRAWN: "This enquiry was withdrawn.",
    }.get(state, f"That can't be done while the enquiry is {state}."),
)

_EXPLAIN = {
    (S.CLAIMED, "claim"): "Someone has already claimed this enquiry.",
    (S.OPEN, "release"): "Nobody has claimed this enquiry, so there is nothing to release.",
    (S.OPEN, "hand_over"): "Claim the enquiry first; then you can hand it over.",
    (S.OPEN, "close"): "Claim the enquiry before closing it.",
}


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
    version: int = 1
    id: int | None = None


def authorise(directory, actor, enquiry: Enquiry, action: str, target: str | None = None) -> None:
    """Who may do what to an enquiry; raises NotAllowed with the reason in plain English."""
    from bot.domain import guidance
    from bot.domain.errors import NotAllowed
    from bot.domain.people import Role

    is_comms = directory.has(actor, Role.COMMS)
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
