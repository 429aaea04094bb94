"""The nudge tick (bot/services/nudges.py:tick) under concurrency and interruption: every due nudge is sent once.

What "sent" means here, per case, for an UNCLAIMED nudge that falls due (see `_fire`):

- one Claim button for it on a "Still unclaimed: ..." card in the outbox (the reminder in the comms channel: its
  own card when it falls due alone, a line of a digest when several fall due in one batch),
- one more keyed update of the enquiry card (views.enquiry_key; the first came from logging),
- the nudge row (seq 1) marked `sent`, and exactly one follow-up UNCLAIMED nudge (seq 2) scheduled.

A double send shows up as two Claim buttons, two follow-ups, or three card rows for one case; a lost nudge as
none. The same file runs as a script for the tests that need other OS processes:

    python -m tests.integration.test_nudge_tick drain <database url> <now ISO> <limit>
    python -m tests.integration.test_nudge_tick hold <database url> <now ISO> <limit>
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from bot.clock import FrozenClock
from bot.domain.nudges import NudgeKind, NudgePolicy, NudgeStatus
from bot.domain.people import Actor
from bot.services import nudges
from bot.services.core import Core
from bot.services.intake import log_enquiry
from cards import reminder_views, views
from cards.model import Card
from cards.slack import render_message
from cards.teams import render_card
from storage.db import Database, open_database
from storage.models import NudgeRow, OutboxRow
from storage.uow import SqlUnitOfWork
from tests.adaptive import validate_adaptive_card
from tests.conformance import check_block_kit
from tests.slack.harness import COMMS_CHANNEL, STAFF, SlackHarness, org_config, text_of

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 27, 14, 5, tzinfo=UTC)  # a Friday afternoon in London (GMT): the office is open
DUE = T0 + timedelta(minutes=16)  # the UNCLAIMED nudge of anything logged at T0 is due at T0 + 15 min
REPORTER = Actor("slack", STAFF[0], STAFF[1], STAFF[2])
REMINDER = "Still unclaimed: "
REPEAT = NudgePolicy().unclaimed_repeat


# ---- building blocks ------------------------------------------------------------------------------------


def make_core(db: Database, clock: FrozenClock, uow: Callable[[Database], Any] = SqlUnitOfWork) -> Core:
    """A Core like bot/app/server.py's _lifecycle builds, on this database (no relay: the outbox rows are the record)."""
    org = org_config()
    return Core(uow=lambda: uow(db), clock=clock, directory=org.directory(), tz=org.tz,
                hours=org.office_hours.hours(org.tz), rota=org.rota(), policy=NudgePolicy())


async def log_enquiries(db: Database, clock: FrozenClock, n: int, *, batch: int = 50) -> list[str]:
    """`n` open enquiries logged the real way (log_enquiry) at the clock's time, deadline six hours on."""
    core = make_core(db, clock)
    refs: list[str] = []
    for start in range(0, n, batch):
        ctx = core.ctx()
        async with core.uow() as uow:
            for i in range(start, min(n, start + batch)):
                answers = {"journalist": f"Journalist {i}", "outlet": f"Gazette {i % 7}", "outlet_kind": "newspaper",
                           "phone": "01245 123456", "email": f"j{i}@gazette.example", "summary": f"Question {i}",
                           "deadline": (ctx.now + timedelta(hours=6)).isoformat()}
                refs.append((await log_enquiry(uow, core, REPORTER, answers, ctx)).ref)
            await uow.commit()
    return refs


async def drain(core: Core, limit: int) -> int:
    """One replica's scheduler, run flat out: tick until a tick finds nothing it can take."""
    sent = 0
    while n := await nudges.tick(core, limit):
        sent += n
    return sent


def claimable(card: dict[str, Any]) -> list[str]:
    """The cases a reminder or a digest offers to claim (one Claim button each)."""
    return [a["payload"]["id"] for a in card.get("actions", []) if a.get("payload", {}).get("a") == "claim"]


async def outbox_by_case(db: Database) -> tuple[Counter[str], Counter[str]]:
    """(reminders per "Still unclaimed: <ref>", enquiry-card rows per key) over the whole outbox."""
    async with db.sessions() as s:
        rows = (await s.execute(select(OutboxRow.card, OutboxRow.message_key))).all()
    reminders = Counter(f"{REMINDER}{ref}" for card, _ in rows if card.get("title", "").startswith(REMINDER)
                        for ref in claimable(card))
    cards = Counter(key for _, key in rows if key and key.startswith("enquiry:"))  # views.enquiry_key
    return reminders, cards


