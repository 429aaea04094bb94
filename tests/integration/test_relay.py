"""The outbox relay over a real database, with a hand-written fake platform and a frozen clock."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import pytest

from bot.clock import FrozenClock
from bot.domain.messages import MessageRef, Outbound
from bot.ports import RetryLater, Undeliverable
from bot.services.relay import OutboxRelay
from storage.db import Database
from storage.outbox_store import SqlOutboxStore
from storage.uow import SqlUnitOfWork
from tests.integration.support import message, outbox_column, queue

T0 = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
CARD_KEY = "enquiry:MC-2026-0001"
FIRST_POST = MessageRef("slack", "C0COMMS", "1774602000.000001")  # where FakeDelivery puts the first card


class FakeDelivery:
    """A platform that records what it was asked to send; failures can be scripted per card title."""

    def __init__(self, platform: str = "slack") -> None:
        self.platform = platform
        self.attempts: list[str] = []  # the title of every card it was asked to deliver
        self.delivered: list[tuple[str, MessageRef | None]] = []  # (title, the `existing` it was given)
        self._failures: dict[str, list[Exception]] = {}
        self._posted = 0

    def fail(self, title: str, *errors: Exception) -> None:
        """The next deliveries of this card raise these errors, one each, before it succeeds."""
        self._failures.setdefault(title, []).extend(errors)

    async def deliver(self, message: Outbound, existing: MessageRef | None) -> MessageRef:
        title = message.card["title"]
        self.attempts.append(title)
        if self._failures.get(title):
            raise self._failures[title].pop(0)
        self.delivered.append((title, existing))
        if existing is not None:  # updated in place, like chat.update
            return existing
        self._posted += 1
        return MessageRef(self.platform, "C0COMMS", f"1774602000.{self._posted:06d}")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def slack() -> FakeDelivery:
    return FakeDelivery("slack")


@pytest.fixture
def store(database: Database) -> SqlOutboxStore:
    return SqlOutboxStore(database)


@pytest.fixture
def relay(store: SqlOutboxStore, slack: FakeDelivery, clock: FrozenClock) -> OutboxRelay:
    return OutboxRelay(store, {"slack": slack}, clock, lease_seconds=60, max_attempts=4)


async def test_a_message_is_delivered_once(
    database: Database, store: SqlOutboxStore, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("MC-2026-0001 logged"), message("thanks, Aled"))

    assert await relay.drain() == 2
    assert slack.delivered == [("MC-2026-0001 logged", None), ("thanks, Aled", None)]

    assert await relay.drain() == 0
    clock.advance(hours=1)
    assert await relay.drain() == 0
    assert slack.attempts == ["MC-2026-0001 logged", "thanks, Aled"]
    assert await store.counts() == {"sent": 2}


async def test_a_commit_that_queued_a_message_wakes_the_relay(
    database: Database, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    async with SqlUnitOfWork(database, on_commit=[relay.kick]) as uow:
        await uow.outbox.add(message("logged"), clock.now())
        await uow.commit()
    await relay.idle()

    assert slack.delivered == [("logged", None)]


async def test_retry_later_waits_as_long_as_the_platform_asked(
    database: Database, store: SqlOutboxStore, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("nudge"))
    slack.fail("nudge", RetryLater("slack rate limit (429)", after_seconds=30))

    assert await relay.drain() == 0
    assert slack.attempts == ["nudge"]

    clock.advance(seconds=29.9)
    assert await relay.drain() == 0
    assert slack.attempts == ["nudge"]

    clock.advance(seconds=0.1)
    assert await relay.drain() == 1
    assert slack.delivered == [("nudge", None)]

    clock.advance(minutes=5)
    assert await relay.drain() == 0
    assert slack.attempts == ["nudge", "nudge"]
    assert await store.counts() == {"sent": 1}


async def test_a_message_that_keeps_failing_is_given_up_after_max_attempts(
    database: Database, store: SqlOutboxStore, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("nudge"))
    slack.fail("nudge", *(RetryLater("slack error 503") for _ in range(10)))

    for _ in range(6):
        assert await relay.drain() == 0
        clock.advance(minutes=10)  # longer than any backoff

    assert slack.attempts == ["nudge"] * 4  # max_attempts=4
    assert slack.delivered == []
    assert await store.counts() == {"dead": 1}
    assert await outbox_column(database, "last_error", "nudge") == "gave up after 4 tries: slack error 503"


async def test_undeliverable_is_dead_at_once(
    database: Database, store: SqlOutboxStore, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("to a deleted channel"), message("fine"))
    slack.fail("to a deleted channel", Undeliverable("slack refused: channel_not_found"))

    assert await relay.drain() == 1

    clock.advance(days=1)
    assert await relay.drain() == 0
    assert slack.attempts == ["to a deleted channel", "fine"]
    assert await store.counts() == {"dead": 1, "sent": 1}
    assert await outbox_column(database, "last_error", "to a deleted channel") == "slack refused: channel_not_found"


async def test_a_keyed_message_updates_the_first_one_in_place(
    database: Database, store: SqlOutboxStore, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("MC-2026-0001: open", key=CARD_KEY))
    assert await relay.drain() == 1
    assert slack.delivered == [("MC-2026-0001: open", None)]
    assert await store.ref_for("slack", CARD_KEY) == FIRST_POST

    await queue(database, clock.now(), message("MC-2026-0001: claimed by Cerys", key=CARD_KEY))
    assert await relay.drain() == 1

    assert slack.delivered[1] == ("MC-2026-0001: claimed by Cerys", FIRST_POST)
    assert await store.ref_for("slack", CARD_KEY) == FIRST_POST


async def test_a_card_changed_before_it_was_first_posted_is_posted_then_updated(
    database: Database, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("open", key=CARD_KEY), message("claimed", key=CARD_KEY))

    assert await relay.drain() == 2

    assert slack.delivered == [("open", None), ("claimed", FIRST_POST)]


async def test_a_keyed_update_waits_while_the_first_post_is_being_retried(
    database: Database, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("open", key=CARD_KEY), message("claimed", key=CARD_KEY))
    slack.fail("open", RetryLater("slack error 500"))

    assert await relay.drain() == 0
    assert slack.attempts == ["open"]  # "claimed" was not posted as a second, separate card

    clock.advance(minutes=1)
    assert await relay.drain() == 2
    assert slack.delivered == [("open", None), ("claimed", FIRST_POST)]


async def test_an_update_only_message_changes_a_posted_card_and_is_skipped_when_there_is_none(
    database: Database, store: SqlOutboxStore, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("reminder ticked off", key="nudge:MC-2026-0002", update_only=True))
    assert await relay.drain() == 0
    assert slack.attempts == []
    assert await store.counts() == {"skipped": 1}
    assert await outbox_column(database, "last_error", "reminder ticked off") == (
        "update of a message that was never posted")

    await queue(database, clock.now(), message("open", key=CARD_KEY),
                message("claimed", key=CARD_KEY, update_only=True))
    assert await relay.drain() == 2
    assert slack.delivered == [("open", None), ("claimed", FIRST_POST)]


async def test_messages_for_a_platform_without_delivery_wait_and_are_not_lost(
    database: Database, store: SqlOutboxStore, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("for teams", platform="teams"), message("for slack"))

    assert await relay.drain() == 1
    clock.advance(minutes=5)
    assert await relay.drain() == 0
    assert slack.attempts == ["for slack"]
    assert await store.counts() == {"pending": 1, "sent": 1}
    assert await outbox_column(database, "last_error", "for teams") == "teams is not configured"

    # Teams is configured and the app restarts: the message that waited goes out.
    teams = FakeDelivery("teams")
    restarted = OutboxRelay(store, {"slack": slack, "teams": teams}, clock, lease_seconds=60, max_attempts=4)
    clock.advance(minutes=5)
    assert await restarted.drain() == 1
    assert teams.delivered == [("for teams", None)]
    assert await store.counts() == {"sent": 2}


async def test_an_unexpected_error_delays_the_message_but_does_not_lose_it(
    database: Database, store: SqlOutboxStore, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("odd card"))
    slack.fail("odd card", KeyError("title"))

    await relay.drain()
    clock.advance(minutes=2)  # past the lease, and past any backoff
    await relay.drain()

    assert slack.delivered == [("odd card", None)]
    assert await store.counts() == {"sent": 1}



async def test_an_unexpected_error_in_one_message_does_not_hold_back_the_others(
    database: Database, store: SqlOutboxStore, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("poison"), message("MC-2026-0002 logged"))
    slack.fail("poison", *(RuntimeError("renderer crashed") for _ in range(10)))

    # Each sweep claims both; with the error escaping, "MC-2026-0002 logged" is leased but never sent,
    # and because both leases end together the poison message is first in line again every time.
    for _ in range(3):
        with contextlib.suppress(RuntimeError):
            await relay.drain()
        clock.advance(minutes=2)

    assert slack.delivered == [("MC-2026-0002 logged", None)]


async def test_a_message_that_always_fails_unexpectedly_is_given_up_after_max_attempts(
    database: Database, store: SqlOutboxStore, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("poison"))
    slack.fail("poison", *(RuntimeError("renderer crashed") for _ in range(10)))

    for _ in range(8):
        with contextlib.suppress(RuntimeError):
            await relay.drain()
        clock.advance(minutes=10)

    assert slack.attempts == ["poison"] * 4
    assert await store.counts() == {"dead": 1}


async def test_waiting_for_a_platform_does_not_use_up_the_messages_attempts(
    database: Database, store: SqlOutboxStore, relay: OutboxRelay, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("for teams", platform="teams"))
    for _ in range(4):  # max_attempts rounds without a Teams delivery
        await relay.drain()
        clock.advance(minutes=5)

    teams = FakeDelivery("teams")
    teams.fail("for teams", RetryLater("teams throttled (429)", after_seconds=10))
    restarted = OutboxRelay(store, {"slack": slack, "teams": teams}, clock, lease_seconds=60, max_attempts=4)
    assert await restarted.drain() == 0
    assert await store.counts() == {"pending": 1}  # today: {"dead": 1}, after one 429
    clock.advance(seconds=10)
    assert await restarted.drain() == 1

    assert teams.delivered == [("for teams", None)]


class HeldDelivery(FakeDelivery):
    """A platform that holds each delivery until told to answer (a slow Slack)."""

    def __init__(self) -> None:
        super().__init__("slack")
        self.answer = asyncio.Event()

    async def deliver(self, message: Outbound, existing: MessageRef | None) -> MessageRef:
        await self.answer.wait()
        return await super().deliver(message, existing)


async def test_a_live_relay_renews_its_lease_so_no_other_replica_takes_the_message(
    database: Database, store: SqlOutboxStore, clock: FrozenClock,
) -> None:
    slow = HeldDelivery()
    relay = OutboxRelay(store, {"slack": slow}, clock, lease_seconds=0.3)
    await queue(database, clock.now(), message("logged"))
    draining = asyncio.create_task(relay.drain())
    for _ in range(3):  # a second of the clock, in steps shorter than the lease, while the platform is slow
        await asyncio.sleep(0.15)
        clock.advance(seconds=0.25)
    assert await store.claim_due(clock.now(), 10, 0.3) == [], "still leased to the live relay"

    slow.answer.set()
    assert await draining == 1
    assert slow.delivered == [("logged", None)]


async def test_a_relay_that_stops_renewing_loses_the_message_to_another_replica(
    database: Database, store: SqlOutboxStore, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("logged"))
    [claimed] = await store.claim_due(clock.now(), 10, 0.3)  # a replica that then died
    assert await store.claim_due(clock.now(), 10, 0.3) == []
    clock.advance(seconds=0.31)
    [taken] = await store.claim_due(clock.now(), 10, 0.3)
    assert taken.id == claimed.id and taken.attempts == 2
    assert taken.first_attempt_at == claimed.first_attempt_at == T0, "the first attempt's time is kept"


async def test_a_start_on_sqlite_frees_every_lease(
    database: Database, store: SqlOutboxStore, slack: FakeDelivery, clock: FrozenClock,
) -> None:
    await queue(database, clock.now(), message("logged"))
    await store.claim_due(clock.now(), 10, 60)  # the process that held it is gone
    relay = OutboxRelay(store, {"slack": slack}, clock)
    await relay.release_leases()
    assert await relay.drain() == 1, "sent at once, not a lease later"


async def test_a_delivery_whose_record_failed_is_recorded_not_sent_again(
    database: Database, store: SqlOutboxStore, slack: FakeDelivery, clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await queue(database, clock.now(), message("logged"))
    relay = OutboxRelay(store, {"slack": slack}, clock, lease_seconds=1)
    real = store.mark_sent
    failures = [ConnectionError("database went away")]

    async def flaky(*args: object, **kwargs: object) -> None:
        if failures:
            raise failures.pop()
        await real(*args, **kwargs)

    monkeypatch.setattr(store, "mark_sent", flaky)  # the database, not our code, fails here
    with pytest.raises(ConnectionError):
        await relay.drain()
    clock.advance(seconds=1.1)
    assert await relay.drain() == 1
    assert slack.attempts == ["logged"], "posted once"
    assert await store.counts() == {"sent": 1}
