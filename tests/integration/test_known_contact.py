"""Journalists we know (issue 14): the contact details on record for a journalist at an outlet, on SQLite and
PostgreSQL, found through index ix_enquiries_journalist_outlet (migration 0014), never by reading every enquiry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from storage.db import Database
from storage.uow import SqlUnitOfWork
from tests.integration.media_log_cases import T0, add_enquiry


async def known(db: Database, journalist: str, outlet: str) -> tuple[str, str | None, str | None] | None:
    async with SqlUnitOfWork(db) as uow:
        found = await uow.enquiries.known_contact(journalist, outlet)
    return (found.ref, found.phone, found.email) if found else None


async def test_the_latest_enquiry_naming_that_journalist_at_that_outlet_gives_the_details(database: Database) -> None:
    await add_enquiry(database, "MC-2026-0001", "Ward closures", journalist="Jane Reporter", outlet="Essex Chronicle")
    await add_enquiry(database, "MC-2026-0002", "Parking", journalist="Jane Reporter", outlet="Essex Chronicle",
                      at=T0 + timedelta(days=3))
    await add_enquiry(database, "MC-2026-0003", "Waits", journalist="Jane Reporter", outlet="BBC Essex",
                      at=T0 + timedelta(days=5))
    async with database.engine.begin() as conn:  # the latest at the Chronicle lost its details (redacted)
        await conn.execute(text("UPDATE enquiries SET phone = NULL, email = NULL WHERE ref = 'MC-2026-0002'"))

    assert await known(database, "  jane REPORTER ", "essex chronicle") == (
        "MC-2026-0001", "+441245123456", "jane@chronicle.example")
    assert (await known(database, "Jane Reporter", "BBC Essex") or ("",))[0] == "MC-2026-0003"
    assert await known(database, "Jane Reporter", "Nursing Times") is None  # never someone at another outlet
    assert await known(database, "Jan Reporter", "Essex Chronicle") is None


async def test_the_lookup_reads_the_index(database: Database) -> None:
    async with database.engine.connect() as conn:
        if not database.is_sqlite:  # PostgreSQL reads a small table whole; told not to, it must have the index
            await conn.execute(text("SET enable_seqscan = off"))
        plan = (await conn.execute(text(
            ("EXPLAIN QUERY PLAN " if database.is_sqlite else "EXPLAIN ") + "SELECT ref FROM enquiries WHERE lower(journalist) = lower(:j) AND "
            "lower(outlet) = lower(:o) AND (phone IS NOT NULL OR email IS NOT NULL) ORDER BY created_at DESC "
            "LIMIT 1").bindparams(j="Jane Reporter", o="Essex Chronicle"))).all()
    assert any("ix_enquiries_journalist_outlet" in str(row) for row in plan), plan
