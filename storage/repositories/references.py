"""Conversation references (ports.ReferenceStore): where a platform's conversations can be reached again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import ConversationRefRow
from storage.repositories.common import rows_changed


class SqlReferenceStore:
    """Conversation references (ports.ReferenceStore): a short transaction of its own per call."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def remember(self, platform: str, keys: Iterable[str], reference: dict[str, Any], now: datetime) -> None:
        unique = sorted({k[:300] for k in keys if k})
        if not unique:
            return
        async with self._db.writing(), self._db.sessions() as s, s.begin():
            for key in unique:
                refresh = (update(ConversationRefRow)
                           .where(ConversationRefRow.platform == platform, ConversationRefRow.ref_key == key)
                           .values(reference=reference, updated_at=now).execution_options(synchronize_session=False))
                if await rows_changed(s, refresh) == 1:
                    continue
                try:
                    async with s.begin_nested():
                        await s.execute(insert(ConversationRefRow).values(
                            platform=platform, ref_key=key, reference=reference, updated_at=now))
                except IntegrityError:  # another replica inserted it first: ours is as fresh
                    await s.execute(refresh)

    async def find(self, platform: str, key: str) -> dict[str, Any] | None:
        async with self._db.sessions() as s:
            row = (await s.execute(select(ConversationRefRow.reference).where(
                ConversationRefRow.platform == platform, ConversationRefRow.ref_key == key[:300]))).scalar_one_or_none()
        return dict(row) if row is not None else None
