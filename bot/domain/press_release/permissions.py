"""Who may press what on a press release: one table, read by the server's check and by the cards' buttons."""

from __future__ import annotations

from typing import Any

from bot.domain.errors import ValidationFailed
from bot.domain.people import Directory, Role, is_comms
from bot.domain.permissions import Asked, Permissions, Rule
from bot.domain.press_release.model import PressRelease
from bot.domain.press_release.slots import PressSlot, recorded_by_comms, signers, slot_label
from bot.domain.press_release.workflow import PRESS_WORKFLOW, PressState
from bot.domain.statement import button_slot

Q = Asked[PressRelease]


def _comms(q: Q) -> bool:
    return is_comms(q.directory, q.actor)


def _only_comms(what: str) -> str:
    return (f"Only the communications team can {what}. All press releases are written and managed by the "
            "communications team.")


def _comms_only(what: str, *events: str) -> Rule[PressRelease]:
    return Rule(_comms, _only_comms(what), events)


def _lead_name(q: Q) -> str:
    lead = q.case.lead_email()
    return q.directory.name_of(lead) if lead else "the project lead"


def _lead_only(what: str, *events: str) -> Rule[PressRelease]:
    def refusal(q: Q) -> str:
        name = _lead_name(q)
        hint = (f" If you are on their team, send your comments to {name} instead: they collate one set for comms."
                if what.startswith("send") else "")
        return f"Only the project lead ({name}) can {what}.{hint}"

    return Rule(lambda q: bool(q.email) and q.email == q.case.lead_email(), refusal, events)


def _names(q: Q, slot: PressSlot) -> str:
    return " or ".join(q.directory.name_of(e) for e in signers(slot, q.case, q.directory))


def _recording(q: Q) -> str:
    return _only_comms(f"record {slot_label(q.arg, q.case, q.directory)}'s sign-off")


def _signs(q: Q) -> bool:
    """A sign-off in person by one of the slot's signers, or comms recording it (no slot: nothing to check)."""
    if q.arg is None:
        return True
    return _comms(q) if recorded_by_comms(q.arg, q.case) else q.email in signers(q.arg, q.case, q.directory)


def _not_signer(q: Q) -> str:
    if recorded_by_comms(q.arg, q.case):
        return _recording(q)
    return (f"Only {_names(q, q.arg) or 'nobody configured'} can sign this off "
            f"({slot_label(q.arg, q.case, q.directory)}). Your click has not been counted.")


def _records(q: Q) -> bool:
    return q.arg is None or (recorded_by_comms(q.arg, q.case) and _comms(q))


def _not_recorder(q: Q) -> str:
    if recorded_by_comms(q.arg, q.case):
        return _recording(q)
    return (f"{slot_label(q.arg, q.case, q.directory)} is signed off by {_names(q, q.arg)} in person, not recorded "
            "by comms.")


_SIGNING = ("approve", "approve_last")

PERMISSIONS: Permissions[PressRelease, PressState] = Permissions(PRESS_WORKFLOW, {
    "claim": _comms_only("claim a press release", "claim", "claim_reactive"),
    "decide": _comms_only("decide how to respond", "decide_release", "decide_statement", "decide_nothing"),
    "gathered": _comms_only("move a press release on", "gathered"),
    "draft": _comms_only("write a press release", "save_draft", "revise"),
    "send": _comms_only("send a draft on", "send_draft", "send_statement", "send_amended", "send_for_sign_off"),
    "amends": _lead_only("send the collated amendments", "send_amends"),
    "no_amends": _lead_only("say there are no changes", "no_amends"),
    "invite": _lead_only("ask their team to comment", "invite_team"),
    "comment": Rule(lambda q: q.email in q.case.team,
                    lambda q: f"Only the team members {_lead_name(q)} asked to comment can send comments on this "
                              "draft.", ("team_comment",)),
    "record": Rule(_records, _not_recorder, _SIGNING),
    "approve": Rule(_signs, _not_signer, _SIGNING),
    "change": Rule(_signs, _not_signer, ("ask_change",)),
    "embargo": Rule(lambda q: q.directory.has(q.actor, Role.DIRECTOR_OF_COMMS),
                    "Only the Director of Communications can override an embargo.", ("lift_embargo",)),
    "issue": _comms_only("issue a press release", "issue"),
    "coverage": _comms_only("log coverage", "log_coverage"),
    "details": _comms_only("change a press release's details", "details"),
    "stop": _comms_only("stop a press release", "stop"),
    "close": _comms_only("close a press release", "close"),
}, default=Rule(_signs, _not_signer))


DECISIONS = frozenset({"approve", "change", "record"})  # the buttons whose argument names a slot (`button_arg`)

# A sign-off button made for a version that has since changed (`statement.check_binding`).
STALE_SIGN_OFF = ("This card shows an earlier version of the release, which has since changed, so it can't be "
                  "signed off from here. The latest version comes on a new card.")


def require(directory: Directory, actor: Any, pr: PressRelease, action: str, slot: PressSlot | None = None
            ) -> None:
    """Who may press which button of a press release; raises NotAllowed with the reason in plain English.
    `slot`: the sign-off a decision ("approve", "change") or a recording by comms ("record") is for."""
    PERMISSIONS.require(Asked(directory, actor, pr, slot), action)


def may(directory: Directory, actor: Any, pr: PressRelease, action: str, x: str | None = None) -> bool:
    """Whether `actor` may press a button for `action` (with its argument `x`) on this press release."""
    try:
        slot = button_slot(x, PressSlot.parse)[0] if action in DECISIONS else None
    except ValidationFailed:
        return False
    return PERMISSIONS.may(Asked(directory, actor, pr, slot), action)
