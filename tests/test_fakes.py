"""Tests for the test infrastructure: the fake Slack Web API and the signed request builders."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from urllib.parse import parse_qs

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.conversation import Conversation
from bot.domain.errors import ConcurrencyConflict, Duplicate
from bot.domain.messages import HistoryEntry
from tests.fakes.memory_uow import MemoryStore
from tests.fakes.slack_api import FakeSlackApi
from tests.slack_requests import SlackRequests

TOKEN = "xoxb-test"
SECRET = "test-signing-secret"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlackApi]:
    async with FakeSlackApi(token=TOKEN) as api:
        yield api


@pytest.fixture
def client(fake: FakeSlackApi) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=fake.url)


# ---- FakeSlackApi


async def test_url_uses_ephemeral_port_on_loopback(fake: FakeSlackApi) -> None:
    assert fake.url.startswith("http://127.0.0.1:")
    assert fake.url.endswith("/api/")
    assert fake.port > 0


async def test_auth_test_and_bad_token(fake: FakeSlackApi, client: AsyncWebClient) -> None:
    res = await client.auth_test()
    assert (res["user_id"], res["bot_id"], res["team_id"]) == ("UBOT", "BBOT", "T1")

    with pytest.raises(SlackApiError) as err:
        await AsyncWebClient(token="xoxb-wrong", base_url=fake.url).auth_test()
    assert err.value.response["error"] == "invalid_auth"
    assert len(fake.calls_to("auth.test")) == 2


async def test_post_then_update(fake: FakeSlackApi, client: AsyncWebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*New enquiry*"}}]
    first = await client.chat_postMessage(channel="C1", text="New enquiry", blocks=blocks)
    second = await client.chat_postMessage(channel="C1", text="Another")
    assert first["ok"] and first["channel"] == "C1"
    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["blocks"] == blocks

    updated = await client.chat_update(channel="C1", ts=first["ts"], text="Claimed")
    assert (updated["channel"], updated["ts"]) == ("C1", first["ts"])
    stored = fake.message("C1", first["ts"])
    assert stored is not None and stored["text"] == "Claimed"
    assert stored["blocks"] == blocks  # omitted blocks are kept, as on Slack
    assert [m["text"] for m in fake.messages_in("C1")] == ["Claimed", "Another"]

    with pytest.raises(SlackApiError) as err:
        await client.chat_update(channel="C2", ts=first["ts"], text="wrong channel")
    assert err.value.response["error"] == "message_not_found"

    call = (await fake.wait_for("chat.update", count=2))[0]
    assert call.args["ts"] == first["ts"]
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"
    fake.assert_conformant()


async def test_dm_channel_ids(fake: FakeSlackApi, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="U123", text="hello")
    assert posted["channel"] == "DU123"
    opened = await client.conversations_open(users="W9")
    assert opened["channel"]["id"] == "DW9"
    assert [m["text"] for m in fake.messages_in("DU123")] == ["hello"]
    assert fake.messages_in("U123") == fake.messages_in("DU123")
    fake.assert_conformant()


async def test_form_encoded_blocks_are_decoded(fake: FakeSlackApi) -> None:
    blocks = [{"type": "divider"}]
    async with aiohttp.ClientSession() as http:
        resp = await http.post(
            fake.url + "chat.postMessage",
            data={"channel": "C1", "text": "x", "blocks": json.dumps(blocks)},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        body = await resp.json()
    assert body["ok"]
    assert fake.calls_to("chat.postMessage")[0].args["blocks"] == blocks
    assert fake.message("C1", body["ts"])["blocks"] == blocks


async def test_users_info_and_lookup(fake: FakeSlackApi, client: AsyncWebClient) -> None:
    fake.add_user("U1", "ann@example.org", "ann", real_name="Ann Smith")
    info = await client.users_info(user="U1")
    assert info["user"]["real_name"] == "Ann Smith"
    assert info["user"]["profile"] == {
        "email": "ann@example.org",
        "real_name": "Ann Smith",
        "display_name": "ann",
        "team": "T1",
    }
    found = await client.users_lookupByEmail(email="ann@example.org")
    assert found["user"]["id"] == "U1"

    with pytest.raises(SlackApiError) as err:
        await client.users_info(user="U404")
    assert err.value.response["error"] == "user_not_found"
    fake.assert_conformant()


async def test_views_open_and_update(fake: FakeSlackApi, client: AsyncWebClient) -> None:
    view = {
        "type": "modal",
        "callback_id": "log_call",
        "title": {"type": "plain_text", "text": "Log"},
        "blocks": [],
    }
    opened = await client.views_open(trigger_id="123.456.abc", view=view)
    view_id, first_hash = opened["view"]["id"], opened["view"]["hash"]
    assert view_id.startswith("V") and opened["view"]["callback_id"] == "log_call"

    updated = await client.views_update(view_id=view_id, view=view, hash=first_hash)
    assert updated["view"]["id"] == view_id and updated["view"]["hash"] != first_hash
    with pytest.raises(SlackApiError) as err:
        await client.views_update(view_id=view_id, view=view, hash=first_hash)
    assert err.value.response["error"] == "hash_conflict"
    fake.assert_conformant()


async def test_rate_limit_fault(fake: FakeSlackApi, client: AsyncWebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as err:
        await client.chat_postMessage(channel="C1", text="hi")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    assert err.value.response["error"] == "ratelimited"

    ok = await client.chat_postMessage(channel="C1", text="hi")  # only the next call fails
    assert ok["ok"]
    assert [c.failed for c in fake.calls_to("chat.postMessage")] == [True, False]
    assert len(fake.messages_in("C1")) == 1


async def test_server_error_fault(fake: FakeSlackApi, client: AsyncWebClient) -> None:
    fake.fail_next("chat.postMessage", status=500, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as err:
            await client.chat_postMessage(channel="C1", text="hi")
        assert err.value.response.status_code == 500
    assert (await client.chat_postMessage(channel="C1", text="hi"))["ok"]


async def test_hang_until_release(fake: FakeSlackApi, client: AsyncWebClient) -> None:
    fake.hang_next("chat.postMessage")
    pending = asyncio.create_task(client.chat_postMessage(channel="C1", text="slow"))
    (call,) = await fake.wait_for("chat.postMessage")
    assert call.hung and not pending.done()
    await asyncio.sleep(0.05)
    assert not pending.done()
    fake.release()
    assert (await pending)["ok"]


async def test_hang_then_stop_drops_the_call() -> None:
    fake = FakeSlackApi(token=TOKEN)
    await fake.start()
    client = AsyncWebClient(token=TOKEN, base_url=fake.url, timeout=5, retry_handlers=[])
    fake.hang_next("chat.postMessage")
    pending = asyncio.create_task(client.chat_postMessage(channel="C1", text="lost"))
    await fake.wait_for("chat.postMessage")
    await fake.stop()
    with pytest.raises(aiohttp.ClientError):
        await pending
    assert fake.messages_in("C1") == []


async def test_wait_for_reports_what_was_recorded(fake: FakeSlackApi, client: AsyncWebClient) -> None:
    await client.auth_test()
    with pytest.raises(AssertionError, match=r"chat\.postMessage.*\n.*auth\.test"):
        await fake.wait_for("chat.postMessage", timeout=0.05)


async def test_conformance_catches_bad_calls(fake: FakeSlackApi, client: AsyncWebClient) -> None:
    await client.chat_postMessage(channel="C1", text="hi", colour="blue")
    await client.api_call("chat.postMesage", json={"channel": "C1", "text": "typo"})
    with pytest.raises(SlackApiError):
        await client.api_call("chat.update", json={"channel": "C1", "text": "no ts"})
    kinds = {(v.method, v.kind, v.argument) for v in fake.violations}
    assert kinds == {
        ("chat.postMessage", "unknown_argument", "colour"),
        ("chat.postMesage", "unknown_method", None),
        ("chat.update", "missing_argument", "ts"),
    }
    with pytest.raises(AssertionError, match="colour"):
        fake.assert_conformant()


async def test_conformance_allows_newer_arguments(fake: FakeSlackApi, client: AsyncWebClient) -> None:
    metadata = {"event_type": "enquiry_logged", "event_payload": {"id": "E1"}}
    posted = await client.chat_postMessage(channel="C1", text="hi", metadata=metadata)
    await client.chat_update(channel="C1", ts=posted["ts"], text="hi!", blocks=[], metadata=metadata)
    fake.assert_conformant()


# ---- SlackRequests


def test_signatures_verify() -> None:
    requests = SlackRequests(SECRET)
    verifier = SignatureVerifier(SECRET)
    built = [
        requests.slash_command("U1", "/media", "help"),
        requests.message_event("U1", "hello"),
        requests.block_action("U1", "claim", "E1", message_ts="1700000000.000100", channel_id="C1"),
        requests.view_submission("U1", "log_call", {"outlet": {"value": "BBC"}}),
        requests.url_verification("abc"),
    ]
    for body, headers in built:
        assert verifier.is_valid_request(body, headers)
        assert not verifier.is_valid_request(body + b"x", headers)
    assert not SignatureVerifier("other-secret").is_valid_request(*built[0])


def test_payload_shapes() -> None:
    requests = SlackRequests(SECRET, response_base="http://127.0.0.1:1/hooks")
    body, headers = requests.slash_command("U1", "/media", "log call")
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    fields = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    assert fields["command"] == "/media" and fields["text"] == "log call"
    assert fields["response_url"].startswith("http://127.0.0.1:1/hooks/commands/")
    other = parse_qs(requests.slash_command("U1", "/media", "")[0].decode())
    assert fields["trigger_id"] != other["trigger_id"][0]

    body, headers = requests.message_event("U1", "hi", event_id="Ev1", retry_num=1)
    envelope = json.loads(body)
    assert envelope["type"] == "event_callback" and envelope["event_id"] == "Ev1"
    assert envelope["event"]["channel"] == "DU1" and envelope["event"]["channel_type"] == "im"
    assert headers["X-Slack-Retry-Num"] == "1" and headers["X-Slack-Retry-Reason"] == "http_timeout"

    body, _ = requests.block_action("U1", "pick", None, selected_option_value="urgent")
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    assert payload["type"] == "block_actions"
    assert payload["actions"][0]["type"] == "static_select"
    assert payload["actions"][0]["selected_option"]["value"] == "urgent"

    body, _ = requests.view_submission("U1", "log_call", {"b": {"a": "text"}}, private_metadata="E1")
    view = json.loads(parse_qs(body.decode())["payload"][0])["view"]
    assert view["callback_id"] == "log_call" and view["private_metadata"] == "E1"
    assert view["state"]["values"] == {"b": {"a": {"type": "plain_text_input", "value": "text"}}}


# ---- both together, through slack_bolt


async def test_bolt_app_end_to_end(fake: FakeSlackApi) -> None:
    app = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(token=TOKEN, base_url=fake.url))
    submitted: list[dict] = []

    @app.command("/media")
    async def media(ack, command, client):  # type: ignore[no-untyped-def]
        await ack()
        await client.chat_postMessage(channel=command["user_id"], text=f"got {command['text']}")

    @app.event("message")
    async def message(event, say):  # type: ignore[no-untyped-def]
        await say(f"echo {event['text']}")

    @app.action("claim")
    async def claim(ack, body, action, client):  # type: ignore[no-untyped-def]
        await ack()
        container = body["container"]
        await client.chat_update(
            channel=container["channel_id"], ts=container["message_ts"], text=f"claimed {action['value']}"
        )

    @app.view("log_call")
    async def log_call(ack, view):  # type: ignore[no-untyped-def]
        await ack()
        submitted.append(view["state"]["values"])

    requests = SlackRequests(SECRET, response_base=fake.response_base)
    async with TestClient(TestServer(app.web_app())) as http:

        async def send(request: tuple[bytes, dict[str, str]]) -> int:
            body, headers = request
            return (await http.post("/slack/events", data=body, headers=headers)).status

        assert await send(requests.slash_command("U1", "/media", "help")) == 200
        assert await send(requests.message_event("U1", "hi")) == 200
        forged_body, forged_headers = requests.message_event("U1", "hi")
        forged_headers["X-Slack-Signature"] = "v0=" + "0" * 64
        assert await send((forged_body, forged_headers)) == 401
        stale = requests.message_event("U1", "hi", timestamp=time.time() - 600)
        assert await send(stale) == 401

        posts = await fake.wait_for("chat.postMessage", count=2)
        card = next(c for c in posts if c.args["text"] == "got help").response
        assert (
            await send(requests.block_action("U1", "claim", "E1", card["ts"], channel_id=card["channel"]))
            == 200
        )
        await fake.wait_for("chat.update")
        assert await send(requests.view_submission("U1", "log_call", {"outlet": {"name": "BBC"}})) == 200

    assert sorted(c.args["text"] for c in posts) == ["echo hi", "got help"]
    assert {c.args["channel"] for c in posts} == {"U1", "DU1"}
    assert fake.message("DU1", card["ts"])["text"] == "claimed E1"
    assert submitted == [{"outlet": {"name": {"type": "plain_text_input", "value": "BBC"}}}]
    fake.assert_conformant()


async def test_a_doubled_full_stop_in_what_is_posted_is_recorded(fake: FakeSlackApi, client: AsyncWebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Saved.. thank you"}}]
    await client.chat_postMessage(channel="C1", text="Wait... then send", blocks=blocks)
    await client.chat_postMessage(channel="C1", text="All fine.", blocks=[
        {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Go"},
                                          "action_id": "a", "value": "{\"x\":\"a..b\"}"}]}])  # a payload: not read
    assert len(fake.prose) == 1 and "Saved.. thank you" in fake.prose[0]


# ---- the in-memory unit of work -------------------------------------------------------------------------

AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


async def test_the_memory_unit_of_work_forgets_what_was_not_committed_and_undoes_a_failed_savepoint() -> None:
    store, at = MemoryStore(), AT
    async with store.uow() as uow:
        await uow.history.append(HistoryEntry("MC-1", at, "lost", "Sam", None, {}))
    async with store.uow() as uow:
        await uow.history.append(HistoryEntry("MC-1", at, "kept", "Sam", None, {}))
        with contextlib.suppress(RuntimeError):
            async with uow.savepoint():
                await uow.history.append(HistoryEntry("MC-1", at, "undone", "Sam", None, {}))
                raise RuntimeError
        await uow.commit()
    assert [entry.event for _, entry, _ in store.rows("history")] == ["kept"]


async def test_the_memory_unit_of_work_refuses_a_save_over_someone_elses_and_a_request_done_twice() -> None:
    store, at = MemoryStore(), AT
    async with store.uow() as uow:
        await uow.conversations.add(Conversation(form_id="media_call", platform="slack", user_id="U1", version=1), at)
        await uow.commit()
    async with store.uow() as first, store.uow() as second:
        mine, theirs = await first.conversations.get(1), await second.conversations.get(1)
        assert mine is not None and theirs is not None
        mine.version += 1
        await first.conversations.save(mine, 1, at)
        await first.mark_request_seen("click", at)
        await second.mark_request_seen("click", at)
        await first.commit()
        theirs.version += 1
        with pytest.raises(ConcurrencyConflict):
            await second.conversations.save(theirs, 1, at)
        with pytest.raises(Duplicate):
            await second.commit()

