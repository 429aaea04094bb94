"""Who can be played in the playground: everyone the organisation's TOML file names, plus one member of staff."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.people import Directory, Role

STAFF_EMAIL = "sam.staff@example.nhs.uk"
STAFF_NAME = "Sam Staff"

# What each role means to someone trying the playground, in the order a media call meets them.
_ROLE_LABELS: tuple[tuple[Role, str], ...] = (
    (Role.COMMS, "comms officer"),
    (Role.DIRECTOR_OF_COMMS, "Director of Communications"),
    (Role.SIGN_OFF_DELEGATE, "signs off for the Director"),
    (Role.EXECUTIVE, "executive"),
    (Role.ON_CALL_DIRECTOR, "on-call director"),
    (Role.HEAD_OF_DEPARTMENT, "head of department"),
    (Role.SPOKESPERSON, "spokesperson"),
)


@dataclass(frozen=True)
class Persona:
    """A person the playground lets you be; `id` is their email, which is also their user id here."""

    id: str
    name: str
    roles: str

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "roles": self.roles}


def personas(directory: Directory) -> list[Persona]:
    """A member of staff first (the person who takes the journalist's call), then everyone with a role."""
    emails: list[str] = []
    for role, _ in _ROLE_LABELS:
        emails.extend(e for e in directory.people_with(role) if e not in emails)
    found = [Persona(STAFF_EMAIL, STAFF_NAME, "member of staff, no media role")] if not directory.roles_of(
        STAFF_EMAIL) else []
    for email in emails:
        held = directory.roles_of(email)
        labels = [label for role, label in _ROLE_LABELS if role in held]
        found.append(Persona(email, directory.name_of(email), ", ".join(labels)))
    return found
