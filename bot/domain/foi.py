"""The media log made ready for a Freedom of Information answer: staff below the grade whose names may be
published shown by their role, journalists' private contact details (phone numbers, email addresses) removed.

Journalists' names and outlets stay: they are the bylines the journalists published under, and the outlet is an
organisation. A statement as issued stays as it is: it was given to the press. Everything else a person typed
(an enquiry's words) loses its phone numbers and email addresses, and the names of staff who may not be named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import phonenumbers

from bot.domain.media_log import LogRow
from bot.domain.people import Directory, Role

STAFF = "Member of staff"
JOURNALIST = "Journalist"
EMAIL_REMOVED = "[email removed]"
PHONE_REMOVED = "[phone removed]"
# The role shown for a member of staff who may not be named: the first of their roles in this order.
ROLE_NAMES: dict[Role, str] = {
    Role.DIRECTOR_OF_COMMS: "Director of Communications",
    Role.SIGN_OFF_DELEGATE: "Head of Communications",
    Role.EXECUTIVE: "Executive director",
    Role.ON_CALL_DIRECTOR: "On-call director",
    Role.HEAD_OF_DEPARTMENT: "Head of department",
    Role.COMMS: "Communications officer",
    Role.SPOKESPERSON: "Spokesperson",
}
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_MOST_DIGITS_NOT_A_PHONE = 8  # a possible number with more digits than this is taken out (dates, references: fewer)


@dataclass(frozen=True)
class FoiPolicy:
    """Who may be named: `named_staff` by email (senior staff); `journalist_names` False to show "Journalist"."""

    directory: Directory
    named_staff: frozenset[str] = frozenset()
    journalist_names: bool = True
    role_names: Mapping[Role, str] = field(default_factory=lambda: dict(ROLE_NAMES))
    staff_label: str = STAFF

    @classmethod
    def build(cls, directory: Directory, named_staff: Iterable[str], *, journalist_names: bool = True,
              role_names: Mapping[Role, str] | None = None, staff_label: str = STAFF) -> FoiPolicy:
        return cls(directory, frozenset(e.strip().lower() for e in named_staff), journalist_names,
                   {**ROLE_NAMES, **(role_names or {})}, staff_label)

    def may_name(self, email: str | None) -> bool:
        return email is not None and email.lower() in self.named_staff

    def role(self, email: str | None) -> str:
        held = self.directory.roles_of(email)
        return next((label for role, label in self.role_names.items() if role in held), self.staff_label)

    def person(self, name: str | None, email: str | None) -> str | None:
        """How a member of staff is shown: their name if they may be named, else their role."""
        if not name and not email:
            return name
        if self.may_name(email):
            return name or self.directory.name_of(email or "")
        return self.role(email)

    def row(self, row: LogRow) -> LogRow:
        """The log's line as it may be published."""
        staff = [(row.logged_by, row.logged_by_email), (row.claimed_by, row.claimed_by_email), *row.approvers]
        hidden = {name: self.role(email) for email, name in self.directory.names.items() if not self.may_name(email)}
        hidden |= {name: self.role(email) for name, email in staff if name and not self.may_name(email)}
        approvers = list(dict.fromkeys(filter(None, (self.person(n, e) for n, e in row.approvers))))
        return replace(
            row,
            logged_by=self.person(row.logged_by, row.logged_by_email) or "",
            claimed_by=self.person(row.claimed_by, row.claimed_by_email),
            approved_by=("; ".join(approvers) or None) if row.approvers else row.approved_by,
            journalist=(without_contacts(row.journalist) if self.journalist_names else JOURNALIST)
            if row.journalist else row.journalist,
            enquiry=without_names(without_contacts(row.enquiry), hidden),
            spokesperson=self._spokesperson(row.spokesperson),
            logged_by_email=None, claimed_by_email=None, approvers=())

    def _spokesperson(self, value: str | None) -> str | None:
        """An enquiry names its spokesperson by email ("written" when there was none); a release by name."""
        if value and "@" in value:
            return self.person(self.directory.name_of(value), value)
        return value


def without_contacts(text: str) -> str:
    """`text` without email addresses and phone numbers (any number that could be dialled, UK by default)."""
    text = _EMAIL.sub(EMAIL_REMOVED, text)
    spans = [(m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, "GB",
                                                                      leniency=phonenumbers.Leniency.POSSIBLE)
             if sum(ch.isdigit() for ch in m.raw_string) > _MOST_DIGITS_NOT_A_PHONE]
    for start, end in reversed(spans):
        text = text[:start] + PHONE_REMOVED + text[end:]
    return text


def without_names(text: str, shown_as: Mapping[str, str]) -> str:
    """`text` with each staff name replaced by how they are shown, their role (longest names first)."""
    for name in sorted(shown_as, key=len, reverse=True):
        if len(name) > 2:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", shown_as[name], text, flags=re.IGNORECASE)
    return text