async def nudge_rows(db: Database) -> list[NudgeRow]:
    async with db.sessions() as s:
        return list((await s.execute(select(NudgeRow).order_by(NudgeRow.id))).scalars())


async def assert_each_sent_once(db: Database, refs: list[str], fired_at: datetime | None = None) -> None:
    """Every case got exactly one reminder, one card update and one follow-up; each first nudge is `sent`."""
    reminders, cards = await outbox_by_case(db)
    twice = sorted(t for t, n in reminders.items() if n > 1)
    missing = sorted(f"{REMINDER}{r}" for r in refs if reminders[f"{REMINDER}{r}"] == 0)
    assert not twice, f"{len(twice)} reminders written more than once, e.g. {twice[:5]}"
    assert not missing, f"{len(missing)} reminders never written, e.g. {missing[:5]}"
    assert reminders == Counter({f"{REMINDER}{r}": 1 for r in refs})
    assert cards == Counter({views.enquiry_key(r): 2 for r in refs}), "the card: when logged, then per reminder"

    by_case: dict[str, list[NudgeRow]] = {}
    for row in await nudge_rows(db):
        by_case.setdefault(row.case_ref, []).append(row)
    assert sorted(by_case) == sorted(refs)
    for ref in refs:
        got = sorted((r.kind, r.seq, r.status) for r in by_case[ref])
        assert got == [(NudgeKind.DEADLINE_MISSED.value, 1, NudgeStatus.PENDING.value),
                       (NudgeKind.UNCLAIMED.value, 1, NudgeStatus.SENT.value),
                       (NudgeKind.UNCLAIMED.value, 2, NudgeStatus.PENDING.value)], ref
        if fired_at is not None:
            [follow_up] = [r for r in by_case[ref] if r.kind == NudgeKind.UNCLAIMED.value and r.seq == 2]
            assert follow_up.due_at == fired_at + REPEAT


# ---- a burst: one digest for many reminders ---------------------------------------------------------------


async def test_sixty_reminders_due_at_once_go_as_three_digests_of_twenty_that_fit_slack_and_teams(
    database: Database,
) -> None:
    """A burst (say everything held overnight, due at 08:00) is a few channel messages listing each enquiry
    with its Claim button, at most 25 to a message and as evenly filled as can be, not a message per enquiry."""
    refs = await log_enquiries(database, FrozenClock(T0), 60)
    assert await nudges.tick(make_core(database, FrozenClock(DUE))) == 60

    async with database.sessions() as s:
        cards = [card for (card,) in (await s.execute(select(OutboxRow.card))).all()
                 if card.get("title", "").startswith(REMINDER)]
    assert [card["title"] for card in cards] == ["Still unclaimed: 20 media enquiries"] * 3
    assert sorted(ref for card in cards for ref in claimable(card)) == sorted(refs)
    for card in cards:
        neutral = Card.from_json(card)
        assert check_block_kit(render_message(neutral)["blocks"]) == []
        assert validate_adaptive_card(render_card(neutral)) == []
    await assert_each_sent_once(database, refs, fired_at=DUE)


# ---- several replicas on PostgreSQL (FOR UPDATE SKIP LOCKED) ------------------------------------------


@pytest.mark.postgres
async def test_two_replicas_ticking_at_once_send_each_of_300_due_nudges_once(
    pg_database: Database, pg_database_url: str,
) -> None:
    clock = FrozenClock(T0)
    refs = await log_enquiries(pg_database, clock, 300)
    clock.set(DUE)
    # Two replicas: two engines (their own pools and connections), two Cores, one clock time.
    db_a, db_b = open_database(pg_database_url), open_database(pg_database_url)
    try:
        # Small batches, so the two claim and commit many times in between each other.
        sent_a, sent_b = await asyncio.gather(drain(make_core(db_a, FrozenClock(DUE)), 20),
                                              drain(make_core(db_b, FrozenClock(DUE)), 20))
    finally:
        await db_a.dispose()
        await db_b.dispose()

    assert sent_a + sent_b == 300
    assert sent_a > 0 and sent_b > 0, f"both replicas should have taken a share ({sent_a}, {sent_b})"
    await assert_each_sent_once(pg_database, refs, fired_at=DUE)


