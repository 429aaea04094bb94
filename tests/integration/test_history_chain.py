"""The history proves itself: every entry is chained, and `mediadesk audit verify` names the first one that
was changed, removed or inserted, on SQLite and PostgreSQL, including by someone who got round the triggers."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.app.cli.main import main
from bot.clock import FrozenClock
from bot.domain.audit import compact, entry_hash, seal
from bot.domain.messages import HistoryEntry
from bot.services import anchors
from bot.services.core import Core
from cards.model import Card
from cards.slack import render_message
from cards.teams import render_card
from storage.db import Database, open_database
from storage.migrate import upgrade
from storage.models import HistoryRow, HistorySaltRow, OutboxRow
from storage.uow import SqlUnitOfWork
from tests.adaptive import validate_adaptive_card
from tests.conformance import check_block_kit
from tests.slack.harness import DIRECTOR, org_config

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def write(db: Database, n: int, *, cases: int = 3, start: datetime = T0) -> None:
    """`n` entries over `cases` cases, a few per transaction, as the use cases write them."""
    for i in range(0, n, 4):
        async with SqlUnitOfWork(db) as uow:
            for j in range(i, min(n, i + 4)):
                await uow.history.append(HistoryEntry(f"MC-2026-{j % cases + 1:04d}", start + timedelta(minutes=j),
                                                      "note", "Casey Comms", "casey.comms@example.nhs.uk",
                                                      {"n": j, "text": "Café – ‘quoted’", "nested": {"b": 1, "a": [2]}}))
            await uow.commit()


async def verify(url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *anchor: str
                 ) -> tuple[int, str]:
    """`mediadesk audit verify` as it runs from a shell (in a thread: it runs its own event loop)."""
    monkeypatch.setenv("DATABASE_URL", url)
    code = await asyncio.to_thread(main, ["audit", "verify", *[arg for a in anchor for arg in ("--anchor", a)]])
    out = capsys.readouterr()
    return code, out.out + out.err


async def tamper(db: Database, *statements: str) -> None:
    """What someone with the database's password could do: switch the append-only triggers off and edit ..."""
    async with db.engine.begin() as conn:
        if db.is_sqlite:
            await conn.execute(text("DROP TRIGGER case_history_no_update"))
            await conn.execute(text("DROP TRIGGER case_history_no_delete"))
        else:
            await conn.execute(text("ALTER TABLE case_history DISABLE TRIGGER case_history_no_update"))
        for statement in statements:
            await conn.execute(text(statement))
        # ... and switch them back on, so that nothing looks amiss (the other tests share this database, too).
        if db.is_sqlite:
            for verb in ("UPDATE", "DELETE"):
                await conn.execute(text(f"CREATE TRIGGER case_history_no_{verb.lower()} BEFORE {verb} ON case_history "
                                        "BEGIN SELECT RAISE(ABORT, 'case_history is append-only'); END"))
        else:
            await conn.execute(text("ALTER TABLE case_history ENABLE TRIGGER case_history_no_update"))


