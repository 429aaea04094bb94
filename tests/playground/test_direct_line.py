"""The playground through its Direct Line endpoint, as Web Chat calls it: the whole flow, each person acting as
themselves, and everything a stranger or a bad request might try."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from handlers.playground.routes import _loopback_address
from tests.playground.flows import log_a_call
from tests.playground.harness import ALEX, CASEY, DANA, STAFF, Playground, cards_of, every_card_valid
from tests.teams.harness import card_text, titles


async def test_log_claim_draft_and_approve(playground: Playground) -> None:
    sam = await playground.pane(STAFF, "chat")
    sent = await log_a_call(sam)
    assert "MC-2026-0001" in card_text(sent)

    channel = await playground.pane(CASEY, "channel")
    card = await channel.card_saying("MC-2026-0001")
    assert "Waiting for a comms officer" in card_text(card)
    first_id = next(a["id"] for a in channel.seen.values() if cards_of(a))

    await channel.press(card, "Claim")
    claimed = await channel.card_saying("Claimed by Casey Comms")
    # Updated in place: one card in the channel, under the id it was first posted with.
    with_cards = [a for a in channel.seen.values() if cards_of(a)]
    assert [a["id"] for a in with_cards] == [first_id]
    casey = await playground.pane(CASEY, "chat")
    await casey.card_saying("You own MC-2026-0001")

    await channel.press(claimed, "Draft response")
    form = await casey.card_saying("Save draft")
    await casey.press(form, "Save draft", statement="We are working hard to reduce waiting times.",
                      spokesperson="written")
    drafted = await channel.card_saying("Draft v1")
    await channel.press(drafted, "Request sign-off")

    dana = await playground.pane(DANA, "chat")
    asked = await dana.card_saying("Sign-off: MC-2026-0001")
    assert "We are working hard to reduce waiting times." in card_text(asked)
    await dana.press(asked, "Approve")
    await channel.card_saying("Approved: ready to issue")
    await dana.card_saying("Approved by Dana Director")

    # What Web Chat is shown is what Teams is shown, but with buttons it can run (no Universal Actions).
    for pane in (sam, channel, casey, dana):
        assert every_card_valid(pane) > 0
        assert "Action.Execute" not in str(list(pane.seen.values()))


async def test_people_act_as_themselves_whatever_the_client_claims(playground: Playground) -> None:
    sam = await playground.pane(STAFF, "chat")
    await log_a_call(sam)
    as_sam = await playground.pane(STAFF, "channel")
    card = await (await playground.pane(CASEY, "channel")).card_saying("MC-2026-0001")  # Sam has no Claim button
    # Web Chat lets the page say who it is; the server goes by the token alone.
    await as_sam.post({"type": "message", "value": find_data(card, "Claim"),
                       "from": {"id": "pg-" + CASEY, "name": "Casey Comms"}})
    refused = await sam.text_saying("comms")
    assert "claim" in refused.lower()
    still = await as_sam.card_saying("MC-2026-0001")
    assert "Waiting for a comms officer" in card_text(still)


async def test_each_person_sees_only_the_buttons_they_may_press(playground: Playground) -> None:
    await log_a_call(await playground.pane(STAFF, "chat"))
    shown = {who: await (await playground.pane(who, "channel")).card_saying("MC-2026-0001")
             for who in (STAFF, CASEY, ALEX, DANA)}
    assert titles(shown[STAFF]) == [] and titles(shown[DANA]) == []  # staff, and the director: nothing to press
    assert "Claim" in titles(shown[CASEY]) and "Claim" in titles(shown[ALEX])
    assert "Waiting for a comms officer" in card_text(shown[STAFF])  # the same card, without the buttons

    casey = await playground.pane(CASEY, "channel")
    await casey.press(shown[CASEY], "Claim")
    mine = await casey.card_saying("Claimed by Casey Comms")
    alex = await playground.pane(ALEX, "channel")
    others = await alex.card_saying("Claimed by Casey Comms")
    assert {"Draft response", "Release"} <= set(titles(mine))
    assert "Claim" not in titles(others) and "Draft response" not in titles(others)
    sam = await playground.pane(STAFF, "channel")
    assert titles(await sam.card_saying("Claimed by Casey Comms")) == []
    for pane in (casey, alex, sam):
        assert every_card_valid(pane) > 0
        assert "refresh" not in str(list(pane.seen.values()))


async def test_crisis_raises_the_alert_in_the_channel(playground: Playground) -> None:
    evan = await playground.pane("evan.exec@example.nhs.uk", "chat")
    await evan.say("crisis")
    assert "Offer no comment or opinion" in card_text(await evan.card_saying("What has happened?"))
    await evan.say("Fire at Basildon hospital car park, TV crews outside")
    await evan.press(await evan.card_saying("Alert comms now"), "🚨 Alert comms now")
    channel = await playground.pane(CASEY, "channel")
    alert = await channel.card_saying("Fire at Basildon")
    assert "crisis" in card_text(alert).lower()


def find_data(card: Any, title: str) -> dict[str, Any]:
    from tests.playground.harness import find_submit

    action = find_submit(card, title)
    assert action is not None
    return action["data"]


# --- refusals -------------------------------------------------------------------------------------------------

async def test_tokens_open_one_conversation_only(playground: Playground) -> None:
    sam = await playground.pane(STAFF, "chat")
    casey = await playground.pane(CASEY, "chat")
    path = f"/playground/directline/conversations/{casey.conversation_id}/activities"
    for token in (None, "", "not-a-token", sam.token):
        status, _ = await playground.request("GET", path, token=token)
        assert status == 403, token
        status, _ = await playground.request("POST", path, token=token, json={"type": "message", "text": "hi"})
        assert status == 403, token
    await casey.poll()
    assert not [a for a in casey.seen.values() if a.get("text") == "hi"]


@pytest.mark.parametrize("body", [{"person": "nobody@example.com", "pane": "chat"},
                                  {"person": STAFF, "pane": "boardroom"}, {}])
async def test_an_unknown_person_or_pane_is_refused(playground: Playground, body: dict) -> None:
    status, answer = await playground.request("POST", "/playground/session", json=body)
    assert status == 400 and "unknown" in answer["error"]


async def test_bad_requests_get_a_4xx(playground: Playground) -> None:
    sam = await playground.pane(STAFF, "chat")
    status, _ = await playground.request("POST", sam.url, token=sam.token, data=b"{not json",
                                         headers={"Content-Type": "application/json"})
    assert status == 400
    status, _ = await playground.request("POST", sam.url, token=sam.token, json=["a", "list"])
    assert status == 400
    status, _ = await playground.request("POST", sam.url, token=sam.token, json={"text": "no type"})
    assert status == 400
    status, _ = await playground.request("GET", sam.url + "?watermark=abc", token=sam.token)
    assert status == 400


async def test_only_this_machine_by_its_own_name(playground: Playground) -> None:
    for host in ("evil.example", "192.168.1.10:3978", "localhost.evil.example"):
        status, body = await playground.request("GET", "/playground/people", headers={"Host": host})
        assert status == 403, host
    for host in ("localhost:3978", "127.0.0.1", "[::1]:3978"):
        status, _ = await playground.request("GET", "/playground/people", headers={"Host": host})
        assert status == 200, host
    assert _loopback_address("127.0.0.1") and _loopback_address("::1")
    assert not _loopback_address("10.0.0.1") and not _loopback_address(None) and not _loopback_address("x")


@pytest.mark.parametrize("head", [b"GET /playground/people HTTP/1.0\r\n\r\n",
                                  b"GET /playground/people HTTP/1.0\r\nHost:\r\n\r\n",
                                  b"GET /playground/people HTTP/1.1\r\nConnection: close\r\n\r\n"])
async def test_a_request_without_a_host_is_refused(playground: Playground, head: bytes) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", playground.server.port)
    try:
        writer.write(head)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout=5)
    finally:
        writer.close()
    status = answer.split(b"\r\n", 1)[0]
    assert status.split()[1] in (b"400", b"403"), status  # never the people list
    assert b"Casey Comms" not in answer
    reader, writer = await asyncio.open_connection("127.0.0.1", playground.server.port)
    try:  # the same request, naming this machine, is answered
        writer.write(b"GET /playground/people HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), timeout=5)
    finally:
        writer.close()
    assert answer.startswith(b"HTTP/1.0 200") and b"Casey Comms" in answer


async def test_the_teams_endpoint_stays_shut(playground: Playground) -> None:
    status, body = await playground.request("POST", "/api/messages", json={"type": "message", "text": "hi"})
    assert status == 503 and "not configured" in body["error"]


async def test_the_page(playground: Playground) -> None:
    status, _ = await playground.request("GET", "/", headers={})
    assert status == 200  # redirected to the page
    async with playground.session.get(playground.server.make_url("/playground/")) as response:
        page = await response.text()
        assert response.status == 200
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert '<script src="webchat.js">' in page and "Media Desk playground" in page
    status, people = await playground.request("GET", "/playground/people")
    assert [p["name"] for p in people][:3] == ["Sam Staff", "Alex Press", "Casey Comms"]
    assert "Director of Communications" in next(p["roles"] for p in people if p["id"] == DANA)


async def test_hints_use_the_words_people_type_here(playground: Playground) -> None:
    sam = await playground.pane(STAFF, "chat")
    await sam.say("hello")
    hello = card_text(await sam.card_saying("Hello!"))
    assert '"media call"' in hello and '"media call form"' in hello and "/media-call" not in hello
    await sam.say("media call")
    await sam.press(await sam.card_saying("question 1 of 7"), "Yes, cancel")
    cancelled = card_text(await sam.card_saying("cancelled"))
    assert "Type media call to start again" in cancelled and "/media-call" not in cancelled


async def test_starting_again_carries_on_with_the_form_in_progress(playground: Playground) -> None:
    sam = await playground.pane(STAFF, "chat")
    await sam.say("media call")
    await sam.say("Sam Reporter")
    await sam.card_saying("question 2 of 7")
    await sam.say("media call")
    resumed = card_text(await sam.card_saying("already had a media call log in progress"))
    assert "question 2 of 7" in resumed and "Which outlet" in resumed
    await sam.say("press release")  # another form while this one is open: this one carries on
    again = card_text(await sam.card_saying("already had a form in progress"))
    assert "question 2 of 7" in again
