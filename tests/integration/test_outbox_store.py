"""The outbox as the relay sees it (SqlOutboxStore), on SQLite and PostgreSQL.

Messages go in the way the services put them there: SqlUnitOfWork(db).outbox.add(...) and commit.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.domain.messages import MessageRef, Outbound, Recipient
from storage.db import Database
from storage.outbox_store import SqlOutboxStore
from tests.integration.support import message, outbox_column, queue, titles

T0 = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
LEASE = 60.0
CARD_KEY = "enquiry:MC-2026-0001"
FIRST_POST = MessageRef("slack", "C0COMMS", "1774602000.000100")


@pytest.fixture
def store(database: Database) -> SqlOutboxStore:
    return SqlOutboxStore(database)


async def claim(store: SqlOutboxStore, at: datetime, limit: int = 50) -> list[Outbound]:
    return await store.claim_due(at, limit, LEASE)


async def test_claim_due_returns_due_messages_oldest_first_and_leases_them(
    database: Database, store: SqlOutboxStore,
) -> None:
    await queue(database, T0, message("first", case_ref="MC-2026-0001"), message("second"))
    await queue(database, T0 + timedelta(seconds=30), message("third"))
    await queue(database, T0 + timedelta(minutes=10), message("later"))

    claimed = await claim(store, T0 + timedelta(minutes=1))

    assert titles(claimed) == ["first", "second", "third"]
    assert [m.attempts for m in claimed] == [1, 1, 1]
    assert [m.id for m in claimed] == [1, 2, 3]
    assert claimed[0].recipient == Recipient("comms_channel", "slack", None)
    assert claimed[0].case_ref == "MC-2026-0001"
    assert claimed[0].key is None

    # Leased until T0+2min: another sweep before then gets none of them (and "later" isn't due).
    assert await claim(store, T0 + timedelta(minutes=1, seconds=59)) == []

    # The lease ran out (the sender died): they come back, with the attempt counted.
    again = await claim(store, T0 + timedelta(minutes=2, seconds=1))
    assert titles(again) == ["first", "second", "third"]
    assert [m.attempts for m in again] == [2, 2, 2]


async def test_claim_due_takes_no_more_than_the_limit(database: Database, store: SqlOutboxStore) -> None:
    await queue(database, T0, *(message(f"m{i}") for i in range(5)))

    assert titles(await claim(store, T0, limit=2)) == ["m0", "m1"]
    assert titles(await claim(store, T0, limit=2)) == ["m2", "m3"]
    assert titles(await claim(store, T0, limit=2)) == ["m4"]
    assert await claim(store, T0, limit=2) == []


async def test_messages_with_the_same_key_go_out_one_after_the_other(
    database: Database, store: SqlOutboxStore,
) -> None:
    await queue(database, T0, message("card v1", key=CARD_KEY), message("card v2", key=CARD_KEY),
                message("unrelated"), message("other card v1", key="enquiry:MC-2026-0002"))

    first = await claim(store, T0)
    assert titles(first) == ["card v1", "unrelated", "other card v1"]

    # v1 is still pending (its sender may be slow, or died): v2 must wait even after v1's lease ends.
    assert titles(await claim(store, T0 + timedelta(minutes=2))) == ["card v1", "unrelated", "other card v1"]

    await store.mark_sent(first[0], FIRST_POST, T0 + timedelta(minutes=2))
    assert await store.ref_for("slack", CARD_KEY) == FIRST_POST
    assert await store.ref_for("teams", CARD_KEY) is None
    assert await store.ref_for("slack", "enquiry:MC-2026-0002") is None

    [second] = await claim(store, T0 + timedelta(minutes=2))
    assert (second.card, second.key, second.attempts) == ({"title": "card v2"}, CARD_KEY, 1)

    moved = MessageRef("slack", "C0COMMS", "1774602999.000200")
    await store.mark_sent(second, moved, T0 + timedelta(minutes=3))
    assert await store.ref_for("slack", CARD_KEY) == moved
    assert await outbox_column(database, "status", "card v2") == "sent"


async def test_a_dead_keyed_message_does_not_hold_back_the_next_one(database: Database, store: SqlOutboxStore) -> None:
    await queue(database, T0, message("card v1", key=CARD_KEY), message("card v2", key=CARD_KEY))
    [v1] = await claim(store, T0)

    await store.give_up(v1, "slack refused: invalid_blocks", T0)

    assert titles(await claim(store, T0)) == ["card v2"]
    assert await store.ref_for("slack", CARD_KEY) is None


async def test_an_unkeyed_message_stores_no_ref(database: Database, store: SqlOutboxStore) -> None:
    await queue(database, T0, message("dm"))
    [dm] = await claim(store, T0)

    await store.mark_sent(dm, MessageRef("slack", "D0USER", "1.2"), T0)

    async with database.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM message_refs"))).scalar_one() == 0
    assert await store.counts() == {"sent": 1}
    assert await claim(store, T0 + timedelta(hours=1)) == []


async def test_retry_at_holds_the_message_back_until_then(database: Database, store: SqlOutboxStore) -> None:
    await queue(database, T0, message("nudge"))
    [nudge] = await claim(store, T0)

    await store.retry_at(nudge, T0 + timedelta(minutes=5), "slack rate limit (429)")

    assert await claim(store, T0 + timedelta(minutes=4, seconds=59)) == []
    assert await outbox_column(database, "last_error", "nudge") == "slack rate limit (429)"
    [again] = await claim(store, T0 + timedelta(minutes=5))
    assert (again.id, again.attempts) == (nudge.id, 2)


async def test_give_up_makes_the_message_dead_for_good(database: Database, store: SqlOutboxStore) -> None:
    await queue(database, T0, message("doomed"), message("fine"))
    doomed, fine = await claim(store, T0)

    await store.give_up(doomed, "slack refused: channel_not_found", T0)
    await store.mark_sent(fine, MessageRef("slack", "C0COMMS", "1.1"), T0)

    assert await store.counts() == {"dead": 1, "sent": 1}
    assert await claim(store, T0 + timedelta(days=1)) == []
    assert await outbox_column(database, "last_error", "doomed") == "slack refused: channel_not_found"
    assert await store.next_due() is None


async def test_next_due_is_the_earliest_pending_attempt(database: Database, store: SqlOutboxStore) -> None:
    assert await store.next_due() is None

    await queue(database, T0, message("now"))
    await queue(database, T0 + timedelta(minutes=10), message("in ten minutes"))
    assert await store.next_due() == T0
    assert (await store.next_due()).tzinfo is UTC

    [now_message] = await claim(store, T0)
    await store.retry_at(now_message, T0 + timedelta(minutes=20), "slack error 503")
    assert await store.next_due() == T0 + timedelta(minutes=10)

    await store.mark_sent(now_message, MessageRef("slack", "C0COMMS", "1.1"), T0)
    [later] = await claim(store, T0 + timedelta(minutes=10))
    await store.mark_sent(later, MessageRef("slack", "C0COMMS", "1.2"), T0)
    assert await store.next_due() is None
    assert await store.counts() == {"sent": 2}


# ---- several replicas at once (PostgreSQL: FOR UPDATE SKIP LOCKED)


@pytest.mark.postgres
async def test_rows_locked_by_another_sweeper_are_skipped_not_waited_for(pg_database: Database) -> None:
    store = SqlOutboxStore(pg_database)
    await queue(pg_database, T0, *(message(f"m{i}") for i in range(6)))

    async with pg_database.engine.connect() as other_replica:
        # Another replica is in the middle of claiming the first three rows.
        await other_replica.execute(text("SELECT id FROM outbox WHERE id <= 3 FOR UPDATE"))

        claimed = await asyncio.wait_for(claim(store, T0), timeout=10)

        assert titles(claimed) == ["m3", "m4", "m5"]
        await other_replica.rollback()

    assert titles(await claim(store, T0)) == ["m0", "m1", "m2"]


@pytest.mark.postgres
async def test_two_concurrent_sweepers_share_300_messages_without_overlap(pg_database: Database) -> None:
    store = SqlOutboxStore(pg_database)
    await queue(pg_database, T0, *(message(f"m{i}") for i in range(300)))

    async def sweep() -> list[int]:
        got: list[int] = []
        while batch := await store.claim_due(T0, 25, LEASE):
            got.extend(m.id for m in batch)
        return got

    first, second = await asyncio.wait_for(asyncio.gather(sweep(), sweep()), timeout=60)

    assert set(first).isdisjoint(second)
    assert len(first) + len(second) == 300
    assert set(first) | set(second) == set(range(1, 301))


@pytest.mark.postgres
async def test_two_concurrent_single_claims_never_return_the_same_row(pg_database: Database) -> None:
    store = SqlOutboxStore(pg_database)
    await queue(pg_database, T0, *(message(f"m{i}") for i in range(300)))

    first, second = await asyncio.wait_for(
        asyncio.gather(store.claim_due(T0, 300, LEASE), store.claim_due(T0, 300, LEASE)), timeout=60)

    ids_first, ids_second = {m.id for m in first}, {m.id for m in second}
    assert ids_first.isdisjoint(ids_second)
    assert ids_first | ids_second == set(range(1, 301))
    assert all(m.attempts == 1 for m in first + second)
