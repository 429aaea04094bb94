"""`mediadesk search` and `mediadesk export` (issue 14) run as `bot.app.cli.main.main([...])` against SQLite and PostgreSQL,
the files read back with the csv module and openpyxl; an enquiry taken through the real services end to end."""

from __future__ import annotations

import asyncio
import csv
import json
import logging
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from bot.app.cli.main import main
from bot.clock import FrozenClock
from bot.domain.media_log import COLUMNS
from bot.domain.nudges import NudgePolicy
from bot.domain.people import Actor
from bot.domain.statement import Decision, Slot
from bot.services import enquiries, responses
from bot.services.core import Core
from bot.services.intake import log_enquiry
from storage.db import open_database
from storage.uow import SqlUnitOfWork
from tests.integration.media_log_cases import T0, add_crisis, add_enquiry, add_press_release, answered
from tests.slack.harness import COMMS_A, DIRECTOR, STAFF, org_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The command line pointed at the test database, with the example organisation (Europe/London)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MEDIADESK_CONFIG", str(ROOT / "mediadesk.example.toml"))
    for name in ("MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD", "MICROSOFT_APP_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    return database_url


def seed(url: str, *steps) -> None:  # noqa: ANN002 - coroutine functions taking the database
    async def run() -> None:
        db = open_database(url)
        try:
            for step in steps:
                await step(db)
        finally:
            await db.dispose()

    asyncio.run(run())


def the_log(url: str) -> None:
    seed(url,
         lambda db: answered(db, "MC-2026-0001", "Why are the Broomfield wards closing?",
                             "=Two wards close for refurbishment; no beds are lost.", T0),
         lambda db: add_enquiry(db, "MC-2026-0002", "Hip operation waiting times", outlet="BBC Essex",
                                journalist="Priya Patel", outlet_kind="broadcast", at=T0 + timedelta(days=3),
                                deadline=timedelta(hours=2)),
         lambda db: add_crisis(db, "CR-2026-0001", "Fire in the pharmacy store", at=T0 + timedelta(days=1)),
         lambda db: add_press_release(db, "PR-2026-0001", "Community diagnostic centre", "Opens in Harlow",
                                      at=T0 + timedelta(days=2)))


# ---- search


def test_search_prints_the_hits_and_their_passages(cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    the_log(cli)

    assert main(["search", "wards", "closing"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["MC-2026-0001", "enquiry", "closed", "02", "Mar", "2026", "Essex", "Chronicle",
                              "(Jane", "Reporter)"]
    assert "**wards**" in out[1] and "**closing**" in out[1]


def test_search_as_json_with_filters(cli: str, capsys: pytest.CaptureFixture[str]) -> None:
    the_log(cli)

    assert main(["search", "fire", "OR", "hip", "--kind", "crisis", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--json"]) == 0

    [hit] = json.loads(capsys.readouterr().out)
    assert hit["ref"] == "CR-2026-0001" and hit["kind"] == "crisis" and hit["state"] == "reported"
    assert hit["logged_at"] == "2026-03-03T10:00:00+00:00"
    assert "**Fire**" in hit["snippet"]


@pytest.mark.parametrize(("args", "status", "said"), [
    (["search", "nothing-like-this"], 1, "Nothing in the media log matches “nothing-like-this”."),
    (["search", "wards", "--kind", "complaint"], 2, "There is no kind of case called “complaint”"),
    (["search", "wards", "--state", "lost"], 2, "“lost” is not a state of any case"),
    (["search", "wards", "--from", "2026-02-30"], 2, "The from date “2026-02-30” is not a date on the calendar"),
    (["search", "wards", "--outlet-type", "magazine"], 2, "There is no outlet type called “magazine”"),
    (["export", "--out", "x.csv", "--from", "2030-01-01"], 1, "No cases match (all cases, logged from "
                                                              "2030-01-01 00:00 UTC), so no file was written."),
    (["export", "--out", "x.pdf"], 2, "I can export the media log as csv or xlsx, not “pdf”."),
    (["export", "--out", "x"], 2, "Say which format to write: --format csv or --format xlsx"),
    (["export", "--out", "x.csv", "--to", "2026-13-01"], 2, "The to date “2026-13-01” is not a date"),
])
def test_bad_input_gets_a_sentence_and_no_file(cli: str, capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch, args: list[str], status: int,
                                               said: str) -> None:
    the_log(cli)
    monkeypatch.chdir(tmp_path)

    assert main(args) == status

    assert capsys.readouterr().err.startswith(said)
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".db") and "-wal" not in p.name
            and "-shm" not in p.name] == []


# ---- export


def test_csv_export_has_one_row_per_case_with_the_logs_columns(cli: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    the_log(cli)
    out = tmp_path / "media-log.csv"

    assert main(["export", "--format", "csv", "--out", str(out)]) == 0

    assert capsys.readouterr().out == f"Wrote 4 cases to {out}.\n"
    with out.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(COLUMNS)
    assert [r["Reference"] for r in rows] == ["MC-2026-0001", "CR-2026-0001", "PR-2026-0001", "MC-2026-0002"]
    answered_row = rows[0]
    # Times in London (GMT in early March).
    assert {k: answered_row[k] for k in COLUMNS} == {
        "Reference": "MC-2026-0001", "Kind": "enquiry", "Logged at": "2026-03-02 10:00", "Logged by": "Sam Staff",
        "Outlet": "Essex Chronicle", "Outlet type": "newspaper", "Journalist": "Jane Reporter",
        "Enquiry": "Why are the Broomfield wards closing?", "Deadline": "2026-03-02 16:00",
        "Claimed by": "Casey Comms", "Claimed at": "2026-03-02 10:05", "Spokesperson": "written",
        # A statement starting with "=" stays text in a spreadsheet.
        "Statement as issued": "'=Two wards close for refurbishment; no beds are lost.",
        "Approved by": "Dana Director", "Approved at": "2026-03-02 10:40", "Issued at": "2026-03-02 10:50",
        "Issued how": "email", "Deadline met": "met", "State": "closed", "Closed at": "2026-03-02 10:50"}
    assert rows[3]["Deadline met"] == "missed"  # two hours, long gone, and nothing issued
    assert rows[3]["Outlet type"] == "broadcast" and rows[3]["Claimed by"] == ""
    assert rows[1]["Kind"] == "crisis" and rows[1]["Enquiry"] == "Fire in the pharmacy store"
    assert rows[2]["Kind"] == "press release" and rows[2]["Enquiry"] == "Community diagnostic centre — Opens in Harlow"


def test_the_export_is_filtered_and_recorded_in_the_history(cli: str, tmp_path: Path) -> None:
    the_log(cli)
    out = tmp_path / "enquiries.csv"

    assert main(["export", "--out", str(out), "--kind", "enquiry", "--from", "2026-03-03"]) == 0

    with out.open(newline="", encoding="utf-8-sig") as f:
        assert [r["Reference"] for r in csv.DictReader(f)] == ["MC-2026-0002"]

    async def history() -> list:
        db = open_database(cli)
        try:
            async with SqlUnitOfWork(db) as uow:
                return await uow.history.for_case("MEDIA-LOG")
        finally:
            await db.dispose()

    [exported] = asyncio.run(history())
    assert exported.event == "exported" and exported.actor.endswith("(command line)")
    assert exported.data == {"format": "csv", "filter": "enquiry, logged from 2026-03-03 00:00 UTC", "rows": 1,
                             "file": "enquiries.csv"}


def test_xlsx_export_is_a_real_workbook(cli: str, tmp_path: Path) -> None:
    the_log(cli)
    out = tmp_path / "media-log.xlsx"

    assert main(["export", "--out", str(out)]) == 0  # the format from the file's name

    book = openpyxl.load_workbook(out)
    sheet = book["Media log"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert len(rows) == 5
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == "A1:T5"
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert first["Logged at"] == datetime(2026, 3, 2, 10, 0)  # a date cell, not text
    assert sheet["C2"].is_date and sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert first["Statement as issued"] == "=Two wards close for refurbishment; no beds are lost."
    assert sheet["M2"].data_type == "s"  # text, never a formula
    assert first["Deadline met"] == "met" and first["Approved by"] == "Dana Director"
    assert sheet["A1"].font.bold


def test_an_export_streams_in_batches(cli: str) -> None:
    """The log is read a batch at a time: 1,203 cases in batches of 100 come out whole and in order."""
    async def run() -> list[str]:
        from bot.domain.media_log import LogFilter
        from storage.repositories.search import SqlMediaLog

        db = open_database(cli)
        try:
            async with SqlUnitOfWork(db) as uow:
                from bot.domain.enquiry import Enquiry
                from tests.integration.media_log_cases import SAM

                for i in range(1203):
                    await uow.enquiries.add(Enquiry(
                        ref=f"MC-2020-{i:05d}", journalist="J", outlet="O", outlet_kind="online", phone=None,
                        email="j@o.example", summary=f"Question {i}", deadline=T0, reporter=SAM,
                        created_at=T0 + timedelta(minutes=i)))
                await uow.commit()
            return [row.ref async for row in SqlMediaLog(db).rows(LogFilter(), T0, batch=100)]
        finally:
            await db.dispose()

    refs = asyncio.run(run())
    assert refs == [f"MC-2020-{i:05d}" for i in range(1203)]


async def _past_the_split(db: object) -> None:
    """304 cases: an answered enquiry first and last, a press release, and 301 enquiries seven a minute."""
    from bot.domain.enquiry import Enquiry
    from tests.integration.media_log_cases import SAM

    await answered(db, "MC-2019-0001", "Why are the Broomfield wards closing?", "Two wards close for refurbishment.",
                   T0 - timedelta(days=1))
    await add_press_release(db, "PR-2030-0001", "Community diagnostic centre", "Opens in Harlow",
                            at=T0 + timedelta(days=30))
    await answered(db, "MC-2031-0001", "Is the Harlow walk-in centre moving?",
                   "It moves to the new health centre in May.", T0 + timedelta(days=40))
    async with SqlUnitOfWork(db) as uow:  # type: ignore[arg-type]
        for i in range(301):
            await uow.enquiries.add(Enquiry(
                ref=f"MC-2020-{i:05d}", journalist="J", outlet="O", outlet_kind="online", phone=None,
                email="j@o.example", summary=f"Question {i}", deadline=T0, reporter=SAM,
                created_at=T0 + timedelta(minutes=i // 7)))
        await uow.commit()


def test_a_big_export_read_in_two_processes_gives_the_same_lines_as_one(cli: str,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    """Past the split, the second half of the cases is read by a helper process: every line comes out once, in
    order, the same as read alone; cases logged in the same minute straddle the split without loss."""
    caplog.set_level(logging.INFO, logger="mediadesk.storage")

    async def run() -> tuple[list, list]:
        from bot.domain.media_log import LogFilter
        from storage.repositories.search import SqlMediaLog

        db = open_database(cli)
        try:
            await _past_the_split(db)
            alone = [row async for row in SqlMediaLog(db, split_from=None).rows(LogFilter(), T0, batch=50)]
            assert "two processes" not in caplog.text
            split = [row async for row in SqlMediaLog(db, split_from=100).rows(LogFilter(), T0, batch=50)]
            assert "reading the media log in two processes" in caplog.text
            return alone, split
        finally:
            await db.dispose()

    alone, split = asyncio.run(run())
    assert len(alone) == 304 and alone[0].ref == "MC-2019-0001" and alone[-1].ref == "MC-2031-0001"
    assert alone[-1].statement and alone[-1].approved_by  # the helper's half read with history and sign-offs
    assert split == alone


def test_a_big_export_whose_helper_fails_says_so_and_leaves_no_file(cli: str, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper process can't run (here: the interpreter it is started with fails at once): the export fails
    with a clear error, writes no file under the name asked for, and leaves no spool behind."""
    import sys
    import tempfile

    from bot.services import media_log
    from storage.repositories.search import SqlMediaLog

    org = org_config()
    (tmp_path / "exports").mkdir()
    out = tmp_path / "exports" / "log.csv"
    spools = lambda: {p.name for p in Path(tempfile.gettempdir()).glob("mediadesk-log-*")}  # noqa: E731

    async def run() -> None:
        db = open_database(cli)
        try:
            await _past_the_split(db)
            before = spools()
            monkeypatch.setattr(sys, "executable", "/bin/false")  # the helper's interpreter, nothing of ours
            with pytest.raises(RuntimeError, match="second half of the media log failed"):
                await media_log.export(SqlMediaLog(db, split_from=100), org.directory(), None, out, "csv", org.tz,
                                       T0)
            assert spools() == before
        finally:
            await db.dispose()

    asyncio.run(run())
    assert list(out.parent.iterdir()) == []  # neither the file nor a half-written one beside it


# ---- through the real services


def test_an_enquiry_taken_through_the_services_is_logged_as_it_happened(cli: str, tmp_path: Path) -> None:
    org = org_config()
    clock = FrozenClock(datetime(2026, 6, 3, 9, 0, tzinfo=org.tz))  # a Wednesday morning (BST)

    async def work() -> None:
        db = open_database(cli)
        core = Core(uow=lambda: SqlUnitOfWork(db), clock=clock, directory=org.directory(), tz=org.tz,
                    hours=org.office_hours.hours(org.tz), rota=org.rota(), policy=NudgePolicy())
        staff, comms, director = (Actor("slack", who[0], who[1], who[2]) for who in (STAFF, COMMS_A, DIRECTOR))
        try:
            async with core.uow() as uow:
                ctx = core.ctx()
                enquiry = await log_enquiry(uow, core, staff, {
                    "journalist": "Jane Reporter", "outlet": "Essex Chronicle", "outlet_kind": "newspaper",
                    "phone": "01245 123456", "email": "jane@chronicle.example",
                    "summary": "Is the Harlow minor injuries unit closing at night?",
                    "deadline": (ctx.now + timedelta(hours=3)).isoformat()}, ctx)
                await uow.commit()
            ref = enquiry.ref
            clock.advance(minutes=7)
            await enquiries.act_on_enquiry(core, comms, "claim", ref, "k-claim")
            clock.advance(minutes=30)
            statement = "The unit stays open overnight; opening hours are unchanged."
            await responses.save_draft(core, comms, ref, {"statement": statement, "spokesperson": "written"},
                                       "k-draft")
            await responses.request_sign_off(core, comms, ref, "k-ask")
            clock.advance(minutes=20)
            async with core.uow() as uow:
                latest = await uow.drafts.latest(ref)
            assert latest is not None
            await responses.decide(core, director, ref, Slot.COMMS, latest.number, latest.fingerprint,
                                   Decision.APPROVED, "k-approve")
            clock.advance(minutes=10)
            await responses.issue(core, comms, ref, {"method": "email", "text": statement,
                                                     "contact": "Casey Comms"}, "k-issue")
        finally:
            await db.dispose()

    asyncio.run(work())
    out = tmp_path / "log.csv"
    assert main(["export", "--out", str(out)]) == 0
    with out.open(newline="", encoding="utf-8-sig") as f:
        [row] = list(csv.DictReader(f))
    assert {k: row[k] for k in ("Logged at", "Logged by", "Claimed by", "Claimed at", "Statement as issued",
                                "Approved by", "Approved at", "Issued at", "Issued how", "Deadline",
                                "Deadline met", "State", "Closed at")} == {
        "Logged at": "2026-06-03 09:00", "Logged by": "Sam Staff", "Claimed by": "Casey Comms",
        "Claimed at": "2026-06-03 09:07", "Statement as issued": "The unit stays open overnight; opening hours "
                                                                 "are unchanged.",
        "Approved by": "Dana Director", "Approved at": "2026-06-03 09:57", "Issued at": "2026-06-03 10:07",
        "Issued how": "email", "Deadline": "2026-06-03 12:00", "Deadline met": "met", "State": "closed",
        "Closed at": "2026-06-03 10:07"}
