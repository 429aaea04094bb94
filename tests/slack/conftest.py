from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fakes.slack_api import FakeSlackApi
from tests.slack.harness import CAST, TOKEN, SlackHarness, frozen


@pytest.fixture
async def fake_slack(clock) -> AsyncIterator[FakeSlackApi]:  # noqa: ANN001
    # Message ts follow the test's clock, as Slack's follow the real one.
    async with FakeSlackApi(token=TOKEN, clock=lambda: clock.now().timestamp()) as fake:
        fake.add_people(*CAST)
        yield fake
    assert fake.prose == [], "the bot posted doubled full stops:\n" + "\n".join(fake.prose)


@pytest.fixture
def clock():  # noqa: ANN201
    # Friday 27 November 2026, 14:05 in London (GMT): an ordinary working afternoon.
    return frozen("2026-11-27T14:05:00+00:00")


@pytest.fixture
async def slack(fake_slack: FakeSlackApi, database_url: str, clock) -> AsyncIterator[SlackHarness]:  # noqa: ANN001
    async with SlackHarness(fake_slack, database_url, clock) as harness:
        yield harness
