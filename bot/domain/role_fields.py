"""A question answered by naming someone who holds a role: a list to pick from, or, while the organisation names
nobody in that role, a box to type their email in, saying who has to be added to the configuration and where."""

from __future__ import annotations

from bot.domain.forms import Choice, Field, Kind
from bot.domain.people import Directory, Role

CONFIG_FILE = "mediadesk.toml"

# The role as a person reads it, in the plural ("No heads of department are named ...").
ROLE_WORDS: dict[Role, str] = {
    Role.COMMS: "members of the communications team",
    Role.DIRECTOR_OF_COMMS: "Directors of Communications",
    Role.SIGN_OFF_DELEGATE: "sign-off delegates",
    Role.EXECUTIVE: "executives",
    Role.ON_CALL_DIRECTOR: "on-call directors",
    Role.SPOKESPERSON: "spokespeople",
    Role.HEAD_OF_DEPARTMENT: "heads of department",
}


def how_to_add(role: Role) -> str:
    """Where the people of a role are named, as a person setting Media Desk up would need to be told."""
    return f"Add {role.value} to [people] in {CONFIG_FILE}"


def person_field(directory: Directory, role: Role, name: str, label: str, prompt: str, *,
                 optional: bool = False, help: str | None = None) -> Field:  # noqa: A002 - Field's own name
    """The people with `role` as choices; when there are none, their email typed instead (a choice list with
    nothing in it can't be answered, and shows as an empty card)."""
    people = directory.people_with(role)
    if people:
        return Field(name, label, prompt, Kind.CHOICE, optional=optional, help=help,
                     choices=tuple(Choice(e, directory.name_of(e)) for e in people))
    missing = (f"No {ROLE_WORDS[role]} are named in Media Desk yet, so type their email address. "
               f"{how_to_add(role)} to choose from a list.")
    return Field(name, label, prompt, Kind.EMAIL, optional=optional, max_len=254,
                 placeholder="name@example.nhs.uk", help=f"{help} {missing}" if help else missing)
