"""Ack benchmark: the real Media Desk server against a bare Bolt app, same signed `/media-call`, same run.

    .venv/bin/python bench/bench_ack.py [--requests N] [--rounds R] [--database sqlite|postgresql]

What runs (see bench/README.md for how to read the output):

- "Slack" side (this process): the load generator. For each concurrency level it runs C workers, each a
  simulated user with its own Slack user id, each sending signed slash commands one after another until N
  requests are done; the time from send to the full HTTP response (the ack) is recorded per request.
- the servers under test (one child process, one event loop, like `mediadesk serve`): the real Media
  Desk app (`bot.app.server.create_app`, a fresh migrated database, outbox relay and scheduler running, JSON logs
  at INFO to a file) and a bare `slack_bolt` AsyncApp whose `/media-call` listener only acks with the same
  text; both behind the same aiohttp adapter, each on its own 127.0.0.1 port.
- the fake Slack Web API (`tests/fakes/slack_api.py`, its own child process): what Media Desk calls after
  acking (users.info, chat.postMessage); the DMs it records show the work behind the ack got done.

The targets are measured alternately (bare first in even rounds, Media Desk first in odd ones), after a
warm-up, and Media Desk's outbox is drained (polled on the fake) before the next round starts, so a round
never pays for another's leftovers. `--inline` runs everything in this one process and event loop instead.

A benchmark, not a test: nothing here asserts on speed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import math
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.children import SECRET, TOKEN, child_options, parent_commands, run_main, start_child, stop_child  # noqa: E402
from bench.pg import create_pg_database, database_option, drop_pg_database  # noqa: E402

BARE, MEDIA_DESK = "bare", "media-desk"
DEFAULT_REQUESTS = {1: 200, 50: 500}
AIM_P99_MS, AIM_THROUGHPUT_RATIO, AIM_USERS = 100.0, 0.5, 50


# --------------------------------------------------------------------------- the servers under test


def bare_app(signing_secret: str, token: str, api_url: str) -> Any:
    """A Bolt app that does nothing but ack `/media-call`, served the way Media Desk serves Bolt."""
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from handlers.slack.listeners import ACK_MEDIA_CALL  # the same reply text, so the same bytes go back

    bolt = AsyncApp(client=AsyncWebClient(token=token, base_url=api_url), signing_secret=signing_secret)

    @bolt.command("/media-call")
    async def media_call(ack: Any) -> None:
        await ack(text=ACK_MEDIA_CALL)

    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", slack_events)
    return app


def media_desk_app(api_url: str, database_url: str) -> Any:
    """The real server, configured the way tests/slack/harness.py does (but with the system clock)."""
    from bot.app.config import Settings
    from bot.app.server import create_app
    from tests.slack.harness import org_config

    settings = Settings(slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=api_url,
                        database_url=database_url)
    return create_app(settings, org=org_config())


class Servers:
    """Both targets on 127.0.0.1, port 0, through aiohttp's AppRunner/TCPSite (as `web.run_app` does)."""

    def __init__(self, api_url: str, database_url: str) -> None:
        self.api_url, self.database_url = api_url, database_url
        self.runners: list[Any] = []
        self.urls: dict[str, str] = {}

    async def start(self) -> Servers:
        from aiohttp import web

        for name, app in ((BARE, bare_app(SECRET, TOKEN, self.api_url)),
                          (MEDIA_DESK, media_desk_app(self.api_url, self.database_url))):
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            self.runners.append(runner)
            self.urls[name] = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
        return self

    async def stop(self) -> None:
        for runner in reversed(self.runners):
            await runner.cleanup()  # Media Desk's cleanup waits for the outbox relay to go idle
        self.runners.clear()


# --------------------------------------------------------------------------- the fake Slack Web API


