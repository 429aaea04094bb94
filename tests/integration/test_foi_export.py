"""`mediadesk export --foi` on SQLite and PostgreSQL, read back with the csv module and openpyxl: staff not named in
[foi] shown by their role, journalists' phone numbers and email addresses gone, their names and outlets kept."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from bot.domain.media_log import COLUMNS
from storage.db import Database
from tests.integration.command_line import ROOT, history, mediadesk, point_at
from tests.integration.media_log_cases import CASEY, DANA, SAM, T0, add_enquiry, approve, claim, draft, issue

WORDS = ("Why are the Broomfield wards closing? Ring me on 07700 900123 or jane.r@chronicle.example. "
         "Casey Comms told me last week that Dana Director would know; Sam Staff agreed.")
STATEMENT = "Two wards close for refurbishment, said Dana Director. Call the press office on 01245 000000."


async def the_log(db: Database) -> None:
    await add_enquiry(db, "MC-2026-0001", WORDS, journalist="Jane Reporter (mobile 07911 123456)")
    await claim(db, "MC-2026-0001", CASEY, T0 + timedelta(minutes=5))
    await draft(db, "MC-2026-0001", STATEMENT, CASEY, T0 + timedelta(minutes=20))
    await approve(db, "MC-2026-0001", DANA, T0 + timedelta(minutes=40), spokesperson="evan.exec@example.nhs.uk")
    await issue(db, "MC-2026-0001", CASEY, T0 + timedelta(minutes=50))
    await add_enquiry(db, "MC-2026-0002", "Hip operation waiting times", journalist="Priya Patel",
                      outlet="BBC Essex", at=T0 + timedelta(days=1), reporter=SAM)


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


async def test_an_foi_export_shows_staff_by_role_and_drops_contact_details(
        database: Database, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    await the_log(database)
    point_at(monkeypatch, database_url)  # [foi] named_staff = the Director of Communications only
    out = tmp_path / "foi.csv"

    code, said, err = await mediadesk(capsys, "export", "--foi", "--out", str(out))

    assert code == 0, err
    assert said == f"Wrote 2 cases to {out} for a Freedom of Information answer (staff by role, contact details " \
                   "removed).\n"
    first, second = csv_rows(out)
    assert list(first) == list(COLUMNS)
    assert {k: first[k] for k in ("Logged by", "Claimed by", "Approved by", "Spokesperson", "Journalist",
                                  "Outlet")} == {
        "Logged by": "Member of staff", "Claimed by": "Communications officer", "Approved by": "Dana Director",
        "Spokesperson": "Executive director", "Journalist": "Jane Reporter (mobile [phone removed])",
        "Outlet": "Essex Chronicle"}
    assert first["Enquiry"] == ("Why are the Broomfield wards closing? Ring me on [phone removed] or [email removed]. "
                                "Communications officer told me last week that Dana Director would know; Member of "
                                "staff agreed.")
    assert first["Statement as issued"] == STATEMENT  # as given to the press
    assert (second["Journalist"], second["Outlet"], second["Logged by"]) == ("Priya Patel", "BBC Essex",
                                                                             "Member of staff")
    # Nothing of the hidden staff or the journalist's numbers is anywhere in the file.
    text = out.read_text(encoding="utf-8-sig")
    for gone in ("Sam Staff", "Casey Comms", "07700", "07911", "jane.r@", "casey.comms@", "evan.exec@"):
        assert gone not in text

    [recorded] = [e for e in await history(database, "MEDIA-LOG") if e.event == "exported"]
    assert recorded.data == {"format": "csv", "filter": "all cases", "rows": 2, "file": "foi.csv", "foi": True}

    # Without --foi the log is as it was.
    plain = tmp_path / "plain.csv"
    assert (await mediadesk(capsys, "export", "--out", str(plain)))[0] == 0
    row = csv_rows(plain)[0]
    assert (row["Logged by"], row["Claimed by"], row["Enquiry"]) == ("Sam Staff", "Casey Comms", WORDS)


async def test_the_foi_section_decides_who_is_named_and_how_roles_read(
        database: Database, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    await the_log(database)
    example = (ROOT / "mediadesk.example.toml").read_text(encoding="utf-8")
    config = tmp_path / "mediadesk.toml"
    config.write_text(example.split("\n[foi]\n")[0] + '\n[foi]\nnamed_staff = ["casey.comms@example.nhs.uk"]\n'
                      'journalist_names = false\nrole_names = { director_of_comms = "Director" }\n'
                      'staff_label = "ICB staff"\n', encoding="utf-8")
    point_at(monkeypatch, database_url, config)
    out = tmp_path / "foi.xlsx"

    assert (await mediadesk(capsys, "export", "--foi", "--out", str(out), "--kind", "enquiry"))[0] == 0

    sheet = openpyxl.load_workbook(out)["Media log"]
    header, *rows = sheet.iter_rows(values_only=True)
    first = dict(zip(header, rows[0], strict=True))
    assert {k: first[k] for k in ("Logged by", "Claimed by", "Approved by", "Journalist", "Outlet")} == {
        "Logged by": "ICB staff", "Claimed by": "Casey Comms", "Approved by": "Director", "Journalist": "Journalist",
        "Outlet": "Essex Chronicle"}
    assert "Casey Comms told me" in first["Enquiry"] and "that Director would know; ICB staff agreed" in first["Enquiry"]
    assert len(rows) == 2


async def test_a_role_the_foi_section_does_not_know_is_refused_with_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sqlite_url: str) -> None:
    config = tmp_path / "mediadesk.toml"
    config.write_text('[foi]\nnamed_staff = ["dana.director@example.nhs.uk"]\nrole_names = { boss = "Boss" }\n',
                      encoding="utf-8")
    point_at(monkeypatch, sqlite_url, config)
    code, _, err = await mediadesk(capsys, "check-config")
    assert code == 2 and f"{config}, line 3: foi.role_names.boss" in err
