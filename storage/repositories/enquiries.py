"""Enquiries (media calls), saved against the version they were loaded at."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from bot.domain.enquiry import Enquiry, EnquiryState
from bot.domain.media_call import KnownContact
from bot.domain.statement import Plan
from storage.models import EnquiryRow
from storage.repositories.common import CaseRows, maybe_person, person, person_json


def enquiry_from(row: EnquiryRow) -> Enquiry:
    return Enquiry(
        id=row.id, ref=row.ref, state=EnquiryState(row.state), version=row.version, journalist=row.journalist,
        outlet=row.outlet, outlet_kind=row.outlet_kind, phone=row.phone, email=row.email, summary=row.summary,
        deadline=row.deadline, reporter=person(row.reporter), owner=maybe_person(row.owner),
        plan=Plan.from_json(row.plan), routing=dict(row.routing or {}), created_at=row.created_at,
    )


class SqlEnquiries(CaseRows[Enquiry, EnquiryRow]):
    row = EnquiryRow
    finished = (EnquiryState.CLOSED.value, EnquiryState.WITHDRAWN.value)

    async def add(self, e: Enquiry) -> Enquiry:
        return await self._insert(e, EnquiryRow(
            ref=e.ref, state=e.state.value, version=e.version, journalist=e.journalist, outlet=e.outlet,
            outlet_kind=e.outlet_kind, phone=e.phone, email=e.email, summary=e.summary, deadline=e.deadline,
            reporter=person_json(e.reporter), owner=person_json(e.owner), plan=e.plan.to_json(),
            routing=e.routing,
            created_at=e.created_at, updated_at=e.created_at,
        ))

    async def known_contact(self, journalist: str, outlet: str) -> KnownContact | None:
        r = EnquiryRow
        # lower() on both sides, as index ix_enquiries_journalist_outlet (migration 0014) is written.
        row = (await self.s.execute(
            select(r.ref, r.journalist, r.outlet, r.phone, r.email, r.created_at)
            .where(func.lower(r.journalist) == func.lower(journalist.strip()),
                   func.lower(r.outlet) == func.lower(outlet.strip()),
                   or_(r.phone.is_not(None), r.email.is_not(None)))
            .order_by(r.created_at.desc()).limit(1))).first()
        return KnownContact(row.ref, row.journalist, row.outlet, row.phone, row.email, row.created_at) if row else None

    def _case(self, row: EnquiryRow) -> Enquiry:
        return enquiry_from(row)

    def _changes(self, e: Enquiry, now: datetime) -> dict[str, Any]:
        return dict(state=e.state.value, owner=person_json(e.owner), plan=e.plan.to_json(), routing=e.routing,
                    updated_at=now)
