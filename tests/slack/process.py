"""The Slack harness with the server as a separate process, so that a test can SIGKILL it at a chosen moment.

`ServerProcess` drives it exactly as `SlackHarness` drives the in-process app (signed requests in, the fake
Web API out); waiting for work to finish reads the database instead of looking inside the app.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp

from bot.clock import SystemClock
from tests.fakes.slack_api import FakeSlackApi
from tests.server_process import ALWAYS_OPEN
from tests.server_process import ServerProcess as Runner
from tests.slack.harness import CAST, COMMS_A, COMMS_B, COMMS_CHANNEL, DIRECTOR, SECRET, TOKEN, SlackHarness

ORG_TOML = ALWAYS_OPEN + f"""
[organisation]
name = "Test ICB"
[slack]
comms_channel = "{COMMS_CHANNEL}"
[people]
comms_team = ["{COMMS_A[1]}", "{COMMS_B[1]}"]
director_of_comms = ["{DIRECTOR[1]}"]
media_lead = "{COMMS_A[1]}"
[people.names]
"{COMMS_A[1]}" = "{COMMS_A[2]}"
"{COMMS_B[1]}" = "{COMMS_B[2]}"
"{DIRECTOR[1]}" = "{DIRECTOR[2]}"
"""


async def process_fake() -> FakeSlackApi:
    """A fake Web API whose ts are real time, as the server's clock is."""
    fake = await FakeSlackApi(token=TOKEN, clock=time.time).start()
    fake.add_people(*CAST)
    return fake


class ServerProcess(SlackHarness):
    """One server process on its own port; `start()` again after `killed()` is a restart on the same database."""

    def __init__(self, fake: FakeSlackApi, database_url: str, workdir: Path) -> None:
        super().__init__(fake, database_url, SystemClock())  # type: ignore[arg-type]
        self.runner = Runner(database_url, workdir)

    @property
    def proc(self) -> asyncio.subprocess.Process | None:
        return self.runner.proc

    async def start(self, **overrides: Any) -> ServerProcess:
        self.session = self.session or aiohttp.ClientSession()
        await self.runner.start(ORG_TOML, {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                                           "SLACK_API_URL": self.fake.url,
                                           **{k.upper(): str(v) for k, v in overrides.items()}}, self.session)
        return self

    async def killed(self) -> None:
        await self.runner.killed()

    async def stop(self) -> None:
        if self.runner.running:
            await self.runner.killed()
        if self.session:
            await self.session.close()
        self.session = None

    def log(self) -> str:
        return self.runner.log()

    @property
    def url(self) -> str:
        return f"{self.runner.base}/slack/events"

    async def send(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """As Slack does for events (and a person would by pressing again): try again until it is answered."""
        assert self.session is not None
        deadline = time.monotonic() + 60
        while True:
            try:
                async with self.session.post(self.url, data=body, headers=headers) as response:
                    return response.status, await response.text()
            except aiohttp.ClientError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)

    async def settle(self, timeout: float = 20.0) -> None:
        await self.runner.settle(timeout)

    async def tick(self) -> int:
        raise NotImplementedError("the process runs its own nudge ticks")
