"""What happened to a case, in order, each entry chained to the one before it (bot/domain/audit.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.audit import GENESIS, REDACTED, Anchor, compact, entry_hash, new_salt, seal
from bot.domain.messages import HistoryEntry
from storage.models import HistoryAnchorRow, HistoryHeadRow, HistoryRow, HistorySaltRow


class SqlHistory:
    """Entries are kept until the unit of work commits, then chained and written under the head's lock.

    Taking the lock last, just before the commit, means a transaction holding it waits for nothing else, so
    two transactions can never wait for each other through it (on PostgreSQL; SQLite has one writer anyway).
    """

    def __init__(self, session: AsyncSession) -> None:
        self.s = session
        self._pending: list[HistoryEntry] = []

    async def append(self, entry: HistoryEntry) -> None:
        self._pending.append(entry)

    async def for_case(self, case_ref: str) -> list[HistoryEntry]:
        rows = (await self.s.execute(
            select(HistoryRow).where(HistoryRow.case_ref == case_ref).order_by(HistoryRow.id)
        )).scalars()
        written = [HistoryEntry(r.case_ref, r.at, r.event, r.actor, r.actor_email, dict(r.data)) for r in rows]
        return written + [e for e in self._pending if e.case_ref == case_ref]

    async def seal(self) -> None:
        """Write the entries kept so far, each in its place in the chain."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        seq, prev = await self._lock_head()
        heads: dict[str, str | None] = {}
        for e in pending:
            if e.case_ref not in heads:
                heads[e.case_ref] = (await self.s.execute(
                    select(HistoryRow.hash).where(HistoryRow.case_ref == e.case_ref)
                    .order_by(HistoryRow.seq.desc()).limit(1))).scalar_one_or_none()
            seq, salt = seq + 1, new_salt()
            data = json_ready(e.data)
            sealed = seal(salt, data)
            digest = entry_hash(seq, e.case_ref, e.at, e.event, e.actor, e.actor_email, sealed, prev,
                                heads[e.case_ref])
            await self.s.execute(insert(HistoryRow).values(
                case_ref=e.case_ref, at=e.at, event=e.event, actor=e.actor, actor_email=e.actor_email, data=data,
                seq=seq, prev_hash=prev, case_prev_hash=heads[e.case_ref], seal=sealed, hash=digest))
            await self.s.execute(insert(HistorySaltRow).values(seq=seq, salt=salt))
            prev = heads[e.case_ref] = digest
        await self.s.execute(update(HistoryHeadRow).where(HistoryHeadRow.id == 1).values(seq=seq, hash=prev))

    def _insert(self):  # noqa: ANN202 - the dialect's INSERT, which knows ON CONFLICT
        return sqlite_insert if self.s.bind.dialect.name == "sqlite" else pg_insert

    async def _lock_head(self) -> tuple[int, str]:
        await self.s.execute(self._insert()(HistoryHeadRow).values(id=1, seq=0, hash=GENESIS)
                             .on_conflict_do_nothing(index_elements=["id"]))
        row = (await self.s.execute(select(HistoryHeadRow.seq, HistoryHeadRow.hash)
                                    .where(HistoryHeadRow.id == 1).with_for_update())).one()
        return int(row.seq), str(row.hash)

    async def head(self) -> Anchor:
        row = (await self.s.execute(select(HistoryHeadRow.seq, HistoryHeadRow.hash)
                                    .where(HistoryHeadRow.id == 1))).one_or_none()
        return Anchor(int(row.seq), str(row.hash)) if row else Anchor(0, GENESIS)

    async def add_anchor(self, day: str, anchor: Anchor, at: datetime) -> bool:
        """Record the day's anchor; False when that day has one already (another replica wrote it)."""
        written = await self.s.execute(self._insert()(HistoryAnchorRow)
                                       .values(day=day, seq=anchor.seq, hash=anchor.hash, at=at)
                                       .on_conflict_do_nothing(index_elements=["day"])
                                       .returning(HistoryAnchorRow.day))
        return written.scalar_one_or_none() is not None

    async def erase(self, case_ref: str, keep: frozenset[str]) -> list[int]:
        """Remove the whole content of the case's entries (all but the events in `keep`) and their salts, as a
        destroyed case needs; the entries changed, for the "destroyed" entry to name."""
        rows = (await self.s.execute(select(HistoryRow.id, HistoryRow.seq, HistoryRow.event)
                                     .where(HistoryRow.case_ref == case_ref, HistoryRow.seq.is_not(None))
                                     .order_by(HistoryRow.seq))).all()
        erased = []
        for r in rows:
            if r.event in keep:
                continue
            await self.s.execute(update(HistoryRow).where(HistoryRow.id == r.id).values(data={REDACTED: True}))
            await self.s.execute(delete(HistorySaltRow).where(HistorySaltRow.seq == r.seq))
            erased.append(int(r.seq))
        return erased

    async def redact(self, case_ref: str, values: list[str]) -> list[int]:
        """Remove `values` from the content of the case's entries that hold them, and those entries' salts (the
        chain still holds; the seal no longer tells anything). Returns the entries changed, for the redaction's
        own entry to name. Entries not yet committed are cleaned before they are written."""
        self._pending = [HistoryEntry(e.case_ref, e.at, e.event, e.actor, e.actor_email,
                                      scrub(e.data, values) if e.case_ref == case_ref else e.data)
                         for e in self._pending]
        rows = (await self.s.execute(select(HistoryRow.id, HistoryRow.seq, HistoryRow.data)
                                     .where(HistoryRow.case_ref == case_ref).order_by(HistoryRow.seq))).all()
        changed = []
        for r in rows:
            cleaned = scrub(r.data or {}, values)
            if cleaned == r.data or r.seq is None:
                continue
            await self.s.execute(update(HistoryRow).where(HistoryRow.id == r.id)
                                 .values(data={**cleaned, REDACTED: True}))
            await self.s.execute(delete(HistorySaltRow).where(HistorySaltRow.seq == r.seq))
            changed.append(int(r.seq))
        return changed


def json_ready(data: dict[str, Any]) -> dict[str, Any]:
    """The content as the JSON column gives it back (tuples as lists, ...), so its seal checks out when read."""
    return json.loads(compact(data))


def scrub(value: Any, removed: list[str]) -> Any:
    """`value` with every occurrence of each removed text replaced, however deep in the JSON."""
    if isinstance(value, str):
        for text in removed:
            value = value.replace(text, "[redacted]")
        return value
    if isinstance(value, dict):
        return {k: scrub(v, removed) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, removed) for v in value]
    return value
