"""Faults between the bot and Slack or its database: 429 and 500 answers, a process stopped mid-send, a restart
mid-conversation, the database down. Nothing is lost, nothing is sent twice, people are not left guessing."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from typing import Any

import pytest

from storage.models import EnquiryRow, MessageRefRow, OutboxRow
from tests.fakes.slack_api import Call, FakeSlackApi
from tests.slack import harness as h

DM = "D" + h.STAFF[0]


# --------------------------------------------------------------------------- helpers


async def to_review(slack: h.SlackHarness) -> dict[str, Any]:
    """A member of staff answers everything and is looking at the review screen (nothing sent to comms yet)."""
    await slack.command(h.STAFF, "BBC Essex, A&E waiting times, 01245 123456, deadline 4pm")
    review = await h.answer(slack, h.STAFF, "Sam Reporter", h.Press("TV or radio"), h.Press("Skip"))
    assert "check and send" in h.text_of(review)
    await h.quiet(slack)
    assert slack.fake.messages_in(h.COMMS_CHANNEL) == []
    return review


def to_comms(method: str) -> Any:
    return lambda c: c.method == method and c.args.get("channel") == h.COMMS_CHANNEL


def delivered(fake: FakeSlackApi, method: str = "chat.postMessage") -> list[Call]:
    """Calls to the comms channel that Slack answered with ok."""
    return [c for c in fake.calls_to(method) if to_comms(method)(c) and c.status == 200
            and isinstance(c.response, dict) and c.response.get("ok")]


async def card_row(slack: h.SlackHarness) -> OutboxRow:
    [row] = [r for r in await h.rows(slack.database_url, OutboxRow) if r.recipient_kind == "comms_channel"]
    return row


def confirmations(slack: h.SlackHarness) -> list[dict[str, Any]]:
    return [m for m in slack.dms(h.STAFF) if "Please don't reply to the journalist yourself" in h.text_of(m)]


# --------------------------------------------------------------------------- Slack says 429 / 500


async def test_a_rate_limited_card_is_posted_once_after_retry_after(slack: h.SlackHarness) -> None:
    fake = slack.fake
    review = await to_review(slack)
    fake.fail_next("chat.postMessage", status=429, retry_after=1, channel=h.COMMS_CHANNEL)
    sent_at = slack.clock.now()

    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    await fake.wait_for("chat.postMessage", predicate=lambda c: to_comms("chat.postMessage")(c) and c.failed)
    confirmation = await slack.next_dm(h.STAFF, 4)  # the reporter hears straight away; the card waits
    assert "MC-2026-0001" in h.text_of(confirmation)
    await h.quiet(slack)
    assert fake.messages_in(h.COMMS_CHANNEL) == []
    row = await card_row(slack)
    assert row.status == "pending"
    assert (row.next_attempt_at - sent_at).total_seconds() == pytest.approx(1.0), "Retry-After: 1 is honoured"

    slack.clock.advance(seconds=0.5)  # still inside Retry-After: the relay keeps its hands off
    await slack.settle()
    assert fake.messages_in(h.COMMS_CHANNEL) == []

    slack.clock.advance(seconds=0.6)  # past Retry-After: the relay's timer (every 0.2 s) sends it
    card = await slack.next_in_channel(h.COMMS_CHANNEL, 0)
    await h.quiet(slack)
    assert "MC-2026-0001" in h.text_of(card) and "Claim" in h.labels(card)
    assert len(delivered(fake)) == 1
    assert len([c for c in fake.calls if to_comms("chat.postMessage")(c)]) == 2  # one 429, one success
    assert len(fake.messages_in(h.COMMS_CHANNEL)) == 1
    assert len(confirmations(slack)) == 1, "retrying the card does not resend the reporter's confirmation"
    assert (await card_row(slack)).status == "sent"


async def test_a_server_error_is_retried_after_a_backoff_and_delivered_once(slack: h.SlackHarness) -> None:
    fake = slack.fake
    review = await to_review(slack)
    fake.fail_next("chat.postMessage", status=500, channel=h.COMMS_CHANNEL)

    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    await fake.wait_for("chat.postMessage", predicate=lambda c: to_comms("chat.postMessage")(c) and c.failed)
    await slack.next_dm(h.STAFF, 4)
    await h.quiet(slack)
    assert fake.messages_in(h.COMMS_CHANNEL) == []
    row = await card_row(slack)
    backoff = (row.next_attempt_at - slack.clock.now()).total_seconds()
    assert 0 < backoff <= 60, "a 500 is retried soon, but not in a tight loop"
    assert "500" in (row.last_error or "")

    await slack.settle()  # nothing due yet
    assert fake.messages_in(h.COMMS_CHANNEL) == []
    slack.clock.advance(seconds=backoff + 0.1)
    card = await slack.next_in_channel(h.COMMS_CHANNEL, 0)
    await h.quiet(slack)
    assert "MC-2026-0001" in h.text_of(card)
    assert len(delivered(fake)) == 1
    assert len(fake.messages_in(h.COMMS_CHANNEL)) == 1
    assert len(confirmations(slack)) == 1


async def test_a_rate_limited_card_update_is_applied_once_after_retry_after(slack: h.SlackHarness) -> None:
    fake = slack.fake
    review = await to_review(slack)
    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    card = await slack.next_in_channel(h.COMMS_CHANNEL, 0)
    await h.quiet(slack)
    fake.fail_next("chat.update", status=429, retry_after=2)

    await slack.click(h.COMMS_A, card, "Claim", channel=h.COMMS_CHANNEL)
    await fake.wait_for("chat.update", predicate=lambda c: to_comms("chat.update")(c) and c.failed)
    await h.quiet(slack)
    assert h.ephemerals_to(slack, h.COMMS_A) == [
        "You have claimed MC-2026-0001. I've sent you the next steps in a direct message."]
    assert "Claimed by" not in h.text_of(fake.messages_in(h.COMMS_CHANNEL)[0])

    slack.clock.advance(seconds=2.1)
    await fake.wait_for("chat.update", predicate=lambda c: c in delivered(fake, "chat.update"))
    await h.quiet(slack)
    [shown] = fake.messages_in(h.COMMS_CHANNEL)
    assert f"Claimed by {h.COMMS_A[2]}" in h.text_of(shown)
    assert len(delivered(fake, "chat.update")) == 1
    assert len(delivered(fake)) == 1, "the card is updated in place, not posted again"


# --------------------------------------------------------------------------- stopped mid-send


async def test_a_card_whose_send_was_cut_off_by_a_shutdown_is_delivered_after_restart(slack: h.SlackHarness) -> None:
    fake = slack.fake
    review = await to_review(slack)
    fake.hang_next("chat.postMessage", channel=h.COMMS_CHANNEL)

    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    [hung] = await fake.wait_for("chat.postMessage", predicate=lambda c: to_comms("chat.postMessage")(c) and c.hung)
    await h.listeners_done()
    # The enquiry is committed (with its outbox rows) before anything is sent.
    [enquiry] = await h.rows(slack.database_url, EnquiryRow)
    assert enquiry.ref == "MC-2026-0001"

    await slack.stop()  # the process goes away while chat.postMessage is in flight
    fake.release()  # ...and Slack, which had the request, answers it to nobody
    await _until(lambda: hung.status is not None)
    await slack.start()  # the same database

    # SQLite: one process, so the start frees what the stopped one had leased and sends it at once (PostgreSQL:
    # when the lease lapses, as another replica may be working). Slack has the first attempt's message, with
    # our metadata, so that copy is adopted rather than posted again.
    if not slack.database_url.startswith("sqlite"):
        slack.clock.advance(seconds=2.5)  # past outbox_lease_seconds (2 s)
    await slack.next_dm(h.STAFF, 4)  # the reporter's confirmation, which queued behind the card
    await h.quiet(slack)

    assert {r.status for r in await h.rows(slack.database_url, OutboxRow)} == {"sent"}
    assert len(confirmations(slack)) == 1
    assert delivered(fake) == [hung], "not posted again"
    assert fake.calls_to("conversations.history"), "the retry looked for the earlier copy"
    [card] = fake.messages_in(h.COMMS_CHANNEL)
    [ref] = await h.rows(slack.database_url, MessageRefRow)
    assert ref.ts == card["ts"]

    await slack.click(h.COMMS_A, card, "Claim", channel=h.COMMS_CHANNEL)
    await fake.wait_for("chat.update", predicate=lambda c: c in delivered(fake, "chat.update"))
    await h.quiet(slack)
    [card] = fake.messages_in(h.COMMS_CHANNEL)
    assert f"Claimed by {h.COMMS_A[2]}" in h.text_of(card), "the one card is updated in place"


async def test_a_post_slack_accepted_but_answered_500_leaves_one_card_and_one_dm(slack: h.SlackHarness) -> None:
    fake = slack.fake
    review = await to_review(slack)
    fake.fail_next("chat.postMessage", status=500, channel=h.COMMS_CHANNEL, accepted=True)
    fake.fail_next("chat.postMessage", status=500, channel=h.STAFF[0], accepted=True)

    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    await fake.wait_for("chat.postMessage", predicate=lambda c: to_comms("chat.postMessage")(c) and c.failed)
    await h.quiet(slack)
    [card] = fake.messages_in(h.COMMS_CHANNEL)  # Slack has it, though it answered 500
    row = await card_row(slack)
    assert row.status == "pending"

    slack.clock.advance(seconds=(row.next_attempt_at - slack.clock.now()).total_seconds() + 0.1)
    await _until(lambda: len(confirmations(slack)) == 1)
    slack.clock.advance(seconds=61)  # past any backoff the confirmation's own 500 asked for
    await slack.settle()
    await h.quiet(slack)
    assert {r.status for r in await h.rows(slack.database_url, OutboxRow)} == {"sent"}
    assert fake.messages_in(h.COMMS_CHANNEL) == [card], "one card"
    assert len(confirmations(slack)) == 1, "one confirmation DM"
    [ref] = [r for r in await h.rows(slack.database_url, MessageRefRow) if r.channel == h.COMMS_CHANNEL]
    assert ref.ts == card["ts"]

    await slack.click(h.COMMS_A, card, "Claim", channel=h.COMMS_CHANNEL)
    await fake.wait_for("chat.update", predicate=lambda c: c in delivered(fake, "chat.update"))
    await h.quiet(slack)
    assert f"Claimed by {h.COMMS_A[2]}" in h.text_of(fake.messages_in(h.COMMS_CHANNEL)[0])


async def _until(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


# --------------------------------------------------------------------------- restart mid-conversation


async def test_a_restart_mid_conversation_carries_on_from_the_same_question(slack: h.SlackHarness) -> None:
    await slack.command(h.STAFF, "")
    kind = await h.answer(slack, h.STAFF, "Sam Reporter", "BBC Essex")
    assert "What kind of outlet" in h.text_of(kind)
    await h.quiet(slack)

    await slack.restart()
    await h.quiet(slack)
    assert len(slack.dms(h.STAFF)) == 3, "a restart neither loses nor repeats a question"

    await slack.click(h.STAFF, kind, "TV or radio", channel=DM)  # a button sent before the restart
    phone = await slack.next_dm(h.STAFF, 3)
    assert "phone number" in h.text_of(phone)
    email = await h.answer(slack, h.STAFF, "01245 123456", after=3)
    assert "email address" in h.text_of(email)
    summary = await h.answer(slack, h.STAFF, h.Press("Skip"), after=4)
    assert "What is the enquiry about" in h.text_of(summary)
    review = await h.answer(slack, h.STAFF, "Waiting times at Basildon A and E", "4pm", after=5)
    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    card = await slack.next_in_channel(h.COMMS_CHANNEL, 0)
    await h.quiet(slack)

    for given in ("Sam Reporter", "BBC Essex", "TV or radio", "01245 123456", "Waiting times at Basildon A and E",
                  "Today 16:00"):
        assert given in h.text_of(card), given
    [enquiry] = await h.rows(slack.database_url, EnquiryRow)
    assert (enquiry.journalist, enquiry.outlet, enquiry.outlet_kind, enquiry.phone, enquiry.email,
            enquiry.summary) == ("Sam Reporter", "BBC Essex", "broadcast", "+441245123456", None,
                                 "Waiting times at Basildon A and E")
    assert enquiry.deadline == datetime.fromisoformat("2026-11-27T16:00:00+00:00")


# --------------------------------------------------------------------------- the database is down

UNREACHABLE = {
    "postgresql refusing connections": "postgresql://postgres@127.0.0.1:1/mediadesk",
    "sqlite in a missing directory": "sqlite+aiosqlite:////nonexistent-mediadesk-dir/sub/mediadesk.db",
}


@pytest.fixture(params=UNREACHABLE)
async def slack_without_db(request: pytest.FixtureRequest, fake_slack: FakeSlackApi, clock: Any) -> Any:
    async with h.SlackHarness(fake_slack, UNREACHABLE[request.param], clock) as harness:
        yield harness


async def test_with_the_database_down_the_server_stays_up_and_logs_the_failure(
        slack_without_db: h.SlackHarness, caplog: pytest.LogCaptureFixture) -> None:
    slack = slack_without_db
    caplog.set_level(logging.INFO)
    status, _ = await slack.command(h.STAFF, "")
    await h.listeners_done()

    assert status < 500
    assert any(r.levelno >= logging.ERROR and r.name.startswith("mediadesk") for r in caplog.records), \
        "the failure is logged"
    told = [c.args.get("text", "") for c in slack.fake.calls if c.method == "chat.postMessage"]
    assert all("not recorded" in text for text in told), f"no DM pretends it worked: {told}"
    assert slack.session is not None
    async with slack.session.get(slack.url.replace("/slack/events", "/healthz")) as response:
        assert response.status == 200
    status, _ = await slack.send(*slack.requests.url_verification("still-here"))
    assert status == 200


@pytest.mark.parametrize("slack_without_db", ["postgresql refusing connections"], indirect=True)
async def test_with_the_database_down_a_slash_command_is_acked_and_the_person_is_told(
        slack_without_db: h.SlackHarness) -> None:
    slack = slack_without_db
    started = time.monotonic()
    status, body = await slack.command(h.STAFF, "")
    assert status == 200 and "direct message" in body
    assert time.monotonic() - started < 3, "inside Slack's 3-second window"
    await h.listeners_done()
    told = [c for c in slack.fake.calls if c.method in ("chat.postEphemeral", "response_url")
            or (c.method == "chat.postMessage" and c.args.get("channel") in (h.STAFF[0], DM))]
    assert told, "the person learns their call was not logged"
