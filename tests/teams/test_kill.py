"""The Teams side SIGKILLed at the worst moment, with the server as a separate process: the Connector has the card
but its answer (the activity id) never reaches us. Measured outcome: the card is posted again after the restart
(the Connector offers no way to find the first), and the stray copy is made inert the first time it is seen."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from storage.db import open_database
from storage.models import OutboxRow, SeenRequestRow
from tests.fakes.bot_connector import APP_ID, TENANT, FakeConnector, KeyServer
from tests.slack.process import free_port
from tests.teams.harness import (
    CAST,
    COMMS,
    COMMS_CHANNEL,
    DIRECTOR,
    Teams,
    card_text,
    log_a_call,
    titles,
)

pytestmark = pytest.mark.kill
REPO = Path(__file__).resolve().parents[2]

ORG_TOML = f"""
[organisation]
name = "Test ICB"
[teams]
comms_channel = "{COMMS_CHANNEL}"
[people]
comms_team = ["{COMMS['email']}"]
director_of_comms = ["{DIRECTOR['email']}"]
media_lead = "{COMMS['email']}"
[office_hours]
opens = 00:00:00
closes = 23:59:59
days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
bank_holidays = "ZA"
"""


class _At:
    def __init__(self, port: int) -> None:
        self.port = port

    def make_url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


class TeamsProcess(Teams):
    """`Teams`, but the bot is `python -m bot serve` in its own process, which a test may SIGKILL."""

    def __init__(self, keys: KeyServer, connector: FakeConnector, database_url: str, workdir: Path) -> None:
        self.port = free_port()
        super().__init__(_At(self.port), keys, connector, None, None, None)  # type: ignore[arg-type]
        self.database_url, self.workdir = database_url, workdir
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> TeamsProcess:
        config = self.workdir / "mediadesk.toml"
        config.write_text(ORG_TOML, encoding="utf-8")
        env = {**os.environ, "DATABASE_URL": self.database_url, "MEDIADESK_CONFIG": str(config),
               "HOST": "127.0.0.1", "PORT": str(self.port), "MEDIADESK_PLAYGROUND": "off",
               "MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "pw", "MICROSOFT_APP_TENANT_ID": TENANT,
               "MICROSOFT_OPENID_METADATA_URL": self.keys.metadata_url,
               "MICROSOFT_LOGIN_URL": self.connector.url.rstrip("/"),
               "OUTBOX_TICK_SECONDS": "0.2", "NUDGE_TICK_SECONDS": "3600"}
        env.pop("SLACK_BOT_TOKEN", None)
        log = (self.workdir / f"teams-{self.port}.log").open("ab")
        self.proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "serve", cwd=REPO, env=env,
                                                         stdout=log, stderr=log)
        log.close()
        self.session = self.session or aiohttp.ClientSession()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                async with self.session.get(self.server.make_url("/healthz")) as response:
                    if response.status == 200:
                        return self
            except aiohttp.ClientError:
                await asyncio.sleep(0.05)
        raise AssertionError("the server did not start")

    async def killed(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)  # our own child, by its pid
        await self.proc.wait()

    async def settle(self, timeout: float = 20.0) -> None:
        db = open_database(self.database_url)
        try:
            deadline = time.monotonic() + timeout
            while True:
                async with db.sessions() as s:
                    busy = (await s.execute(select(func.count()).select_from(SeenRequestRow)
                                            .where(SeenRequestRow.status == "pending"))).scalar_one()
                    busy += (await s.execute(select(func.count()).select_from(OutboxRow)
                                             .where(OutboxRow.status == "pending"))).scalar_one()
                if busy == 0:
                    return
                assert time.monotonic() < deadline, "still pending"
                await asyncio.sleep(0.1)
        finally:
            await db.dispose()


@pytest.fixture
async def teams(tmp_path: Path, sqlite_url: str) -> Any:
    keys = KeyServer()
    connector = await FakeConnector({m["id"]: m for m in CAST}).start()
    process = TeamsProcess(keys, connector, sqlite_url, tmp_path)
    await process.start()
    try:
        yield process
    finally:
        if process.proc is not None and process.proc.returncode is None:
            await process.killed()
        await process.session.close()
        connector.released.set()
        await connector.close()
        keys.close()


async def test_killed_while_the_connector_holds_its_answer_to_the_card_the_copy_is_made_inert(
    teams: TeamsProcess,
) -> None:
    connector = teams.connector
    await teams.add_to_comms_channel()
    connector.hold(COMMS_CHANNEL)
    await log_a_call(teams, delivered=False)
    deadline = time.monotonic() + 20
    while not connector.posted_cards(COMMS_CHANNEL):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    await teams.killed()  # Teams has the card; the activity id never reaches us
    await teams.start()
    await teams.settle()

    (copy_id, copy), (live_id, _) = connector.posted_cards(COMMS_CHANNEL)  # measured: posted again
    refresh = copy["refresh"]["action"]
    status, body = await teams.post(teams.activity(
        "invoke", sender=COMMS, name="adaptiveCard/action", conversation=f"{COMMS_CHANNEL};messageid={copy_id}",
        conversation_type="channel", replyToId=copy_id,
        value={"action": {"type": "Action.Execute", "verb": refresh["verb"], "data": refresh["data"]},
               "trigger": "automatic"}))
    assert status == 200 and "extra copy" in card_text(body["value"])
    await teams.settle()
    [inert] = connector.updates_of(copy_id)
    assert titles(inert) == [] and "live card" in card_text(inert)
    assert len(connector.posted_cards(COMMS_CHANNEL)) == 2
