"""Retention (issue 15) on SQLite and PostgreSQL: each kind of case gets its class and review date when it closes,
the check only queues, the Director gets the month's card, and `mediadesk retention` decides, holds and refuses;
destroying a case removes its content everywhere, the history's entries included, and leaves the disposal
record."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.app.cli.main import main
from bot.app.config import OrgConfig
from bot.clock import FrozenClock
from bot.domain.audit import ChainWalk
from bot.domain.conversation import Conversation
from bot.domain.crisis import Crisis, CrisisState
from bot.domain.enquiry import EnquiryState
from bot.domain.errors import InvalidTransition, NotAllowed, NotFound
from bot.domain.media_log import LogFilter
from bot.domain.messages import Outbound, Recipient
from bot.domain.press_release import PressState
from bot.domain.retention import RetentionClass, RetentionPolicy, RetentionStatus
from bot.services import retention
from bot.services.core import Core
from cards.model import Card
from cards.slack import render_message
from cards.teams import render_card
from storage import history_audit
from storage.db import Database
from storage.models import CaseRetentionRow, DisposalRow, OutboxRow
from storage.repositories.search import SqlMediaLog
from storage.uow import SqlUnitOfWork
from tests.adaptive import validate_adaptive_card
from tests.conformance import check_block_kit
from tests.integration.media_log_cases import SAM, add_enquiry, add_press_release, answered, entry
from tests.integration.support import ALL_TABLES
from tests.prose import doubled_stops
from tests.slack.harness import COMMS_A, DIRECTOR, org_config

RITA = "rita.records@example.nhs.uk"  # the IG lead, a records manager
T = datetime(2019, 3, 4, 10, 0, tzinfo=UTC)
POLICY = RetentionPolicy()


def org() -> OrgConfig:
    config = org_config()
    return config.model_copy(update={"people": config.people.model_copy(update={"records_managers": [RITA]})})


def core(db: Database, now: datetime) -> Core:
    o = org()
    return Core(uow=lambda: SqlUnitOfWork(db), clock=FrozenClock(now), directory=o.directory(), tz=o.tz,
                chat_platforms=("slack", "teams"))


async def enquiry_closed(db: Database, ref: str, at: datetime, *, patient_safety: bool = False, **words: str) -> None:
    await answered(db, ref, words.get("summary", "Why are the Broomfield wards closing?"),
                   words.get("statement", "Two wards close for refurbishment."), at,
                   **{k: v for k, v in words.items() if k in ("journalist", "outlet")})
    if patient_safety:
        async with SqlUnitOfWork(db) as uow:
            enquiry = await uow.enquiries.get(ref)
            assert enquiry is not None
            expected, enquiry.plan.patient_safety = enquiry.version, True
            await uow.enquiries.save(enquiry, expected, at + timedelta(hours=1))
            await uow.commit()


async def crisis_stood_down(db: Database, ref: str, at: datetime, harm: str) -> None:
    crisis = Crisis(ref=ref, details={"what": "A fire at the Basildon clinic", "harm": harm}, reporter=SAM,
                    created_at=at)
    async with SqlUnitOfWork(db) as uow:
        await uow.crises.add(crisis, at)
        await uow.history.append(entry(ref, at, "reported", SAM, state="reported"))
        expected, crisis.state = crisis.version, CrisisState.STOOD_DOWN
        await uow.crises.save(crisis, expected, at + timedelta(hours=2))
        await uow.history.append(entry(ref, at + timedelta(hours=2), "stand_down", SAM, state="stood_down"))
        await uow.commit()


async def release_closed(db: Database, ref: str, logged: datetime, closed: datetime) -> None:
    release = await add_press_release(db, ref, "New surgery", "A new surgery opens", at=logged)
    async with SqlUnitOfWork(db) as uow:
        loaded = await uow.press_releases.get(ref)
        assert loaded is not None
        expected, loaded.state = loaded.version, PressState.CLOSED
        await uow.press_releases.save(loaded, expected, closed)
        await uow.history.append(entry(ref, closed, "close", SAM, state="closed"))
        await uow.commit()
    assert release.ref == ref


async def every_kind(db: Database) -> None:
    await enquiry_closed(db, "MC-2019-0001", T)
    await enquiry_closed(db, "MC-2019-0002", T, patient_safety=True)
    await crisis_stood_down(db, "MC-2019-0003", T, "patients")
    await crisis_stood_down(db, "MC-2019-0004", T, "none")
    await release_closed(db, "MC-2019-0005", T, datetime(2019, 6, 30, 23, 30, tzinfo=UTC))  # 1 July in London
    await add_enquiry(db, "MC-2019-0006", "Still open", at=T)
    await enquiry_closed(db, "MC-2020-0001", datetime(2020, 2, 29, 9, 0, tzinfo=UTC))


async def schedule(db: Database) -> dict[str, tuple[str | None, date | None, str]]:
    async with db.sessions() as s:
        rows = (await s.execute(select(CaseRetentionRow).order_by(CaseRetentionRow.ref))).scalars()
        return {r.ref: (r.retention_class, r.review_on, r.status) for r in rows}


async def test_each_kind_of_case_gets_its_class_and_review_date_when_it_closes(database: Database) -> None:
    await every_kind(database)
    checked = await retention.check(core(database, datetime(2019, 12, 1, tzinfo=UTC)), POLICY)
    assert (checked.registered, checked.queued) == (6, [])
    assert await schedule(database) == {
        "MC-2019-0001": ("media_enquiry", date(2025, 3, 4), "retained"),
        "MC-2019-0002": ("serious_incident", date(2039, 3, 4), "retained"),
        "MC-2019-0003": ("serious_incident", date(2039, 3, 4), "retained"),
        "MC-2019-0004": ("corporate_communications", date(2025, 3, 4), "retained"),
        "MC-2019-0005": ("corporate_communications", date(2025, 7, 1), "retained"),
        "MC-2020-0001": ("media_enquiry", date(2026, 3, 1), "retained"),  # 29 Feb: never a day short
    }  # the open enquiry has none
    # A case closing later is dated by the next check; those done are left alone.
    await enquiry_closed(database, "MC-2019-0007", T + timedelta(days=30))
    assert (await retention.check(core(database, datetime(2019, 12, 2, tzinfo=UTC)), POLICY)).registered == 1
    assert (await schedule(database))["MC-2019-0007"] == ("media_enquiry", date(2025, 4, 3), "retained")


async def test_the_check_only_queues_what_is_due_and_the_director_gets_the_months_card(database: Database) -> None:
    await every_kind(database)
    march = core(database, datetime(2025, 3, 4, 12, 0, tzinfo=UTC))
    checked = await retention.check(march, POLICY)
    assert sorted(r.ref for r in checked.queued) == ["MC-2019-0001", "MC-2019-0004"]
    assert (await retention.check(march, POLICY)).queued == []  # queued once
    async with SqlUnitOfWork(database) as uow:
        enquiry = await uow.enquiries.get("MC-2019-0001")
        assert enquiry is not None and enquiry.journalist == "Jane Reporter"  # nothing removed by the check
        assert await uow.drafts.latest("MC-2019-0001") is not None
        queued = await uow.retention.get("MC-2019-0001")
    assert queued is not None and queued.queued_at == datetime(2025, 3, 4, 12, 0, tzinfo=UTC)

    assert await retention.monthly_card(march, POLICY)
    assert not await retention.monthly_card(march, POLICY)  # once a month (and by one replica)
    async with database.sessions() as s:
        sent = (await s.execute(select(OutboxRow).order_by(OutboxRow.id))).scalars().all()
    assert sorted((m.platform, m.recipient) for m in sent) == sorted(
        (p, who) for p in ("slack", "teams") for who in (DIRECTOR[1], RITA))
    card = Card.model_validate(sent[0].card)
    assert card.title == "Records due for review, March 2025"
    assert [f.label for f in card.facts] == ["MC-2019-0001", "MC-2019-0004"]
    assert card.facts[0].value == "enquiry · Media enquiry · closed 04 Mar 2019 · review date 04 Mar 2025"
    assert check_block_kit(render_message(card)["blocks"]) == []
    assert validate_adaptive_card(render_card(card)) == []
    assert doubled_stops(render_message(card)) == doubled_stops(render_card(card)) == []
    # Nothing due: no card.
    async with SqlUnitOfWork(database) as uow:
        for r in await uow.retention.listing("due"):
            await uow.retention.put(replace(r, status=RetentionStatus.KEPT))
        await uow.commit()
    assert not await retention.monthly_card(core(database, datetime(2025, 4, 2, tzinfo=UTC)), POLICY)


async def rows_mentioning(db: Database, *words: str) -> dict[str, list[str]]:
    """Every row, in every table, whose text holds one of `words` (any case)."""
    found: dict[str, list[str]] = {}
    tables = [*ALL_TABLES, "case_search"]
    if db.is_sqlite:
        tables += ["case_search_content", "case_search_data"]  # FTS5's own copies and its index blocks
    async with db.engine.connect() as conn:
        for table in tables:
            for row in (await conn.execute(text(f"SELECT * FROM {table}"))).all():
                shown = " ".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row).lower()
                if any(w.lower() in shown for w in words):
                    found.setdefault(table, []).append(shown[:200])
    return found


async def test_destroying_a_case_removes_its_content_everywhere_and_leaves_the_disposal_record(
        database: Database) -> None:
    ref = "MC-2019-0001"
    await enquiry_closed(database, ref, T, summary="Why are the xylophone wards closing?",
                         statement="The xylophone wards close for refurbishment.", journalist="Zebedee Quill")
    async with SqlUnitOfWork(database) as uow:  # a conversation and a posted card for the case
        await uow.conversations.add(Conversation("media_call", "slack", "U_STAFF", answers={
            "journalist": "Zebedee Quill"}, case_ref=ref), T)
        await uow.outbox.add(Outbound(Recipient.comms("slack"), {"title": "Zebedee Quill asks"},
                                      key=f"enquiry:{ref}", case_ref=ref), T)
        await uow.commit()
    async with database.engine.begin() as conn:
        await conn.execute(text("UPDATE outbox SET status = 'sent'"))
    assert await rows_mentioning(database, "zebedee", "xylophon")  # there before

    early = core(database, datetime(2024, 1, 10, tzinfo=UTC))
    with pytest.raises(InvalidTransition, match="kept until 04 Mar 2025"):
        await retention.decide(early, POLICY, ref, "destroy", reason="No further value", by=DIRECTOR[1])
    due = core(database, datetime(2025, 6, 2, 9, 0, tzinfo=UTC))
    await retention.hold(due, POLICY, ref, reason="Complaint to the Ombudsman", by=RITA)
    with pytest.raises(InvalidTransition, match="under a legal hold"):
        await retention.decide(due, POLICY, ref, "destroy", reason="No further value", by=DIRECTOR[1])
    await retention.release_hold(due, POLICY, ref, reason="Ombudsman closed the complaint", by=RITA)
    with pytest.raises(NotAllowed):
        await retention.decide(due, POLICY, ref, "destroy", reason="No further value", by=COMMS_A[1])
    with pytest.raises(NotFound):
        await retention.decide(due, POLICY, "MC-2099-0001", "keep", reason="x", by=DIRECTOR[1])
    assert (await rows_mentioning(database, "zebedee", "xylophon")).keys() >= {"enquiries", "drafts"}

    decided = await retention.decide(due, POLICY, ref, "destroy", reason="No further value", by=DIRECTOR[1])
    assert decided.status is RetentionStatus.DESTROYED
    assert await rows_mentioning(database, "zebedee", "xylophon", "jane@chronicle", "1245123456") == {}
    async with SqlUnitOfWork(database) as uow:
        enquiry = await uow.enquiries.get(ref)  # the case still exists, empty
        assert enquiry is not None and enquiry.state is EnquiryState.CLOSED and enquiry.summary == ""
        assert enquiry.reporter.email is None and enquiry.owner is None
        disposal = await uow.retention.disposal(ref)
        history = await uow.history.for_case(ref)
    assert disposal is not None
    assert (disposal.kind.value, disposal.retention_class, disposal.closed_at, disposal.review_on, disposal.decided_by,
            disposal.reason, disposal.destroyed_at) == (
        "enquiry", RetentionClass.MEDIA_ENQUIRY, T + timedelta(minutes=50), date(2025, 3, 4), DIRECTOR[1],
        "No further value", datetime(2025, 6, 2, 9, 0, tzinfo=UTC))
    assert [h.event for h in history][-3:] == ["legal_hold", "legal_hold_released", "destroyed"]
    assert history[-1].actor == "Dana Director"
    assert set(history[-1].data) == {"via", "retention_class", "reason", "review_on", "entries"}
    assert [h.data for h in history if h.event == "logged"] == [{"$redacted": True}]
    # The log still shows the case existed: its reference is found, its words are not.
    log = SqlMediaLog(database)
    assert await log.search("xylophone", LogFilter()) == []
    assert [h.ref for h in await log.search(ref, LogFilter())] == [ref]
    # The card posted in chat is replaced where it is, by one that says what happened.
    async with database.sessions() as s:
        replaced = (await s.execute(select(OutboxRow).where(OutboxRow.update_only))).scalars().all()
    assert [(m.message_key, m.card["title"]) for m in replaced] == [(f"enquiry:{ref}", f"{ref}: record destroyed")]
    # The history still proves itself.
    walk = ChainWalk(await history_audit.anchors(database))
    async for batch in history_audit.chain(database):
        assert all(walk.step(e) for e in batch), walk.verdict
    assert walk.finish().ok
    with pytest.raises(InvalidTransition, match="nothing left to decide"):
        await retention.decide(due, POLICY, ref, "keep", reason="Changed my mind", by=DIRECTOR[1])


# ---- the command line (its own clock: now; cases from 2016 are past their six years)

OLD = datetime(2016, 5, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    config = tmp_path / "mediadesk.toml"
    config.write_text(f'[people]\ncomms_team = ["{COMMS_A[1]}"]\ndirector_of_comms = ["{DIRECTOR[1]}"]\n'
                      f'records_managers = ["{RITA}"]\n\n[people.names]\n"{DIRECTOR[1]}" = "Dana Director"\n',
                      encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MEDIADESK_CONFIG", str(config))
    for name in ("MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD", "MICROSOFT_APP_TENANT_ID", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return database_url


async def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = await asyncio.to_thread(main, ["retention", *argv])
    out = capsys.readouterr()
    return code, out.out + out.err


async def snapshot(db: Database) -> list[Any]:
    """What a refusal must leave as it was."""
    async with db.engine.connect() as conn:
        return [(await conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))).all()
                for t in ("case_retention", "disposals", "enquiries", "crises", "drafts", "outbox")] + [
            (await conn.execute(text("SELECT count(*) FROM case_history"))).scalar_one()]


async def test_the_command_line_lists_decides_holds_and_refuses_with_nothing_changed(
        cli: str, database: Database, capsys: pytest.CaptureFixture[str]) -> None:
    await enquiry_closed(database, "MC-2016-0001", OLD)
    await enquiry_closed(database, "MC-2016-0002", OLD + timedelta(days=1), journalist="Zebedee Quill")
    await crisis_stood_down(database, "MC-2016-0003", OLD, "both")
    await add_enquiry(database, "MC-2026-0001", "Still open", at=datetime(2026, 11, 30, tzinfo=UTC))

    code, out = await run(capsys, "list")
    assert code == 0, out
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert set(lines) == {"MC-2016-0001", "MC-2016-0002", "MC-2016-0003"}
    assert "Media enquiry" in lines["MC-2016-0001"] and "2022-05-03" in lines["MC-2016-0001"]
    assert lines["MC-2016-0001"].endswith("due for review")
    assert "Serious incident" in lines["MC-2016-0003"] and "2036-05-03" in lines["MC-2016-0003"]
    assert lines["MC-2016-0003"].endswith("retained")

    await run(capsys, "hold", "MC-2016-0001", "--reason", "Claim expected", "--by", DIRECTOR[1])
    before = await snapshot(database)
    refusals = [
        (["decide", "MC-2099-0001", "keep", "--reason", "x", "--by", DIRECTOR[1]], "There is no case MC-2099-0001"),
        (["decide", "MC-2016-0002", "destroy", "--reason", "x", "--by", COMMS_A[1]], "cannot decide"),
        (["hold", "MC-2016-0002", "--reason", "x", "--by", "someone@else.org"], "cannot decide"),
        (["decide", "MC-2016-0002", "extend", "--until", "2027-02-30", "--reason", "x", "--by", RITA],
         "not a date on the calendar"),
        (["decide", "MC-2016-0002", "extend", "--until", "2020-01-01", "--reason", "x", "--by", RITA],
         "must be after"),
        (["decide", "MC-2016-0002", "extend", "--reason", "x", "--by", RITA], "Say until when"),
        (["decide", "MC-2016-0002", "keep", "--reason", " ", "--by", RITA], "Give a reason"),
        (["decide", "MC-2016-0003", "destroy", "--reason", "x", "--by", RITA], "kept until 03 May 2036"),
        (["decide", "MC-2026-0001", "keep", "--reason", "x", "--by", RITA], "still open"),
        (["decide", "MC-2016-0001", "destroy", "--reason", "x", "--by", DIRECTOR[1]], "under a legal hold"),
        (["hold", "MC-2016-0001", "--reason", "again", "--by", RITA], "already under a legal hold"),
        (["release-hold", "MC-2016-0002", "--reason", "x", "--by", RITA], "not under a legal hold"),
    ]
    for argv, words in refusals:
        code, out = await run(capsys, *argv)
        assert code == 2 and words in out, (argv, out)
    assert await snapshot(database) == before

    assert (await run(capsys, "list", "--held"))[1].count("MC-2016") == 1
    code, out = await run(capsys, "release-hold", "MC-2016-0001", "--reason", "Claim withdrawn", "--by", RITA)
    assert code == 0 and "released" in out, out
    code, out = await run(capsys, "decide", "MC-2016-0001", "extend", "--until", "2027-06-30", "--reason",
                          "Board review of winter coverage", "--by", DIRECTOR[1])
    assert code == 0 and "kept until 30 Jun 2027" in out, out
    code, out = await run(capsys, "decide", "mc-2016-0003", "keep", "--reason", "Permanent preservation",
                          "--by", RITA)
    assert code == 0 and "MC-2016-0003 is kept for good" in out, out
    code, out = await run(capsys, "hold", "MC-2026-0001", "--reason", "Inquiry announced", "--by", RITA)
    assert code == 0, out  # an open case can be held too
    code, out = await run(capsys, "decide", "MC-2016-0002", "destroy", "--reason", "No further value", "--by", RITA)
    assert code == 0 and "disposal record" in out, out

    code, out = await run(capsys, "list")
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert lines["MC-2016-0001"].endswith("retained (extended)") and "2027-06-30" in lines["MC-2016-0001"]
    assert lines["MC-2016-0002"].endswith("destroyed")
    assert lines["MC-2016-0003"].endswith("kept for good")
    assert lines["MC-2026-0001"].endswith("on legal hold (Inquiry announced)")
    assert (await run(capsys, "list", "--due"))[1].startswith("No case")
    async with database.sessions() as s:
        disposal = (await s.execute(select(DisposalRow))).scalar_one()
    assert (disposal.ref, disposal.decided_by, disposal.reason) == ("MC-2016-0002", RITA, "No further value")
    assert await rows_mentioning(database, "zebedee") == {}
    code, out = await run(capsys, "decide", "MC-2016-0002", "keep", "--reason", "x", "--by", RITA)
    assert code == 2 and "was destroyed on" in out
