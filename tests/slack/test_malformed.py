"""Thousands of validly signed Slack requests of the wrong shape: a clean answer to each, nothing stored.

Before the door checked payloads, such requests got HTTP 500s and left tracebacks in the log ('str' object has
no attribute 'get', list index out of range, RecursionError in the JSON decoder). Slack retries a 500 and the
noise hides real faults: the answer to bad input is 200 with nothing done (or 400 for a body that is not a
Slack request at all), logged once at INFO without the body.
"""

from __future__ import annotations

import asyncio
import collections
import logging

import pytest

from tests.integration.support import ALL_TABLES, count_rows
from tests.slack.harness import COMMS_A, COMMS_CHANNEL, STAFF, SlackHarness, text_of
from tests.slack.malformed import MalformedRequests, deep

COUNT = 2000
PARALLEL = 16


async def _counts(slack: SlackHarness) -> dict[str, int]:
    from bot.app.server import DATABASE

    assert slack.app is not None
    return {table: await count_rows(slack.app[DATABASE], table) for table in ALL_TABLES
            if table != "alembic_version"}


async def _pending_or_with_body(slack: SlackHarness) -> int:
    from sqlalchemy import func, or_, select

    from bot.app.server import DATABASE
    from storage.models import SeenRequestRow

    assert slack.app is not None
    async with slack.app[DATABASE].sessions() as s:
        return (await s.execute(select(func.count()).select_from(SeenRequestRow).where(
            or_(SeenRequestRow.status != "done", SeenRequestRow.body.is_not(None))))).scalar_one()


async def _send_all(slack: SlackHarness, generator: MalformedRequests, count: int) -> collections.Counter:
    answers: collections.Counter = collections.Counter()
    queue = list(generator.generate(count))

    async def worker() -> None:
        while queue:
            kind, (body, headers) = queue.pop()
            status, _ = await slack.send(body, headers)
            answers[(kind, status)] += 1

    await asyncio.gather(*(worker() for _ in range(PARALLEL)))
    return answers


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_thousands_of_malformed_requests_get_clean_answers_and_change_nothing(
        slack: SlackHarness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    before = await _counts(slack)
    generator = MalformedRequests(slack.requests, user=COMMS_A[0], channel=COMMS_CHANNEL)

    answers = await _send_all(slack, generator, COUNT)
    await slack.settle()

    statuses = collections.Counter(status for (_, status) in answers.elements())
    assert sum(statuses.values()) == COUNT
    assert set(statuses) <= {200, 400, 413}, answers  # 413: a body over the 1 MB limit
    assert {kind for (kind, _) in answers} == {"command", "event", "action", "view", "button value", "deep"}
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [f"{r.name}: {r.getMessage()}" for r in errors[:5]]
    assert not [r for r in caplog.records if r.levelno == logging.WARNING and r.name.startswith("slack_bolt")]
    after = await _counts(slack)
    kept = after.pop("seen_requests") - before.pop("seen_requests")
    assert after == before, "a malformed request stored something"
    # Only the well-formed clicks (whose button value is not ours) were kept, as requests done with no body.
    assert 0 < kept <= answers[("button value", 200)]
    assert await _pending_or_with_body(slack) == 0
    ignored = [r for r in caplog.records if r.getMessage() == "ignored: malformed payload"]
    assert ignored and all(not hasattr(r, "body") for r in ignored)

    # Nothing was harmed: a real media call goes through as usual afterwards.
    dms = len(slack.dms(STAFF))
    status, _ = await slack.command(STAFF, "")
    assert status == 200
    question = await slack.next_dm(STAFF, dms)
    assert "Who is the journalist" in text_of(question)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("levels", [5_000, 100_000])
@pytest.mark.parametrize("as_form", [False, True], ids=["json", "form"])
async def test_deeply_nested_json_is_a_400_not_a_500(slack: SlackHarness, levels: int, as_form: bool,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    nested = deep(levels)
    body, headers = (slack.requests._form({"payload": nested}, None) if as_form
                     else slack.requests._signed(nested.encode(), "application/json", None))
    status, _ = await slack.send(body, headers)
    assert status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
