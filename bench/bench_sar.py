"""Subject access and who-saw at the size of ten years of cases (bench/bench_record.py builds the database).

    .venv/bin/python bench/bench_sar.py [--cases 100000] [--database sqlite|postgresql|both]

Measures, each in a child process (seconds and peak memory): `mediadesk sar` for a journalist named in one
enquiry, and for a comms officer named in a share of every case (the heavy end: their history, drafts, cases);
and `mediadesk audit who-saw` for a case after 200 searches and 20 one-month exports have been recorded. Nothing here checks
speed; bench/README.md gives the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bench.bench_record import QUERIES, build, child, scratch_database  # noqa: E402


async def record_accesses(url: str) -> tuple[str, str]:
    """200 searches and 20 one-month exports recorded as the command line records them; a journalist's email
    and the reference of a case the searches returned."""
    from bot.domain.people import Directory
    from bot.services import media_log
    from storage.db import open_database
    from storage.models import EnquiryRow
    from storage.repositories.search import SqlMediaLog
    from storage.uow import SqlUnitOfWork

    db = open_database(url)
    log, tz, now = SqlMediaLog(db), ZoneInfo("Europe/London"), datetime.now(UTC)
    try:
        for i in range(200):
            hits = await media_log.search(log, Directory(), None, QUERIES[i % len(QUERIES)], tz, limit=50,
                                          uow=lambda: SqlUnitOfWork(db), now=now)
        for month in range(1, 21):
            with tempfile.TemporaryDirectory() as out:
                await media_log.export(log, Directory(), None, Path(out) / "m.csv", "csv", tz, now,
                                       date_from=f"2018-{(month - 1) % 12 + 1:02d}-01",
                                       date_to=f"2018-{(month - 1) % 12 + 1:02d}-28", uow=lambda: SqlUnitOfWork(db))
        async with db.engine.connect() as conn:
            email = (await conn.execute(select(EnquiryRow.email).order_by(EnquiryRow.id).offset(5).limit(1))
                     ).scalar_one()
    finally:
        await db.dispose()
    return email, hits[0].ref


async def run_one(kind: str, cases: int) -> dict[str, Any]:
    async with scratch_database(kind, "bench-sar-") as (url, work):
        built = await build(url, cases)
        email, ref = await record_accesses(url)
        figures: dict[str, Any] = {"built": built}
        figures["journalist"] = child(["sar", "--email", email, "--out", str(work / "j.zip")], url, work)
        figures["officer"] = child(["sar", "--email", "comms1@example.nhs.uk", "--out", str(work / "c.zip")],
                                   url, work)
        figures["who_saw"] = child(["audit", "who-saw", ref], url, work)
        figures["zip_mb"] = (work / "c.zip").stat().st_size / 1e6
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    for kind in ("sqlite", "postgresql") if args.database == "both" else (args.database,):
        f = asyncio.run(run_one(kind, args.cases))
        print(f"\n== {kind}: {args.cases:,} cases ({f['built']['written']['history']:,} history entries)")
        for what in ("journalist", "officer", "who_saw"):
            if f.get(what):
                print(f"{what:<11} {f[what]['seconds']:6.1f} s   peak {f[what]['peak_mb']:5.0f} MB   {f[what]['said']}")
        print(f"officer's zip {f['zip_mb']:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
