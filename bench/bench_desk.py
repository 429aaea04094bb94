"""My desk benchmark (issue 14): the App Home of a comms officer who owns 50 open cases, with 100,000 cases in the
database (nearly all closed, as after ten years), against a baseline that reads every case.

    .venv/bin/python bench/bench_desk.py [--cases 100000] [--open 300] [--mine 50] [--database sqlite|postgresql]

What is timed, many times each: the whole Home tab as the app builds it (`desk.home`: the open cases through the
state indexes, the person's desk and the team board, the neutral card) and rendered for `views.publish`
(`render_home`); the baseline is the same desk built from every case read (what a scan of the case table costs).
A benchmark, not a test: nothing here asserts on speed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from bot.clock import FrozenClock
from bot.domain.desk import OpenCases, build
from bot.domain.people import Actor, Directory, Role
from bot.services import desk
from bot.services.core import Core
from cards.slack_home import render_home
from storage.db import open_database
from storage.migrate import upgrade_async
from storage.models import EnquiryRow
from storage.repositories.desk import SqlDesk
from storage.repositories.enquiries import enquiry_from
from storage.repositories.search import SqlMediaLog
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)
OFFICER = "casey.comms@example.nhs.uk"
STATES_CLOSED = ("closed", "withdrawn")
STATES_OPEN = ("open", "claimed", "awaiting_sign_off", "changes_requested", "approved")


def _person(name: str, email: str) -> dict[str, Any]:
    return {"name": name, "email": email, "platform": "slack", "user_id": "U" + name[:4].upper()}


async def load(url: str, cases: int, open_cases: int, mine: int) -> None:
    db = open_database(url)
    officers = [_person(f"Officer {n}", f"officer{n}@example.nhs.uk") for n in range(8)]
    casey = _person("Casey Comms", OFFICER)
    rows = []
    for n in range(cases):
        is_open = n >= cases - open_cases
        owned = is_open and n >= cases - mine
        logged = NOW - timedelta(minutes=(cases - n) * 50)  # ~10 years for 100,000
        rows.append(dict(
            ref=f"MC-{2016 + n * 10 // cases}-{n:06d}", state=(STATES_OPEN[n % 5] if is_open else STATES_CLOSED[n % 2]),
            version=1, journalist=f"Reporter {n % 500}", outlet=f"Outlet {n % 120}", outlet_kind="newspaper",
            phone=None, email=None, summary=f"Question {n} about waiting times and ward {n % 40}",
            deadline=logged + timedelta(hours=4), reporter=_person("Sam Staff", f"staff{n % 300}@example.nhs.uk"),
            owner=casey if owned else officers[n % 8], plan={}, routing={}, created_at=logged, updated_at=logged))
    async with db.sessions() as s, s.begin():
        for start in range(0, len(rows), 2000):
            await s.execute(insert(EnquiryRow), rows[start:start + 2000])
    await db.dispose()


async def timed(label: str, run: Any, times: int) -> list[float]:
    await run()  # warm
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        await run()
        spent.append((time.perf_counter() - started) * 1000)
    spent.sort()
    p95 = spent[int(len(spent) * 0.95) - 1]
    print(f"{label:<46} median {statistics.median(spent):7.1f} ms   p95 {p95:7.1f} ms")
    return spent


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=300)
    parser.add_argument("--mine", type=int, default=50)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--times", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-desk-"))
    name = None
    if args.database == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / 'desk.db'}"
    else:
        from pg import create_pg_database

        url, name = await create_pg_database()
    try:
        await run(url, args)
    finally:
        if name is not None:
            from pg import drop_pg_database

            await drop_pg_database(name)


async def run(url: str, args: argparse.Namespace) -> None:
    await upgrade_async(url)
    started = time.perf_counter()
    await load(url, args.cases, args.open, args.mine)
    print(f"loaded {args.cases:,} cases ({args.open} open, {args.mine} Casey's) in {time.perf_counter() - started:.0f} s"
          f" on {args.database}")
    db = open_database(url)
    directory = Directory.build({Role.COMMS: [OFFICER]})
    core = Core(uow=lambda: SqlUnitOfWork(db), clock=FrozenClock(NOW), directory=directory,
                tz=ZoneInfo("Europe/London"), media_log=SqlMediaLog(db), desk=SqlDesk(db))
    casey = Actor("slack", "UCASEY", OFFICER, "Casey Comms")

    async def home() -> None:
        shown = await desk.home(core, casey)
        view = render_home(shown.desk)
        assert len(view["blocks"]) <= 100

    async def scan() -> None:
        async with db.sessions() as s:
            everything = [enquiry_from(r) for r in (await s.execute(select(EnquiryRow))).scalars()]
        still_open = [e for e in everything if e.state.value not in STATES_CLOSED]
        build(OpenCases(still_open, [], [], {}, {}), directory, casey, NOW)

    await timed("App Home (desk.home + render_home)", home, args.times)
    await timed("baseline: read every case, then the desk", scan, max(args.times // 10, 3))
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
