"""A press release (Appendices D and E): what was asked, who holds it, and what was agreed along the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.domain.people import Person
from bot.domain.press_release.workflow import PressState
from bot.domain.statement import fingerprint

PREFIX = "PR"


class ReleaseKind(StrEnum):
    PROACTIVE = "proactive"  # Appendix D: we are making news
    REACTIVE = "reactive"  # Appendix E: reacting to other people's news


class Outcome(StrEnum):
    """What comms decide for a reactive request (Appendix E, "Deciding on how to respond")."""

    RELEASE = "release"
    STATEMENT = "statement"  # a statement only, no press release
    NOTHING = "nothing"  # no response needed


@dataclass(frozen=True)
class Quoted:
    name: str
    email: str | None = None  # someone in the organisation approves their own quote; otherwise comms record it


@dataclass
class PressRelease:
    ref: str
    kind: ReleaseKind
    details: dict[str, Any]  # the requester's answers
    requester: Person
    created_at: datetime
    state: PressState = PressState.REQUESTED
    owner: Person | None = None  # the comms officer who claimed it
    project_lead: str | None = None  # email; the requester unless someone else is named
    partners: list[str] = field(default_factory=list)  # partner organisations to sign off (recorded by comms)
    quoted: list[Quoted] = field(default_factory=list)
    embargo: datetime | None = None
    preferred: datetime | None = None  # the preferred date to issue
    due: datetime | None = None  # when the current stage should be done
    outcome: Outcome | None = None  # reactive: release, statement only, or nothing
    in_name_of: str | None = None
    executive: str | None = None  # email: signs alongside the Director (reactive releases)
    team: list[str] = field(default_factory=list)  # the project lead's team members asked to comment
    links: dict[str, str] = field(default_factory=dict)  # draft number -> link to the working document
    issued: dict[str, Any] | None = None  # at, channels, by, embargo lifted
    coverage: list[dict[str, Any]] = field(default_factory=list)
    embargo_override: dict[str, Any] | None = None  # the Director's override: by, at, reason
    late_change: dict[str, Any] | None = None  # the latest change after the project lead's sign-off
    version: int = 1
    id: int | None = None

    @property
    def title(self) -> str:
        text = self.details.get("project") or self.details.get("news") or ""
        return str(text).split("\n", 1)[0][:120]

    @property
    def is_statement(self) -> bool:
        return self.outcome is Outcome.STATEMENT

    @property
    def what(self) -> str:
        return "statement" if self.is_statement else "press release"

    def lead_email(self) -> str | None:
        return (self.project_lead or self.requester.email or "").lower() or None

    def plan_json(self) -> dict[str, Any]:
        return {
            "partners": self.partners, "quoted": [q.__dict__ for q in self.quoted],
            "preferred": self.preferred.isoformat() if self.preferred else None,
            "outcome": self.outcome.value if self.outcome else None, "in_name_of": self.in_name_of,
            "executive": self.executive, "team": self.team, "links": self.links, "issued": self.issued,
            "coverage": self.coverage, "embargo_override": self.embargo_override, "late_change": self.late_change,
        }

    def load_plan(self, data: dict[str, Any] | None) -> None:
        data = data or {}
        self.partners = list(data.get("partners") or [])
        self.quoted = [Quoted(**q) for q in data.get("quoted") or []]
        self.preferred = datetime.fromisoformat(data["preferred"]) if data.get("preferred") else None
        self.outcome = Outcome(data["outcome"]) if data.get("outcome") else None
        self.in_name_of = data.get("in_name_of")
        self.executive = data.get("executive")
        self.team = list(data.get("team") or [])
        self.links = dict(data.get("links") or {})
        self.issued = data.get("issued")
        self.coverage = list(data.get("coverage") or [])
        self.embargo_override = data.get("embargo_override")
        self.late_change = data.get("late_change")


def draft_fingerprint(text: str, link: str | None) -> str:
    """A version is its text and its document link together: a sign-off binds to both."""
    return fingerprint(f"{text or ''}\n{link or ''}")


@dataclass(frozen=True)
class PressComment:
    """A team member's comment to the project lead ("team"), or the lead's collated set for a round ("amends")."""

    stage: PressState
    kind: str
    by: str
    by_email: str | None
    text: str
    at: datetime
    draft_version: int | None = None
