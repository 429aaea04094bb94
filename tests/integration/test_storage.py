"""The unit of work and its repositories against real databases.

Every test runs twice through the `database` fixture: on a migrated SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, StatementError

from bot.domain.conversation import Conversation, ConversationStatus
from bot.domain.enquiry import Enquiry, EnquiryState
from bot.domain.errors import ConcurrencyConflict, Duplicate
from bot.domain.messages import HistoryEntry
from bot.domain.people import Person
from storage.db import Database
from storage.uow import SqlUnitOfWork
from tests.integration.support import ALL_TABLES, count_rows, message

T0 = datetime(2026, 3, 27, 9, 30, 15, 123456, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
REF = "MC-2026-0001"
ALED = Person("Dr Aled Jones", "aled.jones@example.nhs.uk", "slack", "U0REPORTER")


def an_enquiry(**changes: object) -> Enquiry:
    enquiry = Enquiry(
        ref=REF, journalist="Siân Ellis-Ó Briain", outlet="Western Mail", outlet_kind="regional",
        phone="+44 29 2000 0000", email="sian@example.com", summary='Ward closures: "when, and why?" 🏥',
        # 30 March 2026 is the day after the clocks go forward: 17:00 in London is 16:00 UTC.
        deadline=datetime(2026, 3, 30, 17, 0, tzinfo=LONDON),
        reporter=ALED, created_at=T0,
    )
    return replace(enquiry, **changes)


async def store(db: Database, enquiry: Enquiry) -> Enquiry:
    async with SqlUnitOfWork(db) as uow:
        await uow.enquiries.add(enquiry)
        await uow.commit()
    return enquiry


async def load(db: Database, ref: str = REF) -> Enquiry | None:
    async with SqlUnitOfWork(db) as uow:
        return await uow.enquiries.get(ref)


async def history_of(db: Database, ref: str = REF) -> list[HistoryEntry]:
    async with SqlUnitOfWork(db) as uow:
        return await uow.history.for_case(ref)


def entry(event: str, at: datetime = T0, ref: str = REF, **data: object) -> HistoryEntry:
    return HistoryEntry(case_ref=ref, at=at, event=event, actor="Dr Aled Jones",
                        actor_email="aled.jones@example.nhs.uk", data={"platform": "slack", **data})


async def outcome(coroutine) -> object:  # noqa: ANN001
    """The coroutine's result, or the exception it raised (so two racers can be compared)."""
    try:
        return await coroutine
    except Exception as exc:  # noqa: BLE001 - the caller asserts on the type
        return exc


# ---- enquiries


async def test_an_enquiry_comes_back_as_it_was_stored(database: Database) -> None:
    owner = Person("Cerys Comms", "cerys@example.nhs.uk", "slack", "U0COMMS")
    enquiry = await store(database, an_enquiry(state=EnquiryState.CLAIMED, owner=owner))
    assert enquiry.id == 1

    loaded = await load(database)

    assert loaded == enquiry
    assert loaded.deadline == datetime(2026, 3, 30, 16, 0, tzinfo=UTC)
    assert loaded.deadline.tzinfo is UTC
    assert loaded.created_at == T0  # microseconds survive
    assert loaded.created_at.tzinfo is UTC
    assert loaded.reporter == ALED
    assert loaded.owner == owner
    assert loaded.state is EnquiryState.CLAIMED
    assert loaded.journalist == "Siân Ellis-Ó Briain"


async def test_optional_enquiry_fields_come_back_empty(database: Database) -> None:
    await store(database, an_enquiry(phone=None, email=None,
                                     reporter=Person("Teams User", None, "teams", "29:abc")))

    loaded = await load(database)

    assert (loaded.phone, loaded.email, loaded.owner) == (None, None, None)
    assert loaded.reporter == Person("Teams User", None, "teams", "29:abc")
    assert await load(database, "MC-2026-9999") is None


