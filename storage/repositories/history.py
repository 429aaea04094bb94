"""What happened to a case, in order."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.messages import HistoryEntry
from storage.models import HistoryRow


class SqlHistory:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def append(self, entry: HistoryEntry) -> None:
        await self.s.execute(insert(HistoryRow).values(
            case_ref=entry.case_ref, at=entry.at, event=entry.event, actor=entry.actor,
            actor_email=entry.actor_email, data=entry.data,
        ))

    async def for_case(self, case_ref: str) -> list[HistoryEntry]:
        rows = (await self.s.execute(
            select(HistoryRow).where(HistoryRow.case_ref == case_ref).order_by(HistoryRow.id)
        )).scalars()
        return [HistoryEntry(r.case_ref, r.at, r.event, r.actor, r.actor_email, dict(r.data)) for r in rows]
