"""Nudge benchmark: the tick with 10,000 open enquiries and nothing due, how late due nudges reach the outbox
and Slack while the real scheduler runs, and how much memory the process takes.

    .venv/bin/python bench/bench_nudges.py [--enquiries 10000] [--database sqlite|postgresql]

What runs (see bench/README.md, "bench_nudges.py", for how to read the output):

- the loader (a child process): bulk-inserts N open enquiries with their nudges, history and outbox rows,
  cloned from one enquiry logged the real way (`log_enquiry`) so the rows look like the app's own;
- (a) in this process: `nudges.tick(core)` with nothing due, many times, alternated with a baseline (a unit of
  work that only runs `SELECT 1`), first on empty tables and again after the load;
- (b) in this process: the real app (`bot.app.server.create_app`, APScheduler ticking every NUDGE_TICK_SECONDS (default 1 s), the outbox relay,
  the real clock), served on 127.0.0.1, with the fake Slack Web API in a second child process. The loader
  adds enquiries whose UNCLAIMED nudge falls due at known times (a steady stream, then a burst at one
  instant); the run records when each was claimed, committed to the outbox, and received by the fake;
- (c) this process's RSS (the app: engine, scheduler, relay; the loader and the fake are other processes).

A benchmark, not a test: nothing here asserts on speed. The exit status is 1 only if a due nudge never
reached the fake Slack or reached it twice.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.children import SECRET, TOKEN, child_options, parent_commands, run_main, start_child, stop_child  # noqa: E402
from bench.pg import create_pg_database, database_option, drop_pg_database  # noqa: E402

COMMS_CHANNEL = "C0COMMS"
AIM_IDLE_TICK_MS, AIM_DELAY_S = 50.0, 5.0
REMINDER_WORDS = "for someone to claim"  # in the text of every "Still unclaimed" reminder and digest
REF = re.compile(r"\b[A-Z]+-\d{4}-\d{4,}\b")  # a case reference (the bench numbers past 9999)
STAFF = ("U_STAFF", "sam.staff@example.nhs.uk", "Sam Staff")


# --------------------------------------------------------------------------- small things


def rss_mb() -> float:
    """This process's resident set size (Linux /proc), in MiB."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def stats(values: list[float]) -> tuple[float, float, float]:
    return percentile(values, 0.5), percentile(values, 0.99), max(values) if values else float("nan")


def bench_org() -> Any:
    """The organisation: a comms channel, and an office that is always open (the bench measures sending,
    not the out-of-hours deferral, and must not depend on the day it is run)."""
    from bot.app.config import OfficeHoursSection, OrgConfig, PeopleSection, SlackSection
    from bot.domain.office_hours import OfficeHours

    class AlwaysOpen(OfficeHours):
        def is_open(self, instant: datetime) -> bool:
            return True

    class AlwaysOpenSection(OfficeHoursSection):
        def hours(self, tz: Any) -> OfficeHours:
            return AlwaysOpen(tz=tz)

    return OrgConfig(slack=SlackSection(comms_channel=COMMS_CHANNEL), office_hours=AlwaysOpenSection(),
                     people=PeopleSection(comms_team=["casey.comms@example.nhs.uk"],
                                          director_of_comms=["dana.director@example.nhs.uk"]))


def make_core(db: Any, clock: Any) -> Any:
    from bot.services.core import Core
    from storage.uow import SqlUnitOfWork

    org = bench_org()
    return Core(uow=lambda: SqlUnitOfWork(db), clock=clock, directory=org.directory(), tz=org.tz,
                ref_prefix=org.organisation.reference_prefix, hours=org.office_hours.hours(org.tz),
                rota=org.rota(), policy=org.nudges.policy(org.on_call.acknowledge_minutes))


# --------------------------------------------------------------------------- the loader (a child process)


def _row(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns if c.key != "id"}


def _swap(value: Any, old: str, new: str) -> Any:
    """The same JSON value with one case's reference replaced by another's."""
    return json.loads(json.dumps(value).replace(old, new))


