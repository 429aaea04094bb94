"""Alembic environment: runs migrations on the async engine named by the caller's config."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from storage.db import compact_json
from storage.models import Base
from storage.search_schema import include_name

config = context.config
target_metadata = Base.metadata

# Several replicas may start at once; on PostgreSQL one migrates while the others wait.
_ADVISORY_LOCK = 7_351_402


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", include_name=include_name)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({_ADVISORY_LOCK})"))
        context.run_migrations()


async def _online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:  # storage/migrate.py always names one
        raise RuntimeError("No database to migrate: run migrations through storage.migrate (mediadesk db upgrade)")
    engine = create_async_engine(url, json_serializer=compact_json)  # JSON stored as the history seals it
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_online())
