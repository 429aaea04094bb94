"""Shared fixtures: databases (SQLite always, the local PostgreSQL when it answers)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from storage.db import Database, open_database
from storage.migrate import upgrade

PG_ADMIN_URL = os.environ.get("MEDIADESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    """Return why PostgreSQL can't be used, or None when it can."""
    import asyncio

    import asyncpg

    async def probe() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL.replace("postgresql+asyncpg", "postgresql"), timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # any failure means: skip, and say why
        return f"PostgreSQL at {PG_ADMIN_URL} is not reachable ({type(exc).__name__}: {exc})"
    return None


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, migrated to head, dropped afterwards."""
    import asyncio

    import asyncpg

    reason = _pg_available()
    if reason:
        pytest.skip(reason)
    name = f"mediadesk_test_{uuid.uuid4().hex[:10]}"
    admin = PG_ADMIN_URL.replace("postgresql+asyncpg", "postgresql")

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    url = admin.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    try:
        yield url
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


_TABLES = ["message_refs", "outbox", "case_history", "conversations", "enquiries", "seen_requests", "counters",
           "drafts", "sign_offs", "nudges", "crises",
           "holding_lines", "conversation_refs", "press_releases", "press_comments", "history_head", "history_anchors",
           "history_salts", "case_search", "case_retention", "disposals", "retention_notices"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:  # noqa: ANN001
    """A migrated, empty database: a SQLite file, and the local PostgreSQL (skipped with a reason if absent)."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'mediadesk.db'}"
        upgrade(url)
        return url
    url = request.getfixturevalue("pg_database_url")
    import asyncio

    import asyncpg

    async def truncate() -> None:
        conn = await asyncpg.connect(url)
        try:
            # case_history refuses DELETE by trigger; TRUNCATE is the test-only way to empty it.
            await conn.execute(f"TRUNCATE {', '.join(_TABLES)} RESTART IDENTITY CASCADE")
        finally:
            await conn.close()

    asyncio.run(truncate())
    return url


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # noqa: ANN001
    url = f"sqlite+aiosqlite:///{tmp_path / 'mediadesk.db'}"
    upgrade(url)
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = open_database(database_url)
    try:
        yield db
    finally:
        await db.dispose()
