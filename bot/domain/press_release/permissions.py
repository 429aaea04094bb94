"""Who may press what on a press release."""

from __future__ import annotations

from typing import Any

from bot.domain.people import Directory, Role, is_comms
from bot.domain.press_release.model import PressRelease
from bot.domain.press_release.slots import PressSlot, recorded_by_comms, signers, slot_label

_COMMS_ONLY = {"claim": "claim a press release", "gathered": "move a press release on", "send": "send a draft on",
               "close": "close a press release", "stop": "stop a press release", "decide": "decide how to respond",
               "details": "change a press release's details", "draft": "write a press release",
               "issue": "issue a press release", "coverage": "log coverage"}
_LEAD_ONLY = {"no_amends": "say there are no changes", "amends": "send the collated amendments",
              "invite": "ask their team to comment"}

def require_comms(directory: Directory, actor: Any, what: str) -> None:
    from bot.domain.errors import NotAllowed

    if not is_comms(directory, actor):
        raise NotAllowed(f"Only the communications team can {what}. All press releases are written and managed "
                         "by the communications team.")


def require(directory: Directory, actor: Any, pr: PressRelease, action: str, slot: PressSlot | None = None
            ) -> None:
    """Who may press which button of a press release; raises NotAllowed with the reason in plain English.
    `slot`: the sign-off a decision ("approve", "change") or a recording by comms ("record") is for."""
    from bot.domain.errors import NotAllowed

    email = (actor.email or "").lower()
    if action in _COMMS_ONLY:
        require_comms(directory, actor, _COMMS_ONLY[action])
    elif action in _LEAD_ONLY:
        lead = pr.lead_email()
        if not lead or email != lead:
            name = directory.name_of(lead) if lead else "the project lead"
            what = _LEAD_ONLY[action]
            hint = (f" If you are on their team, send your comments to {name} instead: they collate one set for "
                    "comms." if what.startswith("send") else "")
            raise NotAllowed(f"Only the project lead ({name}) can {what}.{hint}")
    elif action == "comment":
        if email not in pr.team:
            lead = directory.name_of(pr.lead_email() or "") if pr.lead_email() else "the project lead"
            raise NotAllowed(f"Only the team members {lead} asked to comment can send comments on this draft.")
    elif action == "embargo":
        if not directory.has(actor, Role.DIRECTOR_OF_COMMS):
            raise NotAllowed("Only the Director of Communications can override an embargo.")
    elif slot is not None:
        label = slot_label(slot, pr, directory)
        if action == "record" or recorded_by_comms(slot, pr):
            if not recorded_by_comms(slot, pr):
                who = " or ".join(directory.name_of(e) for e in signers(slot, pr, directory))
                raise NotAllowed(f"{label} is signed off by {who} in person, not recorded by comms.")
            require_comms(directory, actor, f"record {label}'s sign-off")
            return
        allowed = signers(slot, pr, directory)
        if email not in allowed:
            who = " or ".join(directory.name_of(e) for e in allowed) or "nobody configured"
            raise NotAllowed(f"Only {who} can sign this off ({label}). Your click has not been counted.")


def may(directory: Directory, actor: Any, pr: PressRelease, action: str, x: str | None = None) -> bool:
    """Whether `actor` may press a button for `action` (with its argument `x`) on this press release."""
    from bot.domain.errors import NotAllowed

    slot = None
    if action in ("approve", "change", "record"):
        slot = PressSlot.parse((x or "").rpartition(":")[0])
        if slot is None:
            return False
    try:
        require(directory, actor, pr, action, slot)
    except NotAllowed:
        return False
    return True
