"""/api/messages with Bot Framework authentication on: refusals store nothing; a signed conversation works."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select

from bot.app import DATABASE, create_app
from bot.config import OrgConfig, PeopleSection, Settings, TeamsSection
from storage.models import ConversationRefRow, ConversationRow, OutboxRow, SeenRequestRow
from tests.slack.harness import frozen
from tests.teams.harness import (
    APP_ID,
    COMMS_CHANNEL,
    OTHER_TENANT,
    TENANT,
    FakeConnector,
    KeyServer,
    card_text,
    find_action,
)

STAFF = {"id": "29:sam", "aadObjectId": "aad-sam", "name": "Sam Staff", "email": "sam.staff@example.nhs.uk",
         "userPrincipalName": "sam.staff@example.nhs.uk"}
COMMS = {"id": "29:casey", "aadObjectId": "aad-casey", "name": "Casey Comms", "email": "casey.comms@example.nhs.uk",
         "userPrincipalName": "casey.comms@example.nhs.uk"}
PERSONAL = "a:1personal-chat-with-sam"
_ids = itertools.count(1)


class Teams:
    def __init__(self, server: TestServer, keys: KeyServer, connector: FakeConnector, session: aiohttp.ClientSession,
                 app: Any) -> None:
        self.server, self.keys, self.connector, self.session, self.app = server, keys, connector, session, app

    def activity(self, kind: str = "message", *, sender: dict = STAFF, conversation: str = PERSONAL,
                 conversation_type: str = "personal", tenant: str = TENANT, **extra: Any) -> dict[str, Any]:
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
        data = raw if raw is not None else __import__("json").dumps(body).encode()
        async with self.session.post(self.server.make_url("/api/messages"), data=data, headers=headers) as response:
            text = await response.text()
            try:
                return response.status, __import__("json").loads(text) if text else None
            except ValueError:
                return response.status, text

    async def say(self, text: str, **kwargs: Any) -> tuple[int, Any]:
        return await self.post(self.activity(text=text, **kwargs))

    async def press(self, card: dict, title: str, **kwargs: Any) -> tuple[int, Any]:
        action = find_action(card, title)
        assert action is not None, f"no {title!r} on {card_text(card)[:500]}"
        return await self.post(self.activity("invoke", name="adaptiveCard/action", value={
            "action": {"type": "Action.Execute", "verb": action.get("verb"), "data": action["data"]},
            "trigger": "manual"}, **kwargs))

    async def count(self, model: Any) -> int:
        async with self.app[DATABASE].sessions() as s:
            return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


@pytest.fixture
async def teams(sqlite_url: str) -> AsyncIterator[Teams]:
    keys = KeyServer()
    connector = await FakeConnector({m["id"]: m for m in (STAFF, COMMS)}).start()
    settings = Settings(database_url=sqlite_url, slack_bot_token=None, slack_signing_secret=None,
                        microsoft_app_id=APP_ID, microsoft_app_password="pw", microsoft_app_tenant_id=TENANT,
                        microsoft_openid_metadata_url=keys.metadata_url,
                        microsoft_login_url=connector.url.rstrip("/"),
                        outbox_tick_seconds=0.2, nudge_tick_seconds=0.2, outbox_lease_seconds=2.0)
    org = OrgConfig(teams=TeamsSection(comms_channel=COMMS_CHANNEL),
                    people=PeopleSection(comms_team=[COMMS["email"]], media_lead=COMMS["email"]))
    app = create_app(settings, org=org, clock=frozen("2026-11-27T14:05:00+00:00"))
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    session = aiohttp.ClientSession()
    try:
        yield Teams(server, keys, connector, session, app)
    finally:
        await session.close()
        await server.close()
        await connector.close()
        keys.close()


async def _nothing_stored(teams: Teams) -> None:
    for model in (ConversationRefRow, ConversationRow, OutboxRow, SeenRequestRow):
        assert await teams.count(model) == 0, model.__tablename__
    assert teams.connector.posts == []


async def test_no_authorization_header_is_401_and_nothing_is_stored(teams: Teams) -> None:
    status, _ = await teams.post(teams.activity(text="media call"), token=None)
    assert status == 401
    await _nothing_stored(teams)


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.e30."])
async def test_a_garbage_token_is_401(teams: Teams, token: str) -> None:
    status, _ = await teams.post(teams.activity(text="media call"), token=token)
    assert status == 401
    await _nothing_stored(teams)


async def test_a_token_signed_by_another_key_or_for_another_bot_is_401(teams: Teams) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for token in (teams.keys.token(teams.connector.url, key=stranger),
                  teams.keys.token(teams.connector.url, audience="another-app"),
                  teams.keys.token("https://elsewhere.example/")):  # serviceurl claim doesn't match the activity
        status, _ = await teams.post(teams.activity(text="media call"), token=token)
        assert status == 401
    await _nothing_stored(teams)


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
async def test_malformed_json_is_400(teams: Teams, raw: bytes) -> None:
    status, _ = await teams.post(None, raw=raw)
    assert status == 400
    await _nothing_stored(teams)


async def test_not_json_is_415(teams: Teams) -> None:
    status, _ = await teams.post(None, raw=b"text=media+call", content_type="application/x-www-form-urlencoded")
    assert status == 415


async def test_another_tenant_is_403_even_with_a_valid_token(teams: Teams) -> None:
    status, _ = await teams.say("media call", tenant=OTHER_TENANT)
    assert status == 403
    no_tenant = teams.activity(text="media call")
    no_tenant.pop("channelData")
    no_tenant["conversation"].pop("tenantId")
    assert (await teams.post(no_tenant))[0] == 403
    await _nothing_stored(teams)


async def test_a_signed_media_call_conversation_reaches_the_comms_channel(teams: Teams) -> None:
    connector = teams.connector
    # The bot is added to the comms channel first: its reference is stored.
    status, _ = await teams.post(teams.activity("conversationUpdate", sender=COMMS, conversation=COMMS_CHANNEL,
                                                conversation_type="channel",
                                                membersAdded=[{"id": f"28:{APP_ID}"}]))
    assert status in (200, 201)
    assert await teams.say("/media-call BBC Essex, A&E waiting times, deadline 4pm") in ((201, None), (200, None))
    first = await connector.wait_card(PERSONAL, 0)
    assert "Who is the journalist" in card_text(first)
    await teams.say("Sam Reporter")
    kind = await connector.wait_card(PERSONAL, 1)
    status, body = await teams.press(kind, "Newspaper")
    assert status == 200, body
    await connector.wait_card(PERSONAL, 2)
    await teams.say("skip")
    await connector.wait_card(PERSONAL, 3)
    await teams.say("sam@echo.example.co.uk")
    review = await connector.wait_card(PERSONAL, 4)
    assert "check and send" in card_text(review)
    await teams.say("send")
    card = await connector.wait_card(COMMS_CHANNEL, 0)
    assert "BBC Essex" in card_text(card) and "Sam Reporter" in card_text(card)
    # The bot's own calls carried the token from the (fake) login endpoint, for our tenant.
    assert connector.token_requests and connector.token_requests[0]["tenant"] == TENANT
    assert connector.token_requests[0]["client_id"] == APP_ID
    assert set(connector.auth_headers) == {"Bearer fake-bot-token"}
    # The references: the person by AAD object id and email, the channel by id.
    assert await teams.count(ConversationRefRow) >= 4
    await asyncio.sleep(0)
