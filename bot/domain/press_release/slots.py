"""A press release's sign-offs: the slots, who signs each, and who holds the stage now."""

from __future__ import annotations

import re

from bot.domain.people import Directory, Role
from bot.domain.press_release.model import PressRelease
from bot.domain.press_release.workflow import COLLATING, PressState
from bot.domain.text import small_int

P = PressState


class PressSlot(str):
    """A press release's sign-off slot, stored in the shared sign_offs table: "pr_partner_<n>" (a named partner,
    recorded by comms), "pr_lead" (the project lead), "pr_quote_<n>" (a person quoted), "pr_director" (the
    Director of Communications or delegate), "pr_exec" (a named executive, reactive releases)."""

    _PATTERN = re.compile(r"^pr_(?:lead|director|exec|partner_\d{1,3}|quote_\d{1,3})$")

    @property
    def value(self) -> str:
        return str(self)

    @classmethod
    def parse(cls, raw: str) -> PressSlot | None:
        return cls(raw) if cls._PATTERN.match(raw or "") else None

    @property
    def stage(self) -> PressState:
        if self.startswith("pr_partner_"):
            return P.EXTERNAL_SIGN_OFF
        if self == "pr_lead":
            return P.LEAD_SIGN_OFF
        if self.startswith("pr_quote_"):
            return P.QUOTE_APPROVAL
        return P.DIRECTOR_SIGN_OFF

    @property
    def number(self) -> int:
        """The partner's or quote's number, 1-based (not `index`, which would hide str.index)."""
        tail = self.rsplit("_", 1)[-1]
        return small_int(tail) or 0


LEAD = PressSlot("pr_lead")
DIRECTOR = PressSlot("pr_director")
EXECUTIVE = PressSlot("pr_exec")


def partner_slot(i: int) -> PressSlot:
    return PressSlot(f"pr_partner_{i}")


def quote_slot(i: int) -> PressSlot:
    return PressSlot(f"pr_quote_{i}")


def slots_for(stage: PressState, pr: PressRelease) -> list[PressSlot]:
    """The sign-offs a stage needs; an empty list means the stage is skipped."""
    if stage is P.EXTERNAL_SIGN_OFF:
        return [partner_slot(i + 1) for i in range(len(pr.partners))]
    if stage is P.LEAD_SIGN_OFF:
        return [] if pr.is_statement else [LEAD]
    if stage is P.QUOTE_APPROVAL:
        return [quote_slot(i + 1) for i in range(len(pr.quoted))]
    if stage is P.DIRECTOR_SIGN_OFF:
        return [DIRECTOR, EXECUTIVE] if pr.executive else [DIRECTOR]
    return []


def slot_label(slot: PressSlot, pr: PressRelease, directory: Directory) -> str:
    if slot.stage is P.EXTERNAL_SIGN_OFF:
        return pr.partners[slot.number - 1] if 0 < slot.number <= len(pr.partners) else "A partner"
    if slot.stage is P.QUOTE_APPROVAL:
        return f"Quote: {pr.quoted[slot.number - 1].name}" if 0 < slot.number <= len(pr.quoted) else "A quote"
    if slot == LEAD:
        lead = pr.lead_email()
        return f"Project lead ({directory.name_of(lead)})" if lead else "Project lead"
    if slot == EXECUTIVE:
        return f"Executive ({directory.name_of(pr.executive)})" if pr.executive else "Executive"
    return "Director of Communications"


def signers(slot: PressSlot, pr: PressRelease, directory: Directory) -> list[str]:
    """The emails who may sign a slot themselves; empty when comms record it (partners, people outside)."""
    if slot == LEAD:
        lead = pr.lead_email()
        return [lead] if lead else []
    if slot == DIRECTOR:
        directors = directory.people_with(Role.DIRECTOR_OF_COMMS)
        return directors + [e for e in directory.people_with(Role.SIGN_OFF_DELEGATE) if e not in directors]
    if slot == EXECUTIVE:
        return [pr.executive.lower()] if pr.executive else []
    if slot.stage is P.QUOTE_APPROVAL and 0 < slot.number <= len(pr.quoted):
        email = pr.quoted[slot.number - 1].email
        return [email.lower()] if email else []
    return []


def recorded_by_comms(slot: PressSlot, pr: PressRelease) -> bool:
    return slot.stage is P.EXTERNAL_SIGN_OFF or (slot.stage is P.QUOTE_APPROVAL and not signers(slot, pr,
                                                                                                 Directory()))


def holders(pr: PressRelease, directory: Directory, decided: set[str]) -> list[str]:
    """Who holds the current stage (emails); [] means the comms team as a whole (nobody has claimed it)."""
    owner = [pr.owner.email.lower()] if pr.owner and pr.owner.email else []
    if pr.state in COLLATING:
        lead = pr.lead_email()
        return [lead] if lead else owner
    if pr.state in (P.LEAD_SIGN_OFF, P.QUOTE_APPROVAL, P.DIRECTOR_SIGN_OFF):
        people: list[str] = []
        for slot in slots_for(pr.state, pr):
            if slot.value in decided:
                continue
            people += signers(slot, pr, directory) or owner
        return list(dict.fromkeys(people))
    if pr.state in (P.REQUESTED, P.CLOSED):
        return []
    return owner