async def test_an_untouched_history_verifies(database: Database, database_url: str,
                                             monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    await write(database, 30)
    code, out = await verify(database_url, monkeypatch, capsys)
    assert code == 0, out
    assert "The history holds: 30 entries checked" in out


@pytest.mark.parametrize(("statements", "names"), [
    (["UPDATE case_history SET data = '{\"n\": 999}' WHERE seq = 7"], "the content of entry 7 (MC-2026-0001, note) was changed"),
    (["UPDATE case_history SET actor = 'Someone Else' WHERE seq = 12"], "entry 12 (MC-2026-0003, note) was changed"),
    (["DELETE FROM case_history WHERE seq = 5"], "entry 5 is missing"),
    (["INSERT INTO case_history (case_ref, at, event, actor, data) "
      "VALUES ('MC-2026-0002', '2026-12-01 10:00:00', 'approve', 'Dana Director', '{}')"], "put in outside Media Desk"),
    (["UPDATE case_history SET seq = 100 WHERE seq = 9", "UPDATE case_history SET seq = 9 WHERE seq = 10",
      "UPDATE case_history SET seq = 10 WHERE seq = 100"], "entry 9"),
])
async def test_a_changed_removed_inserted_or_reordered_entry_is_named(
        database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        statements: list[str], names: str) -> None:
    await write(database, 20)
    await tamper(database, *statements)
    code, out = await verify(database_url, monkeypatch, capsys)
    assert code == 1
    assert "The history has been tampered with" in out and names in out, out


def as_sql(json_text: str) -> str:
    return json_text.replace(":", "\\:")  # a colon would read as a bind parameter in text()


async def rewrite_from(db: Database, seq: int) -> None:
    """A careful forger: change entry `seq` and recompute every seal and hash after it, so the chain holds again."""
    async with db.sessions() as s:
        rows = (await s.execute(select(HistoryRow, HistorySaltRow.salt)
                                .join(HistorySaltRow, HistorySaltRow.seq == HistoryRow.seq)
                                .order_by(HistoryRow.seq))).all()
    prev, heads, updates = "0" * 64, {}, []
    for r, salt in rows:
        data = {"n": -1} if r.seq == seq else r.data
        sealed = seal(salt, data)
        digest = entry_hash(r.seq, r.case_ref, r.at, r.event, r.actor, r.actor_email, sealed, prev,
                            heads.get(r.case_ref))
        if r.seq >= seq:
            updates.append((r.seq, data, prev, heads.get(r.case_ref), sealed, digest))
        prev = heads[r.case_ref] = digest
    await tamper(db, *[f"UPDATE case_history SET data = '{as_sql(compact(d).decode())}', prev_hash = '{p}', "
                       f"case_prev_hash = {repr(c) if c else 'NULL'}, seal = '{se}', hash = '{h}' WHERE seq = {n}"
                       for n, d, p, c, se, h in updates],
                 f"UPDATE history_head SET hash = '{prev}'", "DELETE FROM history_anchors")


async def test_a_whole_rewrite_is_caught_by_an_anchor_kept_outside_the_database(
        database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        caplog: pytest.LogCaptureFixture) -> None:
    await write(database, 12)
    core = make_core(database, FrozenClock(T0 + timedelta(hours=1)))
    with caplog.at_level(logging.INFO, logger="bot.services.anchors"):
        anchor = await anchors.anchor_today(core)
    assert anchor is not None and f"history anchor 2026-12-01 {anchor.text()}" in caplog.text  # the copy outside
    await write(database, 8, start=T0 + timedelta(hours=2))
    await rewrite_from(database, 4)

    assert (await verify(database_url, monkeypatch, capsys))[0] == 0  # the forgery holds together on its own ...
    code, out = await verify(database_url, monkeypatch, capsys, anchor.text())  # ... but not against the logged anchor
    assert code == 1 and "entry 12 is not the one anchored" in out, out


async def test_entries_cut_off_the_end_are_caught_by_the_days_anchor(
        database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> None:
    await write(database, 10)
    await anchors.anchor_today(make_core(database, FrozenClock(T0 + timedelta(hours=1))))
    await tamper(database, "DELETE FROM case_history WHERE seq > 8",
                 "UPDATE history_head SET seq = 8, hash = (SELECT hash FROM case_history WHERE seq = 8)")
    code, out = await verify(database_url, monkeypatch, capsys)
    assert code == 1 and "the chain ends at entry 8, but an anchor names entry 10" in out, out


async def test_an_anchor_that_is_not_one_gets_a_clear_answer(sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out = await verify(sqlite_url, monkeypatch, capsys, "twelve:abc")
    assert code == 2 and "an anchor looks like 1234:<64 hex digits>" in out


async def test_transactions_writing_at_once_make_one_unbroken_chain(
        database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> None:
    async def one(i: int) -> None:
        async with SqlUnitOfWork(database) as uow:
            await uow.history.append(HistoryEntry(f"MC-2026-{i % 5:04d}", T0, "note", "A", None, {"i": i}))
            await asyncio.sleep(0)
            await uow.history.append(HistoryEntry(f"MC-2026-{i % 5:04d}", T0, "note", "A", None, {"i": -i}))
            await uow.commit()

    await asyncio.gather(*(one(i) for i in range(40)))
    code, out = await verify(database_url, monkeypatch, capsys)
    assert code == 0 and "80 entries checked" in out, out


def make_core(db: Database, clock: FrozenClock) -> Core:
    org = org_config()
    return Core(uow=lambda: SqlUnitOfWork(db), clock=clock, directory=org.directory(), tz=org.tz,
                chat_platforms=("slack", "teams"))


async def test_the_days_anchor_is_recorded_once_and_sent_to_the_director(database: Database) -> None:
    await write(database, 3)
    core = make_core(database, FrozenClock(T0))
    first, again = await asyncio.gather(anchors.anchor_today(core), anchors.anchor_today(core))
    assert (first is None) != (again is None)  # two replicas' checks: one records it
    async with database.sessions() as s:
        sent = (await s.execute(select(OutboxRow))).scalars().all()
    assert sorted((m.platform, m.recipient) for m in sent) == [("slack", DIRECTOR[1]), ("teams", DIRECTOR[1])]
    card = Card.model_validate(sent[0].card)
    assert "3:" in card.notes[0] and "mediadesk audit verify --anchor" in card.notes[0]
    check_block_kit(render_message(card))
    validate_adaptive_card(render_card(card))


def test_a_history_written_before_the_chain_is_chained_by_the_upgrade(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0010")

    async def old_rows() -> None:
        db = open_database(url)
        async with db.engine.begin() as conn:
            for i in range(7):
                await conn.execute(text("INSERT INTO case_history (case_ref, at, event, actor, data) VALUES "
                                        f"('MC-2025-000{i % 2}', '2025-06-0{i + 1} 10:00:00', 'logged', 'Sam', "
                                        f"'{{\"i\": {i}}}')"))
        await db.dispose()

    asyncio.run(old_rows())
    upgrade(url)
    code, out = asyncio.run(verify(url, monkeypatch, capsys))
    assert code == 0 and "7 entries checked" in out, out

    async def more() -> None:
        db = open_database(url)
        await write(db, 2)
        await db.dispose()

    asyncio.run(more())
    code, out = asyncio.run(verify(url, monkeypatch, capsys))
    assert code == 0 and "9 entries checked" in out, out


async def test_content_removed_without_a_recorded_redaction_is_named(
        database: Database, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> None:
    await write(database, 6)
    async with SqlUnitOfWork(database) as uow:  # what the trigger lets through: the content, made a redaction
        changed = await uow.records.scrub_case("MC-2026-0002", ["Café"], {})
        await uow.commit()
    assert changed[1] == [2, 5]
    code, out = await verify(database_url, monkeypatch, capsys)
    assert code == 1 and "the content of entry 2 (MC-2026-0002, note) was removed, but no redaction" in out, out

    await tamper(database, "DELETE FROM history_salts WHERE seq = 3")
    code, out = await verify(database_url, monkeypatch, capsys)
    assert code == 1 and "entry 3 (MC-2026-0003, note) can no longer be checked" in out, out


async def test_the_triggers_let_only_a_redaction_through(database: Database) -> None:
    await write(database, 2)
    marked = as_sql('{"$redacted":true}')
    async with database.engine.begin() as conn:
        await conn.execute(text(f"UPDATE case_history SET data = '{marked}' WHERE seq = 1"))
    for statement in (f"UPDATE case_history SET data = '{marked}', actor = 'Someone Else' WHERE seq = 2",
                      "UPDATE case_history SET data = '{}' WHERE seq = 2", "DELETE FROM case_history WHERE seq = 2"):
        with pytest.raises(Exception, match="append-only"):
            async with database.engine.begin() as conn:
                await conn.execute(text(statement))
