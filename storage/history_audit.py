"""Reading the whole history back for `mediadesk audit verify`: in chain order, in batches."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import select

from bot.domain.audit import Anchor, ChainedEntry
from storage.db import Database
from storage.models import HistoryAnchorRow, HistoryHeadRow, HistoryRow, HistorySaltRow

_BATCH = 5000


async def chain(db: Database) -> AsyncIterator[ChainedEntry]:
    """Every entry, by its place in the chain; an entry with no place (put in by hand) comes first, as seq 0."""
    async with db.sessions() as s:
        query = (select(HistoryRow, HistorySaltRow.salt).outerjoin(HistorySaltRow, HistorySaltRow.seq == HistoryRow.seq)
                 .order_by(HistoryRow.seq.is_not(None), HistoryRow.seq).execution_options(yield_per=_BATCH))
        async for r, salt in await s.stream(query):
            yield ChainedEntry(r.seq or 0, r.case_ref, r.at, r.event, r.actor, r.actor_email, r.data or {},
                               r.prev_hash or "", r.case_prev_hash, r.hash or "", r.seal or "", salt)


async def anchors(db: Database) -> list[Anchor]:
    """The daily anchors kept in the database, and the head as the last one (entries cut off the end show)."""
    async with db.sessions() as s:
        kept = [Anchor(r.seq, r.hash, r.at) for r in
                (await s.execute(select(HistoryAnchorRow).order_by(HistoryAnchorRow.seq))).scalars()]
        head = (await s.execute(select(HistoryHeadRow).where(HistoryHeadRow.id == 1))).scalar_one_or_none()
    return kept + ([Anchor(head.seq, head.hash)] if head is not None and head.seq else [])
