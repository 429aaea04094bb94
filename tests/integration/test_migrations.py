"""The Alembic migrations: they run twice without harm, and they build exactly what storage/models.py describes."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, DateTime, Integer, MetaData, create_engine
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.migrate import alembic_config, upgrade, upgrade_async
from storage.models import Base
from storage.search_schema import FULL_TEXT_TABLES, include_name

REPO = Path(__file__).resolve().parents[2]
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
# The full-text index (FTS5 on SQLite) is the engine's own, beside the models.
TABLES = set(Base.metadata.tables) | {"alembic_version"} | FULL_TEXT_TABLES
INDEXES = {index.name for table in Base.metadata.tables.values() for index in table.indexes}
APPEND_ONLY_TRIGGERS = {"case_history_no_update", "case_history_no_delete"}


def sqlite_schema(path: Path) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def sqlite_version(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchall()


def test_upgrade_twice_on_an_empty_sqlite_file_changes_nothing_the_second_time(tmp_path: Path) -> None:
    path = tmp_path / "mediadesk.db"
    path.touch()  # an empty file, as a fresh volume mount would give
    url = f"sqlite:///{path}"  # the plain spelling from a config file; the async driver is chosen for it

    upgrade(url)
    first = sqlite_schema(path)
    upgrade(url)

    assert sqlite_schema(path) == first
    assert sqlite_version(path) == [(HEAD,)]
    assert {name for kind, name, _ in first if kind == "table"} == TABLES
    assert {name for kind, name, _ in first if kind == "index" and name.startswith("ix_")} == INDEXES
    assert APPEND_ONLY_TRIGGERS <= {name for kind, name, _ in first if kind == "trigger"}


async def test_upgrade_async_can_run_inside_the_servers_event_loop(tmp_path: Path) -> None:
    path = tmp_path / "mediadesk.db"

    await upgrade_async(f"sqlite+aiosqlite:///{path}")

    assert sqlite_version(path) == [(HEAD,)]


def _compare(connection: Connection, metadata: MetaData, options: dict[str, Any]) -> list[Any]:
    return compare_metadata(MigrationContext.configure(connection, opts={"include_name": include_name, **options}),
                            metadata)


async def differences(db: Database, metadata: MetaData, **options: Any) -> list[Any]:
    """What `alembic revision --autogenerate` would write; env.py keeps Alembic's defaults (types compared)."""
    async with db.engine.connect() as conn:
        return await conn.run_sync(_compare, metadata, {"compare_type": True, **options})


async def test_the_migrated_schema_matches_the_models(database: Database) -> None:
    assert await differences(database, Base.metadata) == []


async def test_the_migrated_server_defaults_match_the_models(database: Database) -> None:
    assert await differences(database, Base.metadata, compare_server_default=True) == []


async def test_the_comparison_would_notice_drift(database: Database) -> None:
    """Guards the test above: the comparison really looks at columns and at the DateTime decorator's type."""
    drifted = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["outbox"].append_column(Column("priority", Integer, nullable=True))
    drifted.tables["enquiries"].c.deadline.type = DateTime(timezone=False)

    diffs = await differences(database, drifted)

    # Table-level changes come as tuples, column modifications as lists of tuples.
    found = {(diff[0], diff[2], diff[3].name) for diff in diffs if isinstance(diff, tuple)}
    changed_types = {(op, table, column) for diff in diffs if isinstance(diff, list)
                     for op, _schema, table, column, *_ in diff}
    assert found == {("add_column", "outbox", "priority")}
    if database.is_sqlite:
        # SQLite keeps no time zone in its DATETIME type, so a timezone flag can't drift there.
        assert changed_types == set()
    else:
        assert changed_types == {("modify_type", "enquiries", "deadline")}


FIRST_RELEASE = "2cdb142"  # "Foundation": the first commit whose migrations could have built a database


def test_a_database_made_by_the_first_release_upgrades_to_the_current_models(tmp_path: Path) -> None:
    shipped = subprocess.run(
        ["git", "show", f"{FIRST_RELEASE}:storage/migrations/versions/0001_initial_schema.py"],
        cwd=REPO, capture_output=True, text=True)
    if shipped.returncode != 0:
        pytest.skip(f"the first release's migration is not in this checkout's history: {shipped.stderr.strip()}")
    scripts = tmp_path / "first_release_migrations"
    shutil.copytree(REPO / "storage" / "migrations", scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0001_initial_schema.py").write_text(shipped.stdout)
    url = f"sqlite:///{tmp_path / 'mediadesk.db'}"
    first_release = alembic_config(url)
    first_release.set_main_option("script_location", str(scripts))

    command.upgrade(first_release, "0001")  # what the first release left on disk
    upgrade(url)  # today's code starts against it

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert _compare(conn, Base.metadata, {"compare_type": True}) == []
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_two_replicas_migrating_a_fresh_postgresql_at_once_both_succeed() -> None:
    """env.py takes an advisory lock so that replicas starting together don't both create the tables."""
    import asyncpg

    from tests.conftest import PG_ADMIN_URL, _pg_available

    if reason := _pg_available():
        pytest.skip(reason)
    admin = PG_ADMIN_URL.replace("postgresql+asyncpg", "postgresql")
    name = f"mediadesk_migrate_{uuid.uuid4().hex[:10]}"
    url = admin.rsplit("/", 1)[0] + f"/{name}"

    async def run(dsn: str, sql: str) -> list[Any]:
        conn = await asyncpg.connect(dsn)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    asyncio.run(run(admin, f'CREATE DATABASE "{name}"'))
    try:
        # Separate processes, as replicas are (Alembic's `context` is process-global, so threads won't do).
        replicas = [subprocess.Popen([sys.executable, "-c", f"from storage.migrate import upgrade; upgrade({url!r})"],
                                     cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                    for _ in range(2)]
        for replica in replicas:
            output, _ = replica.communicate(timeout=120)
            assert replica.returncode == 0, output

        assert asyncio.run(run(url, "SELECT version_num FROM alembic_version")) == [(HEAD,)]
        triggers = asyncio.run(run(url, "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
        assert ("case_history_no_update",) in triggers  # created once (a second CREATE TRIGGER would fail)
    finally:
        asyncio.run(run(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
