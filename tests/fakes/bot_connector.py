"""A fake Microsoft side for the Teams suites: OpenID metadata and signing keys (served from a thread, as botbuilder
fetches them with blocking `requests`), and a login endpoint and Bot Connector (aiohttp) recording what the bot sends.

Every Adaptive Card the fake Connector receives (posts and updates) is checked against the AC 1.5 schema and for
doubled full stops; what is wrong is collected in `FakeConnector.invalid` for the test's fixture to fail on.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.adaptive import validate_adaptive_card
from tests.prose import doubled_stops

APP_ID = "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
TENANT = "7a1b2c3d-0000-4000-8000-00000000a11e"
OTHER_TENANT = "99999999-0000-4000-8000-0000000000ff"
KID = "test-key-1"
CARD = "application/vnd.microsoft.card.adaptive"


def member(slug: str, name: str) -> dict[str, str]:
    """A Teams member as the Connector's member lookup returns it (email = UPN)."""
    email = f"{name.lower().replace(' ', '.')}@example.nhs.uk"
    return {"id": f"29:{slug}", "aadObjectId": f"aad-{slug}", "name": name, "email": email,
            "userPrincipalName": email, "tenantId": TENANT}


def personal(who: dict[str, str]) -> str:
    """The id of `who`'s 1:1 chat with the bot."""
    return f"a:1personal-chat-with-{who['id'].removeprefix('29:')}"


