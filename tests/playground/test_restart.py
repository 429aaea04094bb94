"""After a restart the playground's comms channel, which starts again empty, shows every open case as its card
stands now, where it was: a later change still edits it in place. Closed cases stay gone."""

from __future__ import annotations

import asyncio

from bot.clock import FrozenClock
from tests.playground.flows import log_a_call, raise_crisis, request_release
from tests.playground.harness import CASEY, STAFF, Pane, cards_of, every_card_valid, running_playground
from tests.teams.harness import card_text, titles

EVAN = "evan.exec@example.nhs.uk"


async def case_saying(pane: Pane, ref: str, text: str) -> dict:
    """The card of case `ref` once it says `text`."""
    for _ in range(160):
        await pane.poll()
        for activity in pane.seen.values():
            for card in cards_of(activity):
                if f"{ref}:" in card_text(card) and text in card_text(card):
                    return card
        await asyncio.sleep(0.05)
    raise AssertionError(f"{ref} never said {text!r}")


async def test_the_channel_shows_the_open_cases_after_a_restart(sqlite_url: str, clock: FrozenClock) -> None:
    async for playground in running_playground(sqlite_url, clock):
        sam = await playground.pane(STAFF, "chat")
        await log_a_call(sam)
        await log_a_call(sam)
        channel = await playground.pane(CASEY, "channel")
        await channel.press(await channel.card_saying("MC-2026-0001"), "Claim")
        await channel.card_saying("Claimed by Casey Comms")
        second = await channel.card_saying("MC-2026-0002")
        await channel.press(second, "Claim")
        await channel.press(await case_saying(channel, "MC-2026-0002", "Claimed by"), "Yes, close without response")
        await case_saying(channel, "MC-2026-0002", "Closed")
        evan = await playground.pane(EVAN, "chat")
        await raise_crisis(evan)
        await request_release(evan)
        await channel.card_saying("PR-2026-0001")
        await channel.card_saying("CR-2026-0001")
        ids = {ref: next(a["id"] for a in channel.seen.values() if f"{ref}" in str(a.get("attachments")))
               for ref in ("MC-2026-0001", "CR-2026-0001", "PR-2026-0001")}

    async for playground in running_playground(sqlite_url, clock):
        channel = await playground.pane(CASEY, "channel")
        card = await channel.card_saying("MC-2026-0001")
        assert "Claimed by Casey Comms" in card_text(card) and "Draft response" in titles(card)
        assert "I'll lead this" in titles(await channel.card_saying("CR-2026-0001"))
        assert "Claim" in titles(await channel.card_saying("PR-2026-0001"))
        shown = [a["id"] for a in channel.seen.values() if cards_of(a)]
        assert sorted(shown) == sorted(ids.values())  # each where it was; the closed one is not brought back
        await channel.press(card, "Release")
        await channel.card_saying("Waiting for a comms officer")
        assert [a["id"] for a in channel.seen.values() if cards_of(a)] == shown  # changed in place
        assert every_card_valid(channel) > 0
