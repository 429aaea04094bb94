"""The inbox as the doors see it: a request kept in one short transaction before the platform's 200, and the
ones a crash cut off claimed again under a lease (SKIP LOCKED on PostgreSQL)."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.ports import InboundRequest
from storage.db import Database
from storage.models import SeenRequestRow
from storage.uow import request_key


class SqlInboxStore:
    """Accepts are written together: the requests that arrive while one write is going on share the next one
    (one commit for many acks), and on SQLite that write goes before work waiting for the writer."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[bool]]] = []
        self._writing: asyncio.Task[None] | None = None
        self._statements = {sqlite: (sqlite_insert if sqlite else pg_insert)(SeenRequestRow)
                            .on_conflict_do_nothing(index_elements=["key"]).returning(SeenRequestRow.key)
                            for sqlite in (True, False)}

    async def accept(self, request: InboundRequest, now: datetime, lease_seconds: float) -> bool:
        row = dict(key=request_key(request.key), at=now, seq=time.time_ns(), platform=request.platform,
                   person=request.person[:200], body=request.body, status="pending",
                   lease_until=now + timedelta(seconds=lease_seconds), attempts=1)
        kept: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, kept))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.get_running_loop().create_task(self._write_waiting())
        return await kept

    async def idle(self) -> None:
        """Wait for a write of accepted requests to finish (at shutdown, before the database closes)."""
        if self._writing is not None:
            await asyncio.gather(self._writing, return_exceptions=True)

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                inserted = await self._insert([row for row, _ in batch])
            except Exception as exc:  # each waiting request is told; its platform is not answered 200
                for _, kept in batch:
                    if not kept.done():
                        kept.set_exception(exc)
                continue
            seen: set[str] = set()
            for row, kept in batch:
                first = row["key"] in inserted and row["key"] not in seen  # a retry within the same batch
                seen.add(row["key"])
                if not kept.done():
                    kept.set_result(first)

    async def _insert(self, rows: list[dict[str, Any]]) -> set[str]:
        """Insert what is new; the keys inserted (a key kept before is left as it was)."""
        # One statement, its rows as parameters (SQLAlchemy's "insertmanyvalues"): the statement is compiled once
        # and cached, where rows written into it would make each batch a new statement to build and compile.
        statement = self._statements[self._db.is_sqlite]
        if self._db.one_hop is not None:
            async with self._db.writing(urgent=True):
                return await self._db.one_hop.run(lambda conn: set(conn.execute(statement, rows).scalars()))
        async with self._db.writing(urgent=True), self._db.sessions() as s, s.begin():
            return set((await s.execute(statement, rows)).scalars())

    async def finish(self, key: str, now: datetime) -> None:
        stored = request_key(key)
        if stored in self._db.done_by_work:  # its work's own commit marked it done: nothing to write
            self._db.done_by_work.discard(stored)
            return
        async with self._db.writing(), self._db.sessions() as s, s.begin():
            await s.execute(
                update(SeenRequestRow)
                .where(SeenRequestRow.key == stored, SeenRequestRow.status == "pending")
                .values(status="done", done_at=now, body=None, lease_until=None))

    async def claim_unfinished(self, platform: str, now: datetime, lease_seconds: float, limit: int, *,
                               every_lease: bool = False) -> list[InboundRequest]:
        lapsed = or_(SeenRequestRow.lease_until.is_(None), SeenRequestRow.lease_until < now)
        query = (select(SeenRequestRow)
                 .where(SeenRequestRow.status == "pending", SeenRequestRow.platform == platform,
                        true() if every_lease else lapsed)
                 .order_by(SeenRequestRow.seq, SeenRequestRow.key).limit(limit)
                 .with_for_update(skip_locked=True))
        async with self._db.writing(), self._db.sessions() as s, s.begin():
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
