"""Subject access (UK GDPR Art. 15): what names a person, where, and a summary they can read.

A record names the person when one of its values holds their email address, their name (when given: a word-bounded
match, so "Ann Lee" does not find "Joann Leeds") or one of their chat accounts (learnt from the cases that name them
by email: a platform user id belongs to one person). Nothing else is inferred: a journalist's phone number is not
used to find more enquiries, because a newsdesk's shared line would bring in other journalists' enquiries.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.errors import ValidationFailed

SAR_REF = "SAR"  # the history of subject access exports is kept under this reference
SAR_EVENT = "sar_exported"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RecordKind(StrEnum):
    """The kinds of record a subject access export holds, one JSON file each, in the order they are read."""

    CASES = "cases"
    HISTORY = "history"
    DRAFTS = "drafts"
    SIGN_OFFS = "sign_offs"
    PRESS_COMMENTS = "press_comments"
    CONVERSATIONS = "conversations"
    OUTBOX = "outbox"
    REMINDERS = "reminders"
    CONTACTS = "contacts"


WHAT: dict[RecordKind, str] = {
    RecordKind.CASES: "cases (media enquiries, crises, press releases) that name you",
    RecordKind.HISTORY: "entries in a case's history (who did what, when)",
    RecordKind.DRAFTS: "draft statements",
    RecordKind.SIGN_OFFS: "sign-off decisions on a draft",
    RecordKind.PRESS_COMMENTS: "comments on a press release's draft",
    RecordKind.CONVERSATIONS: "forms being filled in through the chat bot",
    RecordKind.OUTBOX: "copies of messages the bot sent or will send in Slack or Teams",
    RecordKind.REMINDERS: "reminders and escalations scheduled by the bot",
    RecordKind.CONTACTS: "contact records (how the bot reaches you in chat; your role in the configuration)",
}
# How a number of each is said: (one, many).
_COUNTED: dict[RecordKind, tuple[str, str]] = {
    RecordKind.CASES: ("case record", "case records"), RecordKind.HISTORY: ("history entry", "history entries"),
    RecordKind.DRAFTS: ("draft", "drafts"), RecordKind.SIGN_OFFS: ("sign-off", "sign-offs"),
    RecordKind.PRESS_COMMENTS: ("comment", "comments"),
    RecordKind.CONVERSATIONS: ("form in progress", "forms in progress"),
    RecordKind.OUTBOX: ("message copy", "message copies"), RecordKind.REMINDERS: ("reminder", "reminders"),
    RecordKind.CONTACTS: ("contact record", "contact records"),
}
# Why the press office keeps each kind of case (the purpose, said once in the summary).
PURPOSE = {
    "enquiry": "a media enquiry to the ICB: the record the communications policy requires of every enquiry, what "
               "was asked, who handled it and what the ICB said",
    "crisis": "a crisis or incident the communications team handled: who reported it, who led it, the lines agreed",
    "press_release": "a press release the ICB prepared: who asked for it, who wrote and approved it",
    "access": "the record of who searched or exported the media log (the ICB's access log)",
}
_ACCESS_REFS = {"MEDIA-LOG", SAR_REF}
# What a field of a case that names the person says about them (the first part of the field's path).
_CASE_ROLES = {
    "journalist": "the journalist", "email": "the journalist", "phone": "the journalist",
    "reporter": "who logged it", "owner": "who handled it", "lead": "who led it", "requester": "who asked for it",
    "project_lead": "the project lead", "head_of_department": "the head of department",
}
# The other kinds: (the person's own part, by field) and what any other field naming them means.
_RECORD_ROLES: dict[RecordKind, tuple[dict[str, str], str]] = {
    RecordKind.HISTORY: ({"actor": "who did a step", "actor_email": "who did a step"},
                         "named in the details of a step"),
    RecordKind.DRAFTS: ({"author": "the author of a draft", "author_email": "the author of a draft"},
                        "named in a draft"),
    RecordKind.SIGN_OFFS: ({"by": "who signed off", "by_email": "who signed off"}, "named in a sign-off"),
    RecordKind.PRESS_COMMENTS: ({"by": "who commented", "by_email": "who commented"}, "named in a comment"),
    RecordKind.CONVERSATIONS: ({"user_id": "who is filling in a form"}, "named in a form being filled in"),
    RecordKind.OUTBOX: ({"recipient": "the recipient of a message"}, "named in a message the bot sent"),
    RecordKind.REMINDERS: ({"recipient": "the recipient of a reminder"}, "named in a reminder"),
    RecordKind.CONTACTS: ({}, "a contact record"),
}


@dataclass(frozen=True)
class Subject:
    """The person asking: their email, their name if given, and the chat accounts found to be theirs."""

    email: str
    name: str | None = None
    accounts: frozenset[str] = frozenset()

    @classmethod
    def asked(cls, email: str, name: str | None = None) -> Subject:
        """From what the operator typed; a malformed address or an empty name is refused in a sentence."""
        address = (email or "").strip().lower()
        if not _EMAIL.match(address):
            raise ValidationFailed(f"“{email}” is not an email address: give the address the person is known by, "
                                   "e.g. --email jane@chronicle.example.")
        given = " ".join((name or "").split()) or None
        if name is not None and (given is None or len(given) < 2):
            raise ValidationFailed("Give the person's name as it would be written on a case (e.g. --name \"Jane "
                                   "Reporter\"), or leave --name out to look by email only.")
        return cls(address, given)

    def with_accounts(self, accounts: Iterable[str]) -> Subject:
        return Subject(self.email, self.name, self.accounts | frozenset(a for a in accounts if a))

    def terms(self) -> list[str]:
        """What the database is asked to look for (lower case, as substrings; each hit is then checked here)."""
        return sorted({self.email, *([self.name.lower()] if self.name else []), *(a.lower() for a in self.accounts)})

    @property
    def _patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        found = [("email", re.compile(rf"(?<![\w.+-]){re.escape(self.email)}(?![\w-]|\.\w)", re.IGNORECASE))]
        if self.name:
            words = r"\s+".join(re.escape(w) for w in self.name.split())
            found.append(("name", re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)))
        found += [("account", re.compile(rf"(?<![\w-]){re.escape(a)}(?![\w-])")) for a in sorted(self.accounts)]
        return found

    def naming(self, record: Mapping[str, Any]) -> list[Match]:
        """Where `record` names the person: each field (a dotted path into its JSON) and how."""
        patterns = self._patterns
        return [Match(path, how) for path, text in _strings(record, "")
                for how, pattern in patterns if pattern.search(text)]


@dataclass(frozen=True)
class Match:
    path: str  # e.g. "journalist", "reporter.email", "data.text"
    how: str  # "email", "name" or "account"


def accounts_in(record: Any, email: str) -> set[str]:
    """The chat user ids of every person (a dict with an email and a user_id) in `record` who has `email`."""
    found: set[str] = set()
    if isinstance(record, Mapping):
        if str(record.get("email") or "").lower() == email and record.get("user_id"):
            found.add(str(record["user_id"]))
        for value in record.values():
            found |= accounts_in(value, email)
    elif isinstance(record, list):
        for value in record:
            found |= accounts_in(value, email)
    return found


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _strings(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner, path)


@dataclass(frozen=True)
class HeldRecord:
    """One row of what is kept, as JSON (times as ISO text): under which case, when, and the row itself."""

    kind: RecordKind
    ref: str | None
    at: datetime | None
    data: dict[str, Any]
    case_kind: str | None = None  # for a case row: enquiry, crisis or press_release


@dataclass
class CaseNote:
    """What the summary says of one case: what it holds about the person, in which roles, from when."""

    ref: str
    case_kind: str | None = None
    logged_at: datetime | None = None
    roles: set[str] = field(default_factory=set)
    counts: Counter[RecordKind] = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None
    by_name_only: bool = True


@dataclass
class Findings:
    """Everything found so far, as the summary needs it (one small note per case, not the records)."""

    subject: Subject
    counts: Counter[RecordKind] = field(default_factory=Counter)
    cases: dict[str, CaseNote] = field(default_factory=dict)
    elsewhere: Counter[RecordKind] = field(default_factory=Counter)  # records under no case

    def add(self, record: HeldRecord, matches: list[Match]) -> None:
        self.counts[record.kind] += 1
        if record.ref is None:
            self.elsewhere[record.kind] += 1
            return
        note = self.cases.setdefault(record.ref, CaseNote(record.ref))
        note.counts[record.kind] += 1
        if record.case_kind:
            note.case_kind, note.logged_at = record.case_kind, record.at
        if record.at is not None:
            note.first = min(note.first or record.at, record.at)
            note.last = max(note.last or record.at, record.at)
        for m in matches:
            note.roles.add(role_of(record.kind, m.path))
            note.by_name_only = note.by_name_only and m.how == "name"

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def case_refs(self) -> list[str]:
        """The cases anything was taken from (not the access logs' own references)."""
        return sorted(ref for ref in self.cases if ref not in _ACCESS_REFS)


def role_of(kind: RecordKind, path: str) -> str:
    """A field's part in the summary: "as who handled it", or what naming the person there means."""
    head, _, rest = path.partition(".")
    if kind is RecordKind.CASES:
        if head in _CASE_ROLES and (not rest or rest in ("email", "name", "user_id")):
            return f"as {_CASE_ROLES[head]}"
        return f"named in the text ({head.replace('_', ' ')})"
    own, other = _RECORD_ROLES[kind]
    return f"as {own[head]}" if head in own and not rest else other


def summary(findings: Findings, produced: datetime, by: str, tz: ZoneInfo, files: Iterable[str]) -> str:
    """The readable summary: what is held, why, from when, under which case."""
    s = findings.subject
    who = s.email + (f" (and the name “{s.name}”)" if s.name else "")
    lines = [
        "SUBJECT ACCESS REQUEST: what Media Desk holds about a person (UK GDPR Article 15)",
        "",
        f"Person:    {who}",
        f"Produced:  {produced.astimezone(tz):%d %B %Y %H:%M} ({tz.key}) by {by}",
        "",
        "Before sending this to the person: the records may also name other people (staff, other journalists, "
        "patients in an enquiry's words). Review them and remove third parties' data where the law requires "
        "(UK GDPR Art. 15(4); Data Protection Act 2018, Schedule 2, Part 3) before disclosure.",
        "",
        "WHAT IS HELD",
    ]
    for kind in RecordKind:
        if findings.counts[kind]:
            lines.append(f"  {kind.value + '.json':<22} {findings.counts[kind]:>7,}  {WHAT[kind]}")
    lines += ["", "WHY IT IS HELD"]
    kinds = sorted({n.case_kind or ("access" if n.ref in _ACCESS_REFS else "") for n in findings.cases.values()}
                   - {""})
    lines += [f"  {k.replace('_', ' ')}: {PURPOSE[k]}." for k in kinds]
    lines.append("  Chat messages, forms in progress, reminders and contact records are how the bot does that "
                 "work in Slack or Teams.")
    lines += ["", "UNDER WHICH CASE (oldest first)"]
    notes = sorted(findings.cases.values(), key=lambda n: (n.logged_at or n.first or produced, n.ref))
    for n in notes:
        what = "the access log" if n.ref in _ACCESS_REFS else (n.case_kind or "case").replace("_", " ")
        since = f"logged {_day(n.logged_at, tz)}" if n.logged_at else f"from {_day(n.first, tz)}"
        until = f", last {_day(n.last, tz)}" if _day(n.last, tz) != _day(n.logged_at or n.first, tz) else ""
        held = ", ".join(_counted(kind, count) for kind, count in sorted(n.counts.items()))
        lines.append(f"  {n.ref:<14} {what}, {since}{until}")
        lines.append(f"  {'':<14} {'; '.join(sorted(n.roles))}")
        lines.append(f"  {'':<14} held: {held}" + ("  (found by name only: check it is this person)"
                                                 if n.by_name_only and s.name else ""))
    if findings.elsewhere:
        lines += ["", "NOT UNDER ANY CASE"]
        lines += [f"  {_counted(kind, count)} ({kind.value}.json)" for kind, count in findings.elsewhere.items()]
    lines += ["", "FILES", *[f"  {name}" for name in files], ""]
    return "\n".join(lines)


def _counted(kind: RecordKind, count: int) -> str:
    one, many = _COUNTED[kind]
    return f"{count} {one if count == 1 else many}"


def _day(at: datetime | None, tz: ZoneInfo) -> str:
    return f"{at.astimezone(tz):%d %b %Y}" if at else "–"
