"""The media log at the size of ten years of a busy ICB: search, export, the Board report and the audit walk.

    .venv/bin/python bench/bench_record.py [--cases 100000] [--database sqlite|postgresql|both]

Each run builds a database of `--cases` cases (enquiries mostly, some crises and press releases, over ten
years: the case rows, their history chained as the application chains it, drafts and sign-offs), then
measures, in the same run:

- search (`SqlMediaLog.search`, the full-text engine) against a baseline: the same words found by a plain
  LIKE scan over the same index table, as a hand-made search would;
- CSV and XLSX export of every case (`mediadesk export` in a child process: seconds and peak memory), against
  a baseline that only reads the cases' rows and writes them with the csv module;
- the Board report of the busiest month (`mediadesk report`, in a child process);
- `mediadesk audit verify` over the whole history (in a child process).

Nothing here checks speed; bench/README.md gives the figures and the aims.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, or_, select, text  # noqa: E402

from bench.pg import create_pg_database, drop_pg_database  # noqa: E402
from bot.domain.audit import GENESIS, entry_hash, new_salt, seal  # noqa: E402
from bot.domain.media_log import LogFilter  # noqa: E402
from bot.domain.statement import fingerprint  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    CrisisRow,
    DraftRow,
    EnquiryRow,
    HistoryHeadRow,
    HistoryRow,
    HistorySaltRow,
    PressReleaseRow,
    SignOffRow,
)
from storage.repositories.search import SqlMediaLog  # noqa: E402
from storage.search_schema import case_search  # noqa: E402

START = datetime(2016, 12, 1, 9, 0, tzinfo=UTC)
TOPICS = ("waiting times", "walk-in centre", "A&E", "GP appointments", "ambulance handovers", "cancer screening",
          "mental health beds", "funding gap", "community pharmacy", "dental access", "maternity unit",
          "covid-19 vaccination", "winter pressures", "hospital discharge", "staff shortages", "agency nurses",
          "children's services", "autism assessments", "hospice funding", "prescription charges", "IVF policy",
          "minor injuries unit", "patient transport", "data breach", "cyber attack", "strike action",
          "new health centre", "care homes", "learning disabilities", "eating disorders", "out of hours GP",
          "NHS 111", "diabetes clinic", "stroke services", "hearing aids", "weight loss drugs", "gender clinic")
ASKS = ("Why has", "Can you confirm", "What is the ICB doing about", "Is it true that", "How many patients",
        "We understand that", "Please comment on", "Residents complain about", "A councillor says")
PLACES = ("Chelmsford", "Basildon", "Colchester", "Southend", "Harlow", "Braintree", "Brentwood", "Maldon",
          "Witham", "Clacton", "Rayleigh", "Billericay")
FIRST = ("Jane", "Sam", "Alex", "Priya", "Tom", "Aisha", "Mark", "Ruth", "Owen", "Chloe", "Dev", "Hannah")
LAST = ("Reporter", "Smith", "Patel", "Jones", "Okafor", "Brown", "Khan", "Taylor", "Evans", "Walsh", "Green")
OUTLETS = (("Essex Chronicle", "newspaper"), ("BBC Essex", "broadcast"), ("Echo", "newspaper"),
           ("Nursing Times", "trade"), ("HSJ", "trade"), ("ITV Anglia", "broadcast"), ("Gazette", "newspaper"),
           ("Heart FM", "broadcast"), ("Essex Live", "online"), ("Local Democracy Reporter", "online"))
STAFF = [{"name": f"Staff {i}", "email": f"staff{i}@example.nhs.uk", "platform": "slack", "user_id": f"U{i}"}
         for i in range(40)]
COMMS = [{"name": f"Comms {i}", "email": f"comms{i}@example.nhs.uk", "platform": "slack", "user_id": f"UC{i}"}
         for i in range(6)]
DESK_OWNER = COMMS[0]  # owns 50 open cases at the end: the App Home figure is measured for them


class Chain:
    """The history's hash chain, computed as storage.repositories.history computes it."""

    def __init__(self) -> None:
        self.seq, self.prev, self.heads = 0, GENESIS, {}
        self.salts: list[dict[str, Any]] = []  # written with each batch

    def row(self, ref: str, at: datetime, event: str, who: dict[str, Any], **data: Any) -> dict[str, Any]:
        self.seq += 1
        data = {"platform": "slack", **data}
        case_prev, salt = self.heads.get(ref), new_salt()
        sealed = seal(salt, data)
        digest = entry_hash(self.seq, ref, at, event, who["name"], who["email"], sealed, self.prev, case_prev)
        row = dict(case_ref=ref, at=at, event=event, actor=who["name"], actor_email=who["email"], data=data,
                   seq=self.seq, prev_hash=self.prev, case_prev_hash=case_prev, seal=sealed, hash=digest)
        self.salts.append({"seq": self.seq, "salt": salt})
        self.prev = self.heads[ref] = digest
        return row