class FakeSlack:
    """The fake Web API plus running tallies of what it was asked (scanned incrementally)."""

    def __init__(self, user_ids: list[str]) -> None:
        from tests.fakes.slack_api import FakeSlackApi

        self.api = FakeSlackApi(token=TOKEN)
        self.user_ids = user_ids
        self._scanned = 0
        self._waiting: list[Any] = []
        self.tally = {"dms": 0, "chat.postMessage": 0, "users.info": 0, "auth.test": 0, "refused": 0}

    async def start(self) -> FakeSlack:
        await self.api.start()
        for uid in self.user_ids:
            self.api.add_user(uid, f"{uid.lower()}@staff.example.nhs.uk", uid.lower(), real_name=f"Staff {uid}")
        return self

    def counts(self) -> dict[str, int]:
        calls = self.api.calls
        waiting, self._waiting = self._waiting, []
        for call in itertools.chain(waiting, calls[self._scanned:]):
            if call.status is None:  # still being answered (or never will be): look again next time
                self._waiting.append(call)
                continue
            ok = call.status == 200 and isinstance(call.response, dict) and call.response.get("ok")
            if not ok:
                self.tally["refused"] += 1
                continue
            if call.method in self.tally:
                self.tally[call.method] += 1
            if call.method == "chat.postMessage" and str(call.response.get("channel", "")).startswith("D"):
                self.tally["dms"] += 1
        self._scanned = len(calls)
        return {**self.tally, "unanswered": len(self._waiting), "violations": len(self.api.violations)}


class LagProbe:
    """How late the event loop wakes a 5 ms timer: how long anything ready (an ack, say) waits its turn."""

    INTERVAL = 0.005

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.task: asyncio.Task[None] | None = None

    def start(self) -> LagProbe:
        self.task = asyncio.get_running_loop().create_task(self._run())
        return self

    async def _run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.INTERVAL)
            self.samples.append(time.perf_counter() - started - self.INTERVAL)

    def stats(self) -> dict[str, float]:
        """CPU seconds so far, and the loop lag since the last call (then forgotten)."""
        lag, self.samples = sorted(self.samples), []
        return {"cpu": time.process_time(), "lag_p99": percentile(lag, .99), "lag_max": lag[-1] if lag else 0.0}

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


# --------------------------------------------------------------------------- child processes


async def _child_main(role: str, config: dict[str, Any]) -> None:
    """A role in its own process: print one JSON line when ready, then answer commands read from stdin."""
    profiler = None
    if config.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
    if role == "server":
        from bot.app import logs

        logs.configure(os.environ.get("LOG_LEVEL", "INFO"))  # as `mediadesk serve` does; stderr is the log file
        if config["database_url"].startswith("sqlite"):
            from storage.migrate import upgrade_async

            await upgrade_async(config["database_url"])
        thing: Any = await Servers(config["api_url"], config["database_url"]).start()
        ready = {"urls": thing.urls, "pid": os.getpid()}
    else:
        thing = await FakeSlack(config["user_ids"]).start()
        ready = {"url": thing.api.url, "response_base": thing.api.response_base, "pid": os.getpid()}
    reader = await parent_commands()
    probe = LagProbe().start() if role == "server" else None
    print(json.dumps(ready), flush=True)
    if profiler is not None:
        profiler.enable()
    try:
        while True:
            line = (await reader.readline()).decode().strip()
            if line in ("", "quit"):
                break
            if line == "stats" and probe is not None:
                reply: Any = probe.stats()
            elif line == "counts" and isinstance(thing, FakeSlack):
                reply = thing.counts()
            else:
                reply = {"error": f"unknown command {line!r}"}
            print(json.dumps(reply), flush=True)
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(config["profile"])
        if probe is not None:
            await probe.stop()
        await (thing.stop() if isinstance(thing, Servers) else thing.api.stop())
        print(json.dumps({"bye": True}), flush=True)


class Child:
    """The parent's handle on a role running in a child process (started and stopped by its own pid)."""

    def __init__(self, role: str, proc: asyncio.subprocess.Process, ready: dict[str, Any], log: Path) -> None:
        self.role, self.proc, self.ready, self.log = role, proc, ready, log

    @classmethod
    async def start(cls, role: str, config: dict[str, Any], log: Path) -> Child:
        proc = await start_child(__file__, role, config, log, limit=1 << 20)
        line = await asyncio.wait_for(proc.stdout.readline(), 120)
        if not line:
            await proc.wait()
            tail = log.read_text(errors="replace")[-3000:]  # noqa: ASYNC240 - failing anyway
            raise RuntimeError(f"the {role} process exited (rc={proc.returncode}) before it was ready:\n{tail}")
        return cls(role, proc, json.loads(line), log)

    async def ask(self, command: str) -> dict[str, Any]:
        self.proc.stdin.write(command.encode() + b"\n")
        await self.proc.stdin.drain()
        line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
        if not line:
            raise RuntimeError(f"the {self.role} process went away; see {self.log}")
        return json.loads(line)

    async def stop(self) -> None:
        await stop_child(self.proc)


