"""/api/messages with Bot Framework authentication on: refusals store nothing; a signed conversation works."""

from __future__ import annotations

import asyncio
import logging

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from storage.models import ConversationRefRow, ConversationRow, OutboxRow, SeenRequestRow
from tests.fakes.bot_connector import APP_ID, OTHER_TENANT, TENANT, personal
from tests.teams.harness import COMMS, COMMS_CHANNEL, STAFF, Teams, card_text

PERSONAL = personal(STAFF)


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


@pytest.mark.parametrize("levels", [5_000, 100_000])
@pytest.mark.parametrize("token", ["sign", None], ids=["signed", "no token"])
async def test_json_nested_thousands_deep_is_400_not_500(teams: Teams, levels: int, token: str | None,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    """Python's decoder recurses once per level: before the door bounded depth, these were 500s and tracebacks."""
    for raw in ("[" * levels + "]" * levels, '{"type":' * levels + '"message"' + "}" * levels):
        status, _ = await teams.post(None, raw=raw.encode(), token=token)
        assert status in (400, 413), status  # 413: over the 1 MB body limit
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
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
    await teams.add_to_comms_channel(by=COMMS)
    assert await teams.say("/media-call BBC Essex, A&E waiting times, deadline 4pm") in ((201, None), (200, None))
    first = await connector.wait_card(PERSONAL, 0)
    assert "Who is the journalist" in card_text(first)
    await teams.say("Sam Reporter")
    kind = await connector.wait_card(PERSONAL, 1)
    await teams.press(kind, "Newspaper")
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
