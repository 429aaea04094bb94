"""The Teams side SIGKILLed at the worst moment, with the server as a separate process: the Connector has the card
but its answer (the activity id) never reaches us. Measured outcome: the card is posted again after the restart
(the Connector offers no way to find the first), and the stray copy is made inert the first time it is seen."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fakes.bot_connector import APP_ID, TENANT, FakeConnector, KeyServer
from tests.server_process import ALWAYS_OPEN
from tests.server_process import ServerProcess as Runner
from tests.teams.harness import ANSWERS, CAST, COMMS, COMMS_CHANNEL, DIRECTOR, Teams, card_text, titles

pytestmark = pytest.mark.kill

ORG_TOML = ALWAYS_OPEN + f"""
[organisation]
name = "Test ICB"
[teams]
comms_channel = "{COMMS_CHANNEL}"
[people]
comms_team = ["{COMMS['email']}"]
director_of_comms = ["{DIRECTOR['email']}"]
media_lead = "{COMMS['email']}"
"""


class _At:
    def __init__(self, base: str) -> None:
        self.base = base

    def make_url(self, path: str) -> str:
        return f"{self.base}{path}"


class TeamsProcess(Teams):
    """`Teams`, but the bot is `python -m bot serve` in its own process, which a test may SIGKILL."""

    def __init__(self, keys: KeyServer, connector: FakeConnector, database_url: str, workdir: Path) -> None:
        self.runner = Runner(database_url, workdir)
        super().__init__(_At(self.runner.base), keys, connector, None, None, None)  # type: ignore[arg-type]

    async def start(self) -> TeamsProcess:
        self.session = self.session or aiohttp.ClientSession()
        await self.runner.start(ORG_TOML, {
            "MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "pw", "MICROSOFT_APP_TENANT_ID": TENANT,
            "MICROSOFT_OPENID_METADATA_URL": self.keys.metadata_url,
            "MICROSOFT_LOGIN_URL": self.connector.url.rstrip("/"), "SLACK_BOT_TOKEN": ""}, self.session)
        return self

    async def killed(self) -> None:
        await self.runner.killed()

    async def settle(self, timeout: float = 20.0) -> None:
        await self.runner.settle(timeout)


@pytest.fixture
async def teams(tmp_path: Path, sqlite_url: str) -> Any:
    keys = KeyServer()
    connector = await FakeConnector({m["id"]: m for m in CAST}).start()
    process = TeamsProcess(keys, connector, sqlite_url, tmp_path)
    await process.start()
    try:
        yield process
    finally:
        if process.runner.running:
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
    # The server runs on the real clock: a deadline that is never already past, whatever the time of the run.
    await teams.log_a_call([*ANSWERS[:-1], "tomorrow 5pm"], delivered=False)
    deadline = time.monotonic() + 20
    while not connector.posted_cards(COMMS_CHANNEL):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    await teams.killed()  # Teams has the card; the activity id never reaches us
    await teams.start()
    await teams.settle()

    (copy_id, copy), (live_id, _) = connector.posted_cards(COMMS_CHANNEL)  # measured: posted again
    status, body = await teams.look(copy, COMMS, copy_id)
    assert status == 200 and "extra copy" in card_text(body["value"])
    await teams.settle()
    [inert] = connector.updates_of(copy_id)
    assert titles(inert) == [] and "live card" in card_text(inert)
    assert len(connector.posted_cards(COMMS_CHANNEL)) == 2
