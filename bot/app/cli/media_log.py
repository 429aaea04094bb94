"""`mediadesk search`, `mediadesk export` and `mediadesk report`: the media log at the command line.

The operator at the command line sees every case (as the comms team does). Bad input is answered in a sentence
on stderr with exit status 2; a search or export that finds nothing says so with exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app.config import OrgConfig, Settings
from bot.domain.media_log import SearchHit


async def run(args: argparse.Namespace, settings: Settings, org: OrgConfig) -> int:
    from storage.db import open_database
    from storage.repositories.search import SqlMediaLog
    from storage.uow import SqlUnitOfWork

    db = open_database(settings.database_url)
    log = SqlMediaLog(db)
    try:
        if args.command == "search":
            return await _search(args, log, org, lambda: SqlUnitOfWork(db))
        if args.command == "report":
            return await _report(args, log, org)
        return await _export(args, log, org, lambda: SqlUnitOfWork(db))
    finally:
        await db.dispose()


async def _search(args: argparse.Namespace, log: Any, org: OrgConfig, uow: Any) -> int:
    from bot.services import media_log

    words = " ".join(args.words)
    hits = await media_log.search(log, org.directory(), None, words, org.tz, kinds=args.kind, states=args.state,
                                  owner=args.owner, outlet_type=args.outlet_type, date_from=args.date_from,
                                  date_to=args.date_to, limit=args.limit, uow=uow, now=datetime.now(UTC))
    if args.json:
        print(json.dumps([_hit_json(h) for h in hits], ensure_ascii=False, indent=2))
    elif hits:
        for hit in hits:
            logged = hit.logged_at.astimezone(org.tz)
            print(f"{hit.ref:<14} {hit.kind.replace('_', ' '):<13} {hit.state.replace('_', ' '):<18} "
                  f"{logged:%d %b %Y}  {hit.title}")
            print(f"{'':<14} {' '.join(hit.snippet.split())}")
    if not hits:
        print(f"Nothing in the media log matches “{words}”.", file=sys.stderr)
        return 1
    return 0


def _hit_json(hit: SearchHit) -> dict[str, Any]:
    return {"ref": hit.ref, "kind": hit.kind.value, "state": hit.state, "title": hit.title,
            "logged_at": hit.logged_at.isoformat(), "updated_at": hit.updated_at.isoformat(), "snippet": hit.snippet}


async def _export(args: argparse.Namespace, log: Any, org: OrgConfig, uow: Any) -> int:
    from bot.services import media_log

    out = Path(args.out)
    fmt = args.format or out.suffix.lstrip(".").lower()
    if not fmt:
        print("Say which format to write: --format csv or --format xlsx (or give the file a .csv or .xlsx name).",
              file=sys.stderr)
        return 2
    written = await media_log.export(log, org.directory(), None, out, fmt, org.tz, datetime.now(UTC),
                                     kinds=args.kind, date_from=args.date_from, date_to=args.date_to, uow=uow,
                                     foi=org.foi.policy(org.directory()) if args.foi else None)
    print(f"Wrote {written:,} case{'s' if written != 1 else ''} to {out}"
          + (" for a Freedom of Information answer (staff by role, contact details removed)." if args.foi else "."))
    return 0


async def _report(args: argparse.Namespace, log: Any, org: OrgConfig) -> int:
    from bot.domain.board_report import duration
    from bot.services import media_log

    out = Path(args.out)
    figures = await media_log.board_report(log, args.month, out, org.tz, org.office_hours.hours(org.tz),
                                           datetime.now(UTC))
    share = f"{figures.met_share:.0%}" if figures.met_share is not None else "–"
    print(f"Wrote the report for {figures.month:%B %Y} to {out}: {figures.total} cases, deadlines met {share}, "
          f"median time to issue {duration(figures.to_issue.median)}.")
    return 0
