"""People and their roles, as the organisation's configuration names them (by email)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    COMMS = "comms_team"
    DIRECTOR_OF_COMMS = "director_of_comms"
    SIGN_OFF_DELEGATE = "sign_off_delegates"
    EXECUTIVE = "executives"
    ON_CALL_DIRECTOR = "on_call_directors"
    SPOKESPERSON = "spokespeople"  # media-trained people who may be put forward to speak
    HEAD_OF_DEPARTMENT = "heads_of_department"  # sign off crisis holding lines for their area (Appendix C)
    RECORDS_MANAGER = "records_managers"  # the IG lead or records manager: decides retention with the Director


@dataclass
class Person:
    """Who did something, as recorded on a case."""

    name: str
    email: str | None
    platform: str | None = None
    user_id: str | None = None


@dataclass(frozen=True)
class Actor:
    """Someone acting through a chat platform, identified by the platform and resolved to an email."""

    platform: str
    user_id: str
    email: str | None
    name: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.user_id}"

    @property
    def label(self) -> str:
        return self.name or self.email or self.user_id


@dataclass(frozen=True)
class Directory:
    """Who holds which role. Emails are compared case-insensitively."""

    members: Mapping[Role, frozenset[str]] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, roles: Mapping[Role, Iterable[str]], names: Mapping[str, str] | None = None) -> Directory:
        return cls(
            members={role: frozenset(e.strip().lower() for e in emails) for role, emails in roles.items()},
            names={k.lower(): v for k, v in (names or {}).items()},
        )

    def roles_of(self, email: str | None) -> frozenset[Role]:
        if not email:
            return frozenset()
        e = email.lower()
        return frozenset(role for role, emails in self.members.items() if e in emails)

    def has(self, actor: Actor, *roles: Role) -> bool:
        return bool(self.roles_of(actor.email) & set(roles))

    def people_with(self, role: Role) -> list[str]:
        return sorted(self.members.get(role, frozenset()))

    def name_of(self, email: str) -> str:
        return self.names.get(email.lower(), email)

    def people_with_comms(self) -> list[str]:
        return self.people_with(Role.COMMS)


# Who counts as "the communications team" for crises and press releases: comms officers, the Director of
# Communications and their delegates. (An enquiry is owned by comms officers alone: Role.COMMS.)
COMMS_TEAM = (Role.COMMS, Role.DIRECTOR_OF_COMMS, Role.SIGN_OFF_DELEGATE)


def is_comms(directory: Directory, actor: Actor) -> bool:
    """The communications team, with the Director of Communications and their delegates."""
    return directory.has(actor, *COMMS_TEAM)
