"""Reading the whole history back for `mediadesk audit verify`: in chain order, in batches."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from sqlalchemy import Text, cast, select

from bot.domain.audit import Anchor, ChainedEntry
from storage.db import Database
from storage.models import HistoryAnchorRow, HistoryHeadRow, HistoryRow, HistorySaltRow
from storage.read_ahead import read_ahead

_BATCH = 5000


def chain(db: Database) -> AsyncGenerator[list[ChainedEntry], None]:
    """Every entry, by its place in the chain, a batch at a time (the next read while this one is checked); an
    entry with no place (put in by hand) comes first, as seq 0."""
    return read_ahead(_batches(db))


async def _batches(db: Database) -> AsyncGenerator[list[ChainedEntry], None]:
    async with db.sessions() as s:
        h = HistoryRow.__table__.c
        # The content as stored (compact JSON text): its seal is checked on those very bytes, undecoded.
        query = (select(h.seq, h.case_ref, h.at, h.event, h.actor, h.actor_email, cast(h.data, Text),
                        h.prev_hash, h.case_prev_hash, h.hash, h.seal, HistorySaltRow.salt)
                 .outerjoin(HistorySaltRow, HistorySaltRow.seq == h.seq)
                 .order_by(h.seq.is_not(None), h.seq).execution_options(yield_per=_BATCH))
        result = await s.stream(query)
        async for part in result.partitions(_BATCH):
            yield [ChainedEntry(seq or 0, ref, at, event, actor, email, content or "{}", prev or "", case_prev,
                                digest or "", sealed or "", salt)
                   for seq, ref, at, event, actor, email, content, prev, case_prev, digest, sealed, salt in part]


async def anchors(db: Database) -> list[Anchor]:
    """The daily anchors kept in the database, and the head as the last one (entries cut off the end show)."""
    async with db.sessions() as s:
        kept = [Anchor(r.seq, r.hash, r.at) for r in
                (await s.execute(select(HistoryAnchorRow).order_by(HistoryAnchorRow.seq))).scalars()]
        head = (await s.execute(select(HistoryHeadRow).where(HistoryHeadRow.id == 1))).scalar_one_or_none()
    return kept + ([Anchor(head.seq, head.hash)] if head is not None and head.seq else [])