# --------------------------------------------------------------------------- load generation


@dataclass
class Round:
    target: str
    users: int
    number: int  # 0 = warm-up
    latencies: list[float] = field(default_factory=list)  # seconds, successful acks only
    failed: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    wall: float = 0.0  # seconds from the first send to the last ack
    cpu: float | None = None  # server-process CPU seconds, round start to (Media Desk) outbox drained
    drain: float | None = None  # seconds from the last ack until the outbox had delivered every DM
    client_cpu: float = 0.0  # this process's CPU seconds while sending (the load generator's own cost)
    lag_p99: float = math.nan  # the server's event-loop lag while sending (seconds, see LagProbe)

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.ok / self.wall if self.wall else 0.0

    @property
    def done_rate(self) -> float:
        """Requests per second with the work behind the ack done too (Media Desk: until the DMs are out)."""
        spent = self.wall + (self.drain or 0.0)
        return self.ok / spent if spent else 0.0


def percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return math.nan
    k = (len(sorted_values) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


async def load(session: Any, url: str, requests: Any, result: Round, users: list[str], total: int) -> None:
    """`len(users)` workers, one per simulated user, each sending sequentially until `total` are sent."""
    import aiohttp

    issued = itertools.count()

    async def worker(user_id: str) -> None:
        while next(issued) < total:
            body, headers = requests.slash_command(user_id, "/media-call", "", trigger_id=requests.new_trigger_id())
            started = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                result.failed += 1
                result.errors[type(exc).__name__] = result.errors.get(type(exc).__name__, 0) + 1
                continue
            if status == 200:
                result.latencies.append(time.perf_counter() - started)
            else:
                result.failed += 1
                result.errors[f"HTTP {status}"] = result.errors.get(f"HTTP {status}", 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(u) for u in users))
    result.wall = time.perf_counter() - started


# --------------------------------------------------------------------------- the run


def user_ids(levels: list[int], rounds: int) -> dict[tuple[int, int], list[str]]:
    """Fresh Slack user ids per level and round: each round starts C conversations and resumes the rest."""
    return {(c, r): [f"U{c:03d}R{r}W{w:03d}" for w in range(c)] for c in levels for r in range(rounds + 1)}




