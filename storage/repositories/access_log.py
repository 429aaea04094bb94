"""Who saw a case (ports.AccessLog): the access entries of the history and the case's index row, read only."""

from __future__ import annotations

from collections.abc import AsyncIterator

from sqlalchemy import Text, and_, cast, or_, select

from bot.domain.access_log import (
    EXPORT_EVENT,
    MEDIA_LOG_REF,
    OFFERED_EVENT,
    SEARCH_EVENT,
    STARTED_FROM_EVENT,
    IndexedCase,
)
from bot.domain.audit import REDACTION_EVENTS
from bot.domain.media_log import CaseKind
from bot.domain.messages import HistoryEntry
from bot.domain.subject_access import SAR_EVENT, SAR_REF
from storage.db import Database
from storage.models import HistoryRow
from storage.search_schema import case_search


class SqlAccessLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def case(self, ref: str) -> IndexedCase | None:
        c = case_search.c
        async with self._db.engine.connect() as conn:
            row = (await conn.execute(select(c.ref, c.kind, c.state, c.logged_at, c.logged_by, c.owner,
                                             c.outlet_kind).where(c.ref == ref))).first()
        if row is None:
            return None
        return IndexedCase(row.ref, CaseKind(row.kind), row.state, row.logged_at, row.logged_by, row.owner,
                           row.outlet_kind)

    async def entries(self, ref: str, batch: int = 500) -> AsyncIterator[HistoryEntry]:
        h = HistoryRow
        # A search's or a subject access export's entry names the reference in its content (checked exactly by
        # bot/domain/access_log.py); every export is read, as its filter has to be tested against the case.
        names_it = cast(h.data, Text).contains(ref, autoescape=True)
        query = (select(h.case_ref, h.at, h.event, h.actor, h.actor_email, h.data)
                 .where(or_(and_(h.case_ref == MEDIA_LOG_REF,
                                 h.event.in_((SEARCH_EVENT, OFFERED_EVENT, STARTED_FROM_EVENT)), names_it),
                            and_(h.case_ref == MEDIA_LOG_REF, h.event == EXPORT_EVENT),
                            and_(h.case_ref == SAR_REF, h.event == SAR_EVENT, names_it),
                            and_(h.case_ref == ref, h.event.in_(sorted(REDACTION_EVENTS)))))
                 .order_by(h.id).execution_options(yield_per=batch))
        async with self._db.engine.connect() as conn:
            result = await conn.stream(query)
            async for part in result.partitions(batch):
                for r in part:
                    yield HistoryEntry(r.case_ref, r.at, r.event, r.actor, r.actor_email, dict(r.data or {}))

    async def known(self, ref: str) -> bool:
        """Whether the history holds anything under `ref` (a case destroyed leaves its disposal record there)."""
        async with self._db.engine.connect() as conn:
            return (await conn.execute(select(HistoryRow.id).where(HistoryRow.case_ref == ref).limit(1))).first() \
                is not None
