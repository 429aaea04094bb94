"""The real server as a separate process (`python -m bot serve`), so a test can SIGKILL it at a chosen moment.

`ServerProcess` drives it exactly as `SlackHarness` drives the in-process app (signed requests in, the fake
Web API out); waiting for work to finish reads the database instead of looking inside the app.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bot.clock import SystemClock
from storage.db import open_database
from storage.models import OutboxRow, SeenRequestRow
from tests.fakes.slack_api import FakeSlackApi
from tests.slack.harness import CAST, COMMS_A, COMMS_B, COMMS_CHANNEL, DIRECTOR, SECRET, TOKEN, SlackHarness

REPO = Path(__file__).resolve().parents[2]

# Open every hour of every day, so what the tests see does not depend on when they run.
ORG_TOML = f"""
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
[office_hours]
opens = 00:00:00
closes = 23:59:59
days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
bank_holidays = "ZA"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def process_fake() -> FakeSlackApi:
    """A fake Web API whose ts are real time, as the server's clock is."""
    fake = await FakeSlackApi(token=TOKEN, clock=time.time).start()
    for user_id, email, name in CAST:
        fake.add_user(user_id, email, name.split()[0].lower(), real_name=name)
    return fake


class ServerProcess(SlackHarness):
    """One server process on its own port; `start()` again after `kill()` is a restart on the same database."""

    def __init__(self, fake: FakeSlackApi, database_url: str, workdir: Path) -> None:
        super().__init__(fake, database_url, SystemClock())  # type: ignore[arg-type]
        self.workdir, self.port = workdir, free_port()
        self.proc: asyncio.subprocess.Process | None = None
        self.log_path: Path | None = None
        self.starts = 0

    async def start(self, **overrides: Any) -> ServerProcess:
        config = self.workdir / "mediadesk.toml"
        config.write_text(ORG_TOML, encoding="utf-8")
        self.starts += 1
        self.log_path = self.workdir / f"server-{self.port}-{self.starts}.log"
        env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
               "SLACK_API_URL": self.fake.url, "DATABASE_URL": self.database_url, "MEDIADESK_CONFIG": str(config),
               "HOST": "127.0.0.1", "PORT": str(self.port), "MEDIADESK_PLAYGROUND": "off",
               "OUTBOX_TICK_SECONDS": "0.2", "NUDGE_TICK_SECONDS": "3600",
               **{k.upper(): str(v) for k, v in overrides.items()}}
        log = self.log_path.open("wb")
        self.proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "serve", cwd=REPO, env=env,
                                                         stdout=log, stderr=log)
        log.close()
        self.session = self.session or aiohttp.ClientSession()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.returncode is not None:
                raise AssertionError(f"server exited: {self.log()}")
            try:
                async with self.session.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                    if response.status == 200:
                        return self
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
        raise AssertionError(f"server did not start: {self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, nothing is flushed."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)  # our own child, by its pid

    async def killed(self) -> None:
        self.kill()
        assert self.proc is not None
        await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            await self.killed()
        if self.session:
            await self.session.close()
        self.session = None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:] if self.log_path else ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

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
        """Every kept request finished and nothing due in the outbox, as the database says."""
        db = open_database(self.database_url)
        try:
            deadline = time.monotonic() + timeout
            while True:
                async with db.sessions() as s:
                    requests = (await s.execute(select(func.count()).select_from(SeenRequestRow)
                                                .where(SeenRequestRow.status == "pending"))).scalar_one()
                    messages = (await s.execute(select(func.count()).select_from(OutboxRow)
                                                .where(OutboxRow.status == "pending"))).scalar_one()
                if requests == 0 and messages == 0:
                    return
                if time.monotonic() > deadline:
                    raise AssertionError(f"{requests} requests and {messages} messages still pending; "
                                         f"log: {self.log()}")
                await asyncio.sleep(0.1)
        finally:
            await db.dispose()

    async def tick(self) -> int:
        raise NotImplementedError("the process runs its own nudge ticks")
