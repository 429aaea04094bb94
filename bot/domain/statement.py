"""The response to an enquiry: versioned drafts, who must sign them off, and what the policy asks alongside."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, TypeGuard, TypeVar

import phonenumbers

from bot.domain.errors import UNKNOWN_BUTTON, StaleAction, ValidationFailed
from bot.domain.people import Directory, Role

if TYPE_CHECKING:  # both import this module (through bot.domain.enquiry)
    from bot.domain.crisis import CrisisSlot
    from bot.domain.press_release import PressSlot

WRITTEN_ONLY = "written"  # the spokesperson choice meaning "no interview: a written statement only"


def fingerprint(text: str) -> str:
    """A stable fingerprint of a draft's exact text (NFC, line endings normalised)."""
    normalised = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Draft:
    """One version of the written response. Approvals bind to (number, fingerprint)."""

    number: int
    text: str
    fingerprint: str
    author: str
    author_email: str | None
    created_at: datetime

    @property
    def short(self) -> str:
        return self.fingerprint[:12]


S = TypeVar("S")


def button_arg(slot: str, draft: Draft) -> str:
    """What a sign-off button carries as its argument: the slot and the start of the draft's fingerprint."""
    return f"{slot}:{draft.fingerprint[:16]}"


def button_slot(x: str | None, parse: Callable[[str], S | None]) -> tuple[S, str]:
    """The slot and fingerprint prefix a sign-off button carries (`button_arg`), the slot read by `parse`
    (an enquiry's, a crisis's or a press release's); a button we did not make is refused in words."""
    raw, _, fp = (x or "").rpartition(":")
    try:
        slot = parse(raw)
    except ValueError:
        slot = None
    if slot is None:
        raise ValidationFailed(UNKNOWN_BUTTON)
    return slot, fp


def binds_to(draft: Draft | None, version: int | None, fp: str) -> TypeGuard[Draft]:
    """Whether a button made for (version, fingerprint prefix) is for this exact draft: the sign-off binding."""
    return draft is not None and draft.number == version and len(fp) >= 12 and draft.fingerprint.startswith(fp)


def check_binding(draft: Draft | None, version: int | None, fp: str, stale: str) -> Draft:
    """The draft a sign-off button was made for (`binds_to`); a button for any other draft is refused in the
    workflow's own sentence `stale`, which may name the card's {version} and add {latest} (" The latest is
    version N.", when there is one)."""
    if not binds_to(draft, version, fp):
        latest = f" The latest is version {draft.number}." if draft else ""
        raise StaleAction(stale.format(version=version, latest=latest))
    return draft


class Slot(StrEnum):
    """A sign-off the response needs before it may be issued."""

    COMMS = "comms"  # Director of Communications, or a Head of Communications with delegated authority
    EXECUTIVE = "executive"  # the relevant executive, when the owner marks it as needing one
    PARTNER = "partner"  # the partner organisation, for a joint statement (recorded by comms)


SLOT_LABELS = {
    Slot.COMMS: "Director of Communications (or delegate)",
    Slot.EXECUTIVE: "Executive",
    Slot.PARTNER: "Partner organisation",
}


class Decision(StrEnum):
    APPROVED = "approved"
    CHANGES = "changes_requested"
    REJECTED = "rejected"


@dataclass(frozen=True)
class SignOff:
    """A decision on one slot for one draft version."""

    version: int
    fingerprint: str
    slot: Slot | CrisisSlot | PressSlot  # enquiries, crises and press releases share the sign-off table
    decision: Decision
    by: str
    by_email: str | None
    at: datetime
    comment: str | None = None


def decided_on(sign_offs: Iterable[SignOff], slot: str) -> SignOff | None:
    """The decision already made on `slot` for this version, if any (slots compare by their value: enquiries,
    crises and press releases name theirs differently)."""
    return next((s for s in sign_offs if str(s.slot) == str(slot)), None)


def completes_round(sign_offs: Iterable[SignOff], slot: str, required: Iterable[str]) -> bool:
    """Whether approving `slot` leaves every required slot of this version approved: the last approval."""
    approved = {str(s.slot) for s in sign_offs if s.decision is Decision.APPROVED} | {str(slot)}
    return {str(r) for r in required} <= approved


