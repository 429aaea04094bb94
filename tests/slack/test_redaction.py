"""Redaction (UK GDPR Art. 17): a journalist's detail removed from a case, from every copy Media Desk keeps, and
from the messages it posted in Slack, recorded in the history (field, who, why; never the value), with the
history's chain still whole."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select, text

from bot.app.cli.main import main
from bot.app.server import CORE, DATABASE
from bot.domain.errors import NotAllowed, ValidationFailed
from bot.services import redaction
from storage.models import HistoryRow
from tests.conformance import REPO_ROOT as ROOT
from tests.slack.harness import COMMS_A, COMMS_CHANNEL, DIRECTOR, SlackHarness, logged_and_claimed, quiet

PHONE_TYPED, PHONE_STORED = "01245 123456", "+441245123456"


async def everything_stored(slack: SlackHarness) -> dict[str, str]:
    """Every row of every table, as text, by table: what a search of the database file would find."""
    db = slack.app[DATABASE]
    async with db.engine.connect() as conn:
        if db.is_sqlite:
            tables = (await conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))).scalars()
        else:
            tables = (await conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))).scalars()
        return {table: "\n".join(json.dumps(list(row), default=str, ensure_ascii=False)
                                  for row in await conn.execute(text(f'SELECT * FROM "{table}"')))
                for table in list(tables)}


def holding(stored: dict[str, str], *values: str) -> list[str]:
    """The tables in which any of `values` is still found."""
    return sorted(table for table, rows in stored.items() if any(v in rows for v in values))


async def ref_of(slack: SlackHarness) -> str:
    async with slack.app[DATABASE].sessions() as s:
        return str((await s.execute(select(HistoryRow.case_ref).limit(1))).scalar_one())


async def test_a_redacted_phone_number_is_gone_from_the_database_and_from_the_posted_card(
        slack: SlackHarness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    await logged_and_claimed(slack)
    await quiet(slack)
    ref = await ref_of(slack)
    assert holding(await everything_stored(slack), PHONE_STORED, PHONE_TYPED)  # the detail is there to begin with
    updates_before = len(slack.fake.calls_to("chat.update"))

    done = await redaction.redact(slack.app[CORE], ref, "phone", "The journalist asked us to delete it",
                                  DIRECTOR[1])
    await quiet(slack)

    assert holding(await everything_stored(slack), PHONE_STORED, PHONE_TYPED, "1245123456") == []
    assert done.history_entries and done.messages_updated >= 1
    card_updates = slack.fake.calls_to("chat.update")[updates_before:]
    assert any(c.args["channel"] == COMMS_CHANNEL for c in card_updates)
    assert not any(PHONE_TYPED in json.dumps(m) or PHONE_STORED in json.dumps(m)
                   for m in slack.fake.messages_in(COMMS_CHANNEL))
    async with slack.app[DATABASE].sessions() as s:
        last = (await s.execute(select(HistoryRow).where(HistoryRow.case_ref == ref)
                                .order_by(HistoryRow.seq.desc()).limit(1))).scalar_one()
    assert (last.event, last.actor_email) == ("redacted", DIRECTOR[1])
    assert last.data["field"] == "phone" and last.data["reason"] == "The journalist asked us to delete it"

    monkeypatch.setenv("DATABASE_URL", slack.database_url)  # the chain still holds, redaction and all
    assert await asyncio.to_thread(main, ["audit", "verify"]) == 0, capsys.readouterr()


async def test_a_redaction_refused_changes_nothing(slack: SlackHarness) -> None:
    await logged_and_claimed(slack)
    await quiet(slack)
    ref, before = await ref_of(slack), await everything_stored(slack)
    core = slack.app[CORE]
    with pytest.raises(NotAllowed, match="only the Director of Communications"):
        await redaction.redact(core, ref, "phone", "asked", COMMS_A[1])
    with pytest.raises(ValidationFailed, match="no field “shoe size”"):
        await redaction.redact(core, ref, "shoe size", "asked", DIRECTOR[1])
    with pytest.raises(ValidationFailed, match="Say why"):
        await redaction.redact(core, ref, "phone", "  ", DIRECTOR[1])
    assert await everything_stored(slack) == before


async def test_the_command_line_refuses_an_unknown_case_in_words(sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("MEDIADESK_CONFIG", str(ROOT / "mediadesk.example.toml"))
    code = await asyncio.to_thread(main, ["redact", "MC-2026-9999", "--field", "phone", "--reason", "asked",
                                          "--by", DIRECTOR[1]])
    assert code == 2 and "Nothing was changed: There is no case MC-2026-9999." in capsys.readouterr().err