def enquiry(rng: random.Random, n: int, at: datetime, chain: Chain, rows: dict[str, list], *, open_: bool) -> None:
    ref = f"MC-{at.year}-{n:06d}"
    outlet, kind = rng.choice(OUTLETS)
    topic, place = rng.choice(TOPICS), rng.choice(PLACES)
    summary = f"{rng.choice(ASKS)} {topic} in {place}? {rng.choice(ASKS)} {rng.choice(TOPICS)}."
    reporter, owner = rng.choice(STAFF), rng.choice(COMMS)
    if open_:
        owner = DESK_OWNER
    state = "claimed" if open_ else rng.choice(("closed",) * 8 + ("withdrawn",))
    rows["enquiries"].append(dict(
        ref=ref, state=state, version=5, journalist=f"{rng.choice(FIRST)} {rng.choice(LAST)}", outlet=outlet,
        outlet_kind=kind, phone="+441245123456", email=f"j{n}@{outlet.split()[0].lower()}.example", summary=summary,
        deadline=at + timedelta(hours=rng.choice((2, 4, 6, 24))), reporter=reporter, owner=owner,
        plan={"spokesperson": "written", "issued": {"method": "email"}}, routing={}, created_at=at, updated_at=at))
    h = rows["history"]
    h.append(chain.row(ref, at, "logged", reporter, state="open"))
    h.append(chain.row(ref, at + timedelta(minutes=rng.randint(2, 40)), "claim", owner, state="claimed"))
    if state != "closed":
        return
    text = f"We understand the concern about {topic} in {place}. The ICB is working with partners to improve it."
    drafted = at + timedelta(minutes=rng.randint(40, 120))
    rows["drafts"].append(dict(case_ref=ref, number=1, text=text, fingerprint=fingerprint(text), author=owner["name"],
                               author_email=owner["email"], created_at=drafted))
    h.append(chain.row(ref, drafted, "draft", owner, version=1))
    approved = drafted + timedelta(minutes=rng.randint(10, 90))
    rows["sign_offs"].append(dict(case_ref=ref, version=1, fingerprint=fingerprint(text), slot="comms",
                                  decision="approved", by="Dana Director", by_email="dana@example.nhs.uk",
                                  comment=None, at=approved))
    h.append(chain.row(ref, approved, "approve_last", {"name": "Dana Director", "email": "dana@example.nhs.uk"},
                       version=1, state="approved"))
    issued = approved + timedelta(minutes=rng.randint(5, 60))
    h.append(chain.row(ref, issued, "issue", owner, version=1, method="email", state="closed"))


def crisis(rng: random.Random, n: int, at: datetime, chain: Chain, rows: dict[str, list]) -> None:
    ref = f"CR-{at.year}-{n:06d}"
    reporter, lead = rng.choice(STAFF), rng.choice(COMMS)
    rows["crises"].append(dict(ref=ref, state="stood_down", version=6,
                               details={"what": f"Incident: {rng.choice(TOPICS)} at {rng.choice(PLACES)}"},
                               reporter=reporter, lead=lead, head_of_department=None, lead_agency=None, routing={},
                               confirmations={"who": []}, created_at=at, updated_at=at))
    rows["history"].append(chain.row(ref, at, "raised", reporter, state="alerted"))
    rows["history"].append(chain.row(ref, at + timedelta(minutes=4), "acknowledge", lead, state="acknowledged"))


def release(rng: random.Random, n: int, at: datetime, chain: Chain, rows: dict[str, list]) -> None:
    ref = f"PR-{at.year}-{n:06d}"
    requester, owner = rng.choice(STAFF), rng.choice(COMMS)
    rows["press_releases"].append(dict(
        ref=ref, kind="proactive", state="closed", version=9,
        details={"project": f"{rng.choice(TOPICS).capitalize()} in {rng.choice(PLACES)}",
                 "what": "A new service opens"}, requester=requester, owner=owner, project_lead=None, embargo=None,
        due_at=None, plan={"issued": {"channels": ["website", "media list"]}}, created_at=at, updated_at=at))
    rows["history"].append(chain.row(ref, at, "requested", requester, state="requested"))
    rows["history"].append(chain.row(ref, at + timedelta(hours=2), "claim", owner, state="gathering"))


