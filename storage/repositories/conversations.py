"""Forms in progress, one question at a time (a chat conversation with one person)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.conversation import Conversation, ConversationStatus
from storage.models import ConversationRow
from storage.repositories.common import save_versioned


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
        # The conversation counts its own changes (its buttons carry the version), so the new one is its own.
        await save_versioned(
            self.s, ConversationRow, c.id, expected_version,
            dict(form_id=c.form_id, status=c.status.value, step=c.step, answers=c.answers, case_ref=c.case_ref,
                 channel=c.channel, pending=c.pending or None, updated_at=now),
            f"conversation {c.id}", new_version=c.version)
