"""The first steps of each flow, as people take them in the playground (shared by the tests)."""

from __future__ import annotations

from typing import Any

from tests.playground.harness import Pane
from tests.teams.harness import card_text


async def log_a_call(sam: Pane) -> dict[str, Any]:
    """Sam logs a call in their chat, answering every question; the card that says it was sent to comms.
    Cards from an earlier call in the same chat are left out, so the flow can be run twice."""
    await sam.poll()
    earlier = set(sam.seen)
    await sam.say("media call")
    await sam.card_saying("question 1 of 7", besides=earlier)
    await sam.say("Sam Reporter")
    await sam.say("BBC Essex")
    await sam.press(await sam.card_saying("What kind of outlet", besides=earlier), "TV or radio")
    await sam.say("01245 123456")
    await sam.press(await sam.card_saying("What's their email address", besides=earlier), "Skip")
    await sam.say("A&E waiting times at Basildon")
    await sam.say("4pm")
    review = await sam.card_saying("Send to comms", besides=earlier)
    assert "Today 16:00" in card_text(review)
    await sam.press(review, "Send to comms")
    return await sam.card_saying("Sent to comms", besides=earlier)


async def raise_crisis(reporter: Pane, what: str = "Fire at Basildon hospital car park, TV crews outside"
                       ) -> dict[str, Any]:
    """Report a crisis in one's chat and raise the alert; the card that says comms have been alerted."""
    await reporter.say("crisis")
    await reporter.card_saying("What has happened?")
    await reporter.say(what)
    await reporter.press(await reporter.card_saying("Alert comms now"), "🚨 Alert comms now")
    return await reporter.card_saying("Comms have been alerted")


async def request_release(requester: Pane, project: str = "Harlow diagnostic centre") -> dict[str, Any]:
    """Ask comms for a proactive press release on its one-screen form; the card that says it was sent."""
    await requester.say("press release form")
    form = await requester.card_saying("Send to comms")
    await requester.press(form, "Send to comms", kind="proactive", project=project,
                          what="A new diagnostic centre opens in Harlow in March", key_messages="Faster tests, nearer")
    return await requester.card_saying("Sent to comms: PR-")
