"""Messages queued in the unit of work's transaction, sent by the relay once it commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.messages import MessageRef, Outbound
from storage.models import MessageRefRow, OutboxRow


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


class TrackingOutbox:
    """Notes that a message was queued (`queued()` is called), so the relay can be woken after commit."""

    def __init__(self, inner: SqlOutbox, queued: Callable[[], None]) -> None:
        self._inner, self._queued = inner, queued

    async def add(self, m: Outbound, now: datetime) -> None:
        await self._inner.add(m, now)
        self._queued()

    async def ref_for(self, platform: str, key: str) -> MessageRef | None:
        return await self._inner.ref_for(platform, key)

    async def replace_copy(self, copy: MessageRef, message: Outbound, now: datetime) -> bool:
        queued = await self._inner.replace_copy(copy, message, now)
        if queued:
            self._queued()
        return queued
