"""Reminders and escalations waiting to go."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.nudges import Nudge, NudgeKind, NudgeStatus
from storage.models import NudgeRow
from storage.repositories.common import rows_changed


class SqlNudges:
    """Nudge rows: scheduled, cancelled, and claimed when due (FOR UPDATE SKIP LOCKED on PostgreSQL)."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    @staticmethod
    def _load(r: NudgeRow) -> Nudge:
        return Nudge(case_ref=r.case_ref, kind=NudgeKind(r.kind), due_at=r.due_at, recipient=r.recipient, seq=r.seq,
                     data=dict(r.data), status=NudgeStatus(r.status), id=r.id)

    async def add(self, nudge: Nudge, now: datetime) -> None:
        await self.s.execute(insert(NudgeRow).values(
            case_ref=nudge.case_ref, kind=nudge.kind.value, recipient=nudge.recipient, seq=nudge.seq,
            due_at=nudge.due_at, status=NudgeStatus.PENDING.value, data=nudge.data, created_at=now,
        ))

    async def cancel(self, case_ref: str, kinds: Iterable[NudgeKind], now: datetime,
                     recipient: str | None = None) -> int:
        query = (update(NudgeRow)
                 .where(NudgeRow.case_ref == case_ref, NudgeRow.status == NudgeStatus.PENDING.value,
                        NudgeRow.kind.in_([k.value for k in kinds]))
                 .values(status=NudgeStatus.CANCELLED.value, done_at=now)
                 .execution_options(synchronize_session=False))
        if recipient is not None:
            query = query.where(NudgeRow.recipient == recipient)
        return await rows_changed(self.s, query)

    async def claim_due(self, now: datetime, limit: int) -> list[Nudge]:
        """Due nudges, locked for this transaction; other replicas skip them rather than wait."""
        rows = (await self.s.execute(
            select(NudgeRow)
            .where(NudgeRow.status == NudgeStatus.PENDING.value, NudgeRow.due_at <= now)
            .order_by(NudgeRow.due_at, NudgeRow.id).limit(limit)
            .with_for_update(skip_locked=True)
        )).scalars().all()
        return [self._load(r) for r in rows]

    async def retry_later(self, nudge: Nudge, when: datetime, data: dict[str, Any]) -> None:
        await self.s.execute(update(NudgeRow).where(NudgeRow.id == nudge.id)
                             .values(due_at=when, data=data).execution_options(synchronize_session=False))

    async def finish(self, nudge: Nudge, status: NudgeStatus, now: datetime) -> None:
        await self.s.execute(update(NudgeRow).where(NudgeRow.id == nudge.id)
                             .values(status=status.value, done_at=now).execution_options(synchronize_session=False))

    async def pending_for(self, case_ref: str) -> list[Nudge]:
        rows = (await self.s.execute(
            select(NudgeRow).where(NudgeRow.case_ref == case_ref, NudgeRow.status == NudgeStatus.PENDING.value)
            .order_by(NudgeRow.due_at)
        )).scalars()
        return [self._load(r) for r in rows]

    async def all_for(self, case_ref: str) -> list[Nudge]:
        rows = (await self.s.execute(select(NudgeRow).where(NudgeRow.case_ref == case_ref).order_by(NudgeRow.id)))
        return [self._load(r) for r in rows.scalars()]

    async def pending(self, limit: int = 500) -> list[Nudge]:
        rows = (await self.s.execute(
            select(NudgeRow).where(NudgeRow.status == NudgeStatus.PENDING.value)
            .order_by(NudgeRow.due_at).limit(limit)
        )).scalars()
        return [self._load(r) for r in rows]
