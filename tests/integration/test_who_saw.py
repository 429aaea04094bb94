"""Access recorded and `mediadesk audit who-saw REF`, on SQLite and PostgreSQL: the searches that returned a case
(at the command line and through the service the chat uses), the exports whose filter held it, the subject access
exports that took records from it, and its redactions; nothing for the cases they left out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.people import Actor, Person
from bot.services import media_log
from storage.db import Database
from storage.repositories.search import SqlMediaLog
from storage.uow import SqlUnitOfWork
from tests.integration.command_line import history, mediadesk, point_at
from tests.integration.media_log_cases import DANA, T0, add_crisis, add_enquiry, answered
from tests.slack.harness import org_config

PAT = Person("Pat Staff", "pat.staff@example.nhs.uk", "slack", "U_PAT")  # in no role: sees what they logged


async def the_log(db: Database) -> None:
    await answered(db, "MC-2026-0001", "Why are the Broomfield wards closing?", "Two wards close for refurbishment.",
                   T0)
    await add_enquiry(db, "MC-2026-0002", "Hip operation waiting times", at=T0 + timedelta(days=3), reporter=PAT)
    await add_crisis(db, "CR-2026-0001", "Fire in the pharmacy store", at=T0 + timedelta(days=1))


async def who_saw(capsys: pytest.CaptureFixture[str], ref: str) -> list[dict]:
    code, out, err = await mediadesk(capsys, "audit", "who-saw", ref, "--json")
    assert code == 0, err
    return json.loads(out)


async def test_who_saw_lists_the_searches_and_exports_that_held_the_case(
        database: Database, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    await the_log(database)
    point_at(monkeypatch, database_url)
    org = org_config()
    for args in (["search", "wards"], ["search", "hip"], ["export", "--out", str(tmp_path / "all.csv")],
                 ["export", "--out", str(tmp_path / "later.csv"), "--from", "2026-03-04"],
                 ["export", "--out", str(tmp_path / "crises.csv"), "--kind", "crisis"],
                 ["export", "--foi", "--out", str(tmp_path / "foi.xlsx")],
                 ["sar", "--email", DANA.email or "", "--out", str(tmp_path / "dana.zip")]):
        code, _, err = await mediadesk(capsys, *args)
        assert code == 0, (args, err)
    # The chat's search goes through the same service: a comms officer sees everything; a member of staff only
    # what they logged, and the filter recorded says so.
    comms = Actor("slack", "U_CASEY", "casey.comms@example.nhs.uk", "Casey Comms")
    staff = Actor("slack", "U_PAT", PAT.email, "Pat Staff")
    at = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    for who in (comms, staff):
        await media_log.search(SqlMediaLog(database), org.directory(), who, "wards OR hip", org.tz,
                               uow=lambda: SqlUnitOfWork(database), now=at)
    # Pat exports what they logged: only the second enquiry.
    await media_log.export(SqlMediaLog(database), org.directory(), staff, tmp_path / "mine.csv", "csv", org.tz, at,
                           uow=lambda: SqlUnitOfWork(database))
    code, _, err = await mediadesk(capsys, "redact", "MC-2026-0001", "--field", "phone", "--reason",
                                   "asked by the journalist", "--by", DANA.email or "")
    assert code == 0, err

    first = await who_saw(capsys, "mc-2026-0001")
    assert [(a["what"], a["detail"]) for a in first] == [
        ("search", "“wards”: 1 result (all cases)"),
        ("export", "csv, all cases: 3 rows, file all.csv"),
        ("FOI export", "xlsx, all cases: 3 rows, file foi.xlsx"),
        ("subject access export", "for dana.director@example.nhs.uk, file dana.zip"),
        ("search", "“wards OR hip”: 2 results (all cases)"),
        ("redaction", "field: phone; reason: asked by the journalist")]
    assert first[0]["who"].endswith("(command line)") and first[0]["email"] is None
    assert (first[4]["who"], first[4]["email"]) == ("Casey Comms", "casey.comms@example.nhs.uk")
    assert all(a["certain"] for a in first)

    second = await who_saw(capsys, "MC-2026-0002")
    assert [(a["what"], a["who"], a["detail"]) for a in second][1:] == [
        ("export", first[1]["who"], "csv, all cases: 3 rows, file all.csv"),
        ("export", first[1]["who"], "csv, all cases, logged from 2026-03-04 00:00 UTC: 1 row, file later.csv"),
        ("FOI export", first[1]["who"], "xlsx, all cases: 3 rows, file foi.xlsx"),
        ("search", "Casey Comms", "“wards OR hip”: 2 results (all cases)"),
        ("search", "Pat Staff", "“wards OR hip”: 1 result (all cases, logged by pat.staff@example.nhs.uk)"),
        ("export", "Pat Staff", "csv, all cases, logged by pat.staff@example.nhs.uk: 1 row, file mine.csv")]
    assert second[0]["detail"] == "“hip”: 1 result (all cases)"

    crisis = await who_saw(capsys, "CR-2026-0001")
    assert [a["detail"].split(": ")[-1] for a in crisis if a["what"] == "export"] == [
        "3 rows, file all.csv", "1 row, file crises.csv"]

    # The recorded search says what was looked for and what came back.
    recorded = [e for e in await history(database, "MEDIA-LOG") if e.event == "searched"]
    assert [e.data for e in recorded][:2] == [
        {"words": "wards", "filter": "all cases", "hits": ["MC-2026-0001"]},
        {"words": "hip", "filter": "all cases", "hits": ["MC-2026-0002"]}]

    # Read as text.
    code, out, _ = await mediadesk(capsys, "audit", "who-saw", "MC-2026-0001")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Who saw MC-2026-0001 (enquiry, logged 02 Mar 2026), oldest first:"
    assert lines[-2].split()[2:] == ["redaction", "Dana", "Director", "<dana.director@example.nhs.uk>"]
    assert lines[-1].strip() == "field: phone; reason: asked by the journalist"


async def test_a_case_logged_after_an_export_was_not_in_it(database: Database, database_url: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    await the_log(database)
    point_at(monkeypatch, database_url)
    assert (await mediadesk(capsys, "export", "--out", str(tmp_path / "all.csv")))[0] == 0
    await add_enquiry(database, "MC-2026-0003", "Parking", at=datetime.now(UTC) + timedelta(minutes=5))

    assert await who_saw(capsys, "MC-2026-0003") == []
    code, out, _ = await mediadesk(capsys, "audit", "who-saw", "MC-2026-0003")
    assert (code, out) == (0, "Nobody has searched, exported or redacted MC-2026-0003 (enquiry, logged "
                              f"{(datetime.now(UTC) + timedelta(minutes=5)).astimezone(org_config().tz):%d %b %Y}).\n")


@pytest.mark.parametrize(("args", "status", "said"), [
    (["audit", "who-saw", "MC-2099-0001"], 1, "There is no case MC-2099-0001: check the reference"),
    (["audit", "who-saw"], 2, "Say which case: its reference, e.g. MC-2026-0042."),
    (["audit", "verify", "MC-2026-0001"], 2, "audit verify takes no case reference (who-saw does)."),
])
async def test_bad_references_are_refused_in_a_sentence(database: Database, database_url: str,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str], args: list[str],
                                                        status: int, said: str) -> None:
    await the_log(database)
    point_at(monkeypatch, database_url)
    code, _, err = await mediadesk(capsys, *args)
    assert (code, err[:len(said)]) == (status, said)
