"""A fake Microsoft side: OpenID metadata + signing keys (served from a thread, as botbuilder fetches them with
blocking `requests`), a login endpoint and a Bot Connector (aiohttp) recording what the bot sends."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

APP_ID = "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
TENANT = "7a1b2c3d-0000-4000-8000-00000000a11e"
OTHER_TENANT = "99999999-0000-4000-8000-0000000000ff"
KID = "test-key-1"
COMMS_CHANNEL = "19:commschannel0000000000000000000@thread.tacv2"


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
        self._n = 0
        app = web.Application()
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        app.router.add_get("/v3/conversations/{conv}/members/{member}", self._member)
        app.router.add_post("/v3/conversations/{conv}/activities", self._post)
        app.router.add_post("/v3/conversations/{conv}/activities/{aid}", self._post)
        app.router.add_put("/v3/conversations/{conv}/activities/{aid}", self._put)
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
        if member is None:
            return web.json_response({"error": {"code": "NotFound", "message": "no member"}}, status=404)
        return web.json_response(member)

    async def _post(self, request: web.Request) -> web.Response:
        self.auth_headers.append(request.headers.get("Authorization", ""))
        self._n += 1
        self.posts.append((request.match_info["conv"], await request.json()))
        return web.json_response({"id": f"act-{self._n}"})

    async def _put(self, request: web.Request) -> web.Response:
        self.auth_headers.append(request.headers.get("Authorization", ""))
        self.updates.append((request.match_info["conv"], request.match_info["aid"], await request.json()))
        return web.json_response({"id": request.match_info["aid"]})

    def cards_in(self, conversation_id: str) -> list[dict[str, Any]]:
        out = []
        for conv, activity in self.posts:
            if conv == conversation_id:
                for attachment in activity.get("attachments") or []:
                    out.append(attachment["content"])
        return out

    async def wait_card(self, conversation_id: str, index: int, timeout: float = 8.0) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            cards = self.cards_in(conversation_id)
            if len(cards) > index:
                return cards[index]
            await asyncio.sleep(0.02)
        raise AssertionError(f"no card #{index} in {conversation_id}; posts: {self.posts!r}"[:3000])

    async def close(self) -> None:
        await self.server.close()


def card_text(card: Any) -> str:
    """Every string in a card, joined (to assert on what a person would read)."""
    if isinstance(card, dict):
        return " ".join(card_text(v) for k, v in card.items() if k not in ("data",))
    if isinstance(card, list):
        return " ".join(card_text(v) for v in card)
    return card if isinstance(card, str) else ""


def find_action(card: Any, title: str) -> dict[str, Any] | None:
    if isinstance(card, dict):
        if card.get("title") == title and "data" in card:
            return card
        for value in card.values():
            if (found := find_action(value, title)) is not None:
                return found
    if isinstance(card, list):
        for value in card:
            if (found := find_action(value, title)) is not None:
                return found
    return None