class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.levels: list[int] = args.users
        self.requests = {c: args.requests or DEFAULT_REQUESTS.get(c, 10 * c) for c in self.levels}
        self.results: list[Round] = []
        self.dms_expected = 0
        self.tmp = Path(tempfile.mkdtemp(prefix="mediadesk-bench-"))
        self.fake: Any = None
        self.servers: Any = None
        self.probe: LagProbe | None = None
        self.children: list[Child] = []
        self.urls: dict[str, str] = {}
        self.pg_name: str | None = None

    # ---- set-up and tear-down

    async def start(self) -> None:
        ids = [u for group in user_ids(self.levels, self.args.rounds).values() for u in group]
        if self.args.database == "postgresql":
            database_url, self.pg_name = await create_pg_database()
            from storage.migrate import upgrade_async

            await upgrade_async(database_url)
        else:
            database_url = f"sqlite+aiosqlite:///{self.tmp / 'mediadesk.db'}"
        if self.args.inline:
            from bot.app import logs

            logs.configure(os.environ.get("LOG_LEVEL", "INFO"))
            stream = open(self.tmp / "server.log", "a", encoding="utf-8")  # noqa: ASYNC230, SIM115 - set-up; lives as long as the run
            logging.getLogger().handlers[0].setStream(stream)
            self.fake = await FakeSlack(ids).start()
            api_url, response_base = self.fake.api.url, self.fake.api.response_base
            if database_url.startswith("sqlite"):
                from storage.migrate import upgrade_async

                await upgrade_async(database_url)
            self.servers = await Servers(api_url, database_url).start()
            self.probe = LagProbe().start()
            self.urls = self.servers.urls
        else:
            self.fake = await Child.start("fake", {"user_ids": ids}, self.tmp / "fake.log")
            self.children.append(self.fake)
            api_url, response_base = self.fake.ready["url"], self.fake.ready["response_base"]
            config = {"api_url": api_url, "database_url": database_url, "profile": self.args.profile}
            self.servers = await Child.start("server", config, self.tmp / "server.log")
            self.children.append(self.servers)
            self.urls = self.servers.ready["urls"]
        from tests.slack_requests import SlackRequests

        self.slack_requests = SlackRequests(SECRET, response_base=response_base)

    async def stop(self) -> None:
        if self.args.inline:
            if self.probe is not None:
                await self.probe.stop()
            if self.servers is not None:
                await self.servers.stop()
            if self.fake is not None:
                await self.fake.api.stop()
        for child in reversed(self.children):
            await child.stop()
        if self.pg_name:
            await drop_pg_database(self.pg_name)

    async def server_stats(self) -> dict[str, float]:
        return self.probe.stats() if self.args.inline else await self.servers.ask("stats")

    async def fake_counts(self) -> dict[str, int]:
        return self.fake.counts() if self.args.inline else await self.fake.ask("counts")

    async def wait_for_dms(self) -> float | None:
        """Poll the fake until it has every DM Media Desk owes; seconds waited, or None on timeout."""
        started = time.perf_counter()
        deadline = started + self.args.drain_timeout
        while (await self.fake_counts())["dms"] < self.dms_expected:
            if time.perf_counter() > deadline:
                return None
            await asyncio.sleep(0.05)
        return time.perf_counter() - started

    # ---- measuring

    async def run(self) -> None:
        import aiohttp

        biggest = max(self.levels)
        connector = aiohttp.TCPConnector(limit=biggest + 10, limit_per_host=biggest + 10)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            ids = user_ids(self.levels, self.args.rounds)
            for c in self.levels:
                n = self.requests[c]
                warm = self.args.warmup if self.args.warmup is not None else max(50, 2 * c)
                for target in (BARE, MEDIA_DESK):
                    await self.one(session, target, c, 0, ids[(c, 0)], warm)
                for r in range(1, self.args.rounds + 1):
                    order = (BARE, MEDIA_DESK) if r % 2 else (MEDIA_DESK, BARE)
                    for target in order:
                        await self.one(session, target, c, r, ids[(c, r)], n)

    async def one(self, session: Any, target: str, users: int, number: int, ids: list[str], total: int) -> Round:
        result = Round(target, users, number)
        cpu_before = (await self.server_stats())["cpu"]
        client_before = time.process_time()
        await load(session, self.urls[target], self.slack_requests, result, ids, total)
        result.client_cpu = time.process_time() - client_before
        result.lag_p99 = (await self.server_stats())["lag_p99"]
        if target == MEDIA_DESK:
            self.dms_expected += result.ok
            result.drain = await self.wait_for_dms()
        result.cpu = (await self.server_stats())["cpu"] - cpu_before
        self.results.append(result)
        self.progress(result)
        return result

    # ---- reporting

    def progress(self, r: Round) -> None:
        lat = sorted(r.latencies)
        label = "warm-up" if r.number == 0 else f"round {r.number}"
        drain = ""
        if r.target == MEDIA_DESK:
            drain = (f"  outbox drained {r.drain:.2f}s later ({r.done_rate:.0f}/s done)" if r.drain is not None
                     else "  OUTBOX NOT DRAINED")
        failed = f"  FAILED {r.failed} {r.errors}" if r.failed else ""
        print(f"  {label:8} users={r.users:<3} {r.target:10} {r.ok:5} acks {r.rate:7.1f}/s  "
              f"p50 {percentile(lat, .5) * 1000:6.1f}  p99 {percentile(lat, .99) * 1000:6.1f} ms  "
              f"server CPU {r.cpu * 1000 / max(r.ok, 1):5.2f} ms/req  loop lag p99 {r.lag_p99 * 1000:5.1f} ms  "
              f"client busy {r.client_cpu / r.wall:4.0%}"
              f"{drain}{failed}", flush=True)

    def summary(self, counts: dict[str, int], log: dict[str, Any]) -> int:
        measured = [r for r in self.results if r.number > 0]
        print()
        cpu_of = "this whole process (--inline)" if self.args.inline else "the server process"
        print(f"Media Desk vs a bare Bolt app: {self.args.rounds} alternating round(s) per level after a warm-up; "
              f"database {self.args.database}; {os.cpu_count()} CPUs")
        header = (f"{'target':<11}{'users':>6}{'acks':>7}{'acks/s':>9}{'done/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
                  f"{'max ms':>9}{'CPU ms/req':>12}{'lag p99':>9}{'client':>8}{'failed':>8}")
        print(header)
        print("-" * len(header))
        table: dict[tuple[str, int], dict[str, float]] = {}
        for c in self.levels:
            for target in (BARE, MEDIA_DESK):
                rs = [r for r in measured if r.target == target and r.users == c]
                lat = sorted(x for r in rs for x in r.latencies)
                ok, wall = len(lat), sum(r.wall for r in rs)
                row = {
                    "rate": ok / wall if wall else 0.0,
                    "done": ok / (wall + sum(r.drain or 0.0 for r in rs)) if wall else 0.0,
                    "p50": percentile(lat, .5) * 1000, "p99": percentile(lat, .99) * 1000,
                    "max": (lat[-1] * 1000) if lat else math.nan,
                    "cpu": sum(r.cpu or 0 for r in rs) * 1000 / max(ok, 1),
                    "client": sum(r.client_cpu for r in rs) / wall if wall else 0.0,
                    "lag": max((r.lag_p99 for r in rs), default=math.nan) * 1000,
                    "failed": sum(r.failed for r in rs),
                }
                table[(target, c)] = row
                print(f"{target:<11}{c:>6}{ok:>7}{row['rate']:>9.1f}{row['done']:>9.1f}{row['p50']:>9.1f}"
                      f"{row['p99']:>9.1f}{row['max']:>9.1f}{row['cpu']:>12.2f}{row['lag']:>9.1f}{row['client']:>8.0%}"
                      f"{row['failed']:>8}")
        print(f"(acks/s: acks per second of sending; done/s: the same requests per second of sending plus "
              f"waiting for the outbox to deliver their DMs; CPU ms/req: {cpu_of}, from a round's first send "
              f"until its DMs are out; lag p99: the server's event loop, worst round; client: the load generator's "
              f"CPU over the rounds' wall time)")
        print()
        print("ratio media-desk / bare (pooled over rounds; per round in brackets)")
        for c in self.levels:
            md, bare = table[(MEDIA_DESK, c)], table[(BARE, c)]
            if not (bare["rate"] and bare["p99"] and bare["cpu"]):
                continue
            pairs = [(m, b) for m in measured for b in measured
                     if m.users == b.users == c and m.number == b.number and m.target == MEDIA_DESK
                     and b.target == BARE and m.latencies and b.latencies]
            per_rate = ", ".join(f"{m.rate / b.rate:.2f}" for m, b in pairs)
            per_p99 = ", ".join(f"{percentile(sorted(m.latencies), .99) / percentile(sorted(b.latencies), .99):.2f}"
                                for m, b in pairs)
            print(f"  users={c:<3} throughput {md['rate'] / bare['rate']:.2f}x [{per_rate}]   "
                  f"p99 {md['p99'] / bare['p99']:.2f}x [{per_p99}]   done/s {md['done'] / bare['done']:.2f}x   "
                  f"CPU/req {md['cpu'] / bare['cpu']:.1f}x")
        failed = sum(r.failed for r in self.results)
        print()
        print(f"failed requests (non-200 or no answer), warm-ups included: {failed}")
        drains = [r.drain for r in self.results if r.target == MEDIA_DESK]
        worst = max((d for d in drains if d is not None), default=0.0)
        undrained = sum(d is None for d in drains)
        print(f"DMs delivered by Media Desk's outbox (chat.postMessage seen by the fake): {counts['dms']} of "
              f"{self.dms_expected} expected; slowest drain after a round {worst:.2f}s"
              + (f"; {undrained} round(s) NOT drained within {self.args.drain_timeout:.0f}s" if undrained else ""))
        print(f"fake Web API: {counts['users.info']} users.info, {counts['chat.postMessage']} chat.postMessage, "
              f"{counts['refused']} refused, {counts['unanswered']} unanswered, {counts['violations']} spec violations")
        print("server log: " + (", ".join(f"{n} {level}" for level, n in sorted(log["levels"].items())) or "empty")
              + "".join(f"\n  {n} x {level}: {msg}" for (level, msg), n in log["notable"].items()))
        if AIM_USERS in self.levels:
            md, bare = table[(MEDIA_DESK, AIM_USERS)], table[(BARE, AIM_USERS)]
            p99_ok = md["p99"] < AIM_P99_MS
            rate_ok = bare["rate"] > 0 and md["rate"] / bare["rate"] >= AIM_THROUGHPUT_RATIO
            print(f"aims at {AIM_USERS} users ({self.args.database}): p99 ack < {AIM_P99_MS:.0f} ms: "
                  f"{'met' if p99_ok else 'MISSED'} ({md['p99']:.1f} ms); acks/s >= "
                  f"{AIM_THROUGHPUT_RATIO}x bare: {'met' if rate_ok else 'MISSED'} "
                  f"({md['rate'] / bare['rate']:.3f}x)")
            if bare["client"] > 0.8 and not self.args.inline:
                print(f"  note: the load generator was {bare['client']:.0%} busy during the bare rounds, so the "
                      f"bare app's acks/s is a floor and the throughput ratio flatters Media Desk")
        return 1 if failed or counts["dms"] < self.dms_expected else 0


