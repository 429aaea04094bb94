"""Signed Teams activities of the wrong shape get a clean answer (a 4xx, or the bot's polite reply), never a 500,
and leave no error in the log.

Each starts from an activity as Teams sends it (a typed message, an Adaptive Card click) and is broken in one
to three places: a field of another type, a field missing, a button's data that is not ours.
"""

from __future__ import annotations

import copy
import logging
import random
from typing import Any

import pytest

from tests.teams.harness import COMMS, STAFF, Teams

COUNT = 600
ODD: tuple[Any, ...] = (0, -1, 10**30, 3.5, True, "", "x", "¹²³⁰", [], [1], {}, {"id": 5}, "x" * 3000,
                        [{"a": None}], {"nested": {"deeper": [None]}})
PATHS = [("from",), ("from", "id"), ("from", "aadObjectId"), ("from", "name"), ("conversation",),
         ("conversation", "id"), ("conversation", "conversationType"), ("recipient",), ("text",), ("value",),
         ("channelData",), ("channelData", "tenant"), ("id",), ("type",), ("name",), ("attachments",),
         ("entities",), ("value", "action"), ("value", "action", "data"), ("value", "action", "type"),
         ("value", "action", "data", "a"), ("value", "action", "data", "v"), ("value", "action", "data", "id")]


def _break(activity: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    broken = copy.deepcopy(activity)
    for path in rng.sample(PATHS, rng.randint(1, 3)):
        parent: Any = broken
        for step in path[:-1]:
            parent = parent.get(step) if isinstance(parent, dict) else None
        if not isinstance(parent, dict):
            continue
        if path[-1] in parent and rng.random() < 0.3:
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice([v for v in ODD if type(v) is not type(parent.get(
                path[-1]))]))
    return broken


async def test_hundreds_of_malformed_signed_activities_get_clean_answers(
        teams: Teams, caplog: pytest.LogCaptureFixture) -> None:
    await teams.open_chat(STAFF)
    await teams.open_chat(COMMS)
    caplog.set_level(logging.INFO)
    rng = random.Random(20261202)
    message = teams.activity(text="media call")
    click = teams.activity("invoke", sender=COMMS, name="adaptiveCard/action", value={
        "action": {"type": "Action.Execute", "verb": "md",
                   "data": {"a": "claim", "k": "enquiry", "id": "MC-2026-0001", "v": 1}}, "trigger": "manual"})
    statuses: dict[int, int] = {}
    for n in range(COUNT):
        activity = _break(message if n % 2 else click, rng)
        activity["id"] = f"fuzz-{n}" if not isinstance(activity.get("id"), (dict, list)) else activity["id"]
        status, _ = await teams.post(activity)
        statuses[status] = statuses.get(status, 0) + 1
    await teams.settle()
    assert all(status < 500 for status in statuses), statuses
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [f"{r.name}: {r.getMessage()}" for r in errors[:5]]

    # Still working: a real media call starts.
    start = len(teams.chat(STAFF))
    await teams.say("media call")
    assert "Who is the journalist" in str(await teams.next_card(STAFF, start))
