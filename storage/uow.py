"""The unit of work: one transaction, its repositories (storage/repositories/), domain objects in and out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from bot.domain.errors import Duplicate
from storage.db import Database
from storage.models import CounterRow, SeenRequestRow
from storage.repositories.common import rows_changed
from storage.repositories.conversations import SqlConversations
from storage.repositories.crises import SqlCrises, SqlHoldingLines
from storage.repositories.drafts import SqlDrafts
from storage.repositories.enquiries import SqlEnquiries
from storage.repositories.history import SqlHistory
from storage.repositories.nudges import SqlNudges
from storage.repositories.outbox import SqlOutbox, TrackingOutbox
from storage.repositories.press import SqlPressComments, SqlPressReleases
from storage.repositories.records import SqlRecords
from storage.repositories.retention import SqlRetention


class SqlUnitOfWork:
    """`async with uow:` opens a transaction; leaving without `commit()` rolls it back."""

    def __init__(self, db: Database, on_commit: list[Callable[[], None]] | None = None) -> None:
        self._db = db
        self._hooks = on_commit or []
        self.outbox_written = False
        self._marked: str | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        self._held = AsyncExitStack()  # the writer, held until the transaction ends
        await self._held.enter_async_context(self._db.writing())
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
        self.records = SqlRecords(self.session, self.history)
        self.retention = SqlRetention(self.session)
        self.outbox = TrackingOutbox(SqlOutbox(self.session), self._outbox_queued)
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await self.session.rollback()
            await self.session.close()
        finally:
            await self._held.aclose()

    def _outbox_queued(self) -> None:
        self.outbox_written = True

    async def commit(self) -> None:
        await self.history.seal()
        await self.session.commit()
        if self._marked is not None:
            if len(self._db.done_by_work) > 10_000:  # never finished (a door that does not call finish): forget
                self._db.done_by_work.clear()  # the finish then writes, as it would without this note
            self._db.done_by_work.add(self._marked)
        if self.outbox_written:
            for hook in self._hooks:
                hook()

    def savepoint(self) -> AbstractAsyncContextManager[object]:
        """A nested transaction: what happens inside can be rolled back alone."""
        return self.session.begin_nested()

    async def mark_request_seen(self, key: str, now: datetime) -> None:
        stored = request_key(key)
        # The inbox kept it before the platform was answered: its work is this transaction, done when it commits.
        # (On PostgreSQL a second transaction doing the same request waits here, then finds it done.)
        done = await rows_changed(self.session, (
            update(SeenRequestRow).where(SeenRequestRow.key == stored, SeenRequestRow.status == "pending")
            .values(status="done", done_at=now, body=None, lease_until=None)
            .execution_options(synchronize_session=False)))
        if done == 1:
            self._marked = stored
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
