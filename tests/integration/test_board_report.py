"""`mediadesk report --month YYYY-MM` (issue 14): the Board's figures as a workbook with native charts or an HTML
page, read back with openpyxl and html.parser, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from bot.app.cli.main import main
from storage.db import open_database
from tests.integration.media_log_cases import T0, add_crisis, add_enquiry, add_press_release, answered

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MEDIADESK_CONFIG", str(ROOT / "mediadesk.example.toml"))
    for name in ("MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD", "MICROSOFT_APP_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)

    async def seed() -> None:
        db = open_database(database_url)
        try:
            # March 2026 (GMT): three answered within the hour, one on a Saturday evening (out of hours).
            await answered(db, "MC-2026-0001", "Ward closures", "Two wards close.", T0)
            await answered(db, "MC-2026-0002", "Hip waits", "Waits are falling.", T0 + timedelta(days=7),
                           outlet="BBC Essex", outlet_kind="broadcast")
            await answered(db, "MC-2026-0003", "Parking", "Parking is free.",
                           datetime(2026, 3, 14, 19, 0, tzinfo=UTC))
            # Logged with a two-hour deadline and never answered: missed.
            await add_enquiry(db, "MC-2026-0004", "Food hygiene", at=T0 + timedelta(days=8),
                              deadline=timedelta(hours=2))
            await add_crisis(db, "CR-2026-0001", "Fire in the pharmacy store", at=T0 + timedelta(days=2))
            await add_press_release(db, "PR-2026-0001", "Diagnostic centre", "Opens in May", at=T0)
            # April: not in March's report.
            await add_enquiry(db, "MC-2026-0005", "Something in April", at=datetime(2026, 4, 1, 9, tzinfo=UTC))
        finally:
            await db.dispose()

    asyncio.run(seed())
    return database_url


def test_the_workbook_has_the_figures_their_definitions_and_native_charts(cli: str, tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]
                                                                          ) -> None:
    out = tmp_path / "board.xlsx"

    assert main(["report", "--month", "2026-03", "--out", str(out)]) == 0

    assert capsys.readouterr().out == (f"Wrote the report for March 2026 to {out}: 6 cases, deadlines met 75%, "
                                       "median time to issue 50 min.\n")
    book = openpyxl.load_workbook(out)
    rows = [row for row in book["Summary"].iter_rows(values_only=True) if row and row[0]]
    split = rows.index(("What the figures mean", None))
    summary, meanings = dict(rows[1:split]), dict(rows[split + 1:])
    assert rows[0] == ("Media log: March 2026", None)
    assert summary["Cases"] == "6"
    assert summary["  enquiry"] == "4" and summary["  crisis"] == "1" and summary["  press release"] == "1"
    assert summary["Deadlines met"] == "75% (3 of 4)"
    assert summary["Time to claim"] == "median 5 min, 90th percentile 5 min (3 cases)"
    assert summary["Time to issue"] == "median 50 min, 90th percentile 50 min (3 cases)"
    assert summary["Out of hours"] == "1"
    assert summary["Crises"] == "1" and summary["Press releases issued"] == "0"
    assert summary["Written answers to newspapers"] == "2"
    assert "withdrawn" in meanings["Deadlines met"]  # the definitions, under the figures
    assert set(meanings) >= {"Cases", "Time to claim", "Out of hours", "Crisis to holding line"}
    by_week = list(book["By week"].iter_rows(values_only=True))
    assert by_week == [("Week", "Enquiries"), ("w/c 02 Mar", 1), ("w/c 09 Mar", 3)]
    assert list(book["By outlet type"].iter_rows(values_only=True))[1:] == [("broadcast", 1), ("newspaper", 3)]
    for name in ("By kind", "By outlet type", "By week"):
        assert len(book[name]._charts) == 1  # openpyxl keeps the charts it reads back here


def test_the_html_page_has_the_figures_svg_charts_and_definitions(cli: str, tmp_path: Path) -> None:
    out = tmp_path / "board.html"

    assert main(["report", "--month", "2026-03", "--out", str(out)]) == 0

    page = Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.title == "Media log: March 2026"
    assert ["Cases", "6"] in page.rows and ["Deadlines met", "75% (3 of 4)"] in page.rows
    assert page.svgs == ["Cases by kind", "Enquiries by outlet type", "Enquiries by week"]
    assert "Deadlines met" in page.terms and "Out of hours" in page.terms


@pytest.mark.parametrize(("args", "status", "said"), [
    (["--month", "2025-01"], 1, "No cases were logged in January 2025: there is nothing to report"),
    (["--month", "2026-13"], 2, "“2026-13” is not a month: write it as YYYY-MM"),
    (["--month", "March"], 2, "“March” is not a month"),
])
def test_a_month_with_nothing_or_no_month_at_all_is_answered(cli: str, tmp_path: Path, args: list[str],
                                                             status: int, said: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "board.xlsx"

    assert main(["report", *args, "--out", str(out)]) == status

    assert capsys.readouterr().err.startswith(said)
    assert not out.exists()


def test_a_report_in_another_format_is_refused(cli: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--month", "2026-03", "--out", str(tmp_path / "board.pdf")]) == 2
    assert "as a workbook (.xlsx) or a web page (.html), not “board.pdf”" in capsys.readouterr().err


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.title, self.rows, self.svgs, self.terms = "", [], [], []
        self._in: str | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self.svgs.append(dict(attrs)["aria-label"])
        if tag == "tr":
            self._row = []
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title" and not self.svgs:  # the page's title, not a bar's
            self.title += data
        elif self._in in ("th", "td") and self._row is not None:
            self._row.append(data)
        elif self._in == "dt":
            self.terms.append(data)
