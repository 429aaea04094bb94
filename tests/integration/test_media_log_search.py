"""Searching the media log (issue 14) on SQLite (FTS5) and PostgreSQL (tsvector, GIN), through the service and the
repository, over cases written as the services write them: the index is kept only by the database's triggers."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from bot.domain.crisis import CrisisState
from bot.domain.enquiry import Enquiry
from bot.domain.errors import NotAllowed, ValidationFailed
from bot.domain.media_log import CaseKind, LogFilter
from bot.domain.people import Actor
from bot.domain.press_release import PressState
from bot.services import media_log
from storage.db import Database, open_database
from storage.migrate import alembic_config, upgrade_async
from storage.repositories.search import SqlMediaLog
from storage.uow import SqlUnitOfWork
from tests.integration.media_log_cases import (
    ALEX,
    CASEY,
    DANA,
    SAM,
    T0,
    add_crisis,
    add_enquiry,
    add_press_release,
    answered,
    approve,
    claim,
    draft,
    entry,
)
from tests.slack.harness import org_config

LONDON = ZoneInfo("Europe/London")
DIRECTORY = org_config().directory()
COMMS = Actor("slack", "U_CASEY", CASEY.email, CASEY.name)
STAFF = Actor("slack", "U_STAFF", SAM.email, SAM.name)
OTHER_STAFF = Actor("slack", "U_OLLIE", "ollie.outsider@example.nhs.uk", "Ollie Outsider")


async def find(db: Database, words: str, actor: Actor | None = None, **filters: object) -> list[str]:
    hits = await media_log.search(SqlMediaLog(db), DIRECTORY, actor, words, LONDON, **filters)  # type: ignore[arg-type]
    return [h.ref for h in hits]


async def test_every_kind_of_case_is_found_by_its_words_outlet_journalist_and_reference(database: Database) -> None:
    await add_enquiry(database, "MC-2026-0001", "Why are the Broomfield wards closing over winter?")
    await add_enquiry(database, "MC-2026-0002", "Waiting times for hip operations", outlet="BBC Essex",
                      journalist="Priya Patel", outlet_kind="broadcast")
    await add_crisis(database, "CR-2026-0001", "Fire in the pharmacy store")
    await add_press_release(database, "PR-2026-0001", "New community diagnostic centre",
                            "The centre opens in Harlow in May")

    assert await find(database, "ward") == ["MC-2026-0001"]  # stemmed: "wards" is found by "ward"
    assert await find(database, "operation") == ["MC-2026-0002"]
    assert await find(database, "BBC") == ["MC-2026-0002"]
    assert await find(database, "priya patel") == ["MC-2026-0002"]
    assert await find(database, "pharmacy fire") == ["CR-2026-0001"]
    assert await find(database, "diagnostic centre") == ["PR-2026-0001"]
    assert await find(database, "MC-2026-0002") == ["MC-2026-0002"]
    assert await find(database, "PR-2026-0001") == ["PR-2026-0001"]
    assert await find(database, "chronicle") == ["MC-2026-0001"]  # the outlet
    assert await find(database, "ward hip") == []  # every word must match


async def test_a_hit_has_its_reference_kind_state_dates_title_and_the_matched_passage(database: Database) -> None:
    await add_enquiry(database, "MC-2026-0001", "Why are the Broomfield wards closing over winter? A reader says "
                      "three wards will shut in December.")

    [hit] = await media_log.search(SqlMediaLog(database), DIRECTORY, None, "wards", LONDON)

    assert (hit.ref, hit.kind, hit.state) == ("MC-2026-0001", CaseKind.ENQUIRY, "open")
    assert hit.logged_at == T0 and hit.updated_at == T0
    assert hit.title == "Essex Chronicle (Jane Reporter)"
    assert "**wards**" in hit.snippet and "Broomfield" in hit.snippet


async def test_the_index_follows_every_change_of_a_case_open_and_closed(database: Database) -> None:
    """State, owner and statement come from later writes: the triggers keep the index in step with each one."""
    await add_enquiry(database, "MC-2026-0001", "Car parking charges for staff")
    assert await find(database, "parking", states=["open"]) == ["MC-2026-0001"]

    await claim(database, "MC-2026-0001", CASEY, T0 + timedelta(minutes=5))
    assert await find(database, "parking", states=["open"]) == []
    assert await find(database, "parking", owner=CASEY.email) == ["MC-2026-0001"]
    assert await find(database, "concessions") == []

    await draft(database, "MC-2026-0001", "Staff pay no more than before; concessions continue.", CASEY,
                T0 + timedelta(minutes=20))
    assert await find(database, "concession") == ["MC-2026-0001"]  # the statement's words

    await draft(database, "MC-2026-0001", "Parking stays free for night shifts.", CASEY, T0 + timedelta(minutes=30))
    assert await find(database, "concession") == []  # the index holds the latest version
    assert await find(database, "night shifts") == ["MC-2026-0001"]

    await approve(database, "MC-2026-0001", DANA, T0 + timedelta(minutes=40))
    assert await find(database, "parking", states=["approved"]) == ["MC-2026-0001"]


async def test_a_case_rolled_back_leaves_nothing_in_the_index(database: Database) -> None:
    """The index row is written in the case's own transaction: no commit, no index row."""
    async with SqlUnitOfWork(database) as uow:
        enquiry = Enquiry(ref="MC-2026-0009", journalist="Jane Reporter", outlet="Echo", outlet_kind="newspaper",
                          phone=None, email="j@echo.example", summary="Ambulance handover delays",
                          deadline=T0 + timedelta(hours=4), reporter=SAM, created_at=T0)
        await uow.enquiries.add(enquiry)
        await uow.history.append(entry("MC-2026-0009", T0, "logged", SAM, state="open"))
        # not committed

    assert await find(database, "ambulance") == []
    async with database.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM case_search"))).scalar_one() == 0


