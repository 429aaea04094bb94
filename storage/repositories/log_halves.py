"""The media log's lines for a big export, read by two processes: this one reads the first half of the cases while
a helper process reads the second half into a spool file; the second half is then read back from the spool.

Building a line (the case, its history, drafts and sign-offs) is Python work, so one process is held to one core:
on two cores two processes take a little over half the time. Memory stays flat: the helper's half waits on disk
(in a private temporary folder, removed afterwards), not in memory. The halves are split at a case's key
(logged at, reference), so a case logged or deleted meanwhile can't fall between them or into both.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from bot.domain.media_log import LogFilter, LogRow

log = logging.getLogger("mediadesk.storage")

Key = tuple[datetime, str]  # (logged at, reference): the log's order
Batches = Callable[[Key | None, Key | None], AsyncIterator[list[LogRow]]]  # (from key, before key) -> batches


async def in_two_processes(first_half: Batches, boundary: Key, job: Job) -> AsyncGenerator[list[LogRow], None]:
    """The batches before `boundary` from `first_half`, then those from it on, which a helper process (this module
    run by the same Python) writes to a spool while the first half is read here."""
    with tempfile.TemporaryDirectory(prefix="mediadesk-log-") as folder:  # 0700: only this user can read it
        spool = Path(folder) / "second-half.pickle"
        # A process of its own (not multiprocessing's spawn, which would run the caller's main script again).
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", __name__, str(spool),
                                                       stdin=asyncio.subprocess.PIPE, env=_helper_env())
        assert process.stdin is not None
        log.info("reading the media log in two processes", extra={"helper_pid": process.pid})
        try:
            # The job goes by pipe, never on the command line: the database URL may hold a password.
            try:
                process.stdin.write(pickle.dumps((job, boundary)))
                await process.stdin.drain()
                process.stdin.close()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the helper is gone already: its exit code says so below
            async for lines in first_half(None, boundary):
                yield lines
            if await process.wait() != 0:
                raise RuntimeError(f"the process reading the second half of the media log failed "
                                   f"(exit code {process.returncode})")
            with spool.open("rb") as f:
                while True:
                    try:
                        lines = pickle.load(f)  # noqa: S301 - our own helper's file, in our own private folder
                    except EOFError:
                        break
                    yield lines
        finally:
            if process.returncode is None:  # the export stopped early (a full disk, too many rows): stop it too
                process.kill()
                await process.wait()


def _helper_env() -> dict[str, str]:
    """This environment, with the project first on the helper's import path wherever the server was started."""
    root = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))}


@dataclass(frozen=True)
class Job:
    """What the helper reads: the database and the export's filter, time and batch size."""

    url: str
    where: LogFilter
    now: datetime
    batch: int


def _helper(spool: str) -> None:
    job, boundary = pickle.load(sys.stdin.buffer)  # noqa: S301 - from the process that started this one
    with open(spool, "wb") as f:  # (this process has nothing else to do: its file writes may block)
        asyncio.run(_spool(job, boundary, f))


async def _spool(job: Job, boundary: Key, f: BinaryIO) -> None:
    from storage.db import open_database
    from storage.repositories.search import SqlMediaLog

    db = open_database(job.url)
    try:
        async for lines in SqlMediaLog(db).batches(job.where, job.now, job.batch, start=boundary):
            pickle.dump(lines, f, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        await db.dispose()


if __name__ == "__main__":
    _helper(sys.argv[1])