async def test_a_naive_datetime_is_refused_rather_than_guessed(database: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        await store(database, an_enquiry(deadline=datetime(2026, 3, 30, 17, 0)))
    assert await count_rows(database, "enquiries") == 0


async def test_two_saves_from_the_same_version_one_wins_the_other_conflicts(database: Database) -> None:
    """Two comms officers press Claim on the same card: exactly one claim is applied."""
    await store(database, an_enquiry())

    async def claim(name: str, *, expected_version: int | None = None,
                    both_loaded: asyncio.Barrier | None = None) -> str:
        async with SqlUnitOfWork(database) as uow:
            enquiry = await uow.enquiries.get(REF)
            expected = enquiry.version if expected_version is None else expected_version
            if both_loaded is not None:
                await both_loaded.wait()
            # Written before the save, so the loser's rollback has something to discard.
            await uow.history.append(entry("claim", owner=name))
            enquiry.state = EnquiryState.CLAIMED
            enquiry.owner = Person(name, f"{name.lower()}@example.nhs.uk", "slack", f"U{name.upper()}")
            await uow.enquiries.save(enquiry, expected, T0 + timedelta(minutes=1))
            await uow.commit()
        return name

    if database.is_sqlite:
        # The write lock lets only one unit of work in at a time, so the race is played out in turn:
        # both officers saw version 1 (their cards carry it), and they save one after the other.
        results = [await outcome(claim("Ann", expected_version=1)), await outcome(claim("Bob", expected_version=1))]
    else:
        both_loaded = asyncio.Barrier(2)
        results = await asyncio.wait_for(asyncio.gather(
            outcome(claim("Ann", both_loaded=both_loaded)), outcome(claim("Bob", both_loaded=both_loaded)),
        ), timeout=30)

    winners = [r for r in results if isinstance(r, str)]
    conflicts = [r for r in results if isinstance(r, ConcurrencyConflict)]
    assert len(winners) == 1 and len(conflicts) == 1, results
    assert str(conflicts[0]) == REF
    stored = await load(database)
    assert stored.version == 2
    assert stored.state is EnquiryState.CLAIMED
    assert stored.owner.name == winners[0]
    assert [e.data["owner"] for e in await history_of(database)] == winners


async def test_a_save_with_an_old_version_is_refused_and_leaves_the_row_alone(database: Database) -> None:
    await store(database, an_enquiry())
    async with SqlUnitOfWork(database) as uow:
        enquiry = await uow.enquiries.get(REF)
        enquiry.state = EnquiryState.WITHDRAWN
        with pytest.raises(ConcurrencyConflict):
            await uow.enquiries.save(enquiry, expected_version=7, now=T0)
        await uow.commit()

    stored = await load(database)
    assert (stored.state, stored.version) == (EnquiryState.OPEN, 1)


# ---- conversations


def a_conversation(user_id: str = "U1", platform: str = "slack", **changes: object) -> Conversation:
    return Conversation(form_id="media_call", platform=platform, user_id=user_id, channel=f"D-{user_id}",
                        step="journalist", **changes)


async def test_active_for_finds_the_persons_latest_active_conversation(database: Database) -> None:
    async with SqlUnitOfWork(database) as uow:
        await uow.conversations.add(a_conversation(status=ConversationStatus.CANCELLED), T0)
        mine = await uow.conversations.add(a_conversation(), T0)
        await uow.conversations.add(a_conversation(user_id="U2"), T0)
        await uow.conversations.add(a_conversation(platform="teams"), T0)
        await uow.commit()

    async with SqlUnitOfWork(database) as uow:
        assert await uow.conversations.active_for("slack", "U1") == mine
        assert (await uow.conversations.active_for("teams", "U1")).platform == "teams"
        assert await uow.conversations.active_for("slack", "U3") is None


async def test_a_conversation_step_is_saved_and_a_stale_save_is_refused(database: Database) -> None:
    async with SqlUnitOfWork(database) as uow:
        conversation = await uow.conversations.add(a_conversation(), T0)
        await uow.commit()

    async with SqlUnitOfWork(database) as uow:
        conversation = await uow.conversations.active_for("slack", "U1")
        conversation.answers["journalist"] = "Siân Ellis-Ó Briain"
        conversation.answers["deadline"] = "2026-03-30T17:00:00+01:00"
        conversation.step = "outlet"
        conversation.version = 1
        await uow.conversations.save(conversation, expected_version=0, now=T0)
        await uow.commit()

    async with SqlUnitOfWork(database) as uow:
        assert await uow.conversations.get(conversation.id) == conversation
        stale = replace(conversation, step="phone", version=2)
        with pytest.raises(ConcurrencyConflict):
            await uow.conversations.save(stale, expected_version=0, now=T0)

    async with SqlUnitOfWork(database) as uow:
        conversation.status = ConversationStatus.CANCELLED
        conversation.version = 2
        await uow.conversations.save(conversation, expected_version=1, now=T0)
        await uow.commit()

    async with SqlUnitOfWork(database) as uow:
        assert await uow.conversations.active_for("slack", "U1") is None
        stored = await uow.conversations.get(conversation.id)
        assert (stored.status, stored.version, stored.step) == (ConversationStatus.CANCELLED, 2, "outlet")


# ---- case history


async def test_history_comes_back_in_the_order_it_was_written(database: Database) -> None:
    logged = entry("logged")
    other_case = entry("logged", ref="MC-2026-0002")
    claimed = entry("claim", T0 + timedelta(minutes=5), owner="cerys@example.nhs.uk")
    released = entry("release", T0 + timedelta(minutes=5), previous_owner="cerys@example.nhs.uk")
    async with SqlUnitOfWork(database) as uow:
        for e in (logged, other_case, claimed, released):
            await uow.history.append(e)
        await uow.commit()

    assert await history_of(database) == [logged, claimed, released]
    assert await history_of(database, "MC-2026-0002") == [other_case]
    assert await history_of(database, "MC-2026-0003") == []
    assert (await history_of(database))[1].at.tzinfo is UTC


@pytest.mark.parametrize("statement", [
    "UPDATE case_history SET actor = 'someone else'",
    "DELETE FROM case_history",
])
async def test_case_history_refuses_update_and_delete(database: Database, statement: str) -> None:
    logged = entry("logged")
    async with SqlUnitOfWork(database) as uow:
        await uow.history.append(logged)
        await uow.commit()

    with pytest.raises(DBAPIError, match="case_history is append-only"):
        async with database.engine.begin() as conn:
            await conn.execute(text(statement))

    assert await history_of(database) == [logged]


# ---- request ids and counters


async def test_a_request_seen_twice_is_a_duplicate_and_the_second_time_writes_nothing(database: Database) -> None:
    async with SqlUnitOfWork(database) as uow:
        await uow.mark_request_seen("slack:event:Ev01", T0)
        await uow.history.append(entry("first"))
        await uow.commit()

    with pytest.raises(Duplicate):
        async with SqlUnitOfWork(database) as uow:
            await uow.history.append(entry("second"))
            await uow.outbox.add(message("second"), T0)
            await uow.mark_request_seen("slack:event:Ev01", T0 + timedelta(seconds=3))
            await uow.commit()

    assert [e.event for e in await history_of(database)] == ["first"]
    assert await count_rows(database, "outbox") == 0
    assert await count_rows(database, "seen_requests") == 1

    async with SqlUnitOfWork(database) as uow:  # another request id is not a duplicate
        await uow.mark_request_seen("slack:event:Ev02", T0)
        await uow.commit()
    assert await count_rows(database, "seen_requests") == 2


async def test_long_request_keys_that_differ_only_at_the_end_are_two_requests(database: Database) -> None:
    start = "teams:invoke:" + "x" * 300
    async with SqlUnitOfWork(database) as uow:
        await uow.mark_request_seen(start + ":a", T0)
        await uow.mark_request_seen(start + ":b", T0)  # not a replay of the first
        await uow.commit()
    with pytest.raises(Duplicate):
        async with SqlUnitOfWork(database) as uow:
            await uow.mark_request_seen(start + ":a", T0)
    assert await count_rows(database, "seen_requests") == 2


async def test_the_same_request_arriving_twice_at_once_is_applied_once(database: Database) -> None:
    """A Slack retry racing the original delivery (on SQLite the write lock serialises them)."""
    async def apply(name: str) -> str:
        async with SqlUnitOfWork(database) as uow:
            await uow.mark_request_seen("slack:event:Ev01", T0)
            await uow.history.append(entry("applied", by=name))
            await uow.commit()
        return name

    results = await asyncio.wait_for(asyncio.gather(outcome(apply("first")), outcome(apply("retry"))), 30)

    assert sorted(type(r).__name__ for r in results) == ["Duplicate", "str"]
    [applied] = [r for r in results if isinstance(r, str)]
    assert [e.data["by"] for e in await history_of(database)] == [applied]


async def test_next_number_counts_up_per_name(database: Database) -> None:
    async def next_number(name: str, *, commit: bool = True) -> int:
        async with SqlUnitOfWork(database) as uow:
            number = await uow.next_number(name)
            if commit:
                await uow.commit()
            return number

    assert [await next_number("MC-2026") for _ in range(3)] == [1, 2, 3]
    assert await next_number("CR-2026") == 1
    assert await next_number("MC-2026", commit=False) == 4
    assert await next_number("MC-2026") == 4  # the uncommitted number was not used up
    assert await next_number("CR-2026") == 2


async def test_twenty_concurrent_next_numbers_are_distinct_and_consecutive(database: Database) -> None:
    """Twenty enquiries logged at once (on SQLite the write lock serialises them; on PostgreSQL they race,
    including on creating the counter row)."""
    async def next_number() -> int:
        async with SqlUnitOfWork(database) as uow:
            number = await uow.next_number("MC-2026")
            await uow.commit()
            return number

    numbers = await asyncio.wait_for(asyncio.gather(*(next_number() for _ in range(20))), timeout=60)

    assert sorted(numbers) == list(range(1, 21))
    async with database.engine.connect() as conn:
        assert (await conn.execute(text("SELECT name, value FROM counters"))).all() == [("MC-2026", 20)]


# ---- transactions


async def test_nothing_is_written_without_commit(database: Database) -> None:
    async with SqlUnitOfWork(database) as uow:
        await uow.enquiries.add(an_enquiry())
        await uow.conversations.add(a_conversation(), T0)
        await uow.history.append(entry("logged"))
        await uow.outbox.add(message("logged"), T0)
        await uow.mark_request_seen("slack:event:Ev01", T0)
        assert await uow.next_number("MC-2026") == 1
        # leaves without commit()

    assert {table: await count_rows(database, table) for table in ALL_TABLES} == dict.fromkeys(ALL_TABLES, 0)


async def test_a_unit_of_work_that_starts_with_mark_request_seen_and_is_not_committed_forgets_it(
    database: Database,
) -> None:
    """Every service marks the request id first; if the action is then refused (NotAllowed, a lost race,
    a crash) the transaction is rolled back and a retry of the same request must still be applied.
    (On SQLite this needs SQLAlchemy's pysqlite recipe in storage/db.py: without it the driver commits at the
    RELEASE of a SAVEPOINT that opened the transaction.)"""
    async with SqlUnitOfWork(database) as uow:
        await uow.mark_request_seen("slack:event:Ev01", T0)
        assert await uow.next_number("MC-2026") == 1
        await uow.enquiries.add(an_enquiry())
        # refused: leaves without commit()

    assert await count_rows(database, "seen_requests") == 0
    assert await count_rows(database, "counters") == 0
    assert await count_rows(database, "enquiries") == 0
    async with SqlUnitOfWork(database) as uow:
        await uow.mark_request_seen("slack:event:Ev01", T0)  # the retry is not taken for a duplicate
        await uow.commit()
