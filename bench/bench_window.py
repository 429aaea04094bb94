"""How long a sent message is not yet on record: the window in which a crash makes Teams show a card twice.

Between the Bot Connector's answer (the activity id) and our write of it, the relay does nothing else, so the
window is the write: `SqlOutboxStore.mark_sent` for a keyed card (outbox row + message ref), committed. Measured
on a SQLite file and on the local PostgreSQL, next to a bare `SELECT 1` round trip on the same database in the
same run (the baseline), and turned into a rate: the chance that a crash at a random moment of sending lands in it.

    .venv/bin/python bench/bench_window.py [--messages 2000] [--database sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from bench.pg import create_pg_database, drop_pg_database  # noqa: E402
from bot.domain.messages import MessageRef, Outbound, Recipient  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.outbox_store import SqlOutboxStore  # noqa: E402
from storage.uow import SqlUnitOfWork  # noqa: E402

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(url: str, messages: int) -> dict[str, list[float]]:
    await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
    db = open_database(url)
    store = SqlOutboxStore(db)
    try:
        async with SqlUnitOfWork(db) as uow:
            for n in range(messages):
                await uow.outbox.add(Outbound(Recipient.comms("teams"), {"title": f"card {n}"},
                                              key=f"enquiry:MC-{n}:comms"), NOW)
            await uow.commit()
        claimed = []
        while batch := await store.claim_due(NOW, 500, 600):
            claimed.extend(batch)
        write, baseline = [], []
        for n, message in enumerate(claimed):
            started = time.perf_counter()
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            baseline.append(time.perf_counter() - started)
            started = time.perf_counter()
            await store.mark_sent(message, MessageRef("teams", "conv", f"act-{n}"), NOW)
            write.append(time.perf_counter() - started)
        return {"write": write, "baseline": baseline}
    finally:
        await db.dispose()


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--send-ms", type=float, default=150.0,
                        help="a typical Bot Connector post, for the rate (the window's share of a send)")
    args = parser.parse_args()
    targets = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    print(f"{'database':<11} {'record p50':>11} {'record p99':>11} {'SELECT 1 p50':>13} {'ratio p50':>10} "
          f"{'crash-in-window':>16}")
    for target in targets:
        with tempfile.TemporaryDirectory() as tmp:
            if target == "sqlite":
                got = await measure(f"sqlite+aiosqlite:///{tmp}/window.db", args.messages)
            else:
                url, name = await create_pg_database()
                try:
                    got = await measure(url, args.messages)
                finally:
                    await drop_pg_database(name)
        p50, p99 = statistics.median(got["write"]) * 1000, pct(got["write"], 0.99) * 1000
        base = statistics.median(got["baseline"]) * 1000
        share = p50 / (p50 + args.send_ms)
        print(f"{target:<11} {p50:>9.2f}ms {p99:>9.2f}ms {base:>11.2f}ms {p50 / base:>9.1f}x "
              f"{share:>15.1%}")
    print(f"\ncrash-in-window: of crashes that strike while a card is being sent (a {args.send_ms:.0f} ms post "
          "plus the write), the share that land after the Connector's answer and before our record, i.e. the "
          "share that leave a second card (made inert when first seen).")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
