"""`mediadesk sar` (UK GDPR Art. 15) on SQLite and PostgreSQL: everything that names a person, read back from the
zip; nothing written for an address that names nobody; the export recorded in the history."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.domain.conversation import Conversation
from bot.domain.enquiry import Enquiry
from bot.domain.messages import Outbound, Recipient
from bot.domain.press_release import PressComment, PressState
from bot.domain.subject_access import RecordKind
from bot.services import subject_access
from storage.db import Database
from storage.repositories.personal_data import SqlPersonalData
from storage.repositories.references import SqlReferenceStore
from storage.uow import SqlUnitOfWork
from tests.integration.command_line import history, mediadesk, point_at
from tests.integration.media_log_cases import CASEY, SAM, T0, add_crisis, add_press_release, answered, entry
from tests.slack.harness import org_config

JANE = "jane@chronicle.example"


async def enquiry(db: Database, ref: str, journalist: str, email: str, summary: str, at: Any = T0) -> None:
    async with SqlUnitOfWork(db) as uow:
        await uow.enquiries.add(Enquiry(ref=ref, journalist=journalist, outlet="BBC Essex", outlet_kind="broadcast",
                                        phone="+441245999999", email=email, summary=summary,
                                        deadline=at + timedelta(hours=4), reporter=SAM, created_at=at))
        await uow.history.append(entry(ref, at, "logged", SAM, state="open"))
        await uow.commit()


async def the_records(db: Database) -> None:
    # Jane's enquiry, answered (claimed, drafted and issued by Casey, approved by Dana).
    await answered(db, "MC-2026-0001", "Why are the Broomfield wards closing?", "Two wards close for refurbishment.",
                   T0)
    # Another journalist's enquiry that names Jane in its words: found by her name only.
    await enquiry(db, "MC-2026-0002", "Priya Patel", "priya@bbc.example", "Following up the story Jane Reporter "
                  "wrote last week about ward closures.", T0 + timedelta(days=1))
    # An address that holds Jane's as a substring is somebody else.
    await enquiry(db, "MC-2026-0003", "Mary Jane", "mary.jane@chronicle.example", "Parking charges",
                  T0 + timedelta(days=2))
    await add_crisis(db, "CR-2026-0001", "Fire in the pharmacy store", at=T0 + timedelta(days=3), lead=CASEY)
    await add_press_release(db, "PR-2026-0001", "Community diagnostic centre", "Opens in Harlow",
                            at=T0 + timedelta(days=4), state=PressState.COMMENTS)
    async with SqlUnitOfWork(db) as uow:
        await uow.press_comments.add("PR-2026-0001", PressComment(PressState.COMMENTS, "team", SAM.name, SAM.email,
                                                                  "Add the opening hours.", T0 + timedelta(days=4)))
        # The channel card names Jane; a DM to Casey's Slack account names nobody but goes to her.
        await uow.outbox.add(Outbound(Recipient.comms("slack"), {"title": "MC-2026-0001: Jane Reporter, Essex "
                                                                           "Chronicle"}, key="card:MC-2026-0001",
                                      case_ref="MC-2026-0001"), T0)
        await uow.outbox.add(Outbound(Recipient.user("slack", "U_CASEY"), {"title": "You claimed MC-2026-0001"},
                                      case_ref="MC-2026-0001"), T0)
        # A media call being logged in chat by Sam: Jane's details typed in so far.
        await uow.conversations.add(Conversation("media_call", "slack", "U_STAFF", answers={
            "journalist": "Jane Reporter", "email": JANE}), T0 + timedelta(days=5))
        await uow.conversations.add(Conversation("media_call", "slack", "U_CASEY", answers={
            "journalist": "Someone Else"}), T0 + timedelta(days=5))
        await uow.commit()
    await SqlReferenceStore(db).remember("slack", ["email:casey.comms@example.nhs.uk"],
                                         {"user": "U_CASEY", "channel": "D_CASEY"}, T0)


def read_zip(path: Path) -> tuple[list[str], dict[str, list[dict[str, Any]]], str]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        files = {n.removesuffix(".json"): json.loads(archive.read(n)) for n in names if n.endswith(".json")}
        return names, files, archive.read("summary.txt").decode()


async def test_a_journalist_gets_every_record_that_names_her(database: Database, database_url: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    await the_records(database)
    point_at(monkeypatch, database_url)
    out = tmp_path / "sar-jane.zip"

    code, said, err = await mediadesk(capsys, "sar", "--email", "Jane@Chronicle.example", "--name", "Jane  Reporter",
                                      "--out", str(out))

    assert code == 0, err
    assert said.startswith(f"Wrote {out}: ")
    names, files, summary = read_zip(out)
    assert names == [f"{k.value}.json" for k in RecordKind] + ["summary.txt"]
    cases = {c["case"]: c for c in files["cases"]}
    assert sorted(cases) == ["MC-2026-0001", "MC-2026-0002"]  # not Mary Jane's
    mine = cases["MC-2026-0001"]
    assert mine["case_kind"] == "enquiry" and mine["names_you_in"] == ["email", "journalist"]
    assert mine["record"]["phone"] == "+441245123456" and mine["record"]["summary"].startswith("Why are the")
    assert mine["record"]["created_at"] == "2026-03-02T10:00:00+00:00"
    assert cases["MC-2026-0002"]["names_you_in"] == ["summary"]
    assert [o["record"]["card"]["title"] for o in files["outbox"]] == ["MC-2026-0001: Jane Reporter, Essex Chronicle"]
    [form] = files["conversations"]
    assert form["record"]["answers"] == {"journalist": "Jane Reporter", "email": JANE}
    assert form["names_you_in"] == ["answers.email", "answers.journalist"]
    assert files["drafts"] == files["sign_offs"] == files["press_comments"] == files["contacts"] == []
    # The summary: what, why, from when, under which case.
    assert "Person:    jane@chronicle.example (and the name “Jane Reporter”)" in summary
    assert "cases.json                   2  cases (media enquiries, crises, press releases)" in summary
    assert "enquiry: a media enquiry to the ICB" in summary
    lines = summary.splitlines()
    at = lines.index("  MC-2026-0001   enquiry, logged 02 Mar 2026")
    assert lines[at + 1].strip() == "as the journalist; named in a message the bot sent"
    assert lines[at + 2].strip() == "held: 1 case record, 1 message copy"
    later = lines.index("  MC-2026-0002   enquiry, logged 03 Mar 2026")
    assert lines[later + 1].strip() == "named in the text (summary)"
    assert "(found by name only: check it is this person)" in lines[later + 2]
    assert "review them and remove third parties' data" in summary.lower()

    [recorded] = await history(database, "SAR")
    assert recorded.event == "sar_exported" and recorded.actor.endswith("(command line)")
    assert recorded.data == {"email": JANE, "name": "Jane Reporter", "file": "sar-jane.zip",
                             "records": {"cases": 2, "conversations": 1, "outbox": 1},
                             "cases": ["MC-2026-0001", "MC-2026-0002"]}

    # A second request finds the first one in the access log, which names her.
    again = tmp_path / "again.zip"
    assert (await mediadesk(capsys, "sar", "--email", JANE, "--out", str(again)))[0] == 0
    _, files, summary = read_zip(again)
    assert [h["record"]["event"] for h in files["history"]] == ["sar_exported"]
    assert sorted(c["case"] for c in files["cases"]) == ["MC-2026-0001"]  # by email only: not Priya's enquiry
    assert "SAR            the access log" in summary


async def test_a_member_of_staff_gets_their_steps_drafts_accounts_and_role(
        database: Database, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    await the_records(database)
    point_at(monkeypatch, database_url)
    out = tmp_path / "casey.zip"

    code, _, err = await mediadesk(capsys, "sar", "--email", CASEY.email or "", "--out", str(out))

    assert code == 0, err
    _, files, summary = read_zip(out)
    assert {c["case"]: c["names_you_in"] for c in files["cases"]} == {
        "MC-2026-0001": ["owner.email"], "CR-2026-0001": ["lead.email"]}
    assert [(h["case"], h["record"]["event"]) for h in files["history"]] == [
        ("MC-2026-0001", "claim"), ("MC-2026-0001", "draft"), ("MC-2026-0001", "issue")]
    assert [d["record"]["author_email"] for d in files["drafts"]] == [CASEY.email]
    # Her Slack account (from the cases that name her) finds the DM she was sent and the form she is filling in.
    assert [o["record"]["recipient"] for o in files["outbox"]] == ["U_CASEY"]
    assert [c["record"]["answers"] for c in files["conversations"]] == [{"journalist": "Someone Else"}]
    assert files["contacts"] == [
        {"case": None, "names_you_in": ["ref_key", "reference.user"], "record": {
            "platform": "slack", "ref_key": "email:casey.comms@example.nhs.uk",
            "reference": {"user": "U_CASEY", "channel": "D_CASEY"}, "updated_at": "2026-03-02T10:00:00+00:00"}},
        {"case": None, "names_you_in": [], "record": {
            "source": "the organisation's configuration file (roles and names of staff)",
            "email": "casey.comms@example.nhs.uk", "name": "Casey Comms", "roles": ["comms_team"]}}]
    assert "CR-2026-0001   crisis, logged 05 Mar 2026" in summary and "as who led it" in summary
    assert "NOT UNDER ANY CASE" in summary


@pytest.mark.parametrize(("args", "status", "said"), [
    (["--email", "nobody@example.org"], 1, "Nothing Media Desk holds names nobody@example.org, so no file was "
                                           "written."),
    (["--email", "nobody@example.org", "--name", "No Body"], 1, "Nothing Media Desk holds names nobody@example.org "
                                                                "or “No Body”, so no file was written."),
    (["--email", "not-an-address"], 2, "“not-an-address” is not an email address"),
    (["--email", JANE, "--name", " "], 2, "Give the person's name as it would be written on a case"),
])
async def test_nobody_named_or_bad_input_gets_a_sentence_and_no_file(
        database: Database, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], args: list[str], status: int, said: str) -> None:
    await the_records(database)
    point_at(monkeypatch, database_url)

    code, _, err = await mediadesk(capsys, "sar", *args, "--out", str(tmp_path / "out.zip"))

    assert (code, err.split("\n")[0][:len(said)]) == (status, said)
    assert [p for p in os.listdir(tmp_path) if p.endswith(".zip") or p.startswith(".out")] == []
    assert await history(database, "SAR") == []


async def test_the_file_must_be_a_zip(database: Database, database_url: str, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    point_at(monkeypatch, database_url)
    code, _, err = await mediadesk(capsys, "sar", "--email", JANE, "--out", str(tmp_path / "jane.txt"))
    assert code == 2 and err.startswith("A subject access export is a zip file")


async def test_the_export_is_read_in_batches(database: Database, tmp_path: Path) -> None:
    """Many cases, read seven at a time, come out whole and in order (memory holds a batch and one line each)."""
    async with SqlUnitOfWork(database) as uow:
        for i in range(60):
            await uow.enquiries.add(Enquiry(
                ref=f"MC-2020-{i:04d}", journalist="Jane Reporter" if i % 3 else "Someone Else", outlet="O",
                outlet_kind="online", phone=None, email=JANE if i % 3 else "else@o.example", summary=f"Question {i}",
                deadline=T0, reporter=SAM, created_at=T0 + timedelta(minutes=i)))
        await uow.commit()
    org = org_config()

    found = await subject_access.export(SqlPersonalData(database), org.directory(), JANE, None,
                                        tmp_path / "jane.zip", org.tz, T0, batch=7)

    assert found.counts[RecordKind.CASES] == 40
    _, files, _ = read_zip(tmp_path / "jane.zip")
    assert [c["case"] for c in files["cases"]] == [f"MC-2020-{i:04d}" for i in range(60) if i % 3]
