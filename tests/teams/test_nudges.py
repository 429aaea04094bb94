"""Reminders delivered proactively on Teams: the clock is frozen and moved by the test, which runs the nudge tick
itself (the scheduler's own tick is parked), over SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from tests.fakes.bot_connector import personal
from tests.teams.conftest import StartTeams
from tests.teams.harness import COMMS, COMMS_CHANNEL, DIRECTOR, DRAFT, HEAD, Teams, card_text, titles


async def at(teams: Teams, hh_mm: str) -> None:
    """Move the clock to `hh_mm` (London, the same day; GMT in November), tick, deliver."""
    instant = datetime.fromisoformat(teams.clock.now().strftime("%Y-%m-%dT") + hh_mm + ":00+00:00")
    assert instant >= teams.clock.now()
    teams.clock.set(instant)
    await teams.tick()


def saying(teams: Teams, conversation: str, words: str) -> list[dict]:
    return [card for card in teams.connector.cards_in(conversation) if words in card_text(card)]


async def desk(start_teams: StartTeams, database_url: str) -> Teams:
    teams = await start_teams(database_url=database_url)
    await teams.install(COMMS, DIRECTOR, HEAD)
    return teams


async def test_an_unclaimed_enquiry_is_chased_in_the_teams_comms_channel(start_teams: StartTeams,
                                                                         database_url: str) -> None:
    teams = await desk(start_teams, database_url)
    card_id, card = await teams.log_a_call()
    assert "Next reminder: Today 14:20" in card_text(card)

    await at(teams, "14:19")
    assert saying(teams, COMMS_CHANNEL, "waiting 15 minutes") == []
    await at(teams, "14:20")
    [reminder] = saying(teams, COMMS_CHANNEL, "has been waiting 15 minutes for someone to claim it")
    assert "MC-2026-0001" in card_text(reminder) and titles(reminder) == ["Claim"]
    # The channel card itself is refreshed in place with the next reminder's time.
    assert "Next reminder: Today 14:35" in card_text(teams.connector.current(COMMS_CHANNEL, 0))

    # Claiming from the reminder works too, and stops the chase.
    status, body = await teams.press(reminder, "Claim", by=COMMS, on=teams.connector.posted_cards(COMMS_CHANNEL)[-1][0])
    assert body["value"].startswith("You have claimed MC-2026-0001"), body
    await teams.settle()
    assert "Claimed by Casey Comms" in card_text(teams.connector.current(COMMS_CHANNEL, 0))
    posted = len(teams.connector.cards_in(COMMS_CHANNEL))
    await at(teams, "14:35")
    await at(teams, "14:50")
    assert len(teams.connector.cards_in(COMMS_CHANNEL)) == posted


async def test_a_pending_sign_off_is_chased_in_the_approvers_own_chat(start_teams: StartTeams,
                                                                     database_url: str) -> None:
    teams = await desk(start_teams, database_url)
    await teams.sent_for_sign_off()
    await teams.next_card(DIRECTOR, 0)

    await at(teams, "14:24")
    assert saying(teams, personal(DIRECTOR), "Your sign-off is still needed") == []
    await at(teams, "14:25")
    for who in (DIRECTOR, HEAD):
        [reminder] = saying(teams, personal(who), "Your sign-off is still needed")
        assert DRAFT in card_text(reminder)
        assert titles(reminder) == ["Approve", "Request changes", "Reject", "Remind me in 30 min"]
    assert saying(teams, COMMS_CHANNEL, "Your sign-off is still needed") == []  # never in the channel

    # Dana approves from the reminder: nobody is chased for that sign-off any more.
    [reminder] = saying(teams, personal(DIRECTOR), "Your sign-off is still needed")
    status, body = await teams.press(reminder, "Approve", by=DIRECTOR)
    assert body["value"] == "You approved version 1 of MC-2026-0001."
    await teams.settle()
    assert "Approved: ready to issue" in card_text(teams.connector.current(COMMS_CHANNEL, 0))
    for when in ("14:45", "15:05", "15:25"):
        await at(teams, when)
    for who in (DIRECTOR, HEAD):
        assert len(saying(teams, personal(who), "Your sign-off is still needed")) == 1