@dataclass
class Plan:
    """What the owner records about the response besides its text."""

    background: str | None = None
    spokesperson: str | None = None  # an email from the spokespeople list, or WRITTEN_ONLY
    contentious: bool = False  # contentious, or of regional/national interest: liaise with NHS England
    patient_safety: bool = False  # relates to a patient safety incident: NHS England, PSIRF, confidentiality
    needs_executive: bool = False
    executive: str | None = None  # email
    partner: str | None = None  # partner organisation, for a joint statement
    ticked: list[str] = field(default_factory=list)  # checklist items done
    issued: dict | None = None  # how, final text, contact, when, by

    def to_json(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}

    @classmethod
    def from_json(cls, data: dict | None) -> Plan:
        return cls(**(data or {}))


def required_slots(plan: Plan) -> list[Slot]:
    slots = [Slot.COMMS]
    if plan.needs_executive:
        slots.append(Slot.EXECUTIVE)
    if plan.partner:
        slots.append(Slot.PARTNER)
    return slots


def approvers(slot: Slot, plan: Plan, directory: Directory) -> list[str]:
    """The emails who may sign off a slot (the partner slot is recorded by comms, so nobody is asked)."""
    if slot is Slot.COMMS:
        return directory.people_with(Role.DIRECTOR_OF_COMMS) + [
            e for e in directory.people_with(Role.SIGN_OFF_DELEGATE)
            if e not in directory.people_with(Role.DIRECTOR_OF_COMMS)
        ]
    if slot is Slot.EXECUTIVE:
        return [plan.executive.lower()] if plan.executive else directory.people_with(Role.EXECUTIVE)
    return []


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str  # what to do
    done: str  # what was done, as a closed case's card says it


def checklist(plan: Plan, outlet_kind: str) -> list[ChecklistItem]:
    """What the policy asks for this case, from its flags."""
    items: list[ChecklistItem] = []
    if outlet_kind == "newspaper":
        items.append(ChecklistItem("written", "Newspaper: send a written response by email, keeping a record",
                                   "A newspaper answered by email"))
    if plan.contentious:
        items.append(ChecklistItem("nhse_liaison",
                                   "Contentious or regional/national interest: liaise with NHS England regional comms",
                                   "Liaised with NHS England regional comms"))
    if plan.patient_safety:
        items += [
            ChecklistItem("nhse_informed", "Patient safety incident: inform NHS England", "NHS England informed"),
            ChecklistItem("psirf", "Report in line with the Patient Safety Incident Response Framework (PSIRF)",
                          "Reported under PSIRF"),
            ChecklistItem("confidentiality", "Check the response respects patient confidentiality",
                          "Response checked for patient confidentiality"),
        ]
    if plan.partner:
        items.append(ChecklistItem("partner", f"Joint statement: agree it with {plan.partner}'s comms team",
                                   f"Joint statement agreed with {plan.partner}'s comms team"))
    return items


def ticked_by_issue(outlet_kind: str, method: str) -> set[str]:
    """The checklist items that issuing the response itself does: a newspaper answered in writing by email."""
    return {"written"} if outlet_kind == "newspaper" and method == "email" else set()


# What staff privacy (policy: no staff personal information without consent) looks for in a draft.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b", re.IGNORECASE)
_STREET = re.compile(r"\b\d{1,4}[a-z]? [A-Z][a-z]+(?: [A-Z][a-z]+)* (?:Road|Street|Avenue|Lane|Close|Drive|Way|"
                     r"Crescent|Gardens|Court|Place|Grove|Terrace)\b")
_WORK_DOMAINS = ("nhs.net", "nhs.uk")


def privacy_concerns(text: str) -> list[str]:
    """Things in a draft that look like staff personal contact details; empty when none are seen."""
    found: list[str] = []
    # POSSIBLE, not VALID: a warning should also catch numbers libphonenumber thinks unallocated.
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        found.append(f"a phone number ({match.raw_string})")
    for email in _EMAIL.findall(text):
        if not email.lower().endswith(_WORK_DOMAINS):
            found.append(f"a personal email address ({email})")
    if _POSTCODE.search(text) or _STREET.search(text):
        found.append("what looks like a home address")
    return found
