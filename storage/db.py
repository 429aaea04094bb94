"""Engines and sessions: SQLite (aiosqlite) by default, PostgreSQL (asyncpg) by DATABASE_URL."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.domain.audit import compact


def compact_json(value: Any) -> str:
    """JSON as the history's seals are computed over (bot/domain/audit.py): the stored text is the sealed text."""
    return compact(value).decode()


def normalise_url(url: str) -> str:
    """Accept the usual spellings (postgres://, postgresql://, sqlite:///) and pick the async driver."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername in ("postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    elif parsed.drivername in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    return parsed.render_as_string(hide_password=False)


class WriteLock:
    """SQLite's one writer within this process: first come, first served, except that an urgent write (keeping
    a request before the platform's 200) goes before the work already waiting, so an ack never queues behind it."""

    def __init__(self) -> None:
        self._held = False
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._normal: deque[asyncio.Future[None]] = deque()

    def locked(self) -> bool:
        return self._held

    async def acquire(self, *, urgent: bool = False) -> bool:
        if not self._held and not self._urgent and not self._normal:
            self._held = True
            return True
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._normal
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed the lock as we were cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):  # release() may have dropped it already
                    queue.remove(waiter)
            raise
        return True

    def release(self) -> None:
        """Hand the lock straight to the next waiter (urgent ones first), so nobody can jump in between."""
        for queue in (self._urgent, self._normal):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._held = False


T = TypeVar("T")


class OneHop:
    """A transaction run whole in one worker thread, on a plain (synchronous) SQLite connection to the same file.
    Through aiosqlite each statement of a transaction is a trip to its thread and back, and under load every
    return waits its turn in a busy event loop; the inbox's keep before an ack is one trip instead."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-one-hop")
        self._used = False

    async def run(self, work: Callable[[Connection], T]) -> T:
        self._used = True
        return await asyncio.get_running_loop().run_in_executor(self._thread, self._in_transaction, work)

    def _in_transaction(self, work: Callable[[Connection], T]) -> T:
        with self._engine.begin() as conn:
            return work(conn)

    def close(self) -> None:
        if self._used:  # its connection belongs to its thread: closed there
            self._thread.submit(self._engine.dispose).result()
        self._thread.shutdown()


@dataclass
class Database:
    """The engine, its session factory, and (SQLite only) a lock that keeps to one writer at a time."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    write_lock: WriteLock | None = field(default=None)
    one_hop: OneHop | None = field(default=None)  # SQLite only
    # Inbox keys whose work committed in this process (the inbox's finish then has nothing left to write).
    done_by_work: set[str] = field(default_factory=set)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextlib.asynccontextmanager
    async def writing(self, *, urgent: bool = False) -> AsyncIterator[None]:
        """Hold the writer for a transaction that writes (an urgent one goes before the work already waiting);
        nothing to wait for on PostgreSQL, which takes many writers."""
        lock = self.write_lock
        if lock is None:
            yield
            return
        await lock.acquire(urgent=urgent)
        try:
            yield
        finally:
            lock.release()

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.one_hop is not None:
            await asyncio.to_thread(self.one_hop.close)


def open_database(url: str) -> Database:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, json_serializer=compact_json)
        plain = create_engine(url.replace("sqlite+aiosqlite", "sqlite+pysqlite", 1), connect_args={"timeout": 30},
                              json_serializer=compact_json)
        for sync_engine in (engine.sync_engine, plain):
            _as_we_use_sqlite(sync_engine)
        # SQLite allows one writer; serialising our transactions avoids "database is locked" under load.
        return Database(engine, async_sessionmaker(engine, expire_on_commit=False), WriteLock(), OneHop(plain))
    engine = create_async_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True, json_serializer=compact_json)
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False))


def _as_we_use_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API types
        # The driver's own transaction handling commits at a SAVEPOINT's RELEASE when no BEGIN came
        # first; take over (SQLAlchemy's documented recipe) so savepoints nest inside real transactions.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # noqa: ANN001
        conn.exec_driver_sql("BEGIN")
