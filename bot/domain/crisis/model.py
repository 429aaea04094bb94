"""A crisis (Appendix C): a situation that could damage the ICB's reputation; its holding lines and sign-offs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.domain.crisis.workflow import CrisisState
from bot.domain.people import Directory, Person, Role


class CrisisSlot(StrEnum):
    HEAD_OF_DEPARTMENT = "head_of_department"
    COMMS = "comms"  # Director of Communications or delegate
    LEAD_AGENCY = "lead_agency"  # Police, Fire, Gold command: recorded by comms


CRISIS_SLOT_NAMES = {
    CrisisSlot.HEAD_OF_DEPARTMENT: "Head of department",
    CrisisSlot.COMMS: "Director of Communications or delegate",
    CrisisSlot.LEAD_AGENCY: "Lead agency",
}


@dataclass(frozen=True)
class HoldingLine:
    id: int
    title: str
    text: str
    created_by: str


@dataclass
class Crisis:
    ref: str
    details: dict[str, Any]  # the reporter's answers so far
    reporter: Person
    created_at: datetime
    state: CrisisState = CrisisState.REPORTED
    lead: Person | None = None  # the comms lead who acknowledged it
    head_of_department: str | None = None  # email, named when the line is drafted
    lead_agency: str | None = None  # e.g. "Essex Police (Gold command)"
    routing: dict = field(default_factory=dict)
    confirmations: list[str] = field(default_factory=list)  # who confirmed they have the official line
    version: int = 1
    id: int | None = None

    @property
    def summary(self) -> str:
        return str(self.details.get("what", ""))

    @property
    def patient_safety(self) -> bool:
        return self.details.get("harm") in ("patients", "both")


def required_crisis_slots(crisis: Crisis) -> list[CrisisSlot]:
    slots = [CrisisSlot.HEAD_OF_DEPARTMENT, CrisisSlot.COMMS]
    if crisis.lead_agency:
        slots.append(CrisisSlot.LEAD_AGENCY)
    return slots


def crisis_approvers(slot: CrisisSlot, crisis: Crisis, directory: Directory) -> list[str]:
    if slot is CrisisSlot.HEAD_OF_DEPARTMENT:
        return [crisis.head_of_department.lower()] if crisis.head_of_department else []
    if slot is CrisisSlot.COMMS:
        directors = directory.people_with(Role.DIRECTOR_OF_COMMS)
        return directors + [e for e in directory.people_with(Role.SIGN_OFF_DELEGATE) if e not in directors]
    return []


def alert_list(directory: Directory) -> list[str]:
    """Director of Communications and sign-off delegates: they hear of every crisis directly."""
    return list(dict.fromkeys(directory.people_with(Role.DIRECTOR_OF_COMMS)
                              + directory.people_with(Role.SIGN_OFF_DELEGATE)))
