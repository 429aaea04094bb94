"""A fake Slack Web API server for driving the bot end to end.

``FakeSlackApi`` is a small aiohttp application on 127.0.0.1 (ephemeral port) that
answers the Web API methods the bot uses the way Slack does, records every call,
checks each call against Slack's published Web API description, and can be told to
fail (HTTP 429/500, scripted error bodies) or hang (a process killed mid-send).

Point a client at it with ``AsyncWebClient(token=fake.token, base_url=fake.url)``.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from tests.conformance import specs_dir
from tests.prose import doubled_stops
from tests.slack_requests import Workspace

__all__ = ["Call", "FakeSlackApi", "MethodSpec", "Violation", "check_call", "load_spec_index", "spec_path"]

#: The Slack Web API description (Swagger 2.0) the calls are checked against, in the specs folder.
WEB_API_SPEC = "slack-web-openapi-v2.json"

#: Arguments that carry JSON: decoded when they arrive as strings (form or query bodies).
JSON_ARGS = frozenset({"blocks", "attachments", "view", "metadata"})

#: Arguments never checked: the token travels as a bearer header.
IGNORED_ARGS = frozenset({"token"})

# Arguments accepted on every method. One entry per argument, each with its reason.
GLOBAL_EXTRA_ARGS: dict[str, str] = {
    "team_id": "slack_sdk's WebClient(team_id=...) default param, which slack_bolt sets on every "
    "per-request client; org-wide apps use it to pick the workspace on any method",
}

# Arguments Slack accepts today that post-date the 2020 spec snapshot. One entry per
# (method, argument), each with the reason it is legitimate. Keep this list short.
EXTRA_ARGS: dict[str, dict[str, str]] = {
    "chat.postMessage": {
        "metadata": "message metadata (2022); slack_sdk's chat_postMessage(metadata=...)",
    },
    "conversations.history": {
        "include_all_metadata": "return message metadata (2022); slack_sdk's conversations_history(include_all_metadata=...)",
    },
    "chat.update": {
        "metadata": "message metadata (2022); slack_sdk's chat_update(metadata=...)",
        "reply_broadcast": "broadcasting a thread reply on update; slack_sdk's chat_update(reply_broadcast=...)",
        "file_ids": "attaching uploaded files on update; slack_sdk's chat_update(file_ids=...)",
    },
    "views.open": {
        "interactivity_pointer": "alternative to trigger_id for workflow steps (2023); slack_sdk's views_open",
    },
    "views.push": {
        "interactivity_pointer": "alternative to trigger_id for workflow steps (2023); slack_sdk's views_push",
    },
}

# Methods Slack added after the 2020 spec snapshot, described here as the snapshot would (arguments and which are
# required), each with its reason and where Slack documents it. Keep this list short.
EXTRA_METHODS: dict[str, tuple[MethodSpec, str]] = {}  # filled below, once MethodSpec is defined

# Required arguments that may be replaced by another argument (required -> alternatives).
REQUIRED_ALTERNATIVES: dict[str, dict[str, frozenset[str]]] = {
    # views.open/push take either a trigger_id or an interactivity_pointer.
    "views.open": {"trigger_id": frozenset({"interactivity_pointer"})},
    "views.push": {"trigger_id": frozenset({"interactivity_pointer"})},
}

#: The methods whose arguments a person reads (checked for doubled full stops).
_SHOWN_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral", "views.open", "views.push",
                            "views.update", "views.publish", "files.completeUploadExternal"})

_TS_START = 1_700_000_000_000_100  # microseconds: the first ts is "1700000000.000100"


# --------------------------------------------------------------------------- spec


@dataclass(frozen=True)
class MethodSpec:
    """The argument names one Web API method accepts, and which of them are required."""

    params: frozenset[str]
    required: frozenset[str]


EXTRA_METHODS.update({
    "files.getUploadURLExternal": (
        MethodSpec(frozenset({"filename", "length", "alt_txt", "snippet_type"}), frozenset({"filename", "length"})),
        "step 1 of the external upload (2023; files.upload is retired): "
        "https://docs.slack.dev/reference/methods/files.getUploadURLExternal"),
    "files.completeUploadExternal": (
        MethodSpec(frozenset({"files", "channel_id", "channels", "thread_ts", "initial_comment", "blocks"}),
                   frozenset({"files"})),
        "step 3 of the external upload: https://docs.slack.dev/reference/methods/files.completeUploadExternal"),
})


def spec_path() -> Path:
    """Where the Slack Web API description is read from."""
    return specs_dir() / WEB_API_SPEC


@functools.lru_cache(maxsize=4)
def load_spec_index(path: str | None = None) -> dict[str, MethodSpec]:
    """Index the Swagger 2.0 description by method name (cached per process and path)."""
    with open(path or spec_path(), encoding="utf-8") as fh:
        spec = json.load(fh)
    index: dict[str, MethodSpec] = {}
    for route, item in spec["paths"].items():
        params: set[str] = set()
        required: set[str] = set()
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for param in operation.get("parameters", []):
                if param.get("in") not in ("formData", "query") or param.get("name") in IGNORED_ARGS:
                    continue
                params.add(param["name"])
                if param.get("required"):
                    required.add(param["name"])
        index[route.lstrip("/")] = MethodSpec(frozenset(params), frozenset(required))
    return index


@dataclass(frozen=True)
class Violation:
    """A call that does not match the Web API description."""

    method: str
    kind: str  # "unknown_method" | "unknown_argument" | "missing_argument"
    argument: str | None = None

    def __str__(self) -> str:
        return f"{self.method}: {self.kind}" + (f" {self.argument!r}" if self.argument else "")


def check_call(method: str, args: dict[str, Any], index: dict[str, MethodSpec]) -> list[Violation]:
    """Return the ways a call's method and argument names break the description."""
    spec = index.get(method) or (EXTRA_METHODS[method][0] if method in EXTRA_METHODS else None)
    if spec is None:
        return [Violation(method, "unknown_method")]
    allowed = spec.params | GLOBAL_EXTRA_ARGS.keys() | EXTRA_ARGS.get(method, {}).keys()
    present = set(args) - IGNORED_ARGS
    found = [Violation(method, "unknown_argument", name) for name in sorted(present - allowed)]
    alternatives = REQUIRED_ALTERNATIVES.get(method, {})
    for name in sorted(spec.required - present):
        if not alternatives.get(name, frozenset()) & present:
            found.append(Violation(method, "missing_argument", name))
    return found


