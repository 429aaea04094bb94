"""The media log's use cases (issue 14): search every case, "have we said this before?", export the log.

Who may see what: the comms team, the Director of Communications and the sign-off delegates see everything; anyone
else sees the cases they logged. `actor=None` is the operator at the command line, who sees everything.
"""

from __future__ import annotations

import getpass
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import aclosing
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.access_log import EXPORT_EVENT, MEDIA_LOG_REF, OFFERED_EVENT, SEARCH_EVENT, STARTED_FROM_EVENT
from bot.domain.board_report import MonthFigures, next_month, parse_month, summarise
from bot.domain.errors import NotAllowed, NotFound, ValidationFailed
from bot.domain.foi import FoiPolicy
from bot.domain.media_log import (
    CaseKind,
    EarlierStatement,
    LogFilter,
    LogRow,
    SearchHit,
    log_filter,
    start_of,
)
from bot.domain.messages import HistoryEntry
from bot.domain.office_hours import OfficeHours
from bot.domain.people import Actor, Directory, Role
from bot.ports import MediaLog, UnitOfWork
from bot.services import log_files, report_files

SEES_EVERYTHING = (Role.COMMS, Role.DIRECTOR_OF_COMMS, Role.SIGN_OFF_DELEGATE)
MOST_HITS = 50
EXPORT_REF = MEDIA_LOG_REF  # searches and exports are recorded under this reference (as holding lines under LIBRARY)
FORMATS = ("csv", "xlsx")


def visible(directory: Directory, actor: Actor | None, where: LogFilter) -> LogFilter:
    """The filter narrowed to what `actor` may see."""
    if actor is None or directory.has(actor, *SEES_EVERYTHING):
        return where
    if not actor.email:
        raise ValidationFailed("I can't tell who you are (no email on your account), so I can't show you cases.")
    return replace(where, logged_by=actor.email.lower())


async def search(log: MediaLog, directory: Directory, actor: Actor | None, words: str, tz: ZoneInfo, *,
                 kinds: Iterable[str] = (), states: Iterable[str] = (), owner: str | None = None,
                 outlet_type: str | None = None, date_from: str | date | None = None,
                 date_to: str | date | None = None, limit: int = 20, uow: Callable[[], UnitOfWork] | None = None,
                 now: datetime | None = None) -> list[SearchHit]:
    """The cases matching every word (most relevant first); bad filters are refused with a sentence. With `uow`
    the search is recorded in the history: who, the words, the filter and the references it returned."""
    if not words or not words.strip():
        raise ValidationFailed("Say what to look for: a word of the enquiry or statement, an outlet, a journalist "
                               "or a reference, e.g. search ward closures.")
    if not 1 <= limit <= MOST_HITS:
        raise ValidationFailed(f"Ask for between 1 and {MOST_HITS} results.")
    where = log_filter(tz, kinds=kinds, states=states, owner=owner, outlet_type=outlet_type, date_from=date_from,
                       date_to=date_to)
    where = visible(directory, actor, where)
    hits = await log.search(words.strip(), where, limit)
    if uow is not None:
        await _record(uow, actor, now or datetime.now(UTC), SEARCH_EVENT,
                      {"words": words.strip(), "filter": where.describe(), "hits": [h.ref for h in hits]})
    return hits


async def said_before(log: MediaLog, enquiry_text: str, *, ref: str | None = None, before: datetime | None = None,
                      limit: int = 3) -> list[EarlierStatement]:
    """The approved statements of the earlier cases most like this enquiry's words, best first."""
    if not enquiry_text.strip():
        return []
    return await log.approved_like(enquiry_text, limit=limit, exclude=ref, before=before)


def offered(for_ref: str, shown: Iterable[EarlierStatement], to: str, email: str | None, at: datetime
            ) -> HistoryEntry:
    """The history entry for earlier statements shown to `to`, the owner of `for_ref` (who-saw lists it)."""
    return HistoryEntry(case_ref=EXPORT_REF, at=at, event=OFFERED_EVENT, actor=to, actor_email=email,
                        data={"for": for_ref, "hits": [s.ref for s in shown]})