async def test_the_most_relevant_come_first(database: Database) -> None:
    await add_enquiry(database, "MC-2026-0001", "Questions about the budget for next year", at=T0)
    await add_enquiry(database, "MC-2026-0002", "Maternity unit staffing: the maternity review and maternity "
                      "safety", at=T0 + timedelta(days=1))
    await add_enquiry(database, "MC-2026-0003", "Parking, and a question on maternity", at=T0 + timedelta(days=2))
    await add_enquiry(database, "MC-2026-0004", "Anything", outlet="Maternity Matters", at=T0 + timedelta(days=3))

    found = await find(database, "maternity")

    assert set(found) == {"MC-2026-0002", "MC-2026-0003", "MC-2026-0004"}
    assert found.index("MC-2026-0002") < found.index("MC-2026-0003")  # three times beats once


async def test_filters_by_kind_state_owner_outlet_type_and_dates(database: Database) -> None:
    await add_enquiry(database, "MC-2026-0001", "Covid vaccination clinics", at=T0)
    await add_enquiry(database, "MC-2026-0002", "Covid vaccination for children", at=T0 + timedelta(days=10),
                      outlet="Heart FM", outlet_kind="broadcast")
    await claim(database, "MC-2026-0002", ALEX, T0 + timedelta(days=10, minutes=5))
    await add_crisis(database, "CR-2026-0001", "Covid outbreak on a ward", at=T0 + timedelta(days=20),
                     lead=CASEY, state=CrisisState.ACKNOWLEDGED)
    await add_press_release(database, "PR-2026-0001", "Covid vaccination week", "Clinics everywhere",
                            at=T0 + timedelta(days=30), state=PressState.FIRST_DRAFT)

    assert set(await find(database, "covid")) == {"MC-2026-0001", "MC-2026-0002", "CR-2026-0001", "PR-2026-0001"}
    assert set(await find(database, "covid", kinds=["enquiry"])) == {"MC-2026-0001", "MC-2026-0002"}
    assert set(await find(database, "covid", kinds=["crisis", "press-release"])) == {"CR-2026-0001", "PR-2026-0001"}
    assert await find(database, "covid", states=["claimed"]) == ["MC-2026-0002"]
    assert await find(database, "covid", kinds=["crisis"], states=["acknowledged"]) == ["CR-2026-0001"]
    assert await find(database, "covid", owner=CASEY.email.upper()) == ["CR-2026-0001"]
    assert await find(database, "covid", outlet_type="broadcast") == ["MC-2026-0002"]
    # Whole days in London, both ends included.
    assert set(await find(database, "covid", date_from="2026-03-12", date_to="2026-03-22")) == {
        "MC-2026-0002", "CR-2026-0001"}
    assert await find(database, "covid", date_to=date(2026, 3, 2)) == ["MC-2026-0001"]
    assert await find(database, "covid", date_from="2026-04-01") == ["PR-2026-0001"]


