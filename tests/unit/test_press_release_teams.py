"""`press release` on Teams: the typed command in a 1:1 chat starts the same request conversation as Slack's
/press-release; the command parser knows it (and leaves an answer that merely starts with the words alone)."""

from __future__ import annotations

import pytest

from handlers.teams.bot import HELP, parse_command
from tests.teams.conftest import start_teams, teams  # noqa: F401 - the Teams suites' fixtures
from tests.teams.harness import COMMS, COMMS_CHANNEL, STAFF, Teams, card_text, titles


@pytest.mark.parametrize(("text", "expected"), [
    ("press release", ("press_release", "")),
    ("Press-Release", ("press_release", "")),
    ("press release reactive", ("press_release", "reactive")),
    ("press release proactive form", ("press_release", "proactive form")),
    ("/press-release reactive, GP access report", ("press_release", "reactive, GP access report")),
    ("press release of the new centre is great", None),  # an answer, not a command
])
def test_the_command_parser_knows_press_release(text: str, expected: tuple[str, str] | None) -> None:
    assert parse_command(text) == expected


def test_help_mentions_it() -> None:
    assert "**press release**" in HELP


async def test_press_release_in_a_teams_chat_asks_the_questions_and_reaches_the_comms_channel(
        teams: Teams) -> None:  # noqa: F811
    await teams.open_chat(COMMS)
    await teams.add_to_comms_channel()
    await teams.say("press release")
    first = await teams.next_card(STAFF, 0)
    assert "Are we making news" in card_text(first)
    assert "All press releases are written by the communications team" in card_text(first)
    await teams.press(first, "Reacting to news (reactive)")
    asked = await teams.card_saying(STAFF, "What is on the news agenda")
    assert "Reacting to news (reactive)" not in titles(asked)
    await teams.say("A national report ranks our area last for GP access.")
    await teams.card_saying(STAFF, "Why does it matter to us")
    await teams.say("Local papers will ask what we are doing.")
    urgency = await teams.card_saying(STAFF, "How urgent is it")
    await teams.press(urgency, "Today (within hours)")
    for words in ("Who could be quoted", "Which partners", "Who is the project lead"):
        await teams.press(await teams.card_saying(STAFF, words), "Skip")
    review = await teams.card_saying(STAFF, "check and send")
    await teams.press(review, "Send to comms")
    await teams.card_saying(STAFF, "Sent to comms: PR-2026-0001")
    card = await teams.next_card(COMMS_CHANNEL, 0)
    assert "Press release PR-2026-0001" in card_text(card) and "GP access" in card_text(card)
    assert titles(card) == ["Claim", "Stop this release"]
