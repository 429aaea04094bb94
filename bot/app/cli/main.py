"""The `mediadesk` command: serve, db upgrade, check-config, outbox status."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine
from typing import Any

from bot.app.cli import audit, retention, subject_access
from bot.app.config import ConfigError, Settings, load_org_config, playground_problem
from bot.domain.errors import DomainError, NotFound


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mediadesk", description="Media Desk: media enquiries in chat.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the bot's web server (Slack at /slack/events, /healthz)")
    serve.add_argument("--no-migrate", action="store_true", help="don't upgrade the database schema first")
    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply all migrations")
    sub.add_parser("check-config", help="validate the environment and the TOML file, then exit")
    sub.add_parser("outbox", help="show how many messages are pending, sent and undeliverable")
    package = sub.add_parser("teams-package", help="build the Teams app package (zip) to upload")
    package.add_argument("--app-id", required=True, help="the Microsoft App ID of the Azure Bot registration")
    package.add_argument("--host", help="your server's public host name, e.g. media.example.nhs.uk")
    package.add_argument("--out", default=".", help="a .zip path, or a folder for mediadesk-teams.zip")
    nudges = sub.add_parser("nudges", help="reminders and escalations")
    nudges.add_argument("action", choices=["list"], help="list: what is scheduled, soonest first")
    nudges.add_argument("--limit", type=int, default=200)
    audit.add_parser(sub)
    subject_access.add_parser(sub)
    retention.add_parser(sub)
    _media_log_commands(sub)
    args = parser.parse_args(argv)

    settings = Settings()
    try:
        org = load_org_config(settings.mediadesk_config)
    except ConfigError as exc:
        print(f"Configuration error:\n{exc}", file=sys.stderr)
        return 2

    if problems := settings.teams_problems():
        print("Configuration error:\n" + "\n".join(problems), file=sys.stderr)
        return 2
    if args.command == "check-config":
        return _check_config(settings, org)
    if args.command == "db":
        from storage.migrate import upgrade

        upgrade(settings.database_url)
        print("Database is up to date.")
        return 0
    if args.command == "outbox":
        return asyncio.run(_outbox_status(settings))
    if args.command == "teams-package":
        from pathlib import Path

        from bot.app.teams_package import build_package

        try:
            path = build_package(args.app_id, host=args.host, out=Path(args.out))
        except (ValueError, FileNotFoundError) as exc:
            print(f"Cannot build the Teams package: {exc}", file=sys.stderr)
            return 2
        print(f"Wrote {path}: upload it in Teams (Apps > Manage your apps > Upload an app).")
        return 0
    if args.command in ("audit", "redact"):
        return _answer(audit.run(args, settings, org))
    if args.command == "sar":
        return _answer(subject_access.run(args, settings, org))
    if args.command == "retention":  # an unknown case is refused like any other request (status 2)
        return _answer(retention.run(args, settings, org), not_found=2)
    if args.command == "nudges":
        return asyncio.run(_nudges_list(settings, org, args.limit))
    if args.command in ("search", "export", "report"):
        from bot.app.cli import media_log

        return _answer(media_log.run(args, settings, org))
    return _serve(settings, org, migrate=not args.no_migrate)


def _answer(command: Coroutine[Any, Any, int], *, not_found: int = 1) -> int:
    """Run a subcommand: a refusal is its sentence on stderr, with status 1 when nothing was found, else 2."""
    try:
        return asyncio.run(command)
    except NotFound as exc:
        print(exc.message, file=sys.stderr)
        return not_found
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return 2


def _media_log_commands(sub) -> None:  # noqa: ANN001 - argparse's private subparsers type
    """`mediadesk search` and `mediadesk export` (bot/app/cli/media_log.py)."""
    def filters(command: argparse.ArgumentParser) -> None:
        command.add_argument("--kind", action="append", default=[], metavar="KIND",
                             help="enquiry, crisis or press_release (repeat for more than one)")
        command.add_argument("--from", dest="date_from", metavar="DATE", help="logged on or after this day (YYYY-MM-DD)")
        command.add_argument("--to", dest="date_to", metavar="DATE", help="logged on or before this day (YYYY-MM-DD)")

    search = sub.add_parser("search", help="search the media log: every case, open and closed, most relevant first")
    search.add_argument("words", nargs="+", help='words to find (all of them); "a phrase"; -word to leave out')
    filters(search)
    search.add_argument("--state", action="append", default=[], metavar="STATE", help="e.g. open, closed")
    search.add_argument("--owner", metavar="EMAIL", help="cases owned (led) by this person")
    search.add_argument("--outlet-type", metavar="TYPE", help="newspaper, broadcast, online or blogger")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--json", action="store_true", help="print the hits as JSON")
    export = sub.add_parser("export", help="write the media log (one row per case) to a CSV file or a workbook")
    export.add_argument("--format", choices=["csv", "xlsx"], help="csv or xlsx (default: from --out's extension)")
    export.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    export.add_argument("--foi", action="store_true",
                        help="for a Freedom of Information answer: staff not in [foi] named_staff shown by role, "
                             "phone numbers and email addresses removed")
    filters(export)
    report = sub.add_parser("report", help="the month's figures for the Board, as a workbook or a web page")
    report.add_argument("--month", required=True, metavar="YYYY-MM")
    report.add_argument("--out", required=True, metavar="FILE", help="FILE.xlsx (native charts) or FILE.html")


def _check_config(settings: Settings, org) -> int:  # noqa: ANN001 - OrgConfig
    print(f"Organisation: {org.organisation.name} ({org.organisation.timezone})")
    print(f"Configuration file: {settings.mediadesk_config or '(none: embedded defaults)'}")
    print(f"Database: {settings.database_url.split('@')[-1]}")
    if settings.slack_enabled:
        print(f"Slack: on, Web API at {settings.slack_api_url}")
    else:
        print(f"Slack: off (missing {', '.join(settings.slack_missing())})")
    print("Teams: " + ("configured (app id set)" if settings.teams_enabled else
                       "off (set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TENANT_ID)"))
    off = playground_problem(settings)
    print("Playground: " + (f"on at http://{settings.host}:{settings.port}/playground/" if off is None else
                            f"off ({off})"))
    print(f"Comms channel (Slack): {org.slack.comms_channel or '(not set)'}")
    print(f"Comms channel (Teams): {org.teams.comms_channel or '(not set)'}")
    for role, emails in org.people.model_dump(exclude={'names', 'media_lead'}).items():
        print(f"  {role}: {len(emails)} people")
    for gap in org.role_gaps():
        print(f"Warning: {gap}. Add them to [people] in {settings.mediadesk_config or 'mediadesk.toml'}.")
    from datetime import UTC, datetime

    hours, now = org.office_hours.hours(org.tz), datetime.now(UTC)
    state = "open" if hours.is_open(now) else f"closed ({hours.describe_closed(now)})"
    print(f"Press office: {org.office_hours.opens:%H:%M}-{org.office_hours.closes:%H:%M} "
          f"{', '.join(d[:3] for d in org.office_hours.days)}; now {state}; "
          f"next opens {hours.next_open(now).astimezone(org.tz):%a %d %b %H:%M}")
    print(f"On call now: {org.rota().on_call(now) or '(nobody: set [on_call] rotation)'}")
    return 0


async def _outbox_status(settings: Settings) -> int:
    from storage.db import open_database
    from storage.outbox_store import SqlOutboxStore

    db = open_database(settings.database_url)
    try:
        counts = await SqlOutboxStore(db).counts()
    finally:
        await db.dispose()
    for status in ("pending", "sent", "skipped", "dead"):
        print(f"{status}: {counts.get(status, 0)}")
    return 0


async def _nudges_list(settings: Settings, org, limit: int) -> int:  # noqa: ANN001 - OrgConfig
    from bot.domain.nudges import DEFERRED_KINDS, goes_at
    from storage.db import open_database
    from storage.uow import SqlUnitOfWork

    db = open_database(settings.database_url)
    try:
        async with SqlUnitOfWork(db) as uow:
            pending = await uow.nudges.pending(limit)
            deadlines = {ref: e.deadline for ref in {n.case_ref for n in pending if n.kind in DEFERRED_KINDS}
                         if (e := await uow.enquiries.get(ref)) is not None}
    finally:
        await db.dispose()
    if not pending:
        print("Nothing is scheduled.")
        return 0
    print(f"{'due (' + org.organisation.timezone + ')':<22} {'case':<13} {'kind':<22} to")
    for nudge in pending:
        # When it will really go: out of hours a reminder is held for the office to open.
        goes = goes_at(nudge, deadlines.get(nudge.case_ref), org.office_hours.hours(org.tz))
        due = goes.astimezone(org.tz).strftime("%a %d %b %H:%M")
        who = nudge.recipient or "comms channel"
        print(f"{due:<22} {nudge.case_ref:<13} {nudge.kind.value:<22} {who}")
    return 0


def _serve(settings: Settings, org, *, migrate: bool) -> int:  # noqa: ANN001 - OrgConfig
    from aiohttp import web

    from bot.app import logs
    from bot.app.server import create_app

    logs.configure(settings.log_level)
    if migrate:
        from storage.migrate import upgrade

        upgrade(settings.database_url)
    print(f"Media Desk listening on http://{settings.host}:{settings.port}  (Slack: POST /slack/events, "
          f"health: GET /healthz)", file=sys.stderr)
    if not settings.slack_enabled:
        print(f"Slack is not connected: set {' and '.join(settings.slack_missing())} to connect a workspace "
              "(see README, 'Connect a Slack workspace').", file=sys.stderr)
    if (off := playground_problem(settings)) is None:
        where = "localhost" if settings.host == "localhost" else settings.host
        print(f"\nTry it in your browser: http://{where}:{settings.port}/playground/  (the playground: play the "
              "member of staff, a comms officer and the director in turn)\n", file=sys.stderr)
    elif not (settings.slack_enabled or settings.teams_enabled):
        print(f"The browser playground is off: {off}.", file=sys.stderr)
    web.run_app(create_app(settings, org=org), host=settings.host, port=settings.port, print=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