async def build(url: str, cases: int, seed: int = 7) -> dict[str, Any]:
    """Write `cases` cases in time order over ten years; returns what was written and the busiest month."""
    await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
    db = open_database(url)
    rng, chain = random.Random(seed), Chain()
    span = timedelta(days=3650) / cases
    months: dict[str, int] = {}
    tables = {"enquiries": EnquiryRow, "crises": CrisisRow, "press_releases": PressReleaseRow,
              "drafts": DraftRow, "sign_offs": SignOffRow, "history": HistoryRow}
    started, written = time.perf_counter(), dict.fromkeys(tables, 0)
    try:
        for first in range(0, cases, 2000):
            rows: dict[str, list] = {name: [] for name in tables}
            for n in range(first, min(cases, first + 2000)):
                at = START + span * n
                months[f"{at:%Y-%m}"] = months.get(f"{at:%Y-%m}", 0) + 1
                roll = rng.random()
                if roll < 0.02:
                    crisis(rng, n, at, chain, rows)
                elif roll < 0.12:
                    release(rng, n, at, chain, rows)
                else:
                    enquiry(rng, n, at, chain, rows, open_=n >= cases - 50)
            async with db.engine.begin() as conn:
                for name, model in tables.items():
                    if rows[name]:
                        await conn.execute(insert(model.__table__), rows[name])
                        written[name] += len(rows[name])
                await conn.execute(insert(HistorySaltRow.__table__), chain.salts)
                chain.salts = []
        async with db.engine.begin() as conn:
            await conn.execute(insert(HistoryHeadRow.__table__), [{"id": 1, "seq": chain.seq, "hash": chain.prev}])
            # The planner's statistics, as a database that has lived ten years has them (PostgreSQL's autovacuum
            # would gather them in its own time; a plan made without them reads every history entry per batch).
            await conn.execute(text("ANALYZE"))
    finally:
        await db.dispose()
    return {"written": written, "seconds": time.perf_counter() - started, "busiest": max(months, key=months.get)}


QUERIES = ("waiting times", "ambulance", "Chelmsford dental", "covid vaccination", "mental health beds",
           "strike", "Jane Patel", "Essex Chronicle", "hospice", "cyber attack Basildon", "autism", "IVF",
           "weight loss", "care homes Southend", "discharge", "pharmacy", "maternity", "eating disorders",
           "NHS 111", "stroke")


async def search_figures(url: str, rounds: int = 3) -> dict[str, Any]:
    """p50/p95 of the engine's search and of a LIKE scan for the same words, same filter, same limit. A first
    round warms the caches and is not counted in them (its slowest search is reported as the cold one)."""
    db = open_database(url)
    log = SqlMediaLog(db)
    engine_ms, like_ms, cold_ms = [], [], []
    c = case_search.c
    try:
        for round_ in range(rounds + 1):
            for words in QUERIES:
                t = time.perf_counter()
                await log.search(words, LogFilter(), limit=20)
                (engine_ms if round_ else cold_ms).append((time.perf_counter() - t) * 1000)
                terms = words.split()
                like = select(c.ref, c.kind, c.state, c.title, c.logged_at).where(
                    *[or_(*(col.ilike(f"%{term}%") for col in (c.words, c.outlet, c.journalist, c.statement,
                                                               c.reference))) for term in terms]
                ).order_by(c.logged_at.desc()).limit(20)
                t = time.perf_counter()
                async with db.engine.connect() as conn:
                    (await conn.execute(like)).all()
                if round_:
                    like_ms.append((time.perf_counter() - t) * 1000)
        async with db.engine.connect() as conn:
            indexed = (await conn.execute(select(func.count()).select_from(case_search))).scalar_one()
    finally:
        await db.dispose()
    return {"search": _spread(engine_ms), "like": _spread(like_ms), "cold": max(cold_ms), "indexed": indexed}


def _spread(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {"p50": statistics.median(ordered), "p95": ordered[int(len(ordered) * 0.95) - 1]}


# Run in the child: its own peak memory (VmHWM) is written to stderr as it exits, and the largest peak of any
# process it started (the export's helper that reads the second half: storage/repositories/log_halves.py), read
# from /proc while they run. The child's ru_maxrss would not do: it starts from this process's resident size at
# the fork and survives the exec.
_PEAK = ("import atexit, os, runpy, sys, threading, time\n"
         "def hwm(pid):\n"
         "    try:\n"
         "        for line in open(f'/proc/{pid}/status'):\n"
         "            if line.startswith('VmHWM:'):\n"
         "                return int(line.split()[1])\n"
         "    except OSError:\n"
         "        return 0\n"
         "    return 0\n"
         "helpers = [0]\n"
         "def watch():\n"
         "    me = str(os.getpid())\n"
         "    while True:\n"
         "        for pid in filter(str.isdigit, os.listdir('/proc')):\n"
         "            try:\n"
         "                ppid = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[1]\n"
         "            except (OSError, IndexError):\n"
         "                continue\n"
         "            if ppid == me:\n"
         "                helpers[0] = max(helpers[0], hwm(pid))\n"
         "        time.sleep(0.05)\n"
         "threading.Thread(target=watch, daemon=True).start()\n"
         "def peak():\n"
         "    sys.stderr.write(f'PEAK_KB {hwm(\"self\")} {helpers[0]}\\n')\n"
         "atexit.register(peak)\n"
         "sys.argv = sys.argv[1:]\n"
         "runpy.run_path(sys.argv[0], run_name='__main__') if sys.argv[0].endswith('.py') else "
         "runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)\n")


def _measured(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, str]:
    """Run `python argv...` (a module name or a script): (seconds, peak MB, what it printed). The peak is the
    child's own plus the largest of the processes it started (an upper bound: the two need not coincide)."""
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PEAK, *argv], cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    peaks = [int(line.split()[1]) + int(line.split()[2]) for line in done.stderr.splitlines()
             if line.startswith("PEAK_KB ")]
    said = (done.stdout + "\n".join(x for x in done.stderr.splitlines() if not x.startswith("PEAK_KB "))).strip()
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {said}")
    return seconds, (peaks[-1] / 1024 if peaks else float("nan")), said


