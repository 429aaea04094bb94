"""Redaction reaches the cards Media Desk posted in Teams: each one that showed the detail is replaced in place."""

from __future__ import annotations

import json

from bot.app.server import CORE
from bot.services import redaction
from tests.teams.harness import DIRECTOR, Teams


def showing(teams: Teams, *values: str) -> list[str]:
    """The activities whose card, as it reads now, still shows any of `values`."""
    found = []
    for conversation, activity in teams.connector.posts:
        for attachment in activity.get("attachments") or []:
            now = (teams.connector.updates_of(activity["id"]) or [attachment["content"]])[-1]
            if any(v in json.dumps(now, ensure_ascii=False) for v in values):
                found.append(f"{conversation} {activity['id']}")
    return found


async def test_a_redacted_phone_number_leaves_every_posted_card(teams: Teams) -> None:
    await teams.add_to_comms_channel()
    logged = await teams.log_a_call()
    assert logged is not None
    await teams.settle()
    assert showing(teams, "01245 123456")  # the comms card and the reporter's check screen show it

    done = await redaction.redact(teams.app[CORE], "MC-2026-0001", "phone", "The journalist asked", DIRECTOR["email"])
    await teams.settle()

    assert done.messages_updated >= 2
    assert showing(teams, "01245 123456", "+441245123456") == []
    assert "[redacted]" not in json.dumps(teams.connector.updates_of(logged[0])[-1])  # the number is just not shown