async def start_from(log: MediaLog, directory: Directory, actor: Actor, ref: str, for_ref: str, *,
                     uow: Callable[[], UnitOfWork] | None = None, now: datetime | None = None) -> EarlierStatement:
    """Case `ref`'s approved statement, to start a draft of `for_ref` from; refused unless `actor` may see that
    case. With `uow` the access is recorded in the history."""
    ref = (ref or "").strip().upper()
    found = await log.approved_statement(ref, visible(directory, actor, LogFilter())) if ref else None
    if found is None:
        raise NotAllowed(f"I can't start from {ref or 'that case'}: it isn't an approved statement you can see.")
    if uow is not None:
        await _record(uow, actor, now or datetime.now(UTC), STARTED_FROM_EVENT, {"statement": ref, "for": for_ref})
    return found


async def export(log: MediaLog, directory: Directory, actor: Actor | None, out: Path, fmt: str, tz: ZoneInfo,
                 now: datetime, *, kinds: Iterable[str] = (), date_from: str | date | None = None,
                 date_to: str | date | None = None, uow: Callable[[], UnitOfWork] | None = None,
                 foi: FoiPolicy | None = None) -> int:
    """Write the media log (one row per case) to `out` as CSV or XLSX, streamed; record the export in the history
    when `uow` is given. With `foi`, ready for a Freedom of Information answer (bot/domain/foi.py). Returns how
    many rows were written; nothing is written when no case matches."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValidationFailed(f"I can export the media log as {' or '.join(FORMATS)}, not “{fmt}”.")
    where = visible(directory, actor, log_filter(tz, kinds=kinds, date_from=date_from, date_to=date_to))
    total = await log.count(where)
    if total == 0:
        raise NotFound(f"No cases match ({where.describe()}), so no file was written.")
    if fmt == "xlsx" and total > log_files.XLSX_MOST_ROWS:
        raise ValidationFailed(f"{total:,} cases match: more than a worksheet holds ({log_files.XLSX_MOST_ROWS:,} "
                               "rows). Export as CSV, or choose a shorter period with --from and --to.")
    # Closed however the writing ends (a full disk, too many rows): the rows' connections go back at once.
    async with aclosing(log.rows(where, now)) as found:
        rows = found if foi is None else _published(found, foi)
        written = await (log_files.write_csv if fmt == "csv" else log_files.write_xlsx)(rows, out, tz)
    if uow is not None:
        await _record(uow, actor, now, EXPORT_EVENT, {"format": fmt, "filter": where.describe(), "rows": written,
                                                      "file": out.name, **({"foi": True} if foi else {})})
    return written


async def _published(rows: AsyncIterator[LogRow], foi: FoiPolicy) -> AsyncIterator[LogRow]:
    async for row in rows:
        yield foi.row(row)


async def _record(uow: Callable[[], UnitOfWork], actor: Actor | None, now: datetime, event: str,
                  data: dict[str, object]) -> None:
    """An access to the media log, in the history under MEDIA-LOG (`mediadesk audit who-saw` reads it)."""
    async with uow() as work:
        await work.history.append(HistoryEntry(case_ref=EXPORT_REF, at=now, event=event,
                                               actor=actor.label if actor else operator(),
                                               actor_email=actor.email if actor else None, data=data))
        await work.commit()


async def board_report(log: MediaLog, month: str, out: Path, tz: ZoneInfo, hours: OfficeHours | None,
                       now: datetime) -> MonthFigures:
    """The month's figures for the Board, written to `out` (.xlsx with native charts, or .html)."""
    kind = out.suffix.lower()
    if kind not in (".xlsx", ".html", ".htm"):
        raise ValidationFailed(f"I can write the report as a workbook (.xlsx) or a web page (.html), not “{out.name}”.")
    if not out.parent.exists():
        raise ValidationFailed(f"There is no folder {out.parent} to write {out.name} into.")
    first = parse_month(month)
    where = LogFilter(logged_from=start_of(first, tz), logged_before=start_of(next_month(first), tz))
    async with aclosing(log.rows(where, now)) as found:
        figures = summarise([row async for row in found], first, tz, hours)
    if figures.total == 0:
        raise NotFound(f"No cases were logged in {first:%B %Y}: there is nothing to report, so no file was written.")
    (report_files.write_xlsx if kind == ".xlsx" else report_files.write_html)(figures, out)
    return figures


def operator() -> str:
    """Who ran the command (the media log's history says who exported what)."""
    try:
        return f"{getpass.getuser()} (command line)"
    except OSError:
        return "command line"


__all__ = ["CaseKind", "FORMATS", "board_report", "export", "offered", "said_before", "search", "start_from",
           "visible"]