async def bulk_load(url: str, count: int, first: int, *, due: list[float] | None, seed: int) -> dict[str, Any]:
    """Insert `count` open enquiries numbered from `first`, with their nudges, history and outbox rows.

    The rows are clones of one enquiry logged the real way (log_enquiry, then rolled back). Without `due`:
    background cases logged up to 3 days ago, 0-3 "still unclaimed" reminders already sent, the next one due
    between 15 minutes and a day from now, the deadline 2 hours to 10 days away. With `due` (epoch seconds):
    one case per time, logged 15 minutes before it, whose first reminder falls due then.
    """
    from sqlalchemy import delete, insert, select

    from bot.clock import FrozenClock
    from bot.domain.nudges import Nudge, NudgeKind, NudgeStatus
    from bot.domain.people import Actor
    from bot.services.intake import log_enquiry
    from cards import views
    from storage.db import open_database
    from storage.models import CounterRow, EnquiryRow, HistoryRow, MessageRefRow, NudgeRow, OutboxRow
    from storage.uow import SqlUnitOfWork

    started = time.perf_counter()
    rng = random.Random(seed)
    db = open_database(url)
    now = datetime.now(UTC)
    core = make_core(db, FrozenClock(now))
    policy = core.policy
    year = now.astimezone(core.tz).year
    counter = f"{core.ref_prefix}-{year}"
    reporter = Actor("slack", STAFF[0], STAFF[1], STAFF[2])
    async with SqlUnitOfWork(db) as uow:  # the template: logged for real, read back, never committed
        ctx = core.ctx()
        answers = {"journalist": "Jo Template", "outlet": "Evening Gazette", "outlet_kind": "newspaper",
                   "phone": "01245 123456", "email": "jo@gazette.example",
                   "summary": "Asked about waiting times at the walk-in centre and the winter plan.",
                   "deadline": (now + timedelta(hours=6)).isoformat()}
        template = await log_enquiry(uow, core, reporter, answers, ctx)
        s = uow.session
        t_enquiry = _row((await s.execute(select(EnquiryRow).where(EnquiryRow.ref == template.ref))).scalar_one())
        t_history = [_row(r) for r in (await s.execute(
            select(HistoryRow).where(HistoryRow.case_ref == template.ref))).scalars()]
        t_outbox = [_row(r) for r in (await s.execute(
            select(OutboxRow).where(OutboxRow.case_ref == template.ref).order_by(OutboxRow.id))).scalars()]
        t_card = next(o for o in t_outbox if o["message_key"])
        t_reminder = views.unclaimed_reminder_card(template, Nudge(template.ref, NudgeKind.UNCLAIMED, now), ctx)
        t_reminder = {**t_card, "message_key": None, "card": t_reminder.to_json()}
    old = template.ref

    enquiries, history, outbox, nudge_rows, refs_rows, refs = [], [], [], [], [], []

    def sent_outbox(row: dict[str, Any], ref: str, at: datetime, n: int) -> dict[str, Any]:
        return {**row, "case_ref": ref, "message_key": _swap(row["message_key"], old, ref),
                "card": _swap(row["card"], old, ref), "status": "sent", "attempts": 1, "next_attempt_at": at,
                "created_at": at, "sent_at": at + timedelta(seconds=1), "lease_until": None, "last_error": None,
                "sent_channel": COMMS_CHANNEL if row["recipient_kind"] == "comms_channel" else "D" + STAFF[0],
                "sent_ts": f"{int(at.timestamp())}.{n % 1_000_000:06d}"}

    for i in range(count):
        number = first + i
        ref = f"{core.ref_prefix}-{year}-{number:04d}"
        refs.append(ref)
        if due is not None:
            next_due = datetime.fromtimestamp(due[i], UTC)
            created = next_due - policy.unclaimed_after
            deadline, already = now + timedelta(hours=6), 0
        else:
            created = now - timedelta(minutes=rng.uniform(20, 3 * 24 * 60))
            deadline = now + timedelta(minutes=rng.uniform(120, 10 * 24 * 60))
            already = rng.randint(0, 3)
            next_due = now + timedelta(minutes=rng.uniform(15, 24 * 60))
        enquiries.append({**t_enquiry, "ref": ref, "journalist": f"Journalist {number}", "deadline": deadline,
                          "created_at": created, "updated_at": created})
        # Copies stand outside the hash chain (seq and hashes empty): this bench measures the nudge tick only.
        history.extend({**h, "case_ref": ref, "at": created, "data": _swap(h["data"], old, ref), "seq": None,
                        "prev_hash": None, "case_prev_hash": None, "hash": None} for h in t_history)
        outbox.extend(sent_outbox(o, ref, created, number) for o in t_outbox)
        for seq in range(1, already + 1):  # reminders sent before, each with its card update
            at = created + policy.unclaimed_after + policy.unclaimed_repeat * (seq - 1)
            nudge_rows.append({"case_ref": ref, "kind": NudgeKind.UNCLAIMED.value, "recipient": None, "seq": seq,
                               "due_at": at, "status": NudgeStatus.SENT.value, "data": {},
                               "created_at": at - policy.unclaimed_repeat, "done_at": at})
            outbox.append(sent_outbox(t_reminder, ref, at, number))
            outbox.append(sent_outbox(t_card, ref, at, number))
        nudge_rows.append({"case_ref": ref, "kind": NudgeKind.UNCLAIMED.value, "recipient": None,
                           "seq": already + 1, "due_at": next_due, "status": NudgeStatus.PENDING.value, "data": {},
                           "created_at": created, "done_at": None})
        nudge_rows.append({"case_ref": ref, "kind": NudgeKind.DEADLINE_MISSED.value, "recipient": None, "seq": 1,
                           "due_at": deadline, "status": NudgeStatus.PENDING.value, "data": {},
                           "created_at": created, "done_at": None})
        # Where the relay posted the card when the case was logged (the fake Slack is told of the due ones), so
        # that a card refreshed when its reminder fires is an edit (chat.update), as in real use.
        refs_rows.append({"platform": "slack", "message_key": views.enquiry_key(ref), "channel": COMMS_CHANNEL,
                          "ts": f"{int(created.timestamp())}.{number % 1_000_000:06d}", "outbox_id": None,
                          "updated_at": created})

    async with db.sessions() as s, s.begin():
        for model, rows in ((EnquiryRow, enquiries), (HistoryRow, history), (OutboxRow, outbox),
                            (NudgeRow, nudge_rows), (MessageRefRow, refs_rows)):
            for k in range(0, len(rows), 2000):
                await s.execute(insert(model), rows[k:k + 2000])
        await s.execute(delete(CounterRow).where(CounterRow.name == counter))
        await s.execute(insert(CounterRow).values(name=counter, value=first + count - 1))
    await db.dispose()
    return {"refs": refs if due is not None else refs[:1], "enquiries": count, "nudges": len(nudge_rows),
            "posted": [r["ts"] for r in refs_rows] if due is not None else [],
            "outbox": len(outbox), "history": len(history), "seconds": time.perf_counter() - started}