async def test_a_member_of_staff_finds_only_the_cases_they_logged(database: Database) -> None:
    await add_enquiry(database, "MC-2026-0001", "Hospital food", reporter=SAM)
    await add_enquiry(database, "MC-2026-0002", "Hospital parking", reporter=CASEY)

    assert set(await find(database, "hospital", COMMS)) == {"MC-2026-0001", "MC-2026-0002"}
    assert await find(database, "hospital", STAFF) == ["MC-2026-0001"]
    assert await find(database, "hospital", OTHER_STAFF) == []


async def test_what_people_type_never_breaks_the_query(database: Database) -> None:
    await add_enquiry(database, "MC-2026-0001", 'The "new" A&E: is it (really) 24/7? NEAR the station, OR not*; '
                      "winter pressures")

    for typed in ['"new', "A&E", "(really)", "24/7", "NEAR", "not*", "OR", "-", '"', "col:umn", "'; DROP TABLE x",
                  "{words}", "^start", "a -b", "*", "AND", "NOT"]:
        await find(database, typed)  # no error
    assert await find(database, "station -parking") == ["MC-2026-0001"]
    assert await find(database, "station -really") == []
    assert await find(database, "parking OR station") == ["MC-2026-0001"]
    assert await find(database, '"winter pressures"') == ["MC-2026-0001"]
    assert await find(database, '"pressures winter"') == []  # a phrase is its words in order


