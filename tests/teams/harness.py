"""A fake Microsoft side: OpenID metadata + signing keys (served from a thread, as botbuilder fetches them with
blocking `requests`), a login endpoint and a Bot Connector (aiohttp) recording what the bot sends; and `Teams`,
a client that sends signed activities into the real /api/messages the way Teams does.

Every Adaptive Card the fake Connector receives (posts and updates) is checked against the AC 1.5 schema; the
`teams` fixture (tests/teams/conftest.py) fails a test that made the bot send a card that does not conform.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import json as jsonlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import aiohttp
import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import func, select

from bot.app import CORE, DATABASE, RELAY
from bot.clock import FrozenClock
from bot.config import OrgConfig, PeopleSection, TeamsSection
from bot.services import nudges
from tests.adaptive import validate_adaptive_card
from tests.prose import doubled_stops

APP_ID = "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"
TENANT = "7a1b2c3d-0000-4000-8000-00000000a11e"
OTHER_TENANT = "99999999-0000-4000-8000-0000000000ff"
KID = "test-key-1"
COMMS_CHANNEL = "19:commschannel0000000000000000000@thread.tacv2"
CARD = "application/vnd.microsoft.card.adaptive"


def member(slug: str, name: str) -> dict[str, str]:
    """A Teams member as the Connector's member lookup returns it (email = UPN)."""
    email = f"{name.lower().replace(' ', '.')}@example.nhs.uk"
    return {"id": f"29:{slug}", "aadObjectId": f"aad-{slug}", "name": name, "email": email,
            "userPrincipalName": email, "tenantId": TENANT}


# The cast (the same people as the Slack stories).
STAFF = member("sam", "Sam Staff")
COMMS = member("casey", "Casey Comms")
COMMS_B = member("alex", "Alex Press")
DIRECTOR = member("dana", "Dana Director")
HEAD = member("harper", "Harper Head")  # Head of Comms, delegated sign-off
EXECUTIVE = member("evan", "Evan Exec")
HOD = member("hugo", "Hugo Hod")  # a head of department (urgent care)
OUTSIDER = member("ollie", "Ollie Outsider")
CAST = (STAFF, COMMS, COMMS_B, DIRECTOR, HEAD, EXECUTIVE, HOD, OUTSIDER)


def personal(who: dict[str, str]) -> str:
    """The id of `who`'s 1:1 chat with the bot."""
    return f"a:1personal-chat-with-{who['id'].removeprefix('29:')}"


def org_config() -> OrgConfig:
    return OrgConfig(
        teams=TeamsSection(comms_channel=COMMS_CHANNEL),
        people=PeopleSection(
            comms_team=[COMMS["email"], COMMS_B["email"]], director_of_comms=[DIRECTOR["email"]],
            sign_off_delegates=[HEAD["email"]], media_lead=COMMS["email"],
            executives=[EXECUTIVE["email"]], heads_of_department=[HOD["email"]],
            names={who["email"]: who["name"] for who in (COMMS, COMMS_B, DIRECTOR, HEAD, EXECUTIVE, HOD)}))


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


_SHOWN = ("text", "title", "value", "label", "placeholder")  # the properties Teams shows a person


def card_text(card: Any) -> str:
    """Every text on a card a person could read (text, titles, fact values, labels), joined."""
    if isinstance(card, dict):
        if "choices" in card:  # a choice's value is what is sent back, not what is shown
            card = {**card, "choices": [{"title": c.get("title")} for c in card["choices"] if isinstance(c, dict)]}
        return " ".join(v if isinstance(v, str) else card_text(v) for k, v in card.items()
                        if k != "data" and (k in _SHOWN or not isinstance(v, str)))
    if isinstance(card, list):
        return " ".join(card_text(v) for v in card)
    return ""


def titles(card: Any) -> list[str]:
    """The titles of the buttons a viewer of the card can press (Execute or ShowCard), in order, top level."""
    out = []
    for element in [*(card.get("body") or []), {"actions": card.get("actions") or []}]:
        for action in element.get("actions") or []:
            out.append(action.get("title", ""))
    return out


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


_ids = itertools.count(1)


