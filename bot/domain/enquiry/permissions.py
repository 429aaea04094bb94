"""Who may press what on a media enquiry: one table, read by the server's check and by the card's buttons."""

from __future__ import annotations

from typing import Any

from bot.domain import guidance
from bot.domain.enquiry.model import Enquiry
from bot.domain.enquiry.workflow import ENQUIRY_WORKFLOW, EnquiryState
from bot.domain.errors import NotAllowed, ValidationFailed
from bot.domain.people import Actor, Directory, Role
from bot.domain.permissions import Asked, Permissions, Rule
from bot.domain.statement import Slot, approvers, button_slot

Q = Asked[Enquiry]


def is_owner(actor: Actor, enquiry: Enquiry) -> bool:
    owner = enquiry.owner
    if owner is None:
        return False
    if owner.user_id and owner.platform == actor.platform and owner.user_id == actor.user_id:
        return True
    return bool(owner.email and actor.email and owner.email.lower() == actor.email.lower())


def _comms(q: Q) -> bool:
    """An enquiry is the comms officers' to own (the Director and delegates sign off; they don't take it on)."""
    return q.directory.has(q.actor, Role.COMMS)


def _reporter(q: Q) -> bool:
    return q.case.reporter.user_id == q.actor.user_id and q.case.reporter.platform == q.actor.platform


def _on_call(q: Q) -> bool:
    return q.directory.has(q.actor, Role.ON_CALL_DIRECTOR) or q.email in (q.case.routing.get("asked") or [])


def _owner(q: Q) -> bool:
    return is_owner(q.actor, q.case)


def _not_owner(q: Q) -> str:
    return guidance.NOT_OWNER.format(owner=q.case.owner.name if q.case.owner else "nobody yet")


def _signs(q: Q) -> bool:
    """A decision on a slot: by its approvers, never on the owner's own draft; comms record a partner's."""
    if q.arg is Slot.PARTNER:
        return _comms(q)
    return not _owner(q) and q.email in approvers(q.arg, q.case.plan, q.directory)


def _not_signer(q: Q) -> str:
    if q.arg is Slot.PARTNER:
        return _PARTNER
    if _owner(q):
        return "You can't sign off your own draft: it needs someone else's approval."
    who = " or ".join(q.directory.name_of(e) for e in approvers(q.arg, q.case.plan, q.directory))
    return f"Only {who or 'nobody configured'} can sign this off. Your click has not been counted."


_PARTNER = "A partner's sign-off is recorded by the communications team."
_CHANGE_OWNER = "Only members of the communications team can change who owns a media enquiry."


def _ownership(*events: str) -> Rule[Enquiry]:
    return Rule(_comms, _CHANGE_OWNER, events)


def _owners(*events: str) -> Rule[Enquiry]:
    """The owner's own work on the response: only the comms officer who owns the enquiry does it."""
    return Rule(_owner, _not_owner, events)


PERMISSIONS: Permissions[Enquiry, EnquiryState] = Permissions(ENQUIRY_WORKFLOW, {
    # Out of hours, and only then, the on-call director takes the enquiry on (policy: "Out of Hours Enquiries");
    # in office hours it is the communications team's.
    "claim": Rule(lambda q: _comms(q) or (_on_call(q) and q.out_of_hours),
                  lambda q: ("In office hours the communications team takes enquiries on: the on-call director is "
                             "asked only out of hours.") if _on_call(q) else guidance.NOT_COMMS,
                  ("claim",)),
    "release": _ownership("release"),
    "hand_over": _ownership("hand_over"),  # and only to another comms officer: see `require`
    "withdraw": Rule(lambda q: _comms(q) or _reporter(q),
                     "Only the person who logged this enquiry or the communications team can withdraw it.",
                     ("withdraw",)),
    "draft": _owners("draft"),
    "request_sign_off": _owners("request_sign_off"),
    "issue": _owners("issue"),
    "close": _owners("close"),
    "tick": Rule(_comms, "Only the communications team can tick off the checklist.", ("tick",)),
    "partner": Rule(_comms, _PARTNER, ("approve", "approve_last")),
    # An approver's decision on one slot of one draft (`slot`: the slot the button is for).
    "approve": Rule(_signs, _not_signer, ("approve", "approve_last")),
    "changes": Rule(_signs, _not_signer, ("request_changes",)),
    "reject": Rule(_signs, _not_signer, ("reject",)),
    # Out of hours the enquiry goes to the on-call director, who says "I have it" before anyone claims it.
    "ack": Rule(_on_call, "This enquiry was sent to the on-call director; only they can acknowledge it.",
                ("acknowledge",)),
    # Reading the whole enquiry: whoever the bot shows its cards to.
    "show": Rule(lambda q: _reporter(q) or _owner(q) or bool(q.directory.roles_of(q.actor.email)),
                 "Only the communications team, its approvers and the person who logged this enquiry can read it "
                 "in full."),
}, default=_ownership())

OWNERSHIP = frozenset({"claim", "release", "hand_over", "withdraw"})
DECISIONS = frozenset({"approve", "changes", "reject"})  # the buttons whose argument names a slot (`button_arg`)

# A sign-off button made for a draft that has since changed (`statement.check_binding`).
STALE_SIGN_OFF = ("This card shows version {version} of the draft, which has since changed, so it can't be signed "
                  "off from here.{latest} If it needs you, a new card will come.")


def _hand_over_to(directory: Directory, enquiry: Enquiry, target: str | None) -> None:
    if not target or Role.COMMS not in directory.roles_of(target):
        raise NotAllowed("Enquiries can only be handed over to a member of the communications team.")
    if enquiry.owner and (enquiry.owner.email or "").lower() == target.lower():
        raise NotAllowed(f"{enquiry.owner.name} already owns this enquiry.")


def require(directory: Directory, actor: Any, enquiry: Enquiry, action: str, target: str | Slot | None = None, *,
            out_of_hours: bool = False) -> None:
    """Who may press which button of an enquiry; raises NotAllowed with the reason in plain English.
    `target`: who a hand-over is to, or the slot a decision is on."""
    PERMISSIONS.require(Asked(directory, actor, enquiry, target, out_of_hours), action)
    if action == "hand_over":
        _hand_over_to(directory, enquiry, target)


def authorise(directory: Directory, actor: Any, enquiry: Enquiry, action: str, target: str | None = None, *,
              out_of_hours: bool = False) -> None:
    """Who may change who owns an enquiry (claim, release, hand over, withdraw); any other action asked here is
    taken as a change of owner, which is for the communications team."""
    rule = PERMISSIONS.rule(action) if action in OWNERSHIP else PERMISSIONS.default
    rule.check(Asked(directory, actor, enquiry, target, out_of_hours))
    if action == "hand_over":
        _hand_over_to(directory, enquiry, target)


def may(directory: Directory, actor: Any, enquiry: Enquiry, action: str, x: str | None = None, *,
        out_of_hours: bool = False) -> bool:
    """Whether `actor` may press a button for `action` (with its argument `x`) on this enquiry (a hand-over: to
    someone)."""
    try:
        slot = button_slot(x, Slot)[0] if action in DECISIONS else None
    except ValidationFailed:
        return False
    return PERMISSIONS.may(Asked(directory, actor, enquiry, slot, out_of_hours), action)