# --------------------------------------------------------------------------- the fake Slack (a child process)


def timed_fake() -> Any:
    from tests.fakes.slack_api import FakeSlackApi

    class TimedFake(FakeSlackApi):
        """The fake Web API, noting when each "still unclaimed" reminder was posted (epoch seconds)."""

        def __init__(self) -> None:
            super().__init__(token=TOKEN)
            self.reminders: dict[str, list[float]] = {}
            self.methods: Counter[str] = Counter()
            post, update = self._handlers["chat.postMessage"], self._handlers["chat.update"]

            def timed_post(args: dict[str, Any]) -> dict[str, Any]:
                at = time.time()
                self.methods["chat.postMessage"] += 1
                text = str(args.get("text", ""))
                if REMINDER_WORDS in text:  # one reminder, or a digest listing several
                    self.methods["reminder or digest"] += 1
                    for ref in dict.fromkeys(REF.findall(text)):
                        self.reminders.setdefault(ref, []).append(at)
                return post(args)

            def counted_update(args: dict[str, Any]) -> dict[str, Any]:
                self.methods["chat.update"] += 1
                return update(args)

            self._handlers["chat.postMessage"] = timed_post
            self._handlers["chat.update"] = counted_update

        async def _handle_api(self, request: Any) -> Any:
            response = await super()._handle_api(request)
            self.calls.clear()  # the bench keeps its own record; don't grow without end
            return response

    return TimedFake()