@pytest.mark.postgres
async def test_a_replica_does_not_wait_for_the_nudges_another_replica_holds(
    pg_database: Database, pg_database_url: str,
) -> None:
    """Replica A has claimed 50 due nudges and not committed (a slow tick, or a process about to die):
    replica B sends the other 250 straight away instead of queueing behind A's locks. A then dies (rolls
    back): its 50 are due again and B sends them, once."""
    refs = await log_enquiries(pg_database, FrozenClock(T0), 300)
    db_b = open_database(pg_database_url)
    core_b = make_core(db_b, FrozenClock(DUE))
    held = SqlUnitOfWork(pg_database)
    await held.__aenter__()
    try:
        claimed = await held.nudges.claim_due(DUE, 50)
        assert len(claimed) == 50
        meanwhile = asyncio.create_task(drain(core_b, 200))
        done, _ = await asyncio.wait({meanwhile}, timeout=10)
        assert done, "replica B waited for replica A's transaction instead of skipping its nudges"
        assert meanwhile.result() == 250
        reminders, _ = await outbox_by_case(pg_database)
        assert not reminders.keys() & {f"{REMINDER}{n.case_ref}" for n in claimed}
    finally:
        await held.__aexit__(None, None, None)  # without commit(): rolled back, as when A dies
        await _settle(locals().get("meanwhile"))
    try:
        # A's claim is gone with its transaction: its nudges are due again, and B sends them.
        assert await drain(core_b, 200) == 50
        assert await drain(core_b, 200) == 0
    finally:
        await db_b.dispose()
    await assert_each_sent_once(pg_database, refs, fired_at=DUE)


async def _settle(task: asyncio.Task[Any] | None) -> None:
    """Let a task that may be stuck behind a lock finish (the lock is gone now), or give up on it."""
    if task is None:
        return
    with contextlib.suppress(Exception, asyncio.CancelledError):
        await asyncio.wait_for(task, timeout=30)


# ---- other OS processes (PostgreSQL) ----------------------------------------------------------------------


async def _spawn(mode: str, url: str, now: datetime, limit: int) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.integration.test_nudge_tick", mode, url, now.isoformat(), str(limit),
        cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), timeout=60)
    assert line.strip() == b"READY", f"child said {line!r}"
    return proc


@pytest.mark.postgres
async def test_two_processes_ticking_at_once_send_each_of_300_due_nudges_once(
    pg_database: Database, pg_database_url: str,
) -> None:
    refs = await log_enquiries(pg_database, FrozenClock(T0), 300)
    children: list[asyncio.subprocess.Process] = []
    results = []
    try:
        for _ in range(2):
            children.append(await _spawn("drain", pg_database_url, DUE, 10))
        for child in children:  # both are connected and waiting: start them together
            assert child.stdin is not None
            child.stdin.write(b"go\n")
            await child.stdin.drain()
        for child in children:
            out, _ = await asyncio.wait_for(child.communicate(), timeout=120)
            assert child.returncode == 0
            results.append(json.loads(out.decode().strip().splitlines()[-1])["sent"])
    finally:
        for child in children:
            if child.returncode is None:
                child.kill()  # our own child, by its pid
                await child.wait()

    assert sum(results) == 300
    assert all(results), f"both processes should have taken a share ({results})"
    await assert_each_sent_once(pg_database, refs, fired_at=DUE)


@pytest.mark.postgres
async def test_a_replica_killed_inside_its_tick_transaction_loses_and_repeats_nothing(
    pg_database: Database, pg_database_url: str,
) -> None:
    """A process claims 40 of 100 due nudges, writes their reminders and is SIGKILLed just before COMMIT.
    Meanwhile another replica sends the other 60; after the kill, the 40 are sent once, by the survivor."""
    refs = await log_enquiries(pg_database, FrozenClock(T0), 100)
    survivor = make_core(pg_database, FrozenClock(DUE))
    child = await _spawn("hold", pg_database_url, DUE, 40)
    meanwhile = None
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), timeout=60)
        assert line.strip() == b"HOLDING", f"child said {line!r}"
        meanwhile = asyncio.create_task(drain(survivor, 200))
        done, _ = await asyncio.wait({meanwhile}, timeout=10)
        assert done, "the survivor waited for the dying process's transaction instead of skipping its nudges"
        assert meanwhile.result() == 60
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGKILL)  # our own child, by its pid
        await child.wait()
        await _settle(meanwhile)
    # The server notices the dead connection and rolls its transaction back; until then the rows stay locked.
    sent_after = 0
    for _ in range(100):
        sent_after += await drain(survivor, 200)
        if sent_after >= 40:
            break
        await asyncio.sleep(0.1)
    assert sent_after == 40
    await assert_each_sent_once(pg_database, refs, fired_at=DUE)


# ---- interruption in one process (SQLite and PostgreSQL) -------------------------------------------------


