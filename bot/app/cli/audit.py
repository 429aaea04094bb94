"""`mediadesk audit verify|anchor|who-saw`: check the history chain, record today's anchor now, or list who saw a
case (searches, exports, subject access exports, redactions); `mediadesk redact`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import aclosing

from bot.app.config import OrgConfig, Settings
from bot.domain.audit import Anchor, ChainWalk


def add_parser(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser("audit", help="the record's integrity: verify the history chain, anchor it now, or "
                                         "list who saw a case")
    audit.add_argument("action", choices=["verify", "anchor", "who-saw"],
                       help="verify: walk the whole history and name the first entry changed, removed or out of "
                            "order; anchor: record today's anchor (normally done once a day by the server); "
                            "who-saw REF: every search that returned the case, every export and subject access "
                            "export that included it, its redactions")
    audit.add_argument("ref", nargs="?", metavar="REF", help="the case, for who-saw (e.g. MC-2026-0042)")
    audit.add_argument("--json", action="store_true", help="who-saw: print the accesses as JSON")
    audit.add_argument("--anchor", action="append", default=[], metavar="SEQ:HASH",
                       help="also check an anchor kept elsewhere (from the log or the Director's chat); repeatable")
    redact = sub.add_parser("redact", help="remove a personal detail from a case, its copies and posted messages")
    redact.add_argument("ref", help="the case's reference, e.g. MC-2026-0042")
    redact.add_argument("--field", required=True,
                        help="an enquiry's journalist, phone, email or summary; a crisis's or press release's detail")
    redact.add_argument("--reason", required=True, help="why (kept in the history; the value never is)")
    redact.add_argument("--by", required=True, help="the email of the person deciding (the Director of Communications)")


async def run(args: argparse.Namespace, settings: Settings, org: OrgConfig) -> int:
    from storage.db import open_database

    if args.command == "redact":
        db = open_database(settings.database_url)
        try:
            return await _redact(args, db, settings, org)
        finally:
            await db.dispose()

    try:
        kept_elsewhere = [Anchor.parse(text) for text in args.anchor]
    except ValueError as exc:
        print(f"Cannot check that anchor: {exc}", file=sys.stderr)
        return 2
    if args.action != "who-saw" and args.ref:
        print(f"audit {args.action} takes no case reference (who-saw does).", file=sys.stderr)
        return 2
    db = open_database(settings.database_url)
    try:
        if args.action == "who-saw":
            return await _who_saw(db, args.ref or "", org, as_json=args.json)
        if args.action == "anchor":
            return await _anchor(db, settings, org)
        return await _verify(db, kept_elsewhere)
    finally:
        await db.dispose()


async def _verify(db, kept_elsewhere: list[Anchor]) -> int:  # noqa: ANN001 - storage.db.Database
    from storage import history_audit

    started = time.perf_counter()
    walk = ChainWalk([*await history_audit.anchors(db), *kept_elsewhere])
    async with aclosing(history_audit.chain(db)) as batches:  # closed at the first problem, before the dispose
        async for batch in batches:
            if not all(walk.step(entry) for entry in batch):
                break
    verdict = walk.finish()
    took = time.perf_counter() - started
    if verdict.ok:
        head = f"; head {verdict.head.text()}" if verdict.head else ""
        print(f"The history holds: {verdict.checked} entries checked in {took:.1f} s{head}.")
        return 0
    print(f"The history has been tampered with: {verdict.problem}.", file=sys.stderr)
    print(f"{verdict.checked} entries before it held.", file=sys.stderr)
    return 1


def _core(db, settings: Settings, org: OrgConfig):  # noqa: ANN001, ANN202 - storage.db.Database, Core
    from bot.clock import SystemClock
    from bot.services.core import Core
    from storage.uow import SqlUnitOfWork

    return Core(uow=lambda: SqlUnitOfWork(db), clock=SystemClock(), directory=org.directory(), tz=org.tz,
                chat_platforms=settings.chat_platforms)


async def _redact(args: argparse.Namespace, db, settings: Settings, org: OrgConfig) -> int:  # noqa: ANN001
    from bot.domain.errors import DomainError
    from bot.services import redaction

    try:
        done = await redaction.redact(_core(db, settings, org), args.ref, args.field, args.reason, args.by)
    except DomainError as exc:
        print(f"Nothing was changed: {exc.message}", file=sys.stderr)
        return 2
    where = ", ".join(f"{table} ({n})" for table, n in sorted(done.rows.items())) or "no copies"
    print(f"{done.field} of {done.ref} is redacted from {where} and {len(done.history_entries)} history entries; "
          f"{done.messages_updated} posted messages will be changed in place by the running server.")
    return 0


async def _anchor(db, settings: Settings, org: OrgConfig) -> int:  # noqa: ANN001 - storage.db.Database
    from bot.services import anchors

    anchor = await anchors.anchor_today(_core(db, settings, org))
    print(f"Today's anchor: {anchor.text()}" if anchor else "Today's anchor was recorded already (or the history "
          "is empty).")
    return 0


async def _who_saw(db, ref: str, org: OrgConfig, *, as_json: bool) -> int:  # noqa: ANN001 - storage.db.Database
    from bot.services.access_log import who_saw
    from storage.repositories.access_log import SqlAccessLog

    case, seen = await who_saw(SqlAccessLog(db), ref)
    ref = ref.strip().upper()
    if as_json:
        print(json.dumps([{"at": a.at.isoformat(), "who": a.who, "email": a.email, "what": a.what,
                           "detail": a.detail, "certain": a.certain} for a in seen], ensure_ascii=False, indent=2))
        return 0
    about = (f"{case.kind.replace('_', ' ')}, logged {case.logged_at.astimezone(org.tz):%d %b %Y}" if case else
             "no longer in the media log: exports can't be checked against it")
    if not seen:
        print(f"Nobody has searched, exported or redacted {ref} ({about}).")
        return 0
    print(f"Who saw {ref} ({about}), oldest first:")
    for a in seen:
        who = a.who + (f" <{a.email}>" if a.email and a.email not in a.who else "")
        maybe = "  (its filter could not be read back: it may have included the case)" if not a.certain else ""
        print(f"{a.at.astimezone(org.tz):%Y-%m-%d %H:%M}  {a.what:<22} {who}")
        print(f"{'':<18}{a.detail}{maybe}")
    return 0
