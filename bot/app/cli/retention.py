"""`mediadesk retention list|decide|hold|release-hold`: the retention schedule and its appraisal queue.

A refusal (unknown case, someone without the role, destroying a case on hold or before its review date, a date that
is not one) is a sentence on stderr with exit status 2, and nothing is changed.
"""

from __future__ import annotations

import argparse
from typing import Literal

from bot.app.config import OrgConfig, Settings
from bot.domain.retention import CLASSES, Retention


def add_parser(sub: argparse._SubParsersAction) -> None:
    retention = sub.add_parser("retention", help="how long cases are kept: the schedule, the appraisal queue, "
                                                 "decisions and legal holds")
    actions = retention.add_subparsers(dest="retention_action", required=True)
    listing = actions.add_parser("list", help="each closed case's class, review date and state (sets the dates of "
                                              "cases closed since the last check, and queues what is due)")
    listing.add_argument("--due", action="store_true", help="only the cases waiting for a decision")
    listing.add_argument("--held", action="store_true", help="only the cases on legal hold")
    decide = actions.add_parser("decide", help="keep, extend or destroy a case (Director of Communications or a "
                                               "records manager)")
    decide.add_argument("ref", help="the case's reference, e.g. MC-2026-0042")
    decide.add_argument("decision", choices=["keep", "extend", "destroy"],
                        help="keep: for good; extend: until --until; destroy: remove its content and personal data "
                             "(a disposal record remains)")
    decide.add_argument("--until", metavar="YYYY-MM-DD", help="with extend: the new review date")
    for name, text in (("hold", "place a legal hold: the case cannot be destroyed until it is released"),
                       ("release-hold", "release a legal hold")):
        action = actions.add_parser(name, help=text)
        action.add_argument("ref", help="the case's reference")
    for action in (decide, actions.choices["hold"], actions.choices["release-hold"]):
        action.add_argument("--reason", required=True, help="why (kept with the decision, in the history)")
        action.add_argument("--by", required=True, metavar="EMAIL", help="who decides (their email in [people])")


async def run(args: argparse.Namespace, settings: Settings, org: OrgConfig) -> int:
    from bot.clock import SystemClock
    from bot.services import retention
    from bot.services.core import Core
    from storage.db import open_database
    from storage.uow import SqlUnitOfWork

    db = open_database(settings.database_url)
    core = Core(uow=lambda: SqlUnitOfWork(db), clock=SystemClock(), directory=org.directory(), tz=org.tz,
                chat_platforms=settings.chat_platforms)
    policy = org.retention.policy()
    action = args.retention_action
    try:
        if action == "list":
            which: Literal["all", "due", "held"] = "due" if args.due else "held" if args.held else "all"
            return _print(await retention.records(core, policy, which), org)
        if action == "decide":
            record = await retention.decide(core, policy, args.ref, args.decision, reason=args.reason, by=args.by,
                                            until=args.until)
            print(_decided(record))
        elif action == "hold":
            record = await retention.hold(core, policy, args.ref, reason=args.reason, by=args.by)
            print(f"{record.ref} is under a legal hold: it cannot be destroyed until the hold is released.")
        else:
            record = await retention.release_hold(core, policy, args.ref, reason=args.reason, by=args.by)
            print(f"The legal hold on {record.ref} is released; it is {record.describe()}.")
        return 0
    finally:
        await db.dispose()


def _decided(r: Retention) -> str:
    if r.status.value == "destroyed":
        return (f"{r.ref} is destroyed: its content and personal data are removed; the disposal record keeps its "
                "reference, class, dates, who decided and why.")
    if r.status.value == "kept":
        return f"{r.ref} is kept for good."
    return f"{r.ref} is kept until {r.review_on:%d %b %Y}, when it comes up for review again."


def _print(rows: list[Retention], org: OrgConfig) -> int:
    if not rows:
        print("No case is in the retention schedule yet (cases join it when they close).")
        return 0
    print(f"{'case':<14} {'kind':<13} {'class':<26} {'closed':<11} {'review on':<11} state")
    for r in rows:
        cls = CLASSES[r.retention_class].label if r.retention_class else "-"
        closed = f"{r.closed_at.astimezone(org.tz):%Y-%m-%d}" if r.closed_at else "-"
        review = r.review_on.isoformat() if r.review_on else "-"
        state = r.describe() + (f" ({r.hold.reason})" if r.hold else "")
        print(f"{r.ref:<14} {r.kind.value.replace('_', ' '):<13} {cls:<26} {closed:<11} {review:<11} {state}")
    return 0