async def _child_main(role: str, config: dict[str, Any]) -> None:
    if role == "load":
        result = await bulk_load(config["url"], config["count"], config["first"], due=config.get("due"),
                                 seed=config["seed"])
        print(json.dumps(result), flush=True)
        return
    fake = timed_fake()
    await fake.start()
    fake.add_user(STAFF[0], STAFF[1], "sam", real_name=STAFF[2])
    reader = await parent_commands()
    print(json.dumps({"url": fake.url, "pid": os.getpid()}), flush=True)
    try:
        while (line := (await reader.readline()).decode().strip()) not in ("", "quit"):
            if line.startswith("posted "):  # cards posted before the run: refreshing one is a chat.update
                for ts in json.loads(line.removeprefix("posted ")):
                    fake._messages[(COMMS_CHANNEL, ts)] = {"type": "message", "text": "card", "ts": ts,
                                                           "channel": COMMS_CHANNEL}
                print(json.dumps({"ok": True}), flush=True)
                continue
            print(json.dumps({"reminders": fake.reminders, "methods": fake.methods}
                             if line == "received" else {"error": line}), flush=True)
    finally:
        await fake.stop()


async def run_child(role: str, config: dict[str, Any], log: Path) -> asyncio.subprocess.Process:
    return await start_child(__file__, role, config, log, limit=1 << 24)


async def load_in_child(url: str, count: int, first: int, log: Path, due: list[float] | None = None,
                        seed: int = 1) -> dict[str, Any]:
    proc = await run_child("load", {"url": url, "count": count, "first": first, "due": due, "seed": seed}, log)
    out, _ = await asyncio.wait_for(proc.communicate(), 300)
    if proc.returncode != 0:
        raise RuntimeError(f"the loader failed (rc={proc.returncode}); see {log}")
    return json.loads(out.decode().strip().splitlines()[-1])


class FakeChild:
    def __init__(self, proc: asyncio.subprocess.Process, url: str) -> None:
        self.proc, self.url = proc, url

    @classmethod
    async def start(cls, log: Path) -> FakeChild:
        proc = await run_child("fake", {}, log)
        line = await asyncio.wait_for(proc.stdout.readline(), 60)
        if not line:
            await proc.wait()
            raise RuntimeError(f"the fake Slack process exited (rc={proc.returncode}); see {log}")
        return cls(proc, json.loads(line)["url"])

    async def posted(self, ts: list[str]) -> None:
        self.proc.stdin.write(f"posted {json.dumps(ts)}\n".encode())
        await self.proc.stdin.drain()
        await asyncio.wait_for(self.proc.stdout.readline(), 60)

    async def received(self) -> dict[str, Any]:
        self.proc.stdin.write(b"received\n")
        await self.proc.stdin.drain()
        return json.loads(await asyncio.wait_for(self.proc.stdout.readline(), 60))

    async def stop(self) -> None:
        await stop_child(self.proc)


# --------------------------------------------------------------------------- databases




# --------------------------------------------------------------------------- (a) the tick with nothing due


async def idle_ticks(core: Any, db: Any, runs: int, warmup: int = 30) -> tuple[list[float], list[float]]:
    """`runs` ticks and `runs` baselines, alternated (which goes first swaps each round); seconds each."""
    from sqlalchemy import select

    from bot.services import nudges
    from storage.uow import SqlUnitOfWork

    ticks: list[float] = []
    bases: list[float] = []
    for i in range(warmup + runs):
        for which in ("tick", "base") if i % 2 == 0 else ("base", "tick"):
            started = time.perf_counter()
            if which == "tick":
                if await nudges.tick(core):
                    raise RuntimeError("a nudge was due during the idle measurement")
            else:
                async with SqlUnitOfWork(db) as uow:
                    await uow.session.execute(select(1))
            took = time.perf_counter() - started
            if i >= warmup:
                (ticks if which == "tick" else bases).append(took)
    return ticks, bases


