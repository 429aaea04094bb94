"""Running `mediadesk` as a shell would, from async tests: in a thread (it runs its own event loop), pointed at the
test database and the example organisation; and reading back what it recorded in the history."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app.cli.main import main
from bot.domain.messages import HistoryEntry
from storage.db import Database
from storage.uow import SqlUnitOfWork

ROOT = Path(__file__).resolve().parents[2]


def point_at(monkeypatch: pytest.MonkeyPatch, url: str, config: Path = ROOT / "mediadesk.example.toml") -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MEDIADESK_CONFIG", str(config))
    for name in ("MICROSOFT_APP_ID", "MICROSOFT_APP_PASSWORD", "MICROSOFT_APP_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)


async def mediadesk(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr."""
    code = await asyncio.to_thread(main, list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


async def history(db: Database, ref: str) -> list[HistoryEntry]:
    async with SqlUnitOfWork(db) as uow:
        return await uow.history.for_case(ref)
