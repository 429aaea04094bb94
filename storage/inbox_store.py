"""The inbox as the doors see it: a request kept in one short transaction before the platform's 200, and the
ones a crash cut off claimed again under a lease (SKIP LOCKED on PostgreSQL)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.ports import InboundRequest
from storage.db import Database
from storage.models import SeenRequestRow
from storage.uow import request_key


class SqlInboxStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def accept(self, request: InboundRequest, now: datetime, lease_seconds: float) -> bool:
        insert = sqlite_insert if self._db.is_sqlite else pg_insert
        statement = insert(SeenRequestRow).values(
            key=request_key(request.key), at=now, seq=time.time_ns(), platform=request.platform,
            person=request.person[:200], body=request.body, status="pending",
            lease_until=now + timedelta(seconds=lease_seconds), attempts=1,
        ).on_conflict_do_nothing(index_elements=["key"])
        async with self._locked():
            async with self._db.sessions() as s, s.begin():
                return (await s.execute(statement)).rowcount == 1

    async def finish(self, key: str, now: datetime) -> None:
        async with self._locked():
            async with self._db.sessions() as s, s.begin():
                await s.execute(
                    update(SeenRequestRow)
                    .where(SeenRequestRow.key == request_key(key), SeenRequestRow.status == "pending")
                    .values(status="done", done_at=now, body=None, lease_until=None))

    async def claim_unfinished(self, platform: str, now: datetime, lease_seconds: float, limit: int, *,
                               every_lease: bool = False) -> list[InboundRequest]:
        lapsed = or_(SeenRequestRow.lease_until.is_(None), SeenRequestRow.lease_until < now)
        query = (select(SeenRequestRow)
                 .where(SeenRequestRow.status == "pending", SeenRequestRow.platform == platform,
                        True if every_lease else lapsed)
                 .order_by(SeenRequestRow.seq, SeenRequestRow.key).limit(limit)
                 .with_for_update(skip_locked=True))
        async with self._locked():
            async with self._db.sessions() as s, s.begin():
                rows = list((await s.execute(query)).scalars())
                if not rows:
                    return []
                await s.execute(
                    update(SeenRequestRow).where(SeenRequestRow.key.in_([r.key for r in rows]))
                    .values(lease_until=now + timedelta(seconds=lease_seconds),
                            attempts=SeenRequestRow.attempts + 1)
                    .execution_options(synchronize_session=False))
                return [InboundRequest(key=r.key, platform=r.platform or platform, person=r.person or "",
                                       body=r.body or "", attempts=r.attempts + 1) for r in rows]

    @contextlib.asynccontextmanager
    async def _locked(self) -> AsyncIterator[None]:
        """SQLite has one writer: take the application's write lock, as the unit of work does."""
        if self._db.write_lock is None:
            yield
            return
        async with self._db.write_lock:
            yield
