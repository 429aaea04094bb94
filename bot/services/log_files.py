"""The media log as a file: CSV, or an XLSX workbook written streaming (XlsxWriter's constant-memory mode).

Rows arrive as an async stream and go to disk as they come, so memory does not grow with the number of cases.
The file is written beside its destination and moved into place when complete: a failed export leaves nothing
half-written under the name asked for. Times are shown in the organisation's time zone.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.domain.errors import NotFound, ValidationFailed
from bot.domain.media_log import COLUMNS, LogRow

XLSX_MOST_ROWS = 1_048_575  # a worksheet's 1,048,576 rows, less the header
_WIDTHS = (14, 13, 17, 20, 22, 12, 20, 50, 17, 20, 17, 22, 60, 28, 17, 17, 14, 12, 18, 17)
_WHEN = "yyyy-mm-dd hh:mm"
# A cell beginning with one of these is a formula to a spreadsheet: a journalist's name typed as =HYPERLINK(...)
# must stay text (OWASP's "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML 1.0 cannot hold (a workbook is XML): dropped, as a spreadsheet could not show them anyway.
_ILLEGAL_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def values(row: LogRow, when: Callable[[datetime | None], Any]) -> list[Any]:
    """The row's cells in COLUMNS order, labels with spaces, each time as `when` writes it (a file format's own)."""
    return [row.ref, row.kind.replace("_", " "), when(row.logged_at), row.logged_by, row.outlet, row.outlet_kind,
            row.journalist, row.enquiry, when(row.deadline), row.claimed_by, when(row.claimed_at), row.spokesperson,
            row.statement, row.approved_by, when(row.approved_at), when(row.issued_at), row.issued_how,
            row.deadline_met, row.state.replace("_", " "), when(row.closed_at)]


@contextmanager
def replacing(out: Path, suffix: str) -> Iterator[Path]:
    """A temporary path beside `out`, moved onto it when the block ends without an error (and removed if not)."""
    if out.is_dir():
        raise ValidationFailed(f"{out} is a folder: give the file to write, e.g. {out / ('media-log' + suffix)}.")
    if not out.parent.exists():
        raise ValidationFailed(f"There is no folder {out.parent} to write {out.name} into.")
    handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=suffix, dir=out.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        temporary.replace(out)
    finally:
        temporary.unlink(missing_ok=True)


async def write_csv(rows: AsyncIterator[LogRow], out: Path, tz: ZoneInfo) -> int:
    with replacing(out, ".csv") as path:
        # utf-8-sig: Excel then reads the accents and apostrophes of names as they were typed.
        with path.open("w", newline="", encoding="utf-8-sig") as f:
            written = await _csv_rows(rows, f, tz)
        return written


async def _csv_rows(rows: AsyncIterator[LogRow], f: TextIO, tz: ZoneInfo) -> int:
    def when(t: datetime | None) -> str:
        return t.astimezone(tz).isoformat(" ", "minutes")[:16] if t else ""  # 2026-03-02 16:05, local time

    writer = csv.writer(f)
    writer.writerow(COLUMNS)
    written = 0
    async for row in rows:
        writer.writerow(["" if v is None else "'" + v if v.startswith(_FORMULA_START) else v
                         for v in values(row, when)])
        written += 1
    if not written:
        raise NotFound("No cases match, so no file was written.")
    return written


async def write_xlsx(rows: AsyncIterator[LogRow], out: Path, tz: ZoneInfo) -> int:
    import xlsxwriter

    with replacing(out, ".xlsx") as path:
        # constant_memory: each row goes to disk as it is written (rows must come in order, and they do).
        workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        try:
            written = await _xlsx_rows(rows, workbook, tz)
        finally:
            workbook.close()
        return written


async def _xlsx_rows(rows: AsyncIterator[LogRow], workbook: Any, tz: ZoneInfo) -> int:
    sheet = workbook.add_worksheet("Media log")
    for number, width in enumerate(_WIDTHS):
        sheet.set_column(number, number, width)
    sheet.freeze_panes(1, 1)  # the header row and the reference stay in view
    sheet.write_row(0, 0, COLUMNS, workbook.add_format({"bold": True}))
    shown = workbook.add_format({"num_format": _WHEN})

    def local(t: datetime | None) -> datetime | None:  # a worksheet's times have no zone: the organisation's
        return t.astimezone(tz).replace(tzinfo=None, microsecond=0) if t else None

    written = 0
    async for row in rows:
        written += 1
        if written > XLSX_MOST_ROWS:
            raise ValidationFailed(f"More than {XLSX_MOST_ROWS:,} cases: a worksheet holds no more. Export as "
                                   "CSV, or choose a shorter period.")
        for column, value in enumerate(values(row, local)):
            if value is None:
                continue
            if isinstance(value, str):
                # Always a string cell: text that begins with "=" stays text, never a formula.
                sheet.write_string(written, column, _ILLEGAL_IN_XML.sub("", value))
            elif isinstance(value, datetime):
                sheet.write_datetime(written, column, value, shown)
            else:
                sheet.write(written, column, value)
    if not written:
        raise NotFound("No cases match, so no file was written.")
    sheet.autofilter(0, 0, written, len(COLUMNS) - 1)
    return written
