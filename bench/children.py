"""The benchmarks' helper processes (the fake Slack, the loader, the servers): stopping one politely."""

from __future__ import annotations

import asyncio
import contextlib


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
