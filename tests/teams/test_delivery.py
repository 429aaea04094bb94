"""Connector faults through the outbox: throttling and transient errors delay a message but never lose or
duplicate it; a person who removed the bot is recorded and shown to the comms team. The clock is frozen: the
relay's back-off is in clock time, so each retry happens only when the test moves the clock."""

from __future__ import annotations

import pytest

from storage.models import HistoryRow, OutboxRow
from tests.teams.harness import COMMS, COMMS_CHANNEL, DIRECTOR, HEAD, Teams, card_text, personal, titles


async def later(teams: Teams, seconds: float) -> None:
    teams.clock.advance(seconds=seconds)
    await teams.settle()


async def test_throttling_and_transient_errors_delay_the_card_then_it_arrives_once(teams: Teams) -> None:
    connector = teams.connector
    await teams.add_to_comms_channel()
    connector.fail(429, "Throttled", retry_after="7", conversation=COMMS_CHANNEL)
    connector.fail(412, "PreconditionFailed", conversation=COMMS_CHANNEL)
    connector.fail(502, conversation=COMMS_CHANNEL)
    connector.fail(504, conversation=COMMS_CHANNEL)
    await teams.log_a_call(delivered=False)
    await teams.settle()
    # Each retry waits as long as Teams asked (Retry-After: 7 s), else doubles (4, 8, 16 s): never earlier.
    for wait, refused in ((7, 412), (4, 502), (8, 504), (16, None)):
        tried = len(connector.refused)
        await later(teams, wait - 1)
        assert len(connector.refused) == tried and connector.cards_in(COMMS_CHANNEL) == [], f"early, at {wait}"
        await later(teams, 1)
        if refused is not None:
            assert connector.refused[-1] == (COMMS_CHANNEL, refused)
    assert [status for _, status in connector.refused] == [429, 412, 502, 504]
    [card] = connector.cards_in(COMMS_CHANNEL)
    assert "Media enquiry MC-2026-0001: BBC Essex" in card_text(card)
    await later(teams, 300)  # nothing is left to send again
    assert len(connector.cards_in(COMMS_CHANNEL)) == 1
    assert await teams.count(OutboxRow, OutboxRow.status != "sent") == 0


async def test_a_412_on_an_update_in_place_is_retried_and_the_card_updated_once(teams: Teams) -> None:
    connector = teams.connector
    await teams.add_to_comms_channel()
    card_id, card = await teams.log_a_call()
    connector.fail(412, "PreconditionFailed", conversation=COMMS_CHANNEL)
    await teams.press(card, "Claim", by=COMMS, on=card_id)
    await teams.settle()
    assert connector.refused == [(COMMS_CHANNEL, 412)] and connector.updates_of(card_id) == []
    await later(teams, 2)
    [updated] = connector.updates_of(card_id)
    assert "Claimed by Casey Comms" in card_text(updated)
    assert len(connector.cards_in(COMMS_CHANNEL)) == 1  # updated in place, not posted again
    await later(teams, 300)
    assert len(connector.updates_of(card_id)) == 1


@pytest.mark.parametrize("as_sub_code", [False, True], ids=["code", "subCode"])
async def test_an_approver_who_removed_the_bot_is_recorded_and_shown_to_the_comms_team(teams: Teams,
                                                                                      as_sub_code: bool) -> None:
    connector = teams.connector
    await teams.install(COMMS, DIRECTOR, HEAD)
    connector.block(personal(DIRECTOR), as_sub_code=as_sub_code)  # Dana has since removed Media Desk from Teams
    await teams.sent_for_sign_off()
    await teams.next_card(HEAD, 0)  # the delegate still gets hers
    await teams.settle()
    assert (personal(DIRECTOR), 403) in connector.refused and teams.chat(DIRECTOR) == []
    notice = await teams.card_saying(COMMS_CHANNEL, "Dana Director")
    assert "Couldn't reach Dana Director" in card_text(notice)
    assert "Sign-off: MC-2026-0001" in card_text(notice) and "removed Media Desk or blocked it" in card_text(notice)
    assert titles(notice) == []
    # Recorded: not retried, and the case's history says what happened.
    assert connector.refused.count((personal(DIRECTOR), 403)) == 1
    assert await teams.count(OutboxRow, OutboxRow.status == "dead") == 1
    assert await teams.count(HistoryRow, HistoryRow.event == "recipient_unreachable") == 1

    # The sign-off reminder at 14:25 can't reach Dana either: recorded again, but the team is told only once.
    teams.clock.advance(minutes=20)
    await teams.tick()
    await teams.card_saying(HEAD, "Your sign-off is still needed")
    assert connector.refused.count((personal(DIRECTOR), 403)) == 2
    assert await teams.count(HistoryRow, HistoryRow.event == "recipient_unreachable") == 2
    assert len([c for c in connector.cards_in(COMMS_CHANNEL) if "Couldn't reach" in card_text(c)]) == 1
    await later(teams, 3600)
    assert connector.refused.count((personal(DIRECTOR), 403)) == 2


async def test_an_extra_copy_of_a_card_is_replaced_by_a_pointer_to_the_live_one(teams: Teams) -> None:
    """The Bot Connector has no way to list a conversation's earlier messages, so a post it accepted but answered
    with an error is posted again: two cards. The first is unknown to us until Teams asks for someone's view of it
    (its refresh): then it is replaced, for everyone, by a note pointing at the live card."""
    connector = teams.connector
    await teams.add_to_comms_channel()
    connector.fail(502, conversation=COMMS_CHANNEL, accepted=True)
    await teams.log_a_call(delivered=False)
    await teams.settle()
    await later(teams, 5)
    (copy_id, copy), (live_id, live) = connector.posted_cards(COMMS_CHANNEL)

    for _ in range(2):  # two people look at the copy: it is replaced once
        status, body = await teams.look(copy, COMMS, copy_id)
        assert status == 200 and "extra copy" in card_text(body["value"])
        assert titles(body["value"]) == [], "nothing can be pressed on the copy"
    await teams.settle()
    [inert] = connector.updates_of(copy_id)
    assert "extra copy of the card for MC-2026-0001" in card_text(inert) and titles(inert) == []
    assert connector.updates_of(live_id) == []

    await teams.claim(live_id)
    await teams.settle()
    assert "Claimed by" in card_text(connector.current(COMMS_CHANNEL, 1))
    assert connector.updates_of(copy_id) == [inert], "the copy stays a pointer"