# --------------------------------------------------------------------------- records


@dataclass
class Call:
    """One request the fake received."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    http_method: str = "POST"
    path: str = ""
    failed: bool = False  # answered by a scripted fault (fail_next)
    hung: bool = False  # held by hang_next
    status: int | None = None  # HTTP status answered (None while hanging / if dropped)
    response: Any = None  # the body answered

    def __repr__(self) -> str:
        flags = "".join(f" {name}" for name in ("failed", "hung") if getattr(self, name))
        return f"<Call {self.method} {self.args!r} status={self.status}{flags}>"


@dataclass
class _Fault:
    status: int
    remaining: int
    retry_after: int | None
    body: Any
    accepted: bool = False  # the call takes effect first (Slack accepted it), then this answer goes back

    def response(self) -> web.Response:
        headers: dict[str, str] = {}
        if self.status == 429 and self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        body = self.body
        if body is None:
            body = {"ok": False, "error": "ratelimited"} if self.status == 429 else "Internal Server Error"
        if isinstance(body, str | bytes):
            return web.Response(status=self.status, body=body, content_type="text/plain", headers=headers)
        return web.json_response(body, status=self.status, headers=headers)


# --------------------------------------------------------------------------- server


class FakeSlackApi:
    """A fake Slack Web API on 127.0.0.1 with an ephemeral port; see the module docstring."""

    def __init__(self, token: str = "xoxb-test", *, workspace: Workspace | None = None,
                 spec: str | os.PathLike[str] | None = None, clock: Callable[[], float] | None = None) -> None:
        """``clock`` (seconds since the epoch) makes each ts Slack's time of posting, as the bot's own clock
        sees it; without one, ts count up from 1700000000.000100."""
        self.token = token
        self._clock = clock
        self.workspace = workspace or Workspace()
        self._spec = str(spec) if spec is not None else None

        self.calls: list[Call] = []
        self.violations: list[Violation] = []
        self.prose: list[str] = []  # doubled full stops in what the bot posted (tests/prose.py)
        self.ephemerals: list[dict[str, Any]] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.home: dict[str, dict[str, Any]] = {}  # user id -> the Home tab view last published for them
        self.uploads: dict[str, dict[str, Any]] = {}  # file id -> name, length asked, bytes received, where shared
        self.users: dict[str, dict[str, Any]] = {}
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._hangs: dict[str, int] = {}
        self._hangs_accepting: set[str] = set()
        self.delay = 0.0  # seconds every call takes before it is answered (a slow Slack)
        self._waiting: list[asyncio.Event] = []
        self._ts = itertools.count(_TS_START, 100)
        self._ids = itertools.count(1)
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "views.open": self._views_open,
            "views.push": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
        }

    # ---- lifecycle

    async def start(self) -> FakeSlackApi:
        """Load the spec (once per process) and start listening on 127.0.0.1:0."""
        load_spec_index(self._spec)
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/hooks/{tail:.*}", self._handle_hook)
        app.router.add_post("/upload/v1/{file_id}", self._handle_upload)
        self._stopping = False
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Stop the server; calls still hanging are dropped without an answer."""
        self._stopping = True
        self._wake_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlackApi:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeSlackApi is not started")
        return self._port

    @property
    def url(self) -> str:
        """Base URL for ``AsyncWebClient(base_url=...)``, ending with ``/api/``."""
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def response_base(self) -> str:
        """Base for response_url values; POSTs there are recorded as method ``"response_url"``."""
        return f"http://127.0.0.1:{self.port}/hooks"

    # ---- test set-up

    def add_people(self, *people: tuple[str, str, str]) -> None:
        """Register each (user id, email, full name), their handle the first name in lower case."""
        for user_id, email, name in people:
            self.add_user(user_id, email, name.split()[0].lower(), real_name=name)

    def add_user(
        self,
        user_id: str,
        email: str,
        name: str,
        real_name: str | None = None,
        *,
        tz: str = "Europe/London",
        is_bot: bool = False,
        deleted: bool = False,
    ) -> dict[str, Any]:
        """Register a user for users.info / users.lookupByEmail; returns Slack's user object."""
        real = real_name if real_name is not None else name
        user = {
            "id": user_id,
            "team_id": self.workspace.team_id,
            "name": name,
            "deleted": deleted,
            "real_name": real,
            "tz": tz,
            "tz_label": tz,
            "tz_offset": 0,
            "is_bot": is_bot,
            "is_app_user": False,
            "profile": {"email": email, "real_name": real, "display_name": name, "team": self.workspace.team_id},
        }
        self.users[user_id] = user
        return user

    def fail_next(
        self, method: str, status: int = 429, times: int = 1, retry_after: int | None = 1, body: Any = None,
        channel: str | None = None, accepted: bool = False,
    ) -> None:
        """Answer the next ``times`` calls to ``method`` with ``status``.

        429 sends ``Retry-After`` and ``{"ok": false, "error": "ratelimited"}``; other
        statuses send a plain-text body. ``body`` overrides it (a dict is sent as JSON,
        so ``status=200, body={"ok": False, "error": "channel_not_found"}`` scripts an API error).
        ``channel`` limits the fault to calls for that channel (the bot may send several at once).
        ``accepted`` makes the call take effect before the failure is answered, as when Slack posts a message and
        the answer is lost (a 500 from a proxy, a reset connection).
        """
        self._faults.setdefault(self._fault_key(method, channel), deque()).append(
            _Fault(status, times, retry_after, body, accepted))

    @staticmethod
    def _fault_key(method: str, channel: str | None) -> str:
        return f"{method}@{channel}" if channel else method

    def hang_next(self, method: str, times: int = 1, channel: str | None = None, accepted: bool = False) -> None:
        """Hold the next ``times`` calls to ``method`` (for ``channel``, if given) until :meth:`release` or :meth:`stop`.

        With ``accepted`` the call takes effect before it is held (Slack has the message; its answer never comes
        if the caller dies meanwhile)."""
        key = self._fault_key(method, channel)
        self._hangs[key] = self._hangs.get(key, 0) + times
        if accepted:
            self._hangs_accepting.add(key)

    def release(self) -> None:
        """Let every call currently held by :meth:`hang_next` proceed normally."""
        self._wake_all()

    # ---- inspection

    def calls_to(self, method: str) -> list[Call]:
        """Every recorded call to ``method`` (including failed and hung ones)."""
        return [call for call in self.calls if call.method == method]

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - a polling deadline, part of the fixture's API
        predicate: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Wait until ``count`` calls to ``method`` (matching ``predicate``) are recorded; return them all."""
        deadline = time.monotonic() + timeout
        while True:
            matching = [c for c in self.calls_to(method) if predicate is None or predicate(c)]
            if len(matching) >= count:
                return matching
            if time.monotonic() >= deadline:
                recorded = "\n  ".join(repr(c) for c in self.calls) or "(none)"
                raise AssertionError(
                    f"expected {count} call(s) to {method}, got {len(matching)} within {timeout}s; "
                    f"recorded:\n  {recorded}"
                )
            await asyncio.sleep(0.01)

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """Messages currently in ``channel`` (a user id means their DM), oldest first."""
        channel = self._dm_channel(channel)
        found = [m for (ch, _), m in self._messages.items() if ch == channel]
        return sorted(found, key=lambda m: _ts_key(m["ts"]))

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The latest version of one message, or None."""
        return self._messages.get((self._dm_channel(channel), ts))

    def assert_conformant(self) -> None:
        """Fail if any call broke the Web API description."""
        if self.violations:
            listed = "\n  ".join(sorted({str(v) for v in self.violations}))
            raise AssertionError(f"calls not conforming to the Slack Web API description:\n  {listed}")

    # ---- HTTP

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        args = await _read_args(request)
        call = Call(method, args, dict(request.headers), request.method, request.path)
        self.calls.append(call)
        self.violations.extend(check_call(method, args, load_spec_index(self._spec)))
        if method in _SHOWN_METHODS:
            self.prose.extend(f"{method}: {found}" for found in doubled_stops(args))
        if self.delay:
            await asyncio.sleep(self.delay)

        hang_key = self._fault_key(method, str(args.get("channel"))) \
            if self._hangs.get(self._fault_key(method, str(args.get("channel"))), 0) > 0 else method
        body: dict[str, Any] | None = None
        if self._hangs.get(hang_key, 0) > 0:
            self._hangs[hang_key] -= 1
            if hang_key in self._hangs_accepting:
                body = self._answer(request, method, args)
                if self._hangs[hang_key] == 0:
                    self._hangs_accepting.discard(hang_key)
            call.hung = True
            released = asyncio.Event()
            self._waiting.append(released)
            await released.wait()
            if self._stopping:
                return _drop(request)

        fault = self._next_fault(self._fault_key(method, str(args.get("channel")))) or self._next_fault(method)
        if fault is not None:
            if fault.accepted and body is None:
                self._answer(request, method, args)
            call.failed = True
            call.status = fault.status
            call.response = fault.body
            return fault.response()

        if body is None:
            body = self._answer(request, method, args)
        call.status = 200
        call.response = body
        return web.json_response(body)

    def _answer(self, request: web.Request, method: str, args: dict[str, Any]) -> dict[str, Any]:
        error = self._auth_error(request, args)
        return {"ok": False, "error": error} if error else self._handlers.get(method, _ok)(args)

    async def _handle_hook(self, request: web.Request) -> web.Response:
        args = await _read_args(request)
        call = Call("response_url", args, dict(request.headers), request.method, request.path, status=200)
        self.prose.extend(f"response_url: {found}" for found in doubled_stops(args))
        self.calls.append(call)
        return web.Response(text="ok")

    def _wake_all(self) -> None:
        waiting, self._waiting = self._waiting, []
        for event in waiting:
            event.set()

    def _next_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.popleft()
        return fault

    def _auth_error(self, request: web.Request, args: dict[str, Any]) -> str | None:
        header = request.headers.get("Authorization", "")
        token = header[len("Bearer ") :] if header.startswith("Bearer ") else args.get("token")
        if not token:
            return "not_authed"
        return None if token == self.token else "invalid_auth"

    # ---- Web API methods

    def _next_ts(self) -> str:
        micros = next(self._ts)
        if self._clock is not None:
            micros = max(micros, int(self._clock() * 1_000_000))
            self._ts = itertools.count(micros + 100, 100)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    @staticmethod
    def _dm_channel(channel: str) -> str:
        return "D" + channel if channel[:1] in ("U", "W") else channel

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": f"https://{self.workspace.domain}.slack.com/",
            "team": self.workspace.team,
            "user": "mediadesk",
            "team_id": self.workspace.team_id,
            "user_id": self.workspace.bot_user_id,
            "bot_id": self.workspace.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel"):
            return _error("channel_not_found")
        if not (args.get("text") or args.get("blocks") or args.get("attachments")):
            return _error("no_text")
        channel = self._dm_channel(str(args["channel"]))
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "user": self.workspace.bot_user_id,
            "bot_id": self.workspace.bot_id,
            "app_id": self.workspace.app_id,
            "team": self.workspace.team_id,
            "text": args.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if key in args:
                message[key] = args[key]
        self._messages[(channel, ts)] = {**message, "channel": channel}
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        # Like Slack: the channel must be the conversation id the message lives in.
        key = (str(args.get("channel", "")), str(args.get("ts", "")))
        stored = self._messages.get(key)
        if stored is None:
            return _error("message_not_found")
        # Omitted blocks/attachments keep their previous value, as on Slack.
        for name in ("text", "blocks", "attachments", "metadata"):
            if name in args:
                stored[name] = args[name]
        stored["edited"] = {"user": self.workspace.bot_user_id, "ts": self._next_ts()}
        message = {k: v for k, v in stored.items() if k != "channel"}
        return {
            "ok": True,
            "channel": key[0],
            "ts": key[1],
            "text": stored.get("text", ""),
            "message": message,
        }

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args.get("channel", "")), str(args.get("ts", "")))
        if self._messages.pop(key, None) is None:
            return _error("message_not_found")
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel"):
            return _error("channel_not_found")
        if not args.get("user"):
            return _error("user_not_found")
        ts = self._next_ts()
        self.ephemerals.append({**args, "message_ts": ts})
        return {"ok": True, "message_ts": ts}

    def _chat_get_permalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("message_ts", ""))
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"https://{self.workspace.domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"ok": True, "channel": {"id": args["channel"]}}
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if not users:
            return _error("users_list_not_supplied")
        if len(users) == 1:
            return {"ok": True, "no_op": True, "already_open": True, "channel": {"id": "D" + users[0]}}
        return {"ok": True, "channel": {"id": "G" + "".join(sorted(users))}}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        """Newest first, `oldest` exclusive, paged by an opaque cursor; metadata only when asked for, as on Slack."""
        channel = str(args.get("channel") or "")
        if not channel:
            return _error("channel_not_found")
        oldest = _ts_key(str(args.get("oldest") or "0"))
        found = [m for m in self.messages_in(channel) if _ts_key(m["ts"]) > oldest][::-1]
        start = int(str(args.get("cursor") or "0") or 0)
        limit = min(int(args.get("limit") or 100), 999)
        page = found[start:start + limit]
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        messages = [{k: v for k, v in m.items() if k != "channel" and (with_metadata or k != "metadata")}
                    for m in page]
        more = start + limit < len(found)
        return {"ok": True, "messages": messages, "has_more": more, "pin_count": 0,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def _new_view(self, view: dict[str, Any], view_id: str, root_view_id: str) -> dict[str, Any]:
        stored = {
            "id": view_id,
            "team_id": self.workspace.team_id,
            "type": "modal",
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "state": {"values": {}},
            "blocks": [],
            **view,
            "hash": f"{int(time.time())}.{next(self._ids):08d}",
            "root_view_id": root_view_id,
            "app_id": self.workspace.app_id,
            "app_installed_team_id": self.workspace.team_id,
            "bot_id": self.workspace.bot_id,
        }
        self.views[view_id] = stored
        return stored

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        if not isinstance(view, dict) or not (args.get("trigger_id") or args.get("interactivity_pointer")):
            return _error("invalid_arguments")
        view_id = f"V{next(self._ids):08d}"
        return {"ok": True, "view": self._new_view(view, view_id, view_id)}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        if not isinstance(view, dict):
            return _error("invalid_arguments")
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next(
                (v["id"] for v in self.views.values() if v["external_id"] == args["external_id"]), None
            )
            if view_id is None:
                return _error("not_found")
        if not view_id:
            return _error("invalid_arguments")
        current = self.views.get(view_id)  # unknown ids (from crafted payloads) are accepted
        if current is not None and args.get("hash") and args["hash"] != current["hash"]:
            return _error("hash_conflict")
        root = current["root_view_id"] if current else view_id
        return {"ok": True, "view": self._new_view(view, view_id, root)}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view, user = args.get("view"), str(args.get("user_id") or "")
        if not isinstance(view, dict) or view.get("type") != "home":
            return _error("invalid_arguments")
        if user not in self.users:
            return _error("user_not_found")
        current = self.home.get(user)
        if current is not None and args.get("hash") and args["hash"] != current["hash"]:
            return _error("hash_conflict")
        view_id = current["id"] if current else f"V{next(self._ids):08d}"
        stored = self._new_view(view, view_id, view_id)
        self.home[user] = stored
        return {"ok": True, "view": stored}

    # ---- the external upload, as Slack does it: a URL per file, the bytes POSTed there, then completed

    def _files_get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            length = int(args.get("length") or 0)
        except (TypeError, ValueError):
            return _error("invalid_arguments")
        if length <= 0 or not args.get("filename"):
            return _error("missing_argument")  # Slack: a length of 0 is a missing argument
        file_id = f"F{next(self._ids):010d}"
        self.uploads[file_id] = {"filename": args["filename"], "length": length, "data": None, "shared": None}
        return {"ok": True, "upload_url": f"http://127.0.0.1:{self.port}/upload/v1/{file_id}", "file_id": file_id}

    async def _handle_upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        self.calls.append(Call("upload", {"file_id": file_id, "bytes": len(data)}, dict(request.headers),
                               request.method, request.path, status=200))
        upload = self.uploads.get(file_id)
        if upload is None:
            return web.Response(status=404, text="not found")
        if request.content_type.startswith("multipart/"):
            return web.Response(status=400, text="send the bytes as they are")
        upload["data"] = data
        return web.Response(text=f"OK - {len(data)}")

    def _files_complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        try:
            files = json.loads(args["files"]) if isinstance(args.get("files"), str) else args.get("files")
        except ValueError:
            return _error("invalid_arguments")
        if not isinstance(files, list) or not files:
            return _error("invalid_arguments")
        channel = str(args.get("channel_id") or "")
        done = []
        for item in files:
            upload = self.uploads.get(str((item or {}).get("id")))
            # As Slack: a file whose bytes never arrived (or not all of them) can't be completed.
            if upload is None or upload["data"] is None or len(upload["data"]) != upload["length"]:
                return _error("file_not_found" if upload is None else "upload_incomplete")
            upload.update(shared=channel or None, title=item.get("title"), comment=args.get("initial_comment"))
            done.append({"id": item["id"], "name": upload["filename"], "title": item.get("title") or
                         upload["filename"], "size": upload["length"]})
        if channel:
            ts = self._next_ts()
            self._messages[(channel, ts)] = {"type": "message", "user": self.workspace.bot_user_id, "bot_id": self.workspace.bot_id,
                                             "text": args.get("initial_comment") or "", "ts": ts,
                                             "files": done, "channel": channel}
        return {"ok": True, "files": done}

    def shared_files(self, channel: str) -> list[dict[str, Any]]:
        """The files completed into a conversation (a user id means their DM): name, bytes, title, comment."""
        channel = self._dm_channel(channel)
        return [{"id": file_id, **upload} for file_id, upload in self.uploads.items() if upload["shared"] == channel]

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user", "")))
        return {"ok": True, "user": user} if user else _error("user_not_found")

    def _users_lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email", "")).lower()
        user = next((u for u in self.users.values() if u["profile"]["email"].lower() == email), None)
        return {"ok": True, "user": user} if user else _error("users_not_found")


# --------------------------------------------------------------------------- helpers


def _ok(args: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True}


def _error(code: str) -> dict[str, Any]:
    return {"ok": False, "error": code}


def _ts_key(ts: str) -> tuple[int, ...]:
    return tuple(int(part) for part in ts.split("."))


def _drop(request: web.Request) -> web.Response:
    """Close the connection without answering, as a killed process would."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=503)


async def _read_args(request: web.Request) -> dict[str, Any]:
    """Merge query-string, form and JSON arguments; decode JSON-valued string arguments."""
    args: dict[str, Any] = dict(request.query)
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        args.update({k: v for k, v in form.items() if isinstance(v, str)})
    else:
        raw = await request.read()
        if raw and request.content_type == "application/json":
            body = json.loads(raw)
            if isinstance(body, dict):
                args.update(body)
        elif raw:
            args.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    for name in JSON_ARGS & args.keys():
        args[name] = _maybe_json(args[name])
    return args


def _maybe_json(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
