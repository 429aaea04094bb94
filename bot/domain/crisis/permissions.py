"""Who may press what on a crisis: one table, read by the server's check and by the card's buttons."""

from __future__ import annotations

from typing import Any

from bot.domain.crisis.model import Crisis, CrisisSlot, alert_list, crisis_approvers
from bot.domain.crisis.workflow import CRISIS_WORKFLOW, CrisisState
from bot.domain.errors import ValidationFailed
from bot.domain.people import Directory, Role, is_comms
from bot.domain.permissions import Asked, Permissions, Rule, Rules
from bot.domain.statement import button_slot

Q = Asked[Crisis]


def is_reporter(actor: Any, crisis: Crisis) -> bool:
    return (crisis.reporter.platform, crisis.reporter.user_id) == (actor.platform, actor.user_id)


def may_lead(directory: Directory, actor: Any, crisis: Crisis) -> bool:
    """Comms leads a crisis; out of hours the on-call director who was alerted may take it on too."""
    email = (actor.email or "").lower()
    return is_comms(directory, actor) or (bool(email) and email == crisis.routing.get("on_call")) or \
        directory.has(actor, Role.ON_CALL_DIRECTOR)


def _comms(q: Q) -> bool:
    return is_comms(q.directory, q.actor)


def _comms_only(what: str, *events: str) -> Rule[Crisis]:
    return Rule(_comms, f"Only the communications team can {what}.", events)


def _involved(q: Q) -> bool:
    return _comms(q) or is_reporter(q.actor, q.case) or bool(
        q.email and q.email in alert_list(q.directory) + [q.case.head_of_department or ""])


def _signs(q: Q) -> bool:
    """A sign-off: the slot's own approvers, or comms recording the lead agency's (no slot: nothing to check)."""
    if q.arg is CrisisSlot.LEAD_AGENCY:
        return _comms(q)
    return q.arg is None or q.email in crisis_approvers(q.arg, q.case, q.directory)


def _not_signer(q: Q) -> str:
    if q.arg is CrisisSlot.LEAD_AGENCY:
        return "Only the communications team can record the lead agency's sign-off."
    who = " or ".join(q.directory.name_of(e) for e in crisis_approvers(q.arg, q.case, q.directory))
    return (f"Only {who or 'nobody configured'} can sign this off as {q.arg.value.replace('_', ' ')}. "
            "Your click has not been counted.")


PERMISSIONS: Permissions[Crisis, CrisisState] = Permissions(CRISIS_WORKFLOW, {
    "ack": Rule(lambda q: may_lead(q.directory, q.actor, q.case),
                "Only the communications team (or, out of hours, the on-call director) can take a crisis on.",
                ("acknowledge",)),
    "line": _comms_only("draft a holding line", "draft_line"),
    "line_from": _comms_only("draft a holding line", "draft_line"),
    "approve": Rule(_signs, _not_signer, ("approve", "approve_last")),
    "changes": Rule(_signs, _not_signer, ("request_changes",)),
    "circulate": _comms_only("circulate the official line", "circulate"),
    "confirm": Rule(lambda q: is_reporter(q.actor, q.case) or _comms(q),
                    "This confirmation is for the person who reported the crisis.", ("confirm_line",)),
    "update": Rule(_involved, "Only people involved in this crisis can add to its timeline.", ("add_update",)),
    "agency": _comms_only("record a lead agency", "lead_agency"),
    "stand_down": _comms_only("stand a crisis down", "stand_down"),
}, default=Rule(_signs, _not_signer))


DECISIONS = frozenset({"approve", "changes"})  # the buttons whose argument names a slot (`button_arg`)

# A sign-off button made for a holding line that has since changed (`statement.check_binding`).
STALE_SIGN_OFF = ("This card shows an earlier holding line, which has since changed, so it can't be signed off "
                  "from here. If it needs you, a new card will come.")

# The library of pre-approved holding lines is no one crisis's: the communications team's, to read and keep.
_LIBRARIAN: Rule[None] = Rule(lambda q: is_comms(q.directory, q.actor),
                              "Only the communications team can manage the holding-line library.")
LIBRARY: Rules[None] = Rules(dict.fromkeys(("show", "add", "retire"), _LIBRARIAN), default=_LIBRARIAN)


def require_library(directory: Directory, actor: Any, action: str) -> None:
    """Who may use the holding-line library (`action`: "show", "add", "retire")."""
    LIBRARY.require(Asked(directory, actor, None), action)


def require(directory: Directory, actor: Any, crisis: Crisis, action: str, slot: CrisisSlot | None = None) -> None:
    """Who may press which button of a crisis; raises NotAllowed with the reason in plain English."""
    PERMISSIONS.require(Asked(directory, actor, crisis, slot), action)


def may(directory: Directory, actor: Any, crisis: Crisis, action: str, x: str | None = None) -> bool:
    """Whether `actor` may press a button for `action` (with its argument `x`) on this crisis."""
    try:
        slot = button_slot(x, CrisisSlot)[0] if action in DECISIONS else None
    except ValidationFailed:
        return False
    return PERMISSIONS.may(Asked(directory, actor, crisis, slot), action)