class KeyServer:
    """OpenID metadata and a JWKS for an RSA key made here; signs Bot Framework-style tokens."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": KID, "use": "sig", "endorsements": ["msteams"]})
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/openid":
                    body = {"issuer": "https://api.botframework.com", "jwks_uri": f"{outer.url}/keys",
                            "id_token_signing_alg_values_supported": ["RS256"]}
                elif self.path == "/keys":
                    body = {"keys": [jwk]}
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/openid"

    def token(self, service_url: str, *, audience: str = APP_ID, issuer: str = "https://api.botframework.com",
              key: Any = None) -> str:
        now = int(time.time())
        claims = {"iss": issuer, "aud": audience, "serviceurl": service_url, "nbf": now - 10, "exp": now + 600}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": KID})

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class FakeConnector:
    """The Bot Connector and the login endpoint, recording every call."""

    def __init__(self, members: dict[str, dict[str, Any]]) -> None:
        self.members = members  # from.id -> member JSON
        self.posts: list[tuple[str, dict[str, Any]]] = []  # (conversation id, activity)
        self.updates: list[tuple[str, str, dict[str, Any]]] = []
        self.token_requests: list[dict[str, str]] = []
        self.auth_headers: list[str] = []
        self.faults: list[Fault] = []  # answered, in order, instead of accepting a post or an update
        self.refused: list[tuple[str, int]] = []  # (conversation id, status) of every fault answered
        self.invalid: list[str] = []  # what was wrong with each card that does not conform
        self.blocked: dict[str, bool] = {}  # 1:1 chats whose person removed (or blocked) the bot
        self.holding: set[str] = set()  # conversations whose next post is made and its answer held
        self.released = asyncio.Event()
        self.uploads: dict[str, dict[str, Any]] = {}  # upload session id -> name, headers and bytes received
        self._n = 0
        app = web.Application()
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_get("/v3/conversations/{conv}/members/{member}", self._member)
        app.router.add_post("/v3/conversations/{conv}/activities", self._post)
        app.router.add_post("/v3/conversations/{conv}/activities/{aid}", self._post)
        app.router.add_put("/v3/conversations/{conv}/activities/{aid}", self._put)
        app.router.add_put("/upload/{session}", self._upload)
        self.server = TestServer(app, host="127.0.0.1", port=0)

    async def start(self) -> FakeConnector:
        await self.server.start_server()
        return self

    @property
    def url(self) -> str:
        return str(self.server.make_url("/"))

    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests.append({"tenant": request.match_info["tenant"], **dict(await request.post())})
        return web.json_response({"access_token": "fake-bot-token", "expires_in": 3600, "token_type": "Bearer"})

    async def _member(self, request: web.Request) -> web.Response:
        member = self.members.get(request.match_info["member"])
        conversation = request.match_info["conv"]
        if member is not None and conversation.startswith("a:") and conversation != personal(member):
            member = None  # as Teams: a 1:1 chat's roster holds only its person (and the bot)
        if member is None:
            return web.json_response({"error": {"code": "NotFound", "message": "no member"}}, status=404)
        return web.json_response(member)

    def fail(self, status: int, code: str = "", *, retry_after: str | None = None,
             conversation: str | None = None, accepted: bool = False) -> None:
        """Answer the next post or update (to `conversation`, if given) with this error instead; `accepted`: the
        post is made first, as when Teams takes it and the answer is lost (a gateway's 502, a reset)."""
        self.faults.append(Fault(status, code, retry_after, conversation, accepted))

    def hold(self, conversation: str) -> None:
        """Make the next post to `conversation`, then hold its answer until `released` is set."""
        self.holding.add(conversation)

    def block(self, conversation: str, *, as_sub_code: bool = False) -> None:
        """The person in this 1:1 chat removed the bot: every post is refused as Teams does (403
        MessageWritesBlocked, as the error code or as a subCode beside a plain "Forbidden")."""
        self.blocked[conversation] = as_sub_code

    def _fault(self, conversation: str, accept: Callable[[], None] = lambda: None) -> web.Response | None:
        if conversation in self.blocked:
            self.refused.append((conversation, 403))
            error = {"code": "MessageWritesBlocked", "message": "Thread is blocked from message writes"}
            if self.blocked[conversation]:
                error = {"code": "Forbidden", "message": "Forbidden", "subCode": "MessageWritesBlocked"}
            return web.json_response({"error": error}, status=403)
        for fault in self.faults:
            if fault.conversation in (None, conversation):
                self.faults.remove(fault)
                if fault.accepted:
                    accept()
                self.refused.append((conversation, fault.status))
                headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else None
                return web.json_response({"error": {"code": fault.code or "ServiceError",
                                                    "message": f"fake connector says {fault.status}"}},
                                         status=fault.status, headers=headers)
        return None

    async def _post(self, request: web.Request) -> web.Response:
        self.auth_headers.append(request.headers.get("Authorization", ""))
        conversation, activity = request.match_info["conv"], await request.json()

        def accept() -> None:
            self._check(activity, f"post to {conversation}")
            self._n += 1
            self.posts.append((conversation, {**activity, "id": f"act-{self._n}"}))

        if (refused := self._fault(conversation, accept)) is not None:
            return refused
        accept()
        answer = web.json_response({"id": f"act-{self._n}"})
        if conversation in self.holding:  # Teams has the message; its answer waits (the bot may die meanwhile)
            self.holding.discard(conversation)
            await self.released.wait()
        return answer

    async def _put(self, request: web.Request) -> web.Response:
        self.auth_headers.append(request.headers.get("Authorization", ""))
        conversation, activity = request.match_info["conv"], await request.json()
        if (refused := self._fault(conversation)) is not None:
            return refused
        self._check(activity, f"update of {request.match_info['aid']} in {conversation}")
        self.updates.append((conversation, request.match_info["aid"], activity))
        return web.json_response({"id": request.match_info["aid"]})

    def upload_info(self, name: str) -> dict[str, Any]:
        """What Teams puts in a `fileConsent/invoke` accept: an upload session in the person's OneDrive for `name`."""
        session = f"session-{len(self.uploads) + 1}"
        self.uploads[session] = {"name": name, "data": None, "headers": {}}
        kind = name.rsplit(".", 1)[-1]
        return {"name": name, "uploadUrl": f"{self.url}upload/{session}", "uniqueId": f"unique-{session}",
                "contentUrl": f"https://contoso-my.sharepoint.com/personal/Documents/Applications/Media%20Desk/{name}",
                "fileType": kind}

    async def _upload(self, request: web.Request) -> web.Response:
        """A OneDrive upload session, as Graph does it: the bytes in one PUT whose Content-Range names them all."""
        upload = self.uploads.get(request.match_info["session"])
        if upload is None:
            return web.json_response({"error": {"code": "itemNotFound"}}, status=404)
        data = await request.read()
        expected = f"bytes 0-{len(data) - 1}/{len(data)}"
        if request.headers.get("Content-Range") != expected:
            return web.json_response({"error": {"code": "invalidRange", "message": expected}}, status=416)
        upload.update(data=data, headers=dict(request.headers))
        return web.json_response({"id": "item-1", "name": upload["name"], "size": len(data)}, status=201)

    def _check(self, activity: dict[str, Any], where: str) -> None:
        self.invalid.extend(f"{where}: doubled full stop {found}" for found in doubled_stops(activity))
        for attachment in activity.get("attachments") or []:
            if attachment.get("contentType") == CARD:
                self.invalid.extend(f"{where}: {p}" for p in validate_adaptive_card(attachment.get("content")))

    def cards_in(self, conversation_id: str) -> list[dict[str, Any]]:
        """The cards posted to a conversation, in order, as first posted."""
        return [card for _, card in self.posted_cards(conversation_id)]

    def posted_cards(self, conversation_id: str) -> list[tuple[str, dict[str, Any]]]:
        """(activity id, card) of every card posted to a conversation, in order."""
        out = []
        for conv, activity in self.posts:
            if conv == conversation_id:
                for attachment in activity.get("attachments") or []:
                    out.append((activity["id"], attachment["content"]))
        return out

    def texts_in(self, conversation_id: str) -> list[str]:
        """The plain-text messages posted to a conversation."""
        return [a.get("text") or "" for conv, a in self.posts if conv == conversation_id and a.get("text")]

    def updates_of(self, activity_id: str) -> list[dict[str, Any]]:
        """Every card an activity was replaced with (PUT), in order."""
        return [attachment["content"] for _, aid, activity in self.updates if aid == activity_id
                for attachment in activity.get("attachments") or []]

    def current(self, conversation_id: str, index: int) -> dict[str, Any]:
        """The card posted `index`-th in a conversation as it reads now (after any updates in place)."""
        activity_id, card = self.posted_cards(conversation_id)[index]
        return (self.updates_of(activity_id) or [card])[-1]

    async def wait_card(self, conversation_id: str, index: int, timeout: float = 8.0) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            cards = self.cards_in(conversation_id)
            if len(cards) > index:
                return cards[index]
            await asyncio.sleep(0.02)
        raise AssertionError(f"no card #{index} in {conversation_id}; posts: {self.posts!r}"[:3000])

    async def wait_update(self, activity_id: str, count: int = 1, timeout: float = 8.0) -> dict[str, Any]:
        """Wait until the activity has been updated `count` times; return its latest card."""
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            if len(found := self.updates_of(activity_id)) >= count:
                return found[-1]
            await asyncio.sleep(0.02)
        raise AssertionError(f"{activity_id} was not updated {count} time(s); updates: "
                             f"{[(c, a) for c, a, _ in self.updates]}")

    async def close(self) -> None:
        await self.server.close()


@dataclass(frozen=True)
class Fault:
    status: int
    code: str = ""
    retry_after: str | None = None
    conversation: str | None = None  # None: whichever conversation comes next
    accepted: bool = False  # the post is made, then the error answered
