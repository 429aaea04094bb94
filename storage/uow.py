"""The unit of work and its repositories: one transaction, domain objects in and out."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.conversation import Conversation, ConversationStatus
from bot.domain.crisis import Crisis, CrisisSlot, CrisisState, HoldingLine
from bot.domain.enquiry import Enquiry, EnquiryState, Person
from bot.domain.errors import ConcurrencyConflict, Duplicate
from bot.domain.messages import HistoryEntry, MessageRef, Outbound
from bot.domain.nudges import Nudge, NudgeKind, NudgeStatus
from bot.domain.press_release import PressComment, PressRelease, PressSlot, PressState, ReleaseKind
from bot.domain.statement import Decision, Draft, Plan, SignOff, Slot
from storage.db import Database
from storage.models import (
    ConversationRefRow,
    ConversationRow,
    CounterRow,
    CrisisRow,
    DraftRow,
    EnquiryRow,
    HistoryRow,
    HoldingLineRow,
    MessageRefRow,
    NudgeRow,
    OutboxRow,
    PressCommentRow,
    PressReleaseRow,
    SeenRequestRow,
    SignOffRow,
)


def _person(data: dict[str, Any] | None) -> Person | None:
    return Person(**data) if data else None


class SqlEnquiries:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, e: Enquiry) -> Enquiry:
        row = EnquiryRow(
            ref=e.ref, state=e.state.value, version=e.version, journalist=e.journalist, outlet=e.outlet,
            outlet_kind=e.outlet_kind, phone=e.phone, email=e.email, summary=e.summary, deadline=e.deadline,
            reporter=asdict(e.reporter), owner=asdict(e.owner) if e.owner else None, plan=e.plan.to_json(),
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
        return Enquiry(
            id=row.id, ref=row.ref, state=EnquiryState(row.state), version=row.version, journalist=row.journalist,
            outlet=row.outlet, outlet_kind=row.outlet_kind, phone=row.phone, email=row.email, summary=row.summary,
            deadline=row.deadline, reporter=_person(row.reporter), owner=_person(row.owner),
            plan=Plan.from_json(row.plan), routing=dict(row.routing or {}), created_at=row.created_at,
        )

    async def open_refs(self) -> list[str]:
        """Enquiries not yet closed or withdrawn, oldest first."""
        done = (EnquiryState.CLOSED.value, EnquiryState.WITHDRAWN.value)
        query = select(EnquiryRow.ref).where(EnquiryRow.state.not_in(done)).order_by(EnquiryRow.id)
        return list((await self.s.execute(query)).scalars())

    async def save(self, e: Enquiry, expected_version: int, now: datetime) -> None:
        result = await self.s.execute(
            update(EnquiryRow)
            .where(EnquiryRow.id == e.id, EnquiryRow.version == expected_version)
            .values(state=e.state.value, version=expected_version + 1,
                    owner=asdict(e.owner) if e.owner else None, plan=e.plan.to_json(), routing=e.routing,
                    updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict(e.ref)
        e.version = expected_version + 1


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
        return [SignOff(r.version, r.fingerprint, _slot(r.slot), Decision(r.decision), r.by, r.by_email, r.at,
                        r.comment) for r in rows]


def _slot(value: str) -> Slot | CrisisSlot | PressSlot:
    """Sign-off slots of enquiries, crises and press releases share one table."""
    if value in Slot._value2member_map_:
        return Slot(value)
    return PressSlot.parse(value) or CrisisSlot(value)


class SqlPressReleases:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, pr: PressRelease, now: datetime) -> PressRelease:
        row = PressReleaseRow(ref=pr.ref, kind=pr.kind.value, state=pr.state.value, version=pr.version,
                              details=pr.details, requester=asdict(pr.requester),
                              owner=asdict(pr.owner) if pr.owner else None, project_lead=pr.project_lead,
                              embargo=pr.embargo, due_at=pr.due, plan=pr.plan_json(), created_at=pr.created_at,
                              updated_at=now)
        self.s.add(row)
        await self.s.flush()
        pr.id = row.id
        return pr

    async def get(self, ref: str) -> PressRelease | None:
        row = (await self.s.execute(select(PressReleaseRow).where(PressReleaseRow.ref == ref))).scalar_one_or_none()
        if row is None:
            return None
        pr = PressRelease(id=row.id, ref=row.ref, kind=ReleaseKind(row.kind), state=PressState(row.state),
                          version=row.version, details=dict(row.details), requester=_person(row.requester),
                          owner=_person(row.owner), project_lead=row.project_lead, embargo=row.embargo,
                          due=row.due_at, created_at=row.created_at)
        pr.load_plan(row.plan)
        return pr

    async def open_refs(self) -> list[str]:
        """Press releases not yet closed, oldest first."""
        query = select(PressReleaseRow.ref).where(PressReleaseRow.state != PressState.CLOSED.value) \
            .order_by(PressReleaseRow.id)
        return list((await self.s.execute(query)).scalars())

    async def save(self, pr: PressRelease, expected_version: int, now: datetime) -> None:
        result = await self.s.execute(
            update(PressReleaseRow).where(PressReleaseRow.id == pr.id, PressReleaseRow.version == expected_version)
            .values(state=pr.state.value, version=expected_version + 1, details=pr.details,
                    owner=asdict(pr.owner) if pr.owner else None, project_lead=pr.project_lead,
                    embargo=pr.embargo, due_at=pr.due, plan=pr.plan_json(), updated_at=now)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise ConcurrencyConflict(pr.ref)
        pr.version = expected_version + 1


class SqlPressComments:
    """Comments on a press release's drafts; one collated set of amendments per round (a unique key)."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, case_ref: str, comment: PressComment) -> None:
        """Add a comment; a second collated set for the same round raises ConcurrencyConflict."""
        collated = comment.stage.value if comment.kind == "amends" else None
        try:
            async with self.s.begin_nested():
                self.s.add(PressCommentRow(
                    case_ref=case_ref, stage=comment.stage.value, draft_version=comment.draft_version,
                    kind=comment.kind, collated_round=collated, by=comment.by, by_email=comment.by_email,
                    text=comment.text, at=comment.at))
        except IntegrityError:
            raise ConcurrencyConflict(f"{case_ref} amendments for {collated}") from None

    async def for_case(self, case_ref: str) -> list[PressComment]:
        rows = (await self.s.execute(select(PressCommentRow).where(PressCommentRow.case_ref == case_ref)
                                     .order_by(PressCommentRow.id))).scalars()
        return [PressComment(PressState(r.stage), r.kind, r.by, r.by_email, r.text, r.at, r.draft_version)
                for r in rows]