def child(args: list[str], url: str, work: Path) -> dict[str, Any]:
    """Run `mediadesk ...` in a child process: seconds and the child's own peak resident memory."""
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    env.pop("MEDIADESK_CONFIG", None)
    seconds, peak, said = _measured(["bot", *args], env, work)
    return {"seconds": seconds, "peak_mb": peak, "said": said.splitlines()[-1:]}


BASELINE = """
import asyncio, csv, sys
from sqlalchemy import select
from storage.db import open_database
from storage.models import EnquiryRow
async def main():
    db = open_database(sys.argv[1])
    with open(sys.argv[2], "w", newline="") as f:
        out = csv.writer(f)
        async with db.engine.connect() as conn:
            result = await conn.stream(select(EnquiryRow.__table__).execution_options(yield_per=1000))
            async for part in result.partitions(1000):
                out.writerows(part)
    await db.dispose()
asyncio.run(main())
"""


def baseline_dump(url: str, work: Path) -> dict[str, Any]:
    script = work / "raw_dump.py"
    script.write_text(BASELINE)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    seconds, peak, _ = _measured([str(script), url, str(work / "raw.csv")], env, ROOT)
    return {"seconds": seconds, "peak_mb": peak}


@contextlib.asynccontextmanager
async def scratch_database(kind: str, prefix: str) -> AsyncIterator[tuple[str, Path]]:
    """A throwaway database of `kind` and a work folder beside it: (database URL, folder); both go afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        work, name = Path(tmp), None
        if kind == "sqlite":
            url = f"sqlite+aiosqlite:///{work / 'record.db'}"
        else:
            url, name = await create_pg_database()
        try:
            yield url, work
        finally:
            if name:
                await drop_pg_database(name)


async def run_one(kind: str, cases: int) -> dict[str, Any]:
    async with scratch_database(kind, "bench-record-") as (url, work):
        built = await build(url, cases)
        figures: dict[str, Any] = {"built": built, **await search_figures(url)}
        figures["baseline_dump"] = baseline_dump(url, work)
        figures["csv"] = child(["export", "--format", "csv", "--out", str(work / "log.csv")], url, work)
        figures["xlsx"] = child(["export", "--format", "xlsx", "--out", str(work / "log.xlsx")], url, work)
        figures["report"] = child(["report", "--month", built["busiest"], "--out", str(work / "board.xlsx")],
                                  url, work)
        figures["verify"] = child(["audit", "verify"], url, work)
    return figures


def show(kind: str, cases: int, f: dict[str, Any]) -> None:
    b = f["built"]
    print(f"\n== {kind}: {cases:,} cases ({b['written']['history']:,} history entries), built in {b['seconds']:.0f} s")
    s, like = f["search"], f["like"]
    print(f"search      p50 {s['p50']:7.1f} ms   p95 {s['p95']:7.1f} ms   (LIKE scan p50 {like['p50']:.1f} ms, "
          f"p95 {like['p95']:.1f} ms: the engine takes {s['p95'] / like['p95']:.2f}x the scan's p95; "
          f"slowest cold search {f['cold']:.0f} ms)")
    raw = f["baseline_dump"]
    for what in ("csv", "xlsx"):
        x = f[what]
        print(f"export {what:<4} {x['seconds']:6.1f} s   peak {x['peak_mb']:5.0f} MB   "
              f"({x['seconds'] / raw['seconds']:.1f}x a raw dump of the enquiry rows: {raw['seconds']:.1f} s, "
              f"{raw['peak_mb']:.0f} MB)")
    print(f"report      {f['report']['seconds']:6.1f} s   peak {f['report']['peak_mb']:5.0f} MB   (month {b['busiest']})")
    print(f"audit verify {f['verify']['seconds']:5.1f} s   peak {f['verify']['peak_mb']:5.0f} MB   {f['verify']['said']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    for kind in kinds:
        show(kind, args.cases, asyncio.run(run_one(kind, args.cases)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
