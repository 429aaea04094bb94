"""Who may press what on a crisis."""

from __future__ import annotations

from typing import Any

from bot.domain.crisis.model import Crisis, CrisisSlot, alert_list, crisis_approvers
from bot.domain.people import Directory, Role, is_comms

_COMMS_ONLY = {"line": "draft a holding line", "line_from": "draft a holding line", "agency": "record a lead agency",
               "circulate": "circulate the official line", "stand_down": "stand a crisis down"}


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
