"""Crises (saved against the version they were loaded at) and the library of holding lines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.crisis import Crisis, CrisisState, HoldingLine
from storage.models import CrisisRow, HoldingLineRow
from storage.repositories.common import CaseRows, maybe_person, person, person_json, rows_changed


def crisis_from(row: CrisisRow) -> Crisis:
    return Crisis(id=row.id, ref=row.ref, state=CrisisState(row.state), version=row.version,
                  details=dict(row.details), reporter=person(row.reporter), lead=maybe_person(row.lead),
                  head_of_department=row.head_of_department, lead_agency=row.lead_agency,
                  routing=dict(row.routing or {}), confirmations=list((row.confirmations or {}).get("who", [])),
                  created_at=row.created_at)


class SqlCrises(CaseRows[Crisis, CrisisRow]):
    row = CrisisRow
    finished = (CrisisState.STOOD_DOWN.value,)

    async def add(self, c: Crisis, now: datetime) -> Crisis:
        return await self._insert(c, CrisisRow(
            ref=c.ref, state=c.state.value, version=c.version, details=c.details, reporter=person_json(c.reporter),
            lead=person_json(c.lead), head_of_department=c.head_of_department, lead_agency=c.lead_agency,
            routing=c.routing, confirmations={"who": c.confirmations}, created_at=c.created_at, updated_at=now))

    def _case(self, row: CrisisRow) -> Crisis:
        return crisis_from(row)

    def _changes(self, c: Crisis, now: datetime) -> dict[str, Any]:
        return dict(state=c.state.value, details=c.details, lead=person_json(c.lead),
                    head_of_department=c.head_of_department, lead_agency=c.lead_agency, routing=c.routing,
                    confirmations={"who": c.confirmations}, updated_at=now)


class SqlHoldingLines:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, title: str, text: str, by: str, now: datetime) -> HoldingLine:
        row = HoldingLineRow(title=title, text=text, created_by=by, created_at=now)
        self.s.add(row)
        await self.s.flush()
        return HoldingLine(row.id, title, text, by)

    async def active(self) -> list[HoldingLine]:
        rows = (await self.s.execute(select(HoldingLineRow).where(HoldingLineRow.retired_at.is_(None))
                                     .order_by(HoldingLineRow.title))).scalars()
        return [HoldingLine(r.id, r.title, r.text, r.created_by) for r in rows]

    async def get(self, line_id: int) -> HoldingLine | None:
        row = await self.s.get(HoldingLineRow, line_id)
        if row is None or row.retired_at is not None:
            return None
        return HoldingLine(row.id, row.title, row.text, row.created_by)

    async def retire(self, line_id: int, now: datetime) -> bool:
        return await rows_changed(self.s, update(HoldingLineRow).where(HoldingLineRow.id == line_id,
                                                                       HoldingLineRow.retired_at.is_(None))
                                  .values(retired_at=now)) == 1
