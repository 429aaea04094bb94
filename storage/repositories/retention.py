"""Retention (ports.RetentionRepository): the schedule's records, the disposal records, and removing a destroyed
case's content from every table that holds it (the history aside: its entries are sealed by their own means)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.media_log import CLOSE_EVENTS, FINAL_STATES, CaseKind
from bot.domain.messages import Recipient, RecipientKind
from bot.domain.retention import (
    Appraisal,
    CaseFile,
    Disposal,
    Hold,
    Retention,
    RetentionClass,
    RetentionStatus,
)
from storage.models import (
    CaseRetentionRow,
    ConversationRow,
    DisposalRow,
    DraftRow,
    HistoryRow,
    NudgeRow,
    OutboxRow,
    PressCommentRow,
    RetentionNoticeRow,
    SignOffRow,
)
from storage.repositories.common import CASE_TABLES

# Who logged or led a destroyed case: a person with nothing to say who (the row's columns need a person).
_GONE = {"name": "(destroyed)", "email": None, "platform": None, "user_id": None}
# What each case row keeps once destroyed: its reference, kind, state and dates; everything else emptied. The
# media log's index (migration 0012) is rewritten from the row by its trigger, so the words go from it too.
_EMPTIED: dict[CaseKind, dict[str, Any]] = {
    CaseKind.ENQUIRY: dict(journalist="", outlet="", phone=None, email=None, summary="", reporter=_GONE, owner=None,
                           plan={}, routing={}),
    CaseKind.CRISIS: dict(details={}, reporter=_GONE, lead=None, head_of_department=None, lead_agency=None,
                          routing={}, confirmations={"who": []}),
    CaseKind.PRESS_RELEASE: dict(details={}, requester=_GONE, owner=None, project_lead=None, plan={}),
}


class SqlRetention:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def _insert(self):  # noqa: ANN202 - the dialect's INSERT, which knows ON CONFLICT
        return sqlite_insert if self.s.bind.dialect.name == "sqlite" else pg_insert

    # ---- the cases as retention sees them

    async def unregistered(self, limit: int) -> list[tuple[CaseFile, Retention | None]]:
        found: list[tuple[CaseFile, Retention | None]] = []
        for kind, table in CASE_TABLES.items():
            if len(found) >= limit:
                break
            rows: Sequence[Any] = (await self.s.execute(
                select(table, CaseRetentionRow).outerjoin(CaseRetentionRow, CaseRetentionRow.ref == table.ref)
                .where(table.state.in_(FINAL_STATES[kind]),
                       CaseRetentionRow.ref.is_(None) | CaseRetentionRow.closed_at.is_(None))
                .order_by(table.id).limit(limit - len(found)))).all()
            closes = await self._closed_at([case.ref for case, _ in rows])
            found.extend((_file(kind, case, closes.get(case.ref) or case.updated_at), _record(r) if r else None)
                         for case, r in rows)
        return found

    async def _closed_at(self, refs: list[str]) -> dict[str, datetime]:
        """When each case closed: its last closing step in the history."""
        if not refs:
            return {}
        rows = await self.s.execute(select(HistoryRow.case_ref, func.max(HistoryRow.at))
                                    .where(HistoryRow.case_ref.in_(refs), HistoryRow.event.in_(CLOSE_EVENTS))
                                    .group_by(HistoryRow.case_ref))
        return {ref: at for ref, at in rows}

    async def case_file(self, ref: str) -> CaseFile | None:
        for kind, table in CASE_TABLES.items():
            row: Any = (await self.s.execute(select(table).where(table.ref == ref))).scalar_one_or_none()
            if row is not None:
                closed = None
                if row.state in FINAL_STATES[kind]:
                    closed = (await self._closed_at([ref])).get(ref) or row.updated_at
                return _file(kind, row, closed)
        return None

    # ---- the schedule

    async def get(self, ref: str) -> Retention | None:
        row = (await self.s.execute(select(CaseRetentionRow).where(CaseRetentionRow.ref == ref)
                                    .with_for_update())).scalar_one_or_none()
        return _record(row) if row else None

    async def put(self, *records: Retention) -> None:
        if not records:
            return
        statement = self._insert()(CaseRetentionRow)
        await self.s.execute(statement.on_conflict_do_update(
            index_elements=["ref"], set_={c.name: c for c in statement.excluded if c.name != "ref"}),
            [_values(r) for r in records])  # one statement, many rows (compiled once)

    async def due(self, today: date, limit: int) -> list[Retention]:
        rows = (await self.s.execute(
            select(CaseRetentionRow).where(CaseRetentionRow.status == RetentionStatus.RETAINED.value,
                                           CaseRetentionRow.hold_at.is_(None), CaseRetentionRow.review_on <= today)
            .order_by(CaseRetentionRow.review_on, CaseRetentionRow.ref).limit(limit))).scalars()
        return [_record(r) for r in rows]

    async def listing(self, which: Literal["all", "due", "held"] = "all") -> list[Retention]:
        query = select(CaseRetentionRow).order_by(CaseRetentionRow.review_on.is_(None), CaseRetentionRow.review_on,
                                                  CaseRetentionRow.ref)
        if which == "due":
            query = query.where(CaseRetentionRow.status == RetentionStatus.DUE.value)
        elif which == "held":
            query = query.where(CaseRetentionRow.hold_at.is_not(None))
        return [_record(r) for r in (await self.s.execute(query)).scalars()]

    # ---- destruction

    async def destroy_content(self, ref: str, now: datetime, placeholder: dict[str, Any]
                              ) -> list[tuple[Recipient, str]]:
        """Empty the case everywhere but its history; `placeholder` replaces the outbox's copies of its cards.
        Returns the keyed messages that were posted for it, to be replaced in chat by the caller."""
        case = await self.case_file(ref)
        if case is None:
            return []
        # The drafts go before the case row is emptied: the row's trigger then finds no statement for the index.
        for part in (DraftRow, SignOffRow, PressCommentRow, NudgeRow):
            await self.s.execute(delete(part).where(part.case_ref == ref))
        await self.s.execute(update(ConversationRow).where(ConversationRow.case_ref == ref)
                             .values(answers={}, pending=None, updated_at=now))
        posted = (await self.s.execute(
            select(OutboxRow.platform, OutboxRow.recipient_kind, OutboxRow.recipient, OutboxRow.message_key)
            .where(OutboxRow.case_ref == ref, OutboxRow.status == "sent", OutboxRow.message_key.is_not(None))
            .order_by(OutboxRow.id))).all()
        await self.s.execute(update(OutboxRow).where(OutboxRow.case_ref == ref, OutboxRow.status == "pending")
                             .values(status="skipped", last_error="the case was destroyed", lease_until=None))
        await self.s.execute(update(OutboxRow).where(OutboxRow.case_ref == ref).values(card=placeholder))
        table = CASE_TABLES[case.kind]
        await self.s.execute(update(table).where(table.ref == ref)
                             .values(**_EMPTIED[case.kind], version=table.version + 1, updated_at=now)
                             .execution_options(synchronize_session=False))
        if self.s.get_bind().dialect.name == "sqlite":
            # FTS5 marks a changed entry's words deleted and keeps the old ones in its index blocks until the
            # segments are merged: merging them now leaves no trace of the case's words in the index.
            await self.s.execute(text("INSERT INTO case_search(case_search) VALUES ('optimize')"))
        seen = dict.fromkeys((platform, kind, address, str(key)) for platform, kind, address, key in posted)
        return [(Recipient(_recipient_kind(kind), platform, address), key) for platform, kind, address, key in seen]

    async def add_disposal(self, d: Disposal) -> None:
        self.s.add(DisposalRow(ref=d.ref, kind=d.kind.value, retention_class=d.retention_class.value,
                               logged_at=d.logged_at, closed_at=d.closed_at, review_on=d.review_on,
                               decided_by=d.decided_by, reason=d.reason, destroyed_at=d.destroyed_at))
        await self.s.flush()

    async def disposal(self, ref: str) -> Disposal | None:
        r = await self.s.get(DisposalRow, ref)
        if r is None:
            return None
        return Disposal(r.ref, CaseKind(r.kind), RetentionClass(r.retention_class), r.logged_at, r.closed_at,
                        r.review_on, r.decided_by, r.reason, r.destroyed_at)

    async def add_notice(self, month: str, at: datetime, due: int) -> bool:
        written = await self.s.execute(self._insert()(RetentionNoticeRow).values(month=month, at=at, due=due)
                                       .on_conflict_do_nothing(index_elements=["month"])
                                       .returning(RetentionNoticeRow.month))
        return written.scalar_one_or_none() is not None


def _recipient_kind(kind: str) -> RecipientKind:
    if kind == "user":
        return "user"
    return "email" if kind == "email" else "comms_channel"


def _file(kind: CaseKind, row: Any, closed_at: datetime | None) -> CaseFile:
    harm = (row.details or {}).get("harm") if kind is CaseKind.CRISIS else None
    patient_safety = bool((row.plan or {}).get("patient_safety")) if kind is CaseKind.ENQUIRY else False
    return CaseFile(row.ref, kind, row.created_at, closed_at, harm=harm, patient_safety=patient_safety)


def _values(r: Retention) -> dict[str, Any]:
    return dict(ref=r.ref, kind=r.kind.value, retention_class=r.retention_class.value if r.retention_class else None,
                logged_at=r.logged_at, closed_at=r.closed_at, review_on=r.review_on, status=r.status.value,
                queued_at=r.queued_at, decision=r.decision.value if r.decision else None, decided_by=r.decided_by,
                decided_at=r.decided_at, reason=r.reason, hold_reason=r.hold.reason if r.hold else None,
                hold_by=r.hold.by if r.hold else None, hold_at=r.hold.at if r.hold else None)


def _record(r: CaseRetentionRow) -> Retention:
    hold = Hold(r.hold_reason or "", r.hold_by or "", r.hold_at) if r.hold_at is not None else None
    return Retention(
        ref=r.ref, kind=CaseKind(r.kind), logged_at=r.logged_at,
        retention_class=RetentionClass(r.retention_class) if r.retention_class else None, closed_at=r.closed_at,
        review_on=r.review_on, status=RetentionStatus(r.status), queued_at=r.queued_at,
        decision=Appraisal(r.decision) if r.decision else None, decided_by=r.decided_by, decided_at=r.decided_at,
        reason=r.reason, hold=hold)