async def plans(db: Any) -> dict[str, str]:
    """How the database runs the claim query, and the per-case lookup of pending nudges that every fired
    nudge (update_card) and every logged enquiry makes (SqlNudges.pending_for)."""
    from sqlalchemy import text

    queries = {
        "claim": "SELECT * FROM nudges WHERE status = 'pending' AND due_at <= :now ORDER BY due_at, id LIMIT 200",
        "pending_for": "SELECT * FROM nudges WHERE case_ref = :ref AND status = 'pending' ORDER BY due_at",
    }
    params = {"now": datetime.now(UTC).replace(tzinfo=None), "ref": "MC-0000-0001"}
    out = {}
    async with db.engine.connect() as conn:
        for name, sql in queries.items():
            if db.is_sqlite:
                rows = (await conn.execute(text("EXPLAIN QUERY PLAN " + sql), params)).all()
                out[name] = "; ".join(str(r[-1]) for r in rows)
            else:
                sql = sql.replace(":now", "now()") + (" FOR UPDATE SKIP LOCKED" if name == "claim" else "")
                rows = (await conn.execute(text("EXPLAIN (COSTS OFF) " + sql), params)).all()
                out[name] = "; ".join(r[0].strip() for r in rows)
    return out


async def time_pending_for(db: Any, refs: list[str]) -> list[float]:
    """Seconds per SqlNudges.pending_for(ref), each in its own unit of work (as update_card runs it)."""
    from storage.uow import SqlUnitOfWork

    took = []
    async with SqlUnitOfWork(db) as uow:
        for ref in refs:
            started = time.perf_counter()
            await uow.nudges.pending_for(ref)
            took.append(time.perf_counter() - started)
    return took


