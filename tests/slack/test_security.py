"""Forged, replayed, malformed and unauthorised requests, sent over HTTP the way Slack (or an attacker) would.

Each test checks what a person would see (the HTTP answer, DMs, ephemerals, the card) and what is stored.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app.logs import JsonFormatter, configure
from handlers.slack.listeners import UNKNOWN_BUTTON
from storage.db import open_database
from storage.models import ConversationRow, EnquiryRow, HistoryRow, OutboxRow, SeenRequestRow
from tests.slack import harness
from tests.slack import harness as h
from tests.slack_requests import SlackRequests

Request = tuple[bytes, dict[str, str]]
DM = "D" + h.STAFF[0]

# --------------------------------------------------------------------------- helpers

_TABLES = {"conversations": ConversationRow, "enquiries": EnquiryRow, "outbox": OutboxRow,
           "case_history": HistoryRow, "seen_requests": SeenRequestRow}


async def stored(database_url: str, *, bookkeeping: bool = True) -> dict[str, int]:
    """How many rows each table holds, read straight from the database (without seen_requests if not bookkeeping)."""
    db = open_database(database_url)
    try:
        async with db.sessions() as s:
            return {name: (await s.execute(select(func.count()).select_from(model))).scalar_one()
                    for name, model in _TABLES.items() if bookkeeping or name != "seen_requests"}
    finally:
        await db.dispose()


def card_updates(slack: h.SlackHarness) -> list[Any]:
    return [c for c in slack.fake.calls_to("chat.update") if c.args.get("channel") == h.COMMS_CHANNEL]


async def log_a_call(slack: h.SlackHarness, who: tuple[str, str, str] = h.STAFF) -> dict[str, Any]:
    """A member of staff logs a call; returns the comms card once everything it caused has happened."""
    card = await harness.log_a_call(slack, who)
    await h.quiet(slack)
    return card


# --------------------------------------------------------------------------- forged requests


def _command(r: SlackRequests, **kw: Any) -> Request:
    return r.slash_command(h.STAFF[0], "/media-call", "BBC Essex, A&E waiting times, deadline 4pm", **kw)


def _event(r: SlackRequests, **kw: Any) -> Request:
    return r.message_event(h.STAFF[0], "Sam Reporter", **kw)


def _action(r: SlackRequests, **kw: Any) -> Request:
    # A plausible Claim click; if it got through, the bot would answer it (and remember its trigger).
    value = json.dumps({"a": "claim", "k": "enquiry", "id": "MC-2026-0001", "v": 1})
    return r.block_action(h.COMMS_A[0], "md.claim.0", value, channel_id=h.COMMS_CHANNEL, **kw)


KINDS: dict[str, Callable[..., Request]] = {"slash command": _command, "event": _event, "block action": _action}


def _wrong_secret(slack: h.SlackHarness, build: Callable[..., Request]) -> Request:
    return build(SlackRequests("not-the-signing-secret", response_base=slack.fake.response_base))


def _tampered_body(slack: h.SlackHarness, build: Callable[..., Request]) -> Request:
    body, headers = build(slack.requests)
    tampered = body.replace(b"BBC", b"ITV").replace(b"Sam", b"Pam").replace(b"claim", b"close")
    assert tampered != body
    return tampered, headers


def _without(*names: str) -> Callable[[h.SlackHarness, Callable[..., Request]], Request]:
    def forge(slack: h.SlackHarness, build: Callable[..., Request]) -> Request:
        body, headers = build(slack.requests)
        return body, {k: v for k, v in headers.items() if k not in names}
    return forge


def _signed_at(offset_seconds: int) -> Callable[[h.SlackHarness, Callable[..., Request]], Request]:
    def forge(slack: h.SlackHarness, build: Callable[..., Request]) -> Request:
        return build(slack.requests, timestamp=int(time.time()) + offset_seconds)
    return forge


def _garbage_timestamp(slack: h.SlackHarness, build: Callable[..., Request]) -> Request:
    body, headers = build(slack.requests)
    return body, {**headers, "X-Slack-Request-Timestamp": "yesterday"}


FORGERIES = {
    "wrong secret": _wrong_secret,
    "tampered body": _tampered_body,
    "no signature headers": _without("X-Slack-Signature", "X-Slack-Request-Timestamp"),
    "no signature": _without("X-Slack-Signature"),
    "no timestamp": _without("X-Slack-Request-Timestamp"),
    "signed 6 minutes ago": _signed_at(-6 * 60 - 5),
    "signed 6 minutes ahead": _signed_at(6 * 60 + 5),
}


@pytest.mark.parametrize("forgery", FORGERIES)
@pytest.mark.parametrize("kind", KINDS)
async def test_forged_requests_are_refused_and_change_nothing(slack: h.SlackHarness, kind: str, forgery: str) -> None:
    body, headers = FORGERIES[forgery](slack, KINDS[kind])
    status, _ = await slack.send(body, headers)
    await h.quiet(slack)
    assert status == 401
    assert slack.fake.calls == [], "a refused request must not reach Slack's Web API"
    assert await stored(slack.database_url) == dict.fromkeys(_TABLES, 0)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_garbage_timestamp_is_refused_with_401(slack: h.SlackHarness, kind: str) -> None:
    body, headers = _garbage_timestamp(slack, KINDS[kind])
    status, _ = await slack.send(body, headers)
    await h.quiet(slack)
    assert status == 401
    assert slack.fake.calls == []
    assert await stored(slack.database_url) == dict.fromkeys(_TABLES, 0)


@pytest.mark.parametrize("kind", KINDS)
async def test_the_same_requests_correctly_signed_are_accepted(slack: h.SlackHarness, kind: str) -> None:
    """The control for the forgeries above: signed properly, each request is acted on and leaves a trace."""
    status, _ = await slack.send(*KINDS[kind](slack.requests))
    await h.quiet(slack)
    assert status == 200
    # Someone is answered: a first question by DM, or (for a click on a case we don't have) a private sentence.
    assert {"chat.postMessage", "chat.postEphemeral"} & {c.method for c in slack.fake.calls}


# --------------------------------------------------------------------------- replays and retries


async def test_a_replayed_slash_command_starts_one_conversation(slack: h.SlackHarness) -> None:
    request = slack.requests.slash_command(h.STAFF[0], "/media-call", "", trigger_id="1234.1.replayed")
    first = await slack.send(*request)
    await slack.next_dm(h.STAFF, 0)
    second = await slack.send(*request)  # an attacker (or a proxy) sends the same signed bytes again
    await h.quiet(slack)

    assert first[0] == second[0] == 200
    assert len(slack.dms(h.STAFF)) == 1, [h.text_of(m) for m in slack.dms(h.STAFF)]
    assert "Who is the journalist" in h.text_of(slack.dms(h.STAFF)[0])
    assert (await stored(slack.database_url))["conversations"] == 1


async def test_a_replayed_slash_command_sent_at_the_same_moment_starts_one_conversation(slack: h.SlackHarness) -> None:
    request = slack.requests.slash_command(h.STAFF[0], "/media-call", "", trigger_id="1234.1.twice")
    results = await asyncio.gather(slack.send(*request), slack.send(*request))
    await slack.next_dm(h.STAFF, 0)
    await h.quiet(slack)

    assert [status for status, _ in results] == [200, 200]
    assert len(slack.dms(h.STAFF)) == 1
    assert (await stored(slack.database_url))["conversations"] == 1


async def test_a_slack_retry_of_a_dm_answer_is_applied_once(slack: h.SlackHarness) -> None:
    await slack.command(h.STAFF, "")
    await slack.next_dm(h.STAFF, 0)
    await h.quiet(slack)
    [before] = await h.rows(slack.database_url, ConversationRow)

    body, headers = slack.requests.message_event(h.STAFF[0], "Sam Reporter", event_id="EvRETRIED01")
    assert (await slack.send(body, headers))[0] == 200
    outlet = await slack.next_dm(h.STAFF, 1)
    assert "Which outlet" in h.text_of(outlet)
    # Slack did not see our ack in time and sends the same event again, freshly signed.
    retry = {**headers, **slack.requests.sign(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert (await slack.send(body, retry))[0] == 200
    await h.quiet(slack)

    assert len(slack.dms(h.STAFF)) == 2, [h.text_of(m) for m in slack.dms(h.STAFF)]
    [after] = await h.rows(slack.database_url, ConversationRow)
    assert after.version == before.version + 1
    assert after.answers == {"journalist": "Sam Reporter"}
    assert after.step == "outlet"


async def test_a_replayed_claim_click_claims_once(slack: h.SlackHarness) -> None:
    card = await log_a_call(slack)
    action_id, value, _ = h.find_action(card, "Claim")
    click = slack.requests.block_action(h.COMMS_A[0], action_id, value, message_ts=card["ts"], channel_id=h.COMMS_CHANNEL,
                                        message=card)
    first = await slack.send(*click)
    await slack.fake.wait_for("chat.update", predicate=lambda c: c.args.get("channel") == h.COMMS_CHANNEL)
    replays = await asyncio.gather(slack.send(*click), slack.send(*click))
    await h.quiet(slack)

    assert [first[0], *(status for status, _ in replays)] == [200, 200, 200]
    history = [entry for entry in await h.rows(slack.database_url, HistoryRow) if entry.event == "claim"]
    assert len(history) == 1
    assert len(card_updates(slack)) == 1
    assert f"Claimed by {h.COMMS_A[2]}" in h.text_of(slack.fake.messages_in(h.COMMS_CHANNEL)[0])
    assert h.ephemerals_to(slack, h.COMMS_A) == [
        "You have claimed MC-2026-0001. I've sent you the next steps in a direct message."]
    assert len(slack.dms(h.COMMS_A)) == 1  # one brief for the owner
    assert sum("has picked up" in h.text_of(m) for m in slack.dms(h.STAFF)) == 1  # the reporter hears once


# --------------------------------------------------------------------------- buttons that are not ours


GARBAGE_VALUES = {
    "incomplete payload": '{"a":"claim"}',
    "not json": "not json",
    "empty": "",
    "json list": '["claim", "MC-2026-0001"]',
    "unknown field": '{"a":"claim","k":"enquiry","id":"MC-2026-0001","admin":true}',
    "oversized id": json.dumps({"a": "claim", "k": "enquiry", "id": "MC-" + "9" * 100}),
}


@pytest.mark.parametrize("value", GARBAGE_VALUES)
async def test_a_button_value_that_is_not_ours_gets_a_polite_answer(slack: h.SlackHarness, value: str) -> None:
    card = await log_a_call(slack)
    calls = len(slack.fake.calls)
    status, _ = await slack.send(*slack.requests.block_action(
        h.COMMS_A[0], "md.claim.0", GARBAGE_VALUES[value], message_ts=card["ts"], channel_id=h.COMMS_CHANNEL,
        message=card))
    await h.quiet(slack)

    assert status == 200
    assert h.ephemerals_to(slack, h.COMMS_A) == [UNKNOWN_BUTTON]
    assert "didn't recognise that button" in UNKNOWN_BUTTON
    assert [c.method for c in slack.fake.calls[calls:]] == ["chat.postEphemeral"]
    [enquiry] = await h.rows(slack.database_url, EnquiryRow)
    assert (enquiry.state, enquiry.owner, enquiry.version) == ("open", None, 1)
    assert [entry.event for entry in await h.rows(slack.database_url, HistoryRow)] == ["logged"]


WELL_FORMED_BUT_FORGED = {
    "a case that does not exist": ({"a": "claim", "k": "enquiry", "id": "MC-2026-9999"}, ("can't find enquiry",)),
    "an action that does not exist": ({"a": "delete", "k": "enquiry", "id": "MC-2026-0001"},
                                      ("can't be done", "didn't recognise that button")),
    "someone else's conversation": ({"a": "submit", "k": "conversation", "id": "1", "v": 1}, ("belongs to someone",)),
}


@pytest.mark.parametrize("forged", WELL_FORMED_BUT_FORGED)
async def test_a_well_formed_but_forged_button_is_refused_politely(slack: h.SlackHarness, forged: str) -> None:
    card = await log_a_call(slack)
    payload, expected = WELL_FORMED_BUT_FORGED[forged]
    updates, before = len(card_updates(slack)), await stored(slack.database_url, bookkeeping=False)
    status, _ = await slack.send(*slack.requests.block_action(
        h.COMMS_A[0], "md.claim.0", json.dumps(payload), message_ts=card["ts"], channel_id=h.COMMS_CHANNEL, message=card))
    await h.quiet(slack)

    assert status == 200
    [answer] = h.ephemerals_to(slack, h.COMMS_A)
    assert any(phrase in answer for phrase in expected), answer
    assert len(card_updates(slack)) == updates
    assert await stored(slack.database_url, bookkeeping=False) == before
    [enquiry] = await h.rows(slack.database_url, EnquiryRow)
    assert (enquiry.state, enquiry.owner) == ("open", None)


async def test_a_refused_click_changes_nothing_and_its_replay_is_not_run_again(
        slack: h.SlackHarness, request: pytest.FixtureRequest) -> None:
    """A refusal rolls its unit of work back; the request itself is kept (the inbox, before the 200) as done,
    so the same signed bytes sent again are answered 200 and not run a second time."""
    card = await log_a_call(slack)
    before = await stored(slack.database_url)
    click = slack.requests.block_action(h.STAFF[0], *h.find_action(card, "Claim")[:2], message_ts=card["ts"],
                                        channel_id=h.COMMS_CHANNEL, message=card)
    assert (await slack.send(*click))[0] == 200
    await h.quiet(slack)
    assert await stored(slack.database_url) == {**before, "seen_requests": before["seen_requests"] + 1}
    kept = max(await h.rows(slack.database_url, SeenRequestRow), key=lambda r: r.seq or 0)  # the click
    assert (kept.status, kept.body) == ("done", None), "done, and what was sent is not kept any longer"
    assert (await slack.send(*click))[0] == 200
    await h.quiet(slack)
    assert len(h.ephemerals_to(slack, h.STAFF)) == 1
    assert await stored(slack.database_url) == {**before, "seen_requests": before["seen_requests"] + 1}


NOT_A_NUMBER = {
    "conversation id": ({"a": "cancel", "k": "conversation", "id": "1 OR 1=1", "v": 1},
                        "bot/services/intake.py conversation_action (int(payload.id))"),
    "partner version": ({"a": "partner", "k": "enquiry", "id": "MC-2026-0001", "x": "one:abc"},
                        "bot/services/actions.py press, case 'partner' (int(version or 0))"),
}


@pytest.mark.parametrize("forged", [
    pytest.param(name, id=name) for name in NOT_A_NUMBER
])
async def test_a_button_with_text_where_a_number_belongs_gets_a_polite_answer(
        slack: h.SlackHarness, forged: str) -> None:
    card = await log_a_call(slack)
    before = await stored(slack.database_url, bookkeeping=False)
    payload, _ = NOT_A_NUMBER[forged]
    status, _ = await slack.send(*slack.requests.block_action(
        h.COMMS_A[0], "md.x.0", json.dumps(payload), message_ts=card["ts"], channel_id=h.COMMS_CHANNEL, message=card))
    await h.quiet(slack)

    assert status == 200
    [answer] = h.ephemerals_to(slack, h.COMMS_A)
    assert answer  # a sentence, such as the "didn't recognise that button" one
    assert await stored(slack.database_url, bookkeeping=False) == before


# --------------------------------------------------------------------------- malformed bodies


def _payload_not_json(r: SlackRequests) -> Request:
    return r._signed(b"payload=%7Bnot+json", "application/x-www-form-urlencoded", None)


def _json_sent_as_form(r: SlackRequests) -> Request:
    body, _ = r.message_event(h.STAFF[0], "hello")
    return r._signed(body, "application/x-www-form-urlencoded", None)


def _form_sent_as_json(r: SlackRequests) -> Request:
    body, _ = r.slash_command(h.STAFF[0], "/media-call", "")
    return r._signed(body, "application/json", None)


def _empty(r: SlackRequests) -> Request:
    return r._signed(b"", "application/x-www-form-urlencoded", None)


def _empty_json(r: SlackRequests) -> Request:
    return r._signed(b"", "application/json", None)


def _not_utf8(r: SlackRequests) -> Request:
    return r._signed(b"text=\xff\xfe\xfa&command=%2Fmedia-call", "application/x-www-form-urlencoded", None)


def _too_big(r: SlackRequests) -> Request:
    body, _ = r.slash_command(h.STAFF[0], "/media-call", "x" * (1024 * 1024 + 1))
    return r._signed(body, "application/x-www-form-urlencoded", None)


def _json_array(r: SlackRequests) -> Request:
    return r._signed(b'[{"type": "event_callback"}]', "application/json", None)


# name -> (request builder, None when it already behaves, else why it is marked as a known bug)
MALFORMED: dict[str, tuple[Callable[[SlackRequests], Request], str | None]] = {
    "payload= with invalid JSON": (_payload_not_json, None),
    "a JSON event sent as a form": (_json_sent_as_form, None),
    "a form body sent as JSON": (_form_sent_as_json, None),
    "an empty body": (_empty, None),  # Bolt: 404 {"error": "unhandled request"}
    "an empty JSON body": (_empty_json, None),  # Bolt: 404
    "a body that is not UTF-8": (_not_utf8, None),
    "a JSON array": (_json_array, None),
    "a body over 1 MB": (_too_big, None),  # create_app's client_max_size: 413
}


@pytest.mark.parametrize("malformed", [
    pytest.param(name, id=name, marks=[pytest.mark.xfail(strict=True, reason=why)] if why else [])
    for name, (_, why) in MALFORMED.items()
])
async def test_malformed_bodies_get_a_4xx_and_store_nothing(slack: h.SlackHarness, malformed: str) -> None:
    build, _ = MALFORMED[malformed]
    status, _ = await slack.send(*build(slack.requests))
    await h.quiet(slack)
    assert 400 <= status < 500, status
    assert await stored(slack.database_url) == dict.fromkeys(_TABLES, 0)
    # Bolt may look itself up (auth.test) before dispatching; nobody is sent anything.
    assert {c.method for c in slack.fake.calls} <= {"auth.test"}


async def test_an_unsigned_request_with_a_broken_payload_is_refused_with_401(slack: h.SlackHarness) -> None:
    body, headers = _payload_not_json(slack.requests)
    status, _ = await slack.send(body, {**headers, "X-Slack-Signature": "v0=" + "0" * 64})
    await h.quiet(slack)
    assert status == 401
    assert slack.fake.calls == []


# --------------------------------------------------------------------------- logs


MARKER = "journalist-secret-phone-07700900123"


async def test_logs_never_hold_request_bodies_tokens_or_the_signing_secret(
        slack: h.SlackHarness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)

    # A forged request carrying a journalist's number and the bot token, in a command and in a click.
    forger = SlackRequests("guessed-secret", response_base=slack.fake.response_base)
    for body, headers in (
        forger.slash_command(h.STAFF[0], "/media-call", f"{MARKER} {h.TOKEN} {h.SECRET}"),
        forger.block_action(h.COMMS_A[0], "md.claim.0", json.dumps({"a": "claim", "k": "enquiry", "id": MARKER}),
                            channel_id=h.COMMS_CHANNEL),
        forger.message_event(h.STAFF[0], f"{MARKER} {h.TOKEN}"),
    ):
        assert (await slack.send(body, headers))[0] == 401
    # Then a real flow, all the way to a claim.
    card = await log_a_call(slack)
    await slack.click(h.COMMS_A, card, "Claim", channel=h.COMMS_CHANNEL)
    await slack.fake.wait_for("chat.update")
    await h.quiet(slack)

    records = caplog.get_records("setup") + caplog.get_records("call")
    assert any("Invalid request signature" in r.getMessage() for r in records), "the refusals are logged"
    formatter = JsonFormatter()
    for record in records:
        line = formatter.format(record)
        for secret in (MARKER, h.TOKEN, h.SECRET):
            assert secret not in line, f"{secret!r} leaked into the log: {line}"


async def test_production_logging_keeps_journalists_details_out_even_at_debug(
        slack: h.SlackHarness, request: pytest.FixtureRequest) -> None:
    """bot.app.logs.configure() as __main__ runs it with LOG_LEVEL=DEBUG: the JSON lines never carry what staff typed."""
    root = logging.getLogger()
    touched = ["slack_sdk", "aiohttp.access", "apscheduler", "alembic"]
    saved = root.handlers[:], root.level, {name: logging.getLogger(name).level for name in touched}
    configure("DEBUG")
    written = io.StringIO()
    root.handlers[0].setStream(written)
    try:
        await log_a_call(slack)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for name, level in saved[2].items():
            logging.getLogger(name).setLevel(level)
    lines = written.getvalue().splitlines()
    assert lines, "the JSON log was written"
    for line in lines:
        for typed in ("Sam Reporter", "01245 123456", "A&E waiting times"):
            assert typed not in line, line


# --------------------------------------------------------------------------- authority


@pytest.mark.parametrize("who", [h.STAFF, h.OUTSIDER], ids=["the reporter", "someone outside the directory"])
async def test_only_the_comms_team_may_claim(slack: h.SlackHarness, who: tuple[str, str, str]) -> None:
    card = await log_a_call(slack)
    status, _ = await slack.click(who, card, "Claim", channel=h.COMMS_CHANNEL)
    await h.quiet(slack)

    assert status == 200
    [refusal] = h.ephemerals_to(slack, who)
    assert "Only members of the communications team can claim" in refusal
    assert card_updates(slack) == []
    assert slack.fake.messages_in(h.COMMS_CHANNEL) == [card]
    [enquiry] = await h.rows(slack.database_url, EnquiryRow)
    assert (enquiry.state, enquiry.owner) == ("open", None)
    assert [entry.event for entry in await h.rows(slack.database_url, HistoryRow)] == ["logged"]

    # A comms officer then claims it as usual.
    status, _ = await slack.click(h.COMMS_B, card, "Claim", channel=h.COMMS_CHANNEL)
    await slack.fake.wait_for("chat.update", predicate=lambda c: c.args.get("channel") == h.COMMS_CHANNEL)
    await h.quiet(slack)
    assert status == 200
    assert f"Claimed by {h.COMMS_B[2]}" in h.text_of(slack.fake.messages_in(h.COMMS_CHANNEL)[0])
    assert [entry.event for entry in await h.rows(slack.database_url, HistoryRow)] == ["logged", "claim"]
    assert h.ephemerals_to(slack, h.COMMS_B) == [
        "You have claimed MC-2026-0001. I've sent you the next steps in a direct message."]