def held_at_commit() -> tuple[type[SqlUnitOfWork], asyncio.Event]:
    """A unit of work that stops at commit() until cancelled: a tick caught holding its transaction."""
    holding = asyncio.Event()

    class HeldAtCommit(SqlUnitOfWork):
        async def commit(self) -> None:
            holding.set()
            await asyncio.Event().wait()

    return HeldAtCommit, holding


async def test_a_tick_cancelled_while_holding_its_transaction_loses_and_repeats_nothing(
    database: Database,
) -> None:
    """Shutdown (or a timeout) cancels a tick that has claimed 30 of 100 due nudges and written their
    reminders, but not committed. Another Core ticks meanwhile and afterwards: each nudge is sent once."""
    refs = await log_enquiries(database, FrozenClock(T0), 100)
    held, holding = held_at_commit()
    stuck = asyncio.create_task(nudges.tick(make_core(database, FrozenClock(DUE), uow=held), 30))
    await asyncio.wait_for(holding.wait(), timeout=10)

    other = make_core(database, FrozenClock(DUE))
    # PostgreSQL: the other Core skips the 30 locked rows; SQLite: it waits for the writer lock.
    meanwhile = asyncio.create_task(drain(other, 200))
    await asyncio.sleep(0.3)
    stuck.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stuck
    sent = await asyncio.wait_for(meanwhile, timeout=10)
    sent += await drain(other, 200)

    assert sent == 100
    await assert_each_sent_once(database, refs, fired_at=DUE)


# ---- one nudge that cannot be sent ----------------------------------------------------------------------


