"""The playground's web routes: the page, Web Chat's bundle, sessions, and the small Direct Line endpoint Web Chat
talks to (the polling flavour of Direct Line 3.0: start a conversation, post activities, get them by watermark)."""

from __future__ import annotations

import asyncio
import ipaddress
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from handlers.playground.door import PlaygroundDoor, Session

DOOR = web.AppKey("playground_door", PlaygroundDoor)
STATIC = Path(__file__).parent / "static"
TOKEN_SECONDS = 3600
_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}
NO_WEBCHAT = ("// Web Chat is not installed. Run scripts/setup (it fetches botframework-webchat with npm), "
              "or set MEDIADESK_WEBCHAT_JS to its dist/webchat.js.\n"
              "document.body.insertAdjacentHTML('afterbegin', '<p class=\"missing\">Web Chat is not installed: "
              "run <code>scripts/setup</code>, then reload.</p>');\n")


@web.middleware
async def loopback_only(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                        ) -> web.StreamResponse:
    """From this machine, to this machine: a page elsewhere can't reach in by renaming itself (DNS rebinding).
    The Host header itself is read: without one (HTTP/1.0) aiohttp would put this machine's own name in its place."""
    try:
        host = urlsplit("//" + request.headers.get("Host", "")).hostname or ""
    except ValueError:
        host = ""
    if not _loopback_address(request.remote) or host not in _LOCAL_NAMES:
        return web.json_response({"error": "the playground is only served to this machine"}, status=403)
    response = await handler(request)
    response.headers.setdefault("Cache-Control", "no-store")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _loopback_address(remote: str | None) -> bool:
    try:
        return ipaddress.ip_address(remote or "").is_loopback
    except ValueError:
        return False


def playground_app(webchat_js: Path) -> web.Application:
    """The /playground/ sub-application; the door itself is built with the rest at start-up (DOOR)."""
    app = web.Application(middlewares=[loopback_only])
    app.router.add_get("/", page)
    app.router.add_get("/playground.js", _static("playground.js", "text/javascript"))
    app.router.add_get("/playground.css", _static("playground.css", "text/css"))
    app.router.add_get("/webchat.js", _webchat(webchat_js))
    app.router.add_get("/people", people)
    app.router.add_get("/alive", alive)
    app.router.add_post("/session", session)
    app.router.add_post("/directline/conversations", start_conversation)
    app.router.add_get("/directline/conversations/{cid}", start_conversation)
    app.router.add_get("/directline/conversations/{cid}/activities", get_activities)
    app.router.add_post("/directline/conversations/{cid}/activities", post_activity)
    app.router.add_post("/directline/tokens/refresh", refresh_token)
    return app


async def page(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC / "index.html", headers={
        "Content-Type": "text/html; charset=utf-8",
        # Everything is served from here; Web Chat's bundle needs inline styles and blob: images.
        "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: "
                                   "blob:; connect-src 'self'; frame-ancestors 'none'"})


def _static(name: str, content_type: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def serve(request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / name, headers={"Content-Type": content_type})

    return serve


def _webchat(path: Path) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def serve(request: web.Request) -> web.StreamResponse:
        if not await asyncio.to_thread(path.is_file):
            return web.Response(text=NO_WEBCHAT, content_type="text/javascript")
        return web.FileResponse(path, headers={"Content-Type": "text/javascript", "Cache-Control": "max-age=3600"})

    return serve


def _door(request: web.Request) -> PlaygroundDoor:
    return request.config_dict[DOOR]


async def people(request: web.Request) -> web.Response:
    return web.json_response([p.as_json() for p in _door(request).people.values()])


async def alive(request: web.Request) -> web.Response:
    """Which run of the server this is: the page reconnects when it changes (its tokens died with the last)."""
    return web.json_response({"instance": _door(request).instance})


async def session(request: web.Request) -> web.Response:
    """A Direct Line token for one pane (your chat, or the comms channel) as one persona."""
    body = await _json(request)
    opened = _door(request).open_session(str(body.get("person", "")), str(body.get("pane", "")))
    if opened is None:
        return web.json_response({"error": "unknown person or pane"}, status=400)
    token, chosen = opened
    return web.json_response({"token": token, "conversationId": chosen.conversation_id})


def _session(request: web.Request) -> Session | None:
    auth = request.headers.get("Authorization", "")
    token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
    found = _door(request).session(token) if token else None
    cid = request.match_info.get("cid")
    return found if found is not None and (cid is None or cid == found.conversation_id) else None


def _conversation(token: str, s: Session) -> dict[str, Any]:
    return {"conversationId": s.conversation_id, "token": token, "expires_in": TOKEN_SECONDS}


async def start_conversation(request: web.Request) -> web.Response:
    s = _session(request)
    if s is None:
        return _unauthorised()
    token = request.headers["Authorization"][7:].strip()
    return web.json_response(_conversation(token, s), status=201 if request.method == "POST" else 200)


async def refresh_token(request: web.Request) -> web.Response:
    s = _session(request)
    if s is None:
        return _unauthorised()
    return web.json_response(_conversation(request.headers["Authorization"][7:].strip(), s))


async def get_activities(request: web.Request) -> web.Response:
    s = _session(request)
    if s is None:
        return _unauthorised()
    try:
        watermark = int(request.query.get("watermark") or 0)
    except ValueError:
        return web.json_response({"error": {"code": "BadArgument", "message": "watermark"}}, status=400)
    door = _door(request)
    activities, mark = door.transcripts[s.conversation_id].since(watermark)
    return web.json_response({"activities": await door.shown(s, activities), "watermark": str(mark)})


async def post_activity(request: web.Request) -> web.Response:
    s = _session(request)
    if s is None:
        return _unauthorised()
    body = await _json(request)
    if not isinstance(body.get("type"), str):
        return web.json_response({"error": {"code": "BadArgument", "message": "an activity needs a type"}},
                                 status=400)
    return web.json_response({"id": await _door(request).receive(s, body)})


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.read())
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text='{"error": "malformed JSON"}', content_type="application/json") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error": "expected a JSON object"}', content_type="application/json")
    return body


def _unauthorised() -> web.Response:
    return web.json_response({"error": {"code": "TokenExpired", "message": "start again from the page"}},
                             status=403)
