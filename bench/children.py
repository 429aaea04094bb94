"""The benchmarks' helper processes (the fake Slack, the loader, the servers): a benchmark script runs itself
again as one (`--role`, with its `--config` as JSON), talks to it over its stdin and stdout, and stops it politely.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# What the servers under test and the fake Slack agree on: the signing secret and the bot token.
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"


def child_options(parser: argparse.ArgumentParser, roles: list[str]) -> None:
    """The options a script is run with as one of its helper processes (hidden from --help)."""
    parser.add_argument("--role", choices=roles, help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)


def run_main(args: argparse.Namespace, child_main: Callable[[str, dict[str, Any]], Awaitable[None]],
             main_async: Callable[[argparse.Namespace], Awaitable[int]]) -> int:
    """A benchmark's exit status: the helper `--role` names, when it names one, or else the benchmark itself."""
    if args.role:
        asyncio.run(child_main(args.role, json.loads(args.config)))
        return 0
    return asyncio.run(main_async(args))


async def start_child(script: str, role: str, config: dict[str, Any], log: Path, *, limit: int
                      ) -> asyncio.subprocess.Process:
    """`script` (a benchmark's __file__) run again as the helper `role`, from the repository's root, its stderr
    added to `log`; `limit` is the longest line it may write to its stdout."""
    with open(log, "ab") as err:  # noqa: ASYNC230 - set-up, before anything is measured
        return await asyncio.create_subprocess_exec(
            sys.executable, script, "--role", role, "--config", json.dumps(config),
            cwd=str(ROOT), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=err, limit=limit)


async def parent_commands() -> asyncio.StreamReader:
    """In a helper process: its stdin, where the parent writes commands one a line."""
    reader = asyncio.StreamReader()
    await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def stop_child(proc: asyncio.subprocess.Process) -> None:
    """Ask the child to quit on its stdin; terminate it (our own child, by its pid) if it has not in 20 s."""
    if proc.returncode is not None:
        return
    with contextlib.suppress(Exception):
        proc.stdin.write(b"quit\n")
        await proc.stdin.drain()
        proc.stdin.close()
    try:
        await asyncio.wait_for(proc.wait(), 20)
    except TimeoutError:
        proc.terminate()
        await proc.wait()
