"""The outbox as the relay sees it: due rows claimed under a lease (SKIP LOCKED on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import aliased

from bot.domain.messages import MessageRef, Outbound, Recipient, RecipientKind
from storage.db import Database
from storage.models import MessageRefRow, OutboxRow
from storage.repositories.common import rows_changed


class SqlOutboxStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim_due(self, now: datetime, limit: int, lease_seconds: float) -> list[Outbound]:
        earlier = aliased(OutboxRow)
        blocked = exists().where(and_(
            earlier.message_key == OutboxRow.message_key, earlier.id < OutboxRow.id, earlier.status == "pending",
        ))
        # An edit of a message already on screen (a card refresh) waits behind new messages (a reminder, a DM),
        # and a claim takes one kind or the other: edits claimed alongside would hold up the reminders that follow
        # them. After a burst of nudges the reminders reach people first, not after hundreds of card refreshes.
        edit = exists().where(MessageRefRow.platform == OutboxRow.platform,
                              MessageRefRow.message_key == OutboxRow.message_key).label("edit")
        query = (
            select(OutboxRow, edit)
            .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now,
                   (OutboxRow.lease_until.is_(None)) | (OutboxRow.lease_until < now), ~blocked)
            .order_by(edit, OutboxRow.id).limit(limit)
            .with_for_update(skip_locked=True, of=OutboxRow)
        )
        async with self._db.writing(), self._db.sessions() as s, s.begin():
            found = (await s.execute(query)).all()
            if not found:
                return []
            rows = [row for row, is_edit in found if is_edit == found[0].edit]
            ids = [r.id for r in rows]
            await s.execute(
                update(OutboxRow).where(OutboxRow.id.in_(ids))
                .values(lease_until=now + timedelta(seconds=lease_seconds), attempts=OutboxRow.attempts + 1,
                        first_attempt_at=func.coalesce(OutboxRow.first_attempt_at, now))
                .execution_options(synchronize_session=False)
            )
            return [
                Outbound(recipient=Recipient(cast(RecipientKind, r.recipient_kind), r.platform, r.recipient), card=dict(r.card),
                         key=r.message_key, case_ref=r.case_ref, update_only=r.update_only, id=r.id,
                         attempts=r.attempts + 1, first_attempt_at=r.first_attempt_at or now)
                for r in rows
            ]

    async def renew(self, ids: list[int], until: datetime) -> None:
        """Extend the leases of messages this process is still working on (a live process keeps its work)."""
        if ids:
            await self._write(update(OutboxRow).where(OutboxRow.id.in_(ids), OutboxRow.status == "pending",
                                                      OutboxRow.lease_until.is_not(None))
                              .values(lease_until=until).execution_options(synchronize_session=False))

    async def release_leases(self) -> None:
        """Free every lease at once: on SQLite only one process runs, so any lease left belonged to one now gone."""
        await self._write(update(OutboxRow).where(OutboxRow.status == "pending", OutboxRow.lease_until.is_not(None))
                          .values(lease_until=None).execution_options(synchronize_session=False))

    async def _write(self, *statements, ref: tuple | None = None) -> None:
        async with self._db.writing(), self._db.sessions() as s, s.begin():
            for statement in statements:
                await s.execute(statement)
            if ref is not None:
                platform, key, message_ref, outbox_id, now = ref
                values = {"channel": message_ref.channel, "ts": message_ref.ts, "outbox_id": outbox_id,
                          "updated_at": now}
                moved = await rows_changed(s, update(MessageRefRow)
                                           .where(MessageRefRow.platform == platform, MessageRefRow.message_key == key)
                                           .values(**values))
                if moved == 0:
                    s.add(MessageRefRow(platform=platform, message_key=key, **values))

    async def ref_for(self, platform: str, key: str) -> MessageRef | None:
        async with self._db.sessions() as s:
            row = await s.get(MessageRefRow, (platform, key))
            return MessageRef(row.platform, row.channel, row.ts) if row else None

    async def mark_sent(self, message: Outbound, ref: MessageRef, now: datetime) -> None:
        await self._write(
            update(OutboxRow).where(OutboxRow.id == message.id)
            .values(status="sent", sent_at=now, lease_until=None, last_error=None, sent_channel=ref.channel,
                    sent_ts=ref.ts),
            ref=(message.recipient.platform, message.key, ref, message.id, now) if message.key else None,
        )

    async def retry_at(self, message: Outbound, when: datetime, error: str, *, count_attempt: bool = True) -> None:
        values: dict[str, Any] = {"next_attempt_at": when, "lease_until": None, "last_error": error[:500]}
        if not count_attempt:
            values["attempts"] = OutboxRow.attempts - 1  # the claim counted it; this was only a wait
        await self._write(update(OutboxRow).where(OutboxRow.id == message.id).values(**values))

    async def skip(self, message: Outbound, reason: str, now: datetime) -> None:
        """Nothing to send (an update of a message that was never posted): done, with the reason kept."""
        await self._write(
            update(OutboxRow).where(OutboxRow.id == message.id)
            .values(status="skipped", lease_until=None, last_error=reason[:500], sent_at=now)
        )

    async def give_up(self, message: Outbound, error: str, now: datetime) -> None:
        await self._write(
            update(OutboxRow).where(OutboxRow.id == message.id)
            .values(status="dead", lease_until=None, last_error=error[:500], sent_at=None)
        )

    async def next_due(self) -> datetime | None:
        async with self._db.sessions() as s:
            return (await s.execute(
                select(func.min(OutboxRow.next_attempt_at)).where(OutboxRow.status == "pending")
            )).scalar_one_or_none()

    async def counts(self) -> dict[str, int]:
        async with self._db.sessions() as s:
            rows = await s.execute(select(OutboxRow.status, func.count()).group_by(OutboxRow.status))
            return {status: n for status, n in rows}
