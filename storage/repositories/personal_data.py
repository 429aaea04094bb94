"""What may name a person, for a subject access export (ports.PersonalData): every table that keeps people's
details, read a batch at a time through a cursor of its own.

The database only narrows the rows down (any text or JSON column holding one of the terms, in lower case, as a
substring); bot/domain/subject_access.py then decides whether a row really names the person. JSON is matched as
the database keeps it, where a name with accents may be written as \\u escapes, so each term is also looked for
in that spelling.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, ColumnElement, String, Table, Text, func, or_, select
from sqlalchemy import cast as sql_cast

from bot.domain.media_log import CaseKind
from bot.domain.subject_access import HeldRecord, RecordKind
from storage.db import Database
from storage.models import (
    Base,
    ConversationRefRow,
    ConversationRow,
    DraftRow,
    HistoryRow,
    NudgeRow,
    OutboxRow,
    PressCommentRow,
    SignOffRow,
)
from storage.repositories.common import CASE_TABLES
from storage.search_schema import case_search

# Each kind's table, the column naming its case, and the column saying when it was written.
_TABLES: dict[RecordKind, tuple[type[Base], str | None, str]] = {
    RecordKind.HISTORY: (HistoryRow, "case_ref", "at"),
    RecordKind.DRAFTS: (DraftRow, "case_ref", "created_at"),
    RecordKind.SIGN_OFFS: (SignOffRow, "case_ref", "at"),
    RecordKind.PRESS_COMMENTS: (PressCommentRow, "case_ref", "at"),
    RecordKind.CONVERSATIONS: (ConversationRow, "case_ref", "created_at"),
    RecordKind.OUTBOX: (OutboxRow, "case_ref", "created_at"),
    RecordKind.REMINDERS: (NudgeRow, "case_ref", "created_at"),
    RecordKind.CONTACTS: (ConversationRefRow, None, "updated_at"),
}
# Bookkeeping that says nothing about anyone (the chain's hashes, a row's version).
_LEFT_OUT = frozenset({"version", "seal", "hash", "prev_hash", "case_prev_hash", "lease_until"})


class SqlPersonalData:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def candidates(self, kind: RecordKind, terms: Sequence[str], batch: int = 500
                         ) -> AsyncIterator[HeldRecord]:
        if not terms:
            return
        if kind is RecordKind.CASES:
            for case_kind, table in CASE_TABLES.items():
                async for record in self._read(table, RecordKind.CASES, "ref", "created_at", terms, batch, case_kind):
                    yield record
            return
        model, ref, at = _TABLES[kind]
        async for record in self._read(model, kind, ref, at, terms, batch, None):
            yield record

    async def _read(self, model: type[Base], kind: RecordKind, ref: str | None, at: str, terms: Sequence[str],
                    batch: int, case_kind: CaseKind | None) -> AsyncIterator[HeldRecord]:
        table = cast(Table, model.__table__)
        order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
        query = (select(table).where(holding(table, terms)).order_by(*order)
                 .execution_options(yield_per=batch))
        async with self._db.engine.connect() as conn:
            result = await conn.stream(query)
            async for part in result.partitions(batch):
                for row in part:
                    values = row._mapping
                    yield HeldRecord(kind, values[ref] if ref else None, values[at],
                                     {k: _plain(v) for k, v in values.items() if k not in _LEFT_OUT},
                                     case_kind.value if case_kind else None)

    async def cases(self, refs: Sequence[str]) -> dict[str, tuple[CaseKind, datetime]]:
        c = case_search.c
        found: dict[str, tuple[CaseKind, datetime]] = {}
        async with self._db.engine.connect() as conn:
            for start in range(0, len(refs), 500):
                rows = await conn.execute(select(c.ref, c.kind, c.logged_at).where(c.ref.in_(refs[start:start + 500])))
                found.update({r.ref: (CaseKind(r.kind), r.logged_at) for r in rows})
        return found


def holding(table: Table, terms: Sequence[str]) -> ColumnElement[bool]:
    """Any of the table's text or JSON columns holds any of the terms (lower case), in any letter case."""
    tests: list[ColumnElement[bool]] = []
    for column in table.c:
        if isinstance(column.type, JSON):
            text: ColumnElement[Any] = func.lower(sql_cast(column, Text))
            spellings = {s for t in terms for s in (t, json.dumps(t)[1:-1])}
        elif isinstance(column.type, (String, Text)):
            text, spellings = func.lower(column), set(terms)
        else:
            continue
        tests += [text.contains(s, autoescape=True) for s in sorted(spellings)]
    return or_(*tests)


def _plain(value: Any) -> Any:
    """A value as JSON holds it (times as ISO 8601 text)."""
    return value.isoformat() if isinstance(value, datetime) else value
