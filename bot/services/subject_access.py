"""A subject access export (UK GDPR Art. 15): everything Media Desk keeps that names a person, in one zip.

One JSON file per kind of record (bot/domain/subject_access.py: RecordKind), each written as the database is
read, a batch at a time, and a summary (summary.txt) of what is held, why, from when and under which case. The
zip is written beside its destination and moved into place when complete; when nothing names the person, no
file is written. The export itself is recorded in the history under "SAR": who ran it, for whom, which cases.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.errors import NotFound, ValidationFailed
from bot.domain.messages import HistoryEntry
from bot.domain.people import Actor, Directory
from bot.domain.subject_access import (
    SAR_EVENT,
    SAR_REF,
    Findings,
    HeldRecord,
    RecordKind,
    Subject,
    accounts_in,
    summary,
)
from bot.ports import PersonalData, UnitOfWork
from bot.services.log_files import replacing
from bot.services.media_log import operator

SUMMARY = "summary.txt"
FILES = (*(f"{kind.value}.json" for kind in RecordKind), SUMMARY)


async def export(data: PersonalData, directory: Directory, email: str, name: str | None, out: Path, tz: ZoneInfo,
                 now: datetime, *, actor: Actor | None = None, uow: Callable[[], UnitOfWork] | None = None,
                 batch: int = 500) -> Findings:
    """Write the zip to `out` and record it (when `uow` is given); what was found. NotFound when nothing names
    the person, and then nothing is written."""
    subject = Subject.asked(email, name)
    if out.suffix.lower() != ".zip":
        raise ValidationFailed(f"A subject access export is a zip file: give --out a name ending .zip, not "
                               f"“{out.name}”.")
    by = actor.label if actor else operator()
    with replacing(out, ".zip") as path:
        findings = await _write(data, directory, subject, path, tz, now, by, batch)
        if findings.total == 0:
            raise NotFound(f"Nothing Media Desk holds names {subject.email}"
                           + (f" or “{subject.name}”" if subject.name else "") + ", so no file was written.")
    if uow is not None:
        async with uow() as work:
            await work.history.append(HistoryEntry(
                case_ref=SAR_REF, at=now, event=SAR_EVENT, actor=by, actor_email=actor.email if actor else None,
                data={"email": subject.email, "name": subject.name, "file": out.name,
                      "records": {k.value: n for k, n in findings.counts.items() if n},
                      "cases": findings.case_refs()}))
            await work.commit()
    return findings


async def _write(data: PersonalData, directory: Directory, subject: Subject, path: Path, tz: ZoneInfo,
                 now: datetime, by: str, batch: int) -> Findings:
    findings = Findings(subject)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for kind in RecordKind:
            with archive.open(f"{kind.value}.json", "w", force_zip64=True) as raw, \
                    io.TextIOWrapper(raw, encoding="utf-8") as f:
                f.write("[")
                first = True
                found: set[str] = set()
                records = data.candidates(kind, findings.subject.terms(), batch)
                async for record in records:
                    matches = findings.subject.naming(record.data)
                    if not matches:
                        continue  # the database's test is a substring: "ann@x" is in "joann@x"
                    if kind is RecordKind.CASES:
                        found |= accounts_in(record.data, subject.email)
                    f.write(("\n" if first else ",\n") + json.dumps(_item(record, matches), ensure_ascii=False))
                    findings.add(record, matches)
                    first = False
                if kind is RecordKind.CONTACTS and (entry := _configured(directory, subject)) is not None:
                    f.write(("\n" if first else ",\n") + json.dumps(_item(entry, []), ensure_ascii=False))
                    findings.add(entry, [])
                f.write("\n]\n")
            # The chat accounts of the person's own cases find their forms, messages and reminders.
            findings.subject = findings.subject.with_accounts(found)
        await _fill_in(data, findings)
        archive.writestr(SUMMARY, summary(findings, now, by, tz, FILES))
    return findings


def _item(record: HeldRecord, matches: list[Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"case": record.ref}
    if record.case_kind:
        item["case_kind"] = record.case_kind
    item["names_you_in"] = sorted({m.path for m in matches})
    item["record"] = record.data
    return item


def _configured(directory: Directory, subject: Subject) -> HeldRecord | None:
    """The person as the configuration file names them (their roles and display name), if it does."""
    roles = directory.roles_of(subject.email)
    name = directory.names.get(subject.email)
    if not roles and not name:
        return None
    return HeldRecord(RecordKind.CONTACTS, None, None, {
        "source": "the organisation's configuration file (roles and names of staff)", "email": subject.email,
        "name": name, "roles": sorted(r.value for r in roles)})


async def _fill_in(data: PersonalData, findings: Findings) -> None:
    """The kind and logging time of the cases the summary knows only by a record under them."""
    missing = [ref for ref, note in findings.cases.items() if note.case_kind is None]
    for ref, (kind, logged_at) in (await data.cases(missing)).items():
        note = findings.cases[ref]
        note.case_kind, note.logged_at = kind.value, logged_at
