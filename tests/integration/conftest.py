"""Fixtures for the integration tests; the databases themselves come from tests/conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from storage.db import Database, open_database
from tests.integration.support import ALL_TABLES


@pytest.fixture
async def pg_database(pg_database_url: str) -> AsyncIterator[Database]:
    """PostgreSQL only (for SKIP LOCKED and other things SQLite has no equivalent of), emptied first."""
    db = open_database(pg_database_url)
    async with db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(ALL_TABLES)} RESTART IDENTITY CASCADE"))
    try:
        yield db
    finally:
        await db.dispose()
