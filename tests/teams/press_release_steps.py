"""The press release's first steps on Teams, shared by the suites that read its cards."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.teams.harness import COMMS_CHANNEL, STAFF, Teams, card_text

REF = "PR-2026-0001"  # the first press release of a run


async def channel_card_saying(teams: Teams, *words: str, timeout: float = 8.0) -> tuple[str, dict[str, Any]]:
    """The press release's one channel card as it reads now, once it says all `words`: (activity id, card)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        posted = teams.connector.posted_cards(COMMS_CHANNEL)
        if posted:
            current = teams.connector.current(COMMS_CHANNEL, 0)
            if all(w in card_text(current) for w in words):
                await teams.settle()
                return posted[0][0], teams.connector.current(COMMS_CHANNEL, 0)
        await asyncio.sleep(0.02)
    now = card_text(teams.connector.current(COMMS_CHANNEL, 0)) if teams.connector.posted_cards(COMMS_CHANNEL) else ""
    raise AssertionError(f"the channel card does not say {words!r}; it says: {now[:1500]}")


async def ask_for_a_reactive_release(teams: Teams) -> None:
    """Sam asks for a reactive press release in their chat, skipping the optional questions, and sends it."""
    await teams.say("press release")
    await teams.press(await teams.card_saying(STAFF, "Are we making news"), "Reacting to news (reactive)")
    await teams.card_saying(STAFF, "What is on the news agenda")
    await teams.say("A national report ranks our area last for GP access.")
    await teams.card_saying(STAFF, "Why does it matter to us")
    await teams.say("Local papers will ask what we are doing.")
    await teams.press(await teams.card_saying(STAFF, "How urgent is it"), "Today (within hours)")
    for words in ("Who could be quoted", "Which partners", "Who is the project lead"):
        await teams.press(await teams.card_saying(STAFF, words), "Skip")
    await teams.press(await teams.card_saying(STAFF, "check and send"), "Send to comms")
    await teams.card_saying(STAFF, f"Sent to comms: {REF}")
