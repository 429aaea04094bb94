"""A media enquiry (Appendix B), as the comms team works on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.enquiry.workflow import EnquiryState
from bot.domain.people import Person
from bot.domain.statement import Plan


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
    plan: Plan = field(default_factory=Plan)
    routing: dict = field(default_factory=dict)  # out of hours: who was asked, who acknowledged
    version: int = 1
    id: int | None = None
