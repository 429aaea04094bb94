"""Draft versions and the sign-off decisions made on them (enquiries, crises and press releases alike)."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.crisis import CrisisSlot
from bot.domain.errors import ConcurrencyConflict
from bot.domain.press_release import PressSlot
from bot.domain.statement import Decision, Draft, SignOff, Slot
from storage.models import DraftRow, SignOffRow


class SqlDrafts:
    """Draft versions and the sign-off decisions made on them."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, case_ref: str, draft: Draft) -> None:
        await self.s.execute(insert(DraftRow).values(
            case_ref=case_ref, number=draft.number, text=draft.text, fingerprint=draft.fingerprint,
            author=draft.author, author_email=draft.author_email, created_at=draft.created_at,
        ))

    async def latest(self, case_ref: str) -> Draft | None:
        row = (await self.s.execute(
            select(DraftRow).where(DraftRow.case_ref == case_ref).order_by(DraftRow.number.desc()).limit(1)
        )).scalar_one_or_none()
        if row is None:
            return None
        return Draft(row.number, row.text, row.fingerprint, row.author, row.author_email, row.created_at)

    async def add_sign_off(self, case_ref: str, sign_off: SignOff) -> None:
        """Record a decision; a second decision on the same slot and version raises ConcurrencyConflict."""
        try:
            async with self.s.begin_nested():
                self.s.add(SignOffRow(
                    case_ref=case_ref, version=sign_off.version, fingerprint=sign_off.fingerprint,
                    slot=sign_off.slot.value, decision=sign_off.decision.value, by=sign_off.by,
                    by_email=sign_off.by_email, comment=sign_off.comment, at=sign_off.at,
                ))
        except IntegrityError:
            raise ConcurrencyConflict(f"{case_ref} v{sign_off.version} {sign_off.slot}") from None

    async def sign_offs(self, case_ref: str, version: int | None = None) -> list[SignOff]:
        query = select(SignOffRow).where(SignOffRow.case_ref == case_ref)
        if version is not None:
            query = query.where(SignOffRow.version == version)
        rows = (await self.s.execute(query.order_by(SignOffRow.id))).scalars()
        return [SignOff(r.version, r.fingerprint, slot_of(r.slot), Decision(r.decision), r.by, r.by_email, r.at,
                        r.comment) for r in rows]


def slot_of(value: str) -> Slot | CrisisSlot | PressSlot:
    """Sign-off slots of enquiries, crises and press releases share one table."""
    if value in Slot._value2member_map_:
        return Slot(value)
    return PressSlot.parse(value) or CrisisSlot(value)
