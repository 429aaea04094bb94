"""What "my desk" reads (ports.DeskStore): every open case, in five queries whatever their number.

Open cases are found through each case table's index on `state` (IN the open states, never a scan of the closed
ones, which are nearly all of them after a few years); their latest drafts and the decisions on those drafts through
the `case_ref` indexes. Reads take a session of their own: no writer is held.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.crisis import CrisisState
from bot.domain.enquiry import EnquiryState
from bot.domain.press_release import PressState
from bot.domain.statement import Decision, Draft, SignOff
from bot.ports import OpenCases
from storage.db import Database
from storage.models import CrisisRow, DraftRow, EnquiryRow, PressReleaseRow, SignOffRow
from storage.repositories.crises import crisis_from
from storage.repositories.drafts import slot_of
from storage.repositories.enquiries import enquiry_from
from storage.repositories.press import release_from

OPEN_ENQUIRY = tuple(s.value for s in EnquiryState if s not in (EnquiryState.CLOSED, EnquiryState.WITHDRAWN))
OPEN_CRISIS = tuple(s.value for s in CrisisState if s is not CrisisState.STOOD_DOWN)
OPEN_RELEASE = tuple(s.value for s in PressState if s is not PressState.CLOSED)


class SqlDesk:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def open_cases(self) -> OpenCases:
        async with self._db.sessions() as s:
            enquiries = [enquiry_from(r) for r in (await s.execute(
                select(EnquiryRow).where(EnquiryRow.state.in_(OPEN_ENQUIRY)).order_by(EnquiryRow.id))).scalars()]
            crises = [crisis_from(r) for r in (await s.execute(
                select(CrisisRow).where(CrisisRow.state.in_(OPEN_CRISIS)).order_by(CrisisRow.id))).scalars()]
            releases = [release_from(r) for r in (await s.execute(
                select(PressReleaseRow).where(PressReleaseRow.state.in_(OPEN_RELEASE))
                .order_by(PressReleaseRow.id))).scalars()]
            refs = [e.ref for e in enquiries] + [c.ref for c in crises] + [p.ref for p in releases]
            drafts = await _latest_drafts(s, refs)
            sign_offs = await _decisions(s, drafts)
        return OpenCases(enquiries, crises, releases, drafts, sign_offs)


async def _latest_drafts(s: AsyncSession, refs: Sequence[str]) -> dict[str, Draft]:
    if not refs:
        return {}
    latest = (select(DraftRow.case_ref, func.max(DraftRow.number).label("number"))
              .where(DraftRow.case_ref.in_(refs)).group_by(DraftRow.case_ref).subquery())
    rows = await s.execute(select(DraftRow).join(latest, (DraftRow.case_ref == latest.c.case_ref)
                                                 & (DraftRow.number == latest.c.number)))
    return {r.case_ref: Draft(r.number, r.text, r.fingerprint, r.author, r.author_email, r.created_at)
            for r in rows.scalars()}


async def _decisions(s: AsyncSession, drafts: dict[str, Draft]) -> dict[str, list[SignOff]]:
    if not drafts:
        return {}
    found: dict[str, list[SignOff]] = {}
    rows = await s.execute(select(SignOffRow).where(SignOffRow.case_ref.in_(list(drafts))).order_by(SignOffRow.id))
    for r in rows.scalars():
        if r.version == drafts[r.case_ref].number:
            found.setdefault(r.case_ref, []).append(SignOff(r.version, r.fingerprint, slot_of(r.slot),
                                                            Decision(r.decision), r.by, r.by_email, r.at, r.comment))
    return found
