"""Enquiries (media calls), saved against the version they were loaded at."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enquiry import Enquiry, EnquiryState
from bot.domain.statement import Plan
from storage.models import EnquiryRow
from storage.repositories.common import maybe_person, person, person_json, save_versioned


def enquiry_from(row: EnquiryRow) -> Enquiry:
    return Enquiry(
        id=row.id, ref=row.ref, state=EnquiryState(row.state), version=row.version, journalist=row.journalist,
        outlet=row.outlet, outlet_kind=row.outlet_kind, phone=row.phone, email=row.email, summary=row.summary,
        deadline=row.deadline, reporter=person(row.reporter), owner=maybe_person(row.owner),
        plan=Plan.from_json(row.plan), routing=dict(row.routing or {}), created_at=row.created_at,
    )


class SqlEnquiries:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, e: Enquiry) -> Enquiry:
        row = EnquiryRow(
            ref=e.ref, state=e.state.value, version=e.version, journalist=e.journalist, outlet=e.outlet,
            outlet_kind=e.outlet_kind, phone=e.phone, email=e.email, summary=e.summary, deadline=e.deadline,
            reporter=person_json(e.reporter), owner=person_json(e.owner), plan=e.plan.to_json(),
            routing=e.routing,
            created_at=e.created_at, updated_at=e.created_at,
        )
        self.s.add(row)
        await self.s.flush()
        e.id = row.id
        return e

    async def get(self, ref: str) -> Enquiry | None:
        row = (await self.s.execute(select(EnquiryRow).where(EnquiryRow.ref == ref))).scalar_one_or_none()
        if row is None:
            return None
        return enquiry_from(row)

    async def open_refs(self) -> list[str]:
        """Enquiries not yet closed or withdrawn, oldest first."""
        done = (EnquiryState.CLOSED.value, EnquiryState.WITHDRAWN.value)
        query = select(EnquiryRow.ref).where(EnquiryRow.state.not_in(done)).order_by(EnquiryRow.id)
        return list((await self.s.execute(query)).scalars())

    async def save(self, e: Enquiry, expected_version: int, now: datetime) -> None:
        e.version = await save_versioned(
            self.s, EnquiryRow, e.id, expected_version,
            dict(state=e.state.value, owner=person_json(e.owner), plan=e.plan.to_json(), routing=e.routing,
                 updated_at=now),
            e.ref)