class Teams:
    """Sends signed activities into the real /api/messages as Teams does; reads what the fake Connector got."""

    def __init__(self, server: TestServer, keys: KeyServer, connector: FakeConnector, session: aiohttp.ClientSession,
                 app: web.Application, clock: FrozenClock) -> None:
        self.server, self.keys, self.connector, self.session, self.app = server, keys, connector, session, app
        self.clock = clock

    # --- what Teams sends ---------------------------------------------------------------------------------

    def activity(self, kind: str = "message", *, sender: dict = STAFF, conversation: str | None = None,
                 conversation_type: str = "personal", tenant: str = TENANT, **extra: Any) -> dict[str, Any]:
        conversation = conversation or personal(sender)
        channel_data: dict[str, Any] = {"tenant": {"id": tenant}}
        if conversation_type == "channel":
            channel_data["channel"] = {"id": conversation.split(";")[0]}
        return {"type": kind, "id": f"in-{next(_ids)}", "channelId": "msteams", "serviceUrl": self.connector.url,
                "from": {"id": sender["id"], "aadObjectId": sender["aadObjectId"], "name": sender["name"]},
                "recipient": {"id": f"28:{APP_ID}", "name": "Media Desk"},
                "conversation": {"id": conversation, "conversationType": conversation_type, "tenantId": tenant},
                "channelData": channel_data, **extra}

    async def post(self, body: Any, *, token: str | None = "sign", raw: bytes | None = None,
                   content_type: str = "application/json") -> tuple[int, Any]:
        headers = {"Content-Type": content_type}
        if token == "sign":
            token = self.keys.token(self.connector.url)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else jsonlib.dumps(body).encode()
        async with self.session.post(self.server.make_url("/api/messages"), data=data, headers=headers) as response:
            text = await response.text()
            try:
                return response.status, jsonlib.loads(text) if text else None
            except ValueError:
                return response.status, text

    async def say(self, text: str, **kwargs: Any) -> tuple[int, Any]:
        """Type `text` (by default: Sam, in Sam's 1:1 chat with the bot)."""
        return await self.post(self.activity(text=text, **kwargs))

    async def open_chat(self, who: dict[str, str]) -> None:
        """`who` installs Media Desk: their 1:1 chat is where the bot can reach them later."""
        status, _ = await self.post(self.activity("conversationUpdate", sender=who,
                                                  membersAdded=[{"id": f"28:{APP_ID}"}]))
        assert status in (200, 201)

    async def add_to_comms_channel(self, by: dict[str, str] = COMMS) -> None:
        """The team adds Media Desk to the comms channel (its reference is stored)."""
        status, _ = await self.post(self.activity("conversationUpdate", sender=by, conversation=COMMS_CHANNEL,
                                                  conversation_type="channel",
                                                  membersAdded=[{"id": f"28:{APP_ID}"}]))
        assert status in (200, 201)

    async def press(self, card: dict, title: str, *, by: dict[str, str] = STAFF, on: str | None = None,
                    inputs: dict[str, Any] | None = None, **kwargs: Any) -> tuple[int, Any]:
        """`by` presses the button `title` on `card` (Action.Execute → an adaptiveCard/action invoke).

        `on`: the activity id of the message holding the card, when it is in a channel (Teams sends the
        invoke from the channel's thread); `inputs`: the values of the card's inputs, merged into the data.
        """
        action = find_action(card, title)
        assert action is not None, f"no {title!r} on {card_text(card)[:500]}"
        assert action.get("type") == "Action.Execute", action
        if on is not None:
            kwargs.setdefault("conversation", f"{COMMS_CHANNEL};messageid={on}")
            kwargs.setdefault("conversation_type", "channel")
            kwargs.setdefault("replyToId", on)
        status, body = await self.post(self.activity("invoke", sender=by, name="adaptiveCard/action", value={
            "action": {"type": "Action.Execute", "verb": action.get("verb"),
                       "data": {**action["data"], **(inputs or {})}},
            "trigger": "manual"}, **kwargs))
        assert status == 200, (status, body)
        self.connector.invalid.extend(f"invoke reply to {title!r}: doubled full stop {found}"
                                      for found in doubled_stops(body.get("value") if isinstance(body, dict) else None))
        if isinstance(body, dict) and body.get("type") == CARD:  # a card that replaces the one pressed
            self.connector.invalid.extend(f"invoke reply to {title!r}: {p}"
                                          for p in validate_adaptive_card(body.get("value")))
        return status, body

    async def submit(self, form: dict, values: dict[str, Any], *, by: dict[str, str] = STAFF,
                     **kwargs: Any) -> tuple[int, Any]:
        """Fill in an Adaptive Card form (inputs keep their pre-filled values unless given) and press its submit."""
        filled = {i["id"]: i["value"] for i in inputs_of(form) if "value" in i}
        filled.update(values)
        submit = (form.get("actions") or [{}])[0]
        return await self.press(form, submit.get("title", ""), by=by, inputs=filled, **kwargs)

    # --- what people see ----------------------------------------------------------------------------------

    def chat(self, who: dict[str, str]) -> list[dict[str, Any]]:
        """The cards the bot has posted in `who`'s 1:1 chat, in order."""
        return self.connector.cards_in(personal(who))

    async def next_card(self, who: dict[str, str] | str, after: int, timeout: float = 8.0) -> dict[str, Any]:
        """Wait for card number `after` (0-based) in `who`'s 1:1 chat (or a conversation id)."""
        conversation = who if isinstance(who, str) else personal(who)
        return await self.connector.wait_card(conversation, after, timeout)

    async def card_saying(self, who: dict[str, str] | str, words: str, timeout: float = 8.0) -> dict[str, Any]:
        """Wait for a card in `who`'s chat (or a conversation id) that says `words`; return the newest such."""
        conversation = who if isinstance(who, str) else personal(who)
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            for card in reversed(self.connector.cards_in(conversation)):
                if words in card_text(card):
                    return card
            await asyncio.sleep(0.02)
        raise AssertionError(f"no card in {conversation} says {words!r}; cards: "
                             f"{[card_text(c)[:200] for c in self.connector.cards_in(conversation)]}")

    # --- time and the outbox ------------------------------------------------------------------------------

    async def settle(self) -> None:
        """Deliver everything due now, waiting for a drain already running."""
        relay = self.app[RELAY]
        await relay.idle()
        await relay.drain()
        await relay.idle()

    async def tick(self) -> int:
        """Run one nudge tick now, then deliver."""
        sent = await nudges.tick(self.app[CORE])
        await self.settle()
        return sent

    async def count(self, model: Any, *where: Any) -> int:
        async with self.app[DATABASE].sessions() as s:
            return int((await s.execute(select(func.count()).select_from(model).where(*where))).scalar_one())


