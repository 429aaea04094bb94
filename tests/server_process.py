"""The real server as a separate process (`python -m bot serve`), so that a test can SIGKILL it at a chosen moment.

`ServerProcess` starts it on its own port with the environment a harness gives, waits until it answers, kills it,
and tells when everything it accepted is done by reading the database (there is no app object to look into).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from storage.db import open_database
from storage.models import OutboxRow, SeenRequestRow

REPO = Path(__file__).resolve().parents[1]

# Open every hour of every day, so that what the tests see does not depend on when they run.
ALWAYS_OPEN = """
[office_hours]
opens = 00:00:00
closes = 23:59:59
days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
bank_holidays = "ZA"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    """One server process; `start()` again after `killed()` is a restart on the same database."""

    def __init__(self, database_url: str, workdir: Path) -> None:
        self.database_url, self.workdir, self.port = database_url, workdir, free_port()
        self.proc: asyncio.subprocess.Process | None = None
        self.log_path: Path | None = None
        self.starts = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def start(self, org_toml: str, env: dict[str, str], session: aiohttp.ClientSession) -> None:
        config = self.workdir / f"mediadesk-{self.port}.toml"
        config.write_text(org_toml, encoding="utf-8")
        self.starts += 1
        self.log_path = self.workdir / f"server-{self.port}-{self.starts}.log"
        environment = {**os.environ, "DATABASE_URL": self.database_url, "MEDIADESK_CONFIG": str(config),
                       "HOST": "127.0.0.1", "PORT": str(self.port), "MEDIADESK_PLAYGROUND": "off",
                       "OUTBOX_TICK_SECONDS": "0.2", "NUDGE_TICK_SECONDS": "3600", **env}
        with self.log_path.open("wb") as log:
            self.proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "serve", cwd=REPO,
                                                             env=environment, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.returncode is not None:
                raise AssertionError(f"server exited: {self.log()}")
            try:
                async with session.get(f"{self.base}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
        raise AssertionError(f"server did not start: {self.log()}")

    async def killed(self) -> None:
        """SIGKILL: no shutdown handler runs, nothing is flushed."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)  # our own child, by its pid
        await self.proc.wait()

    async def settle(self, timeout: float = 20.0) -> None:
        """Every kept request finished and nothing pending in the outbox, as the database says."""
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

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:] if self.log_path else ""
