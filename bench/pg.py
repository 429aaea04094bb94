"""A throwaway PostgreSQL database for one benchmark run (the local server, as the tests use)."""

from __future__ import annotations

import argparse
import os
import uuid

PG_ADMIN_URL = os.environ.get("MEDIADESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


async def create_pg_database() -> tuple[str, str]:
    """A new, empty database: (its URL, its name)."""
    import asyncpg

    name = f"mediadesk_bench_{uuid.uuid4().hex[:10]}"
    admin = PG_ADMIN_URL.replace("postgresql+asyncpg", "postgresql")
    try:
        conn = await asyncpg.connect(admin, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        raise SystemExit(f"--database postgresql: {PG_ADMIN_URL} does not answer ({type(exc).__name__}: {exc}); "
                         "set MEDIADESK_TEST_PG to another admin URL") from exc
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return admin.rsplit("/", 1)[0] + f"/{name}", name


async def drop_pg_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL.replace("postgresql+asyncpg", "postgresql"), timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def database_option(parser: argparse.ArgumentParser) -> None:
    """--database: a fresh SQLite file, or a scratch database on the local PostgreSQL."""
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite",
                        help=f"sqlite: a fresh file in a temp dir; postgresql: a scratch database on "
                             f"{PG_ADMIN_URL} (created and dropped)")