def inputs_of(card: Any) -> list[dict[str, Any]]:
    """Every input on a card (top level and in containers)."""
    if isinstance(card, dict):
        found = [card] if str(card.get("type", "")).startswith("Input.") else []
        return found + [i for v in card.values() for i in inputs_of(v)]
    if isinstance(card, list):
        return [i for v in card for i in inputs_of(v)]
    return []


# --- story steps shared by the suites -------------------------------------------------------------------------

ANSWERS = ["Sam Reporter", "BBC Essex", "TV or radio", "01245 123456", "skip", "A&E waiting times", "5pm"]


async def log_a_call(teams: Teams, answers: list[str] = ANSWERS, *, delivered: bool = True
                     ) -> tuple[str, dict[str, Any]] | None:
    """Sam logs a call in a 1:1 chat, one question at a time as in Slack's DM (a choice is pressed, the rest
    typed). Returns the comms channel card's activity id and the card (None if not `delivered` yet)."""
    start = len(teams.chat(STAFF))
    posted = len(teams.connector.cards_in(COMMS_CHANNEL))
    await teams.say("media call")
    question = await teams.next_card(STAFF, start)
    assert "Who is the journalist" in card_text(question)
    for n, answer in enumerate(answers, start=start + 1):
        if answer in titles(question):
            await teams.press(question, answer)
        else:
            await teams.say(answer)
        question = await teams.next_card(STAFF, n)
    assert "check and send" in card_text(question)
    assert titles(question) == ["Go", "Send to comms", "Cancel"]
    await teams.press(question, "Send to comms")
    if not delivered:
        return None
    await teams.next_card(COMMS_CHANNEL, posted)
    return teams.connector.posted_cards(COMMS_CHANNEL)[posted]


async def claim(teams: Teams, card_id: str, by: dict[str, str] = COMMS) -> dict[str, Any]:
    """`by` presses Claim on the channel card; returns the card as updated in place."""
    updates = len(teams.connector.updates_of(card_id))
    await teams.press(teams.connector.current(COMMS_CHANNEL, _index(teams, card_id)), "Claim", by=by, on=card_id)
    return await teams.connector.wait_update(card_id, updates + 1)


async def draft(teams: Teams, card_id: str, statement: str, by: dict[str, str] = COMMS) -> dict[str, Any]:
    """`by` presses Draft response on the channel card and saves the form sent to their chat."""
    updates = len(teams.connector.updates_of(card_id))
    chat = len(teams.chat(by))
    _, body = await teams.press(teams.connector.current(COMMS_CHANNEL, _index(teams, card_id)), "Draft response",
                                by=by, on=card_id)
    assert body["value"] == "I've sent you the form in your chat with Media Desk.", body
    form = await teams.next_card(by, chat)
    await teams.submit(form, {"statement": statement, "spokesperson": "written"}, by=by)
    return await teams.connector.wait_update(card_id, updates + 1)


async def request_sign_off(teams: Teams, card_id: str, by: dict[str, str] = COMMS) -> dict[str, Any]:
    updates = len(teams.connector.updates_of(card_id))
    _, body = await teams.press(teams.connector.current(COMMS_CHANNEL, _index(teams, card_id)), "Request sign-off",
                                by=by, on=card_id)
    assert "has gone for sign-off" in body["value"], body
    return await teams.connector.wait_update(card_id, updates + 1)


def _index(teams: Teams, card_id: str) -> int:
    return [aid for aid, _ in teams.connector.posted_cards(COMMS_CHANNEL)].index(card_id)