@pytest.mark.parametrize(("filters", "said"), [
    ({"kinds": ["complaint"]}, "There is no kind of case called “complaint”: choose from enquiry, crisis, "
                               "press_release."),
    ({"states": ["lost"]}, "“lost” is not a state of any case: choose from"),
    ({"kinds": ["crisis"], "states": ["approved"]}, "“approved” is not a state of crisis: choose from"),
    ({"outlet_type": "magazine"}, "There is no outlet type called “magazine”: choose from newspaper, broadcast"),
    ({"date_from": "2026-02-30"}, "The from date “2026-02-30” is not a date on the calendar: write it as "
                                  "YYYY-MM-DD"),
    ({"date_to": "yesterday"}, "The to date “yesterday” is not a date on the calendar"),
    ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "The from date (01 May 2026) is after the to date "
                                                           "(01 Apr 2026): nothing could match."),
    ({"limit": 0}, "Ask for between 1 and 50 results."),
])
async def test_bad_filters_are_refused_in_a_sentence(database: Database, filters: dict, said: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await find(database, "anything", **filters)
    assert refused.value.message.startswith(said)


async def test_searching_for_nothing_says_what_to_type(database: Database) -> None:
    with pytest.raises(ValidationFailed, match="Say what to look for"):
        await find(database, "   ")


async def test_said_before_offers_the_three_closest_approved_statements(database: Database) -> None:
    await answered(database, "MC-2026-0001", "Are GP surgeries in Chelmsford closing on Saturdays?",
                   "GP surgeries in Chelmsford stay open on Saturday mornings.", T0)
    await answered(database, "MC-2026-0002", "Will Saturday GP appointments in Basildon end?",
                   "Saturday appointments continue across Basildon.", T0 + timedelta(days=1))
    await answered(database, "MC-2026-0003", "GP surgery opening hours on bank holidays",
                   "Surgeries open as usual, except Christmas Day.", T0 + timedelta(days=2))
    await answered(database, "MC-2026-0004", "Hospital car parking for blue badge holders",
                   "Blue badge holders park free of charge.", T0 + timedelta(days=3))
    # Drafted but never approved: not offered.
    await add_enquiry(database, "MC-2026-0005", "GP surgeries closing on Saturdays in Chelmsford",
                      at=T0 + timedelta(days=4))
    await draft(database, "MC-2026-0005", "Not approved: GP surgeries closing.", CASEY, T0 + timedelta(days=4))

    found = await media_log.said_before(SqlMediaLog(database), "Is my GP surgery closing on Saturdays? Chelmsford",
                                        ref="MC-2026-0099")

    assert [s.ref for s in found][:1] == ["MC-2026-0001"]
    assert {s.ref for s in found} <= {"MC-2026-0001", "MC-2026-0002", "MC-2026-0003"}
    assert len(found) == 3
    assert found[0].text == "GP surgeries in Chelmsford stay open on Saturday mornings."
    assert found[0].approved_at == T0 + timedelta(minutes=40)


async def test_said_before_leaves_out_the_case_itself_and_later_ones(database: Database) -> None:
    await answered(database, "MC-2026-0001", "Saturday GP closures", "Open on Saturdays.", T0)
    await answered(database, "MC-2026-0002", "Saturday GP closures again", "Still open on Saturdays.",
                   T0 + timedelta(days=5))
    log = SqlMediaLog(database)

    assert [s.ref for s in await media_log.said_before(log, "Saturday GP closures", ref="MC-2026-0002")] == [
        "MC-2026-0001"]
    assert [s.ref for s in await media_log.said_before(log, "Saturday GP closures",
                                                       before=T0 + timedelta(days=1))] == ["MC-2026-0001"]
    assert await media_log.said_before(log, "the and of") == []
    assert await media_log.said_before(log, "") == []


async def test_start_from_gives_an_approved_statement_to_whoever_may_see_its_case(database: Database) -> None:
    """Sam logged MC-2026-0001, so Sam and the comms team may start from its statement; Ollie may not; a case with
    no approved statement (or none at all) is refused the same way, in words."""
    await answered(database, "MC-2026-0001", "Saturday GP closures", "Open on Saturdays.", T0)
    await add_enquiry(database, "MC-2026-0002", "Saturday GP closures again", at=T0 + timedelta(days=1))
    await draft(database, "MC-2026-0002", "Not approved yet.", CASEY, T0 + timedelta(days=1))
    log = SqlMediaLog(database)

    for who in (COMMS, STAFF):
        found = await media_log.start_from(log, DIRECTORY, who, "mc-2026-0001", "MC-2026-0003")
        assert (found.ref, found.text) == ("MC-2026-0001", "Open on Saturdays.")
    for who, ref in ((OTHER_STAFF, "MC-2026-0001"), (COMMS, "MC-2026-0002"), (COMMS, "MC-2026-0404")):
        with pytest.raises(NotAllowed, match=f"I can't start from {ref}: it isn't an approved statement you can see"):
            await media_log.start_from(log, DIRECTORY, who, ref, "MC-2026-0003")


async def test_cases_written_before_the_index_existed_are_found_after_the_upgrade(database_url: str) -> None:
    """Migration 0011 fills the index from the rows already there."""
    from alembic import command

    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "0011")
    db = open_database(database_url)
    try:
        await answered(db, "MC-2025-0042", "Flu jabs for care home residents", "Every resident is offered one.",
                       T0 - timedelta(days=300))
        await add_crisis(db, "CR-2025-0001", "Flooding at the Harlow clinic", at=T0 - timedelta(days=200))
    finally:
        await db.dispose()
    await upgrade_async(database_url)
    db = open_database(database_url)
    try:
        assert await find(db, "flu resident") == ["MC-2025-0042"]
        assert await find(db, "offered", states=["closed"]) == ["MC-2025-0042"]  # its statement too
        assert await find(db, "flooding") == ["CR-2025-0001"]
        assert await SqlMediaLog(db).count(LogFilter()) == 2
    finally:
        await db.dispose()
