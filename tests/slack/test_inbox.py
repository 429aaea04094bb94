"""A request Slack was answered 200 for counts, even when the process that received it died before doing it.

The door keeps every request that changes something (the inbox) before Slack hears back; the work marks it
done in its own transaction. Here the state a crash leaves behind is made exactly: a signed request kept in
the inbox, leased to a process that is gone, and never done. The next start finishes it, in order for each
person, once, without the person doing anything.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app.server import DATABASE
from bot.ports import InboundRequest
from storage.inbox_store import SqlInboxStore
from storage.models import ConversationRow, SeenRequestRow
from tests.slack.harness import STAFF, SlackHarness, text_of

DM = "D" + STAFF[0]


async def _cut_off(slack: SlackHarness, body: bytes, key: str) -> None:
    """What a process leaves behind when it is killed after Slack's 200 and before the work: the request kept,
    leased to it, not done."""
    assert slack.app is not None
    store = SqlInboxStore(slack.app[DATABASE])
    kept = await store.accept(InboundRequest(key, "slack", STAFF[0], body.decode()), slack.clock.now(), 10.0)
    assert kept


async def _conversation(slack: SlackHarness) -> Any:
    assert slack.app is not None
    async with slack.app[DATABASE].sessions() as s:
        return (await s.execute(select(ConversationRow))).scalar_one()


async def _inbox(slack: SlackHarness) -> list[Any]:
    assert slack.app is not None
    async with slack.app[DATABASE].sessions() as s:
        return list((await s.execute(select(SeenRequestRow).order_by(SeenRequestRow.seq))).scalars())


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_answers_cut_off_by_a_crash_count_after_the_restart_in_order(slack: SlackHarness) -> None:
    await slack.command(STAFF, "")
    await slack.next_dm(STAFF, 0)
    await slack.settle()
    # Two answers, each answered 200 by a process that then died before doing either.
    first = slack.requests.message_event(STAFF[0], "Sam Reporter", event_id="EvCUTOFF0001")[0]
    second = slack.requests.message_event(STAFF[0], "BBC Essex", event_id="EvCUTOFF0002")[0]
    await _cut_off(slack, first, "event:EvCUTOFF0001")
    await _cut_off(slack, second, "event:EvCUTOFF0002")

    await slack.restart()  # one process on SQLite: a start takes over every lease at once

    kind = await slack.next_dm(STAFF, 2, timeout=15)
    assert "What kind of outlet" in text_of(kind), text_of(kind)
    conversation = await _conversation(slack)
    assert conversation.answers == {"journalist": "Sam Reporter", "outlet": "BBC Essex"}, "both, in order"
    assert len(slack.dms(STAFF)) == 3, "one question each: journalist, outlet, kind"
    kept = {r.key: r for r in await _inbox(slack)}
    assert all(kept[k].status == "done" and kept[k].body is None for k in ("event:EvCUTOFF0001",
                                                                          "event:EvCUTOFF0002"))

    # The same event, retried by Slack now, is recognised: answered, not applied again.
    assert (await slack.send(first, slack.requests.sign(first) | {"Content-Type": "application/json",
                                                                  "X-Slack-Retry-Num": "1"}))[0] == 200
    await slack.settle()
    assert (await _conversation(slack)).answers == conversation.answers


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_on_postgresql_a_live_replica_finishes_what_a_dead_one_leased_once_the_lease_lapses(
        slack: SlackHarness) -> None:
    await slack.command(STAFF, "")
    await slack.next_dm(STAFF, 0)
    await slack.settle()
    body = slack.requests.message_event(STAFF[0], "Sam Reporter", event_id="EvREPLICA001")[0]
    await _cut_off(slack, body, "event:EvREPLICA001")  # leased for 10 s to a replica that is gone

    await slack.restart()  # another replica's start: it may not take a lease that has not lapsed
    await slack.settle()
    assert len(slack.dms(STAFF)) == 1
    slack.clock.advance(seconds=11)  # the dead replica's lease lapses; the sweep takes it over
    outlet = await slack.next_dm(STAFF, 1, timeout=15)
    assert "Which outlet" in text_of(outlet)
    assert (await _conversation(slack)).answers == {"journalist": "Sam Reporter"}
