"""`mediadesk sar`: a subject access export (UK GDPR Art. 15) at the command line.

Bad input is answered in a sentence on stderr with exit status 2; an address that names nobody with status 1.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from bot.app.config import OrgConfig, Settings


def add_parser(sub: argparse._SubParsersAction) -> None:
    sar = sub.add_parser("sar", help="subject access: everything held that names a person, as a zip of JSON files "
                                     "and a readable summary")
    sar.add_argument("--email", required=True, metavar="ADDRESS", help="the person's email address")
    sar.add_argument("--name", metavar="NAME", help="their name as cases would give it (journalists are often "
                                                    "named without an email)")
    sar.add_argument("--out", required=True, metavar="FILE.zip", help="the zip to write")


async def run(args: argparse.Namespace, settings: Settings, org: OrgConfig) -> int:
    from bot.services import subject_access
    from storage.db import open_database
    from storage.repositories.personal_data import SqlPersonalData
    from storage.uow import SqlUnitOfWork

    db = open_database(settings.database_url)
    out = Path(args.out)
    try:
        found = await subject_access.export(SqlPersonalData(db), org.directory(), args.email, args.name, out,
                                            org.tz, datetime.now(UTC), uow=lambda: SqlUnitOfWork(db))
    finally:
        await db.dispose()
    cases = len(found.case_refs())
    print(f"Wrote {out}: {found.total:,} record{'s' if found.total != 1 else ''} under {cases:,} "
          f"case{'s' if cases != 1 else ''}. Read {subject_access.SUMMARY} in it first, and review other people's "
          "data before sending it.")
    return 0
