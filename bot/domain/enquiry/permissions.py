"""Who may press what on a media enquiry."""

from __future__ import annotations

from bot.domain.enquiry.model import Enquiry


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