async def test_a_nudge_that_cannot_be_sent_does_not_hold_up_the_others(
    database: Database, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The oldest due nudge fails every time (here: its card cannot be built). Were the batch one
    all-or-nothing transaction, it would roll back the other nine at every tick, and being first in every
    batch it would stop all reminders for good. Each of the others is sent once; the broken one never."""
    refs = await log_enquiries(database, FrozenClock(T0), 10)
    broken = refs[0]  # the oldest: first in every batch
    build = reminder_views.unclaimed_reminder_card

    def sometimes_failing(enquiry: Any, nudge: Any, ctx: Any) -> Any:
        if enquiry.ref == broken:
            raise ValueError("a reminder that cannot be built")
        return build(enquiry, nudge, ctx)

    monkeypatch.setattr(reminder_views, "unclaimed_reminder_card", sometimes_failing)
    core = make_core(database, FrozenClock(DUE))
    for _ in range(3):  # three scheduler ticks; bot/app/server.py's nudge_tick logs the failure and carries on
        with contextlib.suppress(ValueError):
            await nudges.tick(core)

    reminders, _ = await outbox_by_case(database)
    assert reminders == Counter({f"{REMINDER}{r}": 1 for r in refs[1:]})
    [first] = [r for r in await nudge_rows(database) if r.case_ref == broken and r.kind == NudgeKind.UNCLAIMED.value]
    assert first.status != NudgeStatus.SENT.value


# ---- SQLite: one process, one Database ------------------------------------------------------------------


async def test_two_cores_sharing_one_sqlite_database_never_double_send(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    try:
        refs = await log_enquiries(db, FrozenClock(T0), 300)
        sent = await asyncio.gather(*(drain(make_core(db, FrozenClock(DUE)), 20) for _ in range(2)))
        assert sum(sent) == 300
        await assert_each_sent_once(db, refs, fired_at=DUE)
    finally:
        await db.dispose()


async def test_two_sqlite_databases_on_one_file_never_double_send(sqlite_url: str) -> None:
    """Two `open_database` on one SQLite file (what two processes would have): no shared writer lock, so
    SQLite's own locking decides. A tick may fail with "database is locked" (the app's scheduler logs it and
    tries again at the next tick); it must never send twice."""
    db_a, db_b = open_database(sqlite_url), open_database(sqlite_url)
    failures: list[str] = []

    async def replica(db: Database) -> int:
        core, sent, idle = make_core(db, FrozenClock(DUE)), 0, 0
        while idle < 3:
            try:
                n = await nudges.tick(core, 20)
            except OperationalError as exc:  # what bot/app/server.py's nudge_tick catches and logs
                failures.append(str(exc.orig))
                n = -1
            sent += max(n, 0)
            idle = idle + 1 if n == 0 else 0
            await asyncio.sleep(0)
        return sent

    try:
        refs = await log_enquiries(db_a, FrozenClock(T0), 200)
        sent = await asyncio.gather(replica(db_a), replica(db_b))
        assert sum(sent) == 200, (sent, failures[:3])
        await assert_each_sent_once(db_a, refs, fired_at=DUE)
    finally:
        await db_a.dispose()
        await db_b.dispose()


# ---- the real app stopped in the middle and started again -----------------------------------------------


@pytest.fixture
async def fake_slack():  # noqa: ANN201
    from tests.fakes.slack_api import FakeSlackApi
    from tests.slack.harness import CAST, TOKEN

    async with FakeSlackApi(token=TOKEN) as fake:
        fake.add_people(*CAST)
        yield fake


def _reminders_in_slack(fake: Any) -> Counter[str]:
    """Reminders the fake Slack received in the comms channel, by case (posts, not later edits; a digest
    counts once for each enquiry it lists)."""
    found: Counter[str] = Counter()
    for call in fake.calls_to("chat.postMessage"):
        if call.status == 200 and call.args.get("channel") == COMMS_CHANNEL:
            body = text_of(call.args)
            if "for someone to claim" in body:
                found.update(set(re.findall(r"MC-\d{4}-\d{4}", str(call.args.get("text", "")))))
    return found


async def _until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def test_the_app_stopped_mid_tick_and_started_again_sends_every_nudge_once(
    database_url: str, fake_slack: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """60 enquiries logged at T0 and 60 at T0 + 10 min; the real app (scheduler ticking every 0.2 s) is
    stopped while its tick is half-way through the first 60, started again, and the clock moves on past the
    second 60. Each of the 120 reminders is written once and reaches Slack once."""
    db = open_database(database_url)
    clock = FrozenClock(T0)
    try:
        refs = await log_enquiries(db, clock, 60)
        clock.set(T0 + timedelta(minutes=10))
        refs += await log_enquiries(db, clock, 60)
    finally:
        await db.dispose()

    # Each nudge takes a little while, so the first tick is still running when the app is stopped.
    fire = nudges._fire
    started: list[str] = []

    async def slow_fire(uow: Any, core: Core, ctx: Any, nudge: Any, *rest: Any) -> int:
        started.append(nudge.case_ref)
        await asyncio.sleep(0.02)
        return await fire(uow, core, ctx, nudge, *rest)

    monkeypatch.setattr(nudges, "_fire", slow_fire)
    harness = SlackHarness(fake_slack, database_url, clock)
    await harness.start()
    try:
        clock.set(DUE)  # the first 60 are due
        await _until(lambda: len(started) >= 20, 10, "the tick to be half-way through")
        await harness.stop()  # shutdown while the tick holds its transaction
        await asyncio.sleep(0.5)
        await harness.start()
        await _until(lambda: sum(_reminders_in_slack(fake_slack).values()) >= 60, 20, "the first 60 in Slack")
        clock.set(T0 + timedelta(minutes=26))  # the second 60 are due
        await _until(lambda: sum(_reminders_in_slack(fake_slack).values()) >= 120, 20, "all 120 in Slack")
        await asyncio.sleep(1.0)  # anything extra would arrive now
    finally:
        await harness.stop()

    db = open_database(database_url)
    try:
        reminders, _ = await outbox_by_case(db)
        assert reminders == Counter({f"{REMINDER}{r}": 1 for r in refs})
        rows = await nudge_rows(db)
        firsts = Counter((r.case_ref, r.status) for r in rows if r.kind == NudgeKind.UNCLAIMED.value and r.seq == 1)
        follow_ups = Counter(r.case_ref for r in rows if r.kind == NudgeKind.UNCLAIMED.value and r.seq == 2)
    finally:
        await db.dispose()
    assert firsts == Counter({(r, NudgeStatus.SENT.value): 1 for r in refs})
    assert follow_ups == Counter({r: 1 for r in refs})
    assert _reminders_in_slack(fake_slack) == Counter({r: 1 for r in refs})


# ---- the child processes ---------------------------------------------------------------------------------


async def _child(mode: str, url: str, now: str, limit: str) -> None:
    db = open_database(url)
    clock = FrozenClock(datetime.fromisoformat(now))
    async with db.engine.connect() as conn:  # connected before saying READY
        await conn.execute(text("SELECT 1"))
    if mode == "drain":
        print("READY", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        sent = await drain(make_core(db, clock), int(limit))
        print(json.dumps({"sent": sent}), flush=True)
    elif mode == "hold":
        class Hold(SqlUnitOfWork):
            async def commit(self) -> None:
                print("HOLDING", flush=True)
                await asyncio.Event().wait()  # until killed

        print("READY", flush=True)
        await nudges.tick(make_core(db, clock, uow=Hold), int(limit))
    await db.dispose()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_child(*sys.argv[1:5]))