class SqlCrises:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, c: Crisis, now: datetime) -> Crisis:
        row = CrisisRow(ref=c.ref, state=c.state.value, version=c.version, details=c.details,
                        reporter=asdict(c.reporter), lead=asdict(c.lead) if c.lead else None,
                        head_of_department=c.head_of_department, lead_agency=c.lead_agency, routing=c.routing,
                        confirmations={"who": c.confirmations}, created_at=c.created_at, updated_at=now)
        self.s.add(row)
        await self.s.flush()
        c.id = row.id
        return c

    async def get(self, ref: str) -> Crisis | None:
        row = (await self.s.execute(select(CrisisRow).where(CrisisRow.ref == ref))).scalar_one_or_none()
        if row is None:
            return None
        return Crisis(id=row.id, ref=row.ref, state=CrisisState(row.state), version=row.version,
                      details=dict(row.details), reporter=_person(row.reporter), lead=_person(row.lead),
                      head_of_department=row.head_of_department, lead_agency=row.lead_agency,
                      routing=dict(row.routing or {}), confirmations=list((row.confirmations or {}).get("who", [])),
                      created_at=row.created_at)

    async def open_refs(self) -> list[str]:
        """Crises not yet stood down, oldest first."""
        query = select(CrisisRow.ref).where(CrisisRow.state != CrisisState.STOOD_DOWN.value).order_by(CrisisRow.id)
        return list((await self.s.execute(query)).scalars())

    async def save(self, c: Crisis, expected_version: int, now: datetime) -> None:
        result = await self.s.execute(
            update(CrisisRow).where(CrisisRow.id == c.id, CrisisRow.version == expected_version)
            .values(state=c.state.value, version=expected_version + 1, details=c.details,
                    lead=asdict(c.lead) if c.lead else None, head_of_department=c.head_of_department,
                    lead_agency=c.lead_agency, routing=c.routing, confirmations={"who": c.confirmations},
                    updated_at=now)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise ConcurrencyConflict(c.ref)
        c.version = expected_version + 1


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
        result = await self.s.execute(update(HoldingLineRow).where(HoldingLineRow.id == line_id,
                                                                   HoldingLineRow.retired_at.is_(None))
                                      .values(retired_at=now))
        return result.rowcount == 1


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
        return (await self.s.execute(query)).rowcount

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


class SqlConversations:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    @staticmethod
    def _load(row: ConversationRow) -> Conversation:
        return Conversation(
            id=row.id, form_id=row.form_id, platform=row.platform, user_id=row.user_id, channel=row.channel,
            answers=dict(row.answers), step=row.step, status=ConversationStatus(row.status),
            version=row.version, case_ref=row.case_ref, pending=dict(row.pending or {}),
        )

    async def add(self, c: Conversation, now: datetime) -> Conversation:
        row = ConversationRow(
            form_id=c.form_id, platform=c.platform, user_id=c.user_id, channel=c.channel, status=c.status.value,
            step=c.step, answers=c.answers, pending=c.pending or None, version=c.version, case_ref=c.case_ref,
            created_at=now, updated_at=now,
        )
        self.s.add(row)
        await self.s.flush()
        c.id = row.id
        return c

    async def get(self, conversation_id: int) -> Conversation | None:
        row = await self.s.get(ConversationRow, conversation_id)
        return self._load(row) if row else None

    async def active_for(self, platform: str, user_id: str) -> Conversation | None:
        row = (await self.s.execute(
            select(ConversationRow)
            .where(ConversationRow.platform == platform, ConversationRow.user_id == user_id,
                   ConversationRow.status == ConversationStatus.ACTIVE.value)
            .order_by(ConversationRow.id.desc()).limit(1)
        )).scalar_one_or_none()
        return self._load(row) if row else None

    async def save(self, c: Conversation, expected_version: int, now: datetime) -> None:
        result = await self.s.execute(
            update(ConversationRow)
            .where(ConversationRow.id == c.id, ConversationRow.version == expected_version)
            .values(form_id=c.form_id, status=c.status.value, step=c.step, answers=c.answers, version=c.version,
                    case_ref=c.case_ref, channel=c.channel, pending=c.pending or None, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict(f"conversation {c.id}")


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


class SqlOutbox:
    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, m: Outbound, now: datetime) -> None:
        await self.s.execute(insert(OutboxRow).values(
            platform=m.recipient.platform, recipient_kind=m.recipient.kind, recipient=m.recipient.address,
            message_key=m.key, case_ref=m.case_ref, card=m.card, update_only=m.update_only, status="pending",
            attempts=0,
            next_attempt_at=now, created_at=now,
        ))

    async def ref_for(self, platform: str, key: str) -> MessageRef | None:
        row = await self.s.get(MessageRefRow, (platform, key))
        return MessageRef(row.platform, row.channel, row.ts) if row else None

    async def replace_copy(self, copy: MessageRef, message: Outbound, now: datetime) -> bool:
        # The copy gets a key of its own, recorded as if we had posted it: the relay then edits it in place.
        key = f"copy:{copy.ts}"[:120]
        if await self.s.get(MessageRefRow, (copy.platform, key)) is not None:
            return False
        self.s.add(MessageRefRow(platform=copy.platform, message_key=key, channel=copy.channel, ts=copy.ts,
                                 updated_at=now))
        await self.add(Outbound(message.recipient, message.card, key=key, case_ref=message.case_ref,
                                update_only=True), now)
        return True


class SqlUnitOfWork:
    """`async with uow:` opens a transaction; leaving without `commit()` rolls it back."""

    def __init__(self, db: Database, on_commit: list | None = None) -> None:
        self._db = db
        self._hooks = on_commit or []
        self.outbox_written = False

    async def __aenter__(self) -> SqlUnitOfWork:
        if self._db.write_lock is not None:
            await self._db.write_lock.acquire()
        self.session = self._db.sessions()
        self.enquiries = SqlEnquiries(self.session)
        self.drafts = SqlDrafts(self.session)
        self.nudges = SqlNudges(self.session)
        self.crises = SqlCrises(self.session)
        self.press_releases = SqlPressReleases(self.session)
        self.press_comments = SqlPressComments(self.session)
        self.holding_lines = SqlHoldingLines(self.session)
        self.conversations = SqlConversations(self.session)
        self.history = SqlHistory(self.session)
        self.outbox = _TrackingOutbox(SqlOutbox(self.session), self)
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await self.session.rollback()
            await self.session.close()
        finally:
            if self._db.write_lock is not None:
                self._db.write_lock.release()

    async def commit(self) -> None:
        await self.session.commit()
        if self.outbox_written:
            for hook in self._hooks:
                hook()

    def savepoint(self):  # noqa: ANN201 - an async context manager
        """A nested transaction: what happens inside can be rolled back alone."""
        return self.session.begin_nested()

    async def mark_request_seen(self, key: str, now: datetime) -> None:
        stored = request_key(key)
        # The inbox kept it before the platform was answered: its work is this transaction, done when it commits.
        # (On PostgreSQL a second transaction doing the same request waits here, then finds it done.)
        done = await self.session.execute(
            update(SeenRequestRow).where(SeenRequestRow.key == stored, SeenRequestRow.status == "pending")
            .values(status="done", done_at=now, body=None, lease_until=None)
            .execution_options(synchronize_session=False))
        if done.rowcount == 1:
            return
        try:  # not from the inbox (a use case called directly), or done already
            async with self.session.begin_nested():
                self.session.add(SeenRequestRow(key=stored, at=now, status="done", done_at=now))
        except IntegrityError:
            raise Duplicate(key) from None

    async def next_number(self, name: str) -> int:
        try:
            async with self.session.begin_nested():
                self.session.add(CounterRow(name=name, value=0))
        except IntegrityError:
            pass
        result = await self.session.execute(
            update(CounterRow).where(CounterRow.name == name).values(value=CounterRow.value + 1)
            .returning(CounterRow.value)
        )
        return int(result.scalar_one())


def request_key(key: str) -> str:
    """Keys fit the 200-character column whole; a longer one keeps its start and a hash of all of it, so two
    requests that differ only after the 200th character are still two requests."""
    if len(key) <= 200:
        return key
    return key[:135] + ":" + hashlib.sha256(key.encode()).hexdigest()


class _TrackingOutbox:
    """Notes that a message was queued, so the relay can be woken after commit."""

    def __init__(self, inner: SqlOutbox, uow: SqlUnitOfWork) -> None:
        self._inner, self._uow = inner, uow

    async def add(self, m: Outbound, now: datetime) -> None:
        await self._inner.add(m, now)
        self._uow.outbox_written = True

    async def ref_for(self, platform: str, key: str) -> MessageRef | None:
        return await self._inner.ref_for(platform, key)

    async def replace_copy(self, copy: MessageRef, message: Outbound, now: datetime) -> bool:
        queued = await self._inner.replace_copy(copy, message, now)
        self._uow.outbox_written = self._uow.outbox_written or queued
        return queued


class SqlReferenceStore:
    """Conversation references (ports.ReferenceStore): a short transaction of its own per call."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def remember(self, platform: str, keys: Iterable[str], reference: dict[str, Any], now: datetime) -> None:
        keys = sorted({k[:300] for k in keys if k})
        if not keys:
            return
        lock = self._db.write_lock
        if lock is not None:
            await lock.acquire()
        try:
            async with self._db.sessions() as s, s.begin():
                for key in keys:
                    changed = await s.execute(
                        update(ConversationRefRow)
                        .where(ConversationRefRow.platform == platform, ConversationRefRow.ref_key == key)
                        .values(reference=reference, updated_at=now).execution_options(synchronize_session=False))
                    if changed.rowcount == 1:
                        continue
                    try:
                        async with s.begin_nested():
                            await s.execute(insert(ConversationRefRow).values(
                                platform=platform, ref_key=key, reference=reference, updated_at=now))
                    except IntegrityError:  # another replica inserted it first: ours is as fresh
                        await s.execute(
                            update(ConversationRefRow)
                            .where(ConversationRefRow.platform == platform, ConversationRefRow.ref_key == key)
                            .values(reference=reference, updated_at=now)
                            .execution_options(synchronize_session=False))
        finally:
            if lock is not None:
                lock.release()

    async def find(self, platform: str, key: str) -> dict[str, Any] | None:
        async with self._db.sessions() as s:
            row = (await s.execute(select(ConversationRefRow.reference).where(
                ConversationRefRow.platform == platform, ConversationRefRow.ref_key == key[:300]))).scalar_one_or_none()
        return dict(row) if row is not None else None