def read_log(path: Path) -> dict[str, Any]:
    """Count the server log's lines by level; keep the distinct warnings and errors."""
    levels: dict[str, int] = {}
    notable: dict[tuple[str, str], int] = {}
    example: dict[tuple[str, str], str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                level, msg = entry.get("level", "?"), str(entry.get("msg", ""))[:160]
                if entry.get("error"):  # the exception's last line says what went wrong
                    msg += " | " + str(entry["error"]).strip().splitlines()[-1][:200]
            except ValueError:
                level, msg = "unstructured", line[:160]
            levels[level] = levels.get(level, 0) + 1
            if level not in ("debug", "info"):
                key = (level, re.sub(r"\d+", "#", msg))  # the same message at another time or id
                notable[key] = notable.get(key, 0) + 1
                example.setdefault(key, msg)
    top = sorted(notable.items(), key=lambda kv: -kv[1])[:5]
    return {"levels": levels, "notable": {(level, example[(level, key)]): n for (level, key), n in top}}


async def main_async(args: argparse.Namespace) -> int:
    bench = Bench(args)
    print(f"servers: {'this process' if args.inline else 'a child process'}; work dir {bench.tmp}", flush=True)
    try:
        try:
            await bench.start()
            await bench.run()
            counts = await bench.fake_counts()
        finally:
            await bench.stop()
    except SystemExit:  # refused before anything ran (e.g. PostgreSQL absent): nothing worth keeping
        shutil.rmtree(bench.tmp, ignore_errors=True)
        raise
    except BaseException:
        print(f"the run failed; its work dir (database, logs) is kept: {bench.tmp}", file=sys.stderr)
        raise
    code = bench.summary(counts, read_log(bench.tmp / "server.log"))
    if args.profile:
        print(f"server profile (cProfile): {args.profile}")
    if args.keep:
        print(f"kept {bench.tmp}")
    else:
        shutil.rmtree(bench.tmp, ignore_errors=True)
    return code


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=None,
                        help="requests per target per round (default: 200 at 1 user, 500 at 50 users)")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds per target and level (default 3)")
    parser.add_argument("--users", type=lambda s: [int(x) for x in s.split(",")], default=[1, 50],
                        help="concurrency levels, comma-separated (default 1,50)")
    parser.add_argument("--warmup", type=int, default=None,
                        help="warm-up requests per target per level (default max(50, 2 x users))")
    database_option(parser)
    parser.add_argument("--drain-timeout", type=float, default=60.0,
                        help="seconds to wait for Media Desk's outbox after a round (default 60)")
    parser.add_argument("--inline", action="store_true",
                        help="run the servers and the fake in this process's event loop instead of child ones")
    parser.add_argument("--profile", metavar="FILE", default=None,
                        help="cProfile the server process into FILE (slows it: compare shares, not speeds)")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (database, server log)")
    child_options(parser, ["server", "fake"])
    args = parser.parse_args(argv)
    if args.profile:
        args.profile = str(Path(args.profile).resolve())
        if args.inline:
            parser.error("--profile profiles the server process; leave out --inline")
    return args


def main(argv: list[str] | None = None) -> int:
    return run_main(parse_args(argv), _child_main, main_async)


if __name__ == "__main__":
    raise SystemExit(main())