# --------------------------------------------------------------------------- the run


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="mediadesk-nudge-bench-"))
        self.url = ""
        self.pg_name: str | None = None
        self.rss: dict[str, float] = {}
        self.out: dict[str, Any] = {}

    async def setup_database(self) -> None:
        from storage.migrate import upgrade_async

        if self.args.database == "postgresql":
            self.url, self.pg_name = await create_pg_database()
        else:
            self.url = f"sqlite+aiosqlite:///{self.tmp / 'mediadesk.db'}"
        await upgrade_async(self.url)

    async def cleanup(self) -> None:
        if self.pg_name and not self.args.keep:
            await drop_pg_database(self.pg_name)

    async def run(self) -> int:
        from bot.clock import SystemClock
        from storage.db import open_database

        args = self.args
        gc.collect()
        self.rss["at start (imports, migrated database)"] = rss_mb()
        db = open_database(self.url)
        core = make_core(db, SystemClock())
        try:
            # (a) on empty tables, then with the enquiries loaded
            empty = await idle_ticks(core, db, args.idle_runs)
            self.rss[f"after {args.idle_runs} idle ticks, empty tables"] = rss_mb()
            loaded = await load_in_child(self.url, args.enquiries, 1, self.tmp / "loader.log")
            print(f"loaded {loaded['enquiries']} enquiries in {loaded['seconds']:.1f} s (a child process): "
                  f"{loaded['nudges']} nudge rows, {loaded['outbox']} outbox rows, {loaded['history']} history rows",
                  flush=True)
            full = await idle_ticks(core, db, args.idle_runs)
            self.rss[f"after {args.idle_runs} idle ticks, {args.enquiries} enquiries loaded"] = rss_mb()
            self.out["plans"] = await plans(db)
            year = datetime.now(UTC).astimezone(core.tz).year
            sample = random.Random(3).sample(range(1, args.enquiries + 1), min(200, args.enquiries))
            self.out["pending_for"] = await time_pending_for(db, [f"{core.ref_prefix}-{year}-{n:04d}" for n in sample])
            self.out["idle"] = {"empty": empty, "full": full}
        finally:
            await db.dispose()
        # (b) the real app and scheduler, the real clock
        await self.due_run(first=args.enquiries + 1)
        gc.collect()
        self.rss["at the end (app stopped)"] = rss_mb()
        return self.report()

    async def due_run(self, first: int) -> None:
        from aiohttp import web

        from bot.app import logs
        from bot.app.config import Settings
        from bot.app.server import create_app
        from bot.clock import SystemClock
        from bot.services import nudges
        from storage.db import open_database
        from storage.models import NudgeRow

        args = self.args
        logs.configure("INFO")  # as `mediadesk serve` does, into a file
        log_file = open(self.tmp / "server.log", "a", encoding="utf-8")  # noqa: ASYNC230 - set-up, before anything is measured
        logging.getLogger().handlers[0].setStream(log_file)
        fake = await FakeChild.start(self.tmp / "fake.log")
        lead = 6.0  # seconds from the load to the first due time: enough for the app to start
        steady = [args.spread * k / max(1, args.due) for k in range(args.due)]
        burst_at = (args.spread + 5.0) if args.due else 0.0
        offsets = steady + [burst_at] * args.burst
        base = time.time() + lead
        loaded = await load_in_child(self.url, len(offsets), first, self.tmp / "loader.log",
                                     due=[base + o for o in offsets], seed=2)
        refs: list[str] = loaded["refs"]
        await fake.posted(loaded["posted"])
        group = {ref: ("steady" if k < args.due else "burst") for k, ref in enumerate(refs)}
        if time.time() > base:
            print(f"note: loading the due enquiries took until {time.time() - base:.1f} s after the first was due",
                  flush=True)

        ticks: list[tuple[float, float, int]] = []  # (started, returned, sent), epoch seconds
        real_tick = nudges.tick

        async def timed_tick(core: Any, limit: int = nudges.BATCH) -> int:
            started = time.time()
            sent = await real_tick(core, limit)
            ticks.append((started, time.time(), sent))
            return sent

        rss_samples: list[float] = []

        async def sample_rss() -> None:
            while True:
                rss_samples.append(rss_mb())
                await asyncio.sleep(0.2)

        nudges.tick = timed_tick  # the app's scheduler job calls nudges.tick(core) through the module
        app = create_app(Settings(slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.url,
                                  database_url=self.url), org=bench_org(), clock=SystemClock())
        runner = web.AppRunner(app, access_log=None)
        sampler = asyncio.get_running_loop().create_task(sample_rss())
        received: dict[str, Any] = {}
        try:
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            self.rss["app started, scheduler running"] = rss_mb()
            give_up = base + max(offsets, default=0) + args.timeout
            while time.time() < give_up:
                await asyncio.sleep(1.0)
                received = await fake.received()
                if len(received["reminders"]) >= len(refs) and time.time() > base + max(offsets, default=0):
                    await asyncio.sleep(2.5)  # one more tick and sweep: a second copy would show up now
                    received = await fake.received()
                    break
        finally:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
            await runner.cleanup()
            nudges.tick = real_tick
            await fake.stop()
            logging.getLogger().handlers[0].setStream(sys.stderr)
            log_file.close()
        self.rss["during the scheduler run (max of samples every 0.2 s)"] = max(rss_samples, default=float("nan"))

        from sqlalchemy import select

        db = open_database(self.url)
        try:
            async with db.sessions() as s:
                rows = (await s.execute(select(NudgeRow.case_ref, NudgeRow.due_at, NudgeRow.done_at, NudgeRow.status)
                                        .where(NudgeRow.case_ref.in_(refs), NudgeRow.kind == "unclaimed",
                                               NudgeRow.seq == 1))).all()
        finally:
            await db.dispose()
        self.out["due"] = {"rows": rows, "ticks": ticks, "received": received, "group": group, "base": base,
                           "log": read_log(self.tmp / "server.log")}

    # ------------------------------------------------------------------ the report

    def report(self) -> int:
        from bot.services.nudges import BATCH

        args, out = self.args, self.out
        ms = 1000.0
        print()
        print(f"nudge bench: {args.database}, {args.enquiries} open enquiries; python {sys.version.split()[0]}, "
              f"{os.cpu_count()} CPUs")
        print()
        print(f"(a) one tick with nothing due: {args.idle_runs} runs each, alternated, after a warm-up")
        print(f"    {'':44} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        empty_t, empty_b = out["idle"]["empty"]
        full_t, full_b = out["idle"]["full"]
        for label, values in (("baseline: unit of work + SELECT 1", empty_b + full_b),
                              ("tick, empty tables", empty_t),
                              (f"tick, {args.enquiries} enquiries loaded", full_t)):
            p50, p99, mx = stats(values)
            print(f"    {label:44} {p50 * ms:8.2f} {p99 * ms:8.2f} {mx * ms:8.2f}")
        r50 = stats(full_t)[0] / stats(empty_b + full_b)[0]
        r99 = stats(full_t)[1] / stats(empty_b + full_b)[1]
        e50 = stats(full_t)[0] / stats(empty_t)[0]
        print(f"    ratio tick({args.enquiries}) / baseline: p50 {r50:.2f}x, p99 {r99:.2f}x; "
              f"tick({args.enquiries}) / tick(empty): p50 {e50:.2f}x")
        p50, p99, mx = stats(out["pending_for"])
        print(f"    {'one pending_for(case) lookup, loaded':44} {p50 * ms:8.2f} {p99 * ms:8.2f} {mx * ms:8.2f}"
              "   (update_card runs it for every nudge fired)")
        print(f"    plan of the claim query:  {out['plans']['claim']}")
        print(f"    plan of pending_for(ref): {out['plans']['pending_for']}")

        due = out["due"]
        by_ref = {ref: (due_at.timestamp(), done_at.timestamp() if done_at else None, status)
                  for ref, due_at, done_at, status in due["rows"]}
        ticks = due["ticks"]
        reminders: dict[str, list[float]] = due["received"].get("reminders", {})
        print()
        from bot.app.config import Settings

        tick = Settings().nudge_tick_seconds
        print(f"(b) due nudges with the real app and clock (scheduler tick every {tick:g} s, batch of {BATCH} a tick):"
              f" {args.due} due evenly over {args.spread:.0f} s, then {args.burst} due at one instant")
        print("    delay after the due time, seconds: claimed = the tick that took it began; outbox = that tick "
              "committed; Slack = the fake received the post")
        print(f"    {'':8} {'n':>5}   {'claimed p50/p99/max':>21}   {'outbox p50/p99/max':>21}   "
              f"{'Slack p50/p99/max':>21}   {'> 5 s':>5}")
        worst, late_total, missing, twice = 0.0, 0, [], []
        for name in ("steady", "burst", "all"):
            refs = [r for r, g in due["group"].items() if name == "all" or g == name]
            if not refs:
                continue
            claimed, committed, slack = [], [], []
            for ref in refs:
                due_at, done_at, _status = by_ref.get(ref, (None, None, None))
                if due_at is None or done_at is None:
                    missing.append(ref)
                    continue
                claimed.append(done_at - due_at)
                tick = next((t for t in ticks if t[0] - 0.05 <= done_at <= t[1]), None)
                if tick is not None:
                    committed.append(tick[1] - due_at)
                got = reminders.get(ref, [])
                if got:
                    slack.append(got[0] - due_at)
                if len(got) > 1 and name == "all":
                    twice.append(ref)
                if not got and name == "all":
                    missing.append(ref)
            late = sum(1 for d in slack if d > AIM_DELAY_S) + (len(refs) - len(slack))
            if name == "all":
                worst, late_total = max(slack, default=float("inf")), late
            cells = [f"{p50:6.2f} {p99:6.2f} {mx:6.2f}" for p50, p99, mx in (stats(claimed), stats(committed),
                                                                               stats(slack))]
            print(f"    {name:8} {len(refs):5}   {cells[0]:>21}   {cells[1]:>21}   {cells[2]:>21}   {late:5}")
        busy = [t for t in ticks if t[2]]
        durations = [t[1] - t[0] for t in busy]
        idle_d = [t[1] - t[0] for t in ticks if not t[2]]
        print(f"    scheduler ticks: {len(ticks)} ran, {len(busy)} sent something (at most {max((t[2] for t in busy), default=0)} "
              f"each); a tick that sent took p50 {stats(durations)[0] * ms:.0f} ms, max {stats(durations)[2] * ms:.0f} ms; "
              f"idle ticks max {stats(idle_d)[2] * ms:.1f} ms")
        methods = due["received"].get("methods", {})
        print(f"    fake Slack: {sum(len(v) for v in reminders.values())} reminders for {len(reminders)} cases in "
              f"{methods.get('reminder or digest', 0)} posts (chat.postMessage {methods.get('chat.postMessage', 0)}, chat.update {methods.get('chat.update', 0)}); "
              f"server log: {due['log']}")

        print()
        print("(c) memory: this process's RSS (the app; the loader and the fake Slack are child processes)")
        for label, value in self.rss.items():
            print(f"    {label:60} {value:8.1f} MiB")

        print()
        p99_full = stats(full_t)[1] * ms
        print(f"aims: a tick with nothing due under {AIM_IDLE_TICK_MS:.0f} ms: p99 {p99_full:.2f} ms "
              f"({'met' if p99_full < AIM_IDLE_TICK_MS else 'NOT met'}); every nudge in Slack within "
              f"{AIM_DELAY_S:.0f} s of its due time: max {worst:.2f} s, {late_total} late "
              f"({'met' if late_total == 0 else 'NOT met'})")
        if missing or twice:
            print(f"FAILED: {len(set(missing))} due nudges never reached Slack (e.g. {sorted(set(missing))[:3]}), "
                  f"{len(twice)} reached it twice (e.g. {twice[:3]})")
            return 1
        return 0


def read_log(path: Path) -> str:
    """The server log's line counts by level (INFO is mostly the relay's deliveries), and what it warned of."""
    levels: Counter[str] = Counter()
    notable: Counter[str] = Counter()
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                levels["unstructured"] += 1
                continue
            levels[entry.get("level", "?")] += 1
            if entry.get("level") not in ("debug", "info"):
                notable[re.sub(r"\d[\d:. -]*", "#", str(entry.get("msg", "")))[:140]] += 1
    said = "; ".join(f"{n} x {msg!r}" for msg, n in notable.most_common(3))
    return ", ".join(f"{n} {level}" for level, n in sorted(levels.items())) + (f" ({said})" if said else "")


async def main_async(args: argparse.Namespace) -> int:
    bench = Bench(args)
    print(f"work dir {bench.tmp}", flush=True)
    try:
        await bench.setup_database()
        code = await bench.run()
    except BaseException:
        print(f"the run failed; its work dir is kept: {bench.tmp}", file=sys.stderr)
        await bench.cleanup()
        raise
    await bench.cleanup()
    if args.keep:
        print(f"kept {bench.tmp}" + (f" and database {bench.pg_name}" if bench.pg_name else ""))
    else:
        shutil.rmtree(bench.tmp, ignore_errors=True)
    return code


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enquiries", type=int, default=10_000, help="open enquiries loaded (default 10000)")
    database_option(parser)
    parser.add_argument("--idle-runs", type=int, default=500, help="measured idle ticks per phase (default 500)")
    parser.add_argument("--due", type=int, default=300, help="nudges falling due evenly over --spread (default 300)")
    parser.add_argument("--spread", type=float, default=30.0, help="seconds the steady nudges span (default 30)")
    parser.add_argument("--burst", type=int, default=500,
                        help="nudges due at one instant, 5 s after the steady ones (default 500)")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds after the last due time to wait for Slack (default 30)")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (and the PostgreSQL database)")
    child_options(parser, ["load", "fake"])
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    return run_main(parse_args(argv), _child_main, main_async)


if __name__ == "__main__":
    raise SystemExit(main())
