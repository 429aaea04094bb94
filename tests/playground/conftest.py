from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.playground.harness import Playground, running_playground
from tests.slack.harness import frozen


@pytest.fixture
def clock():  # noqa: ANN201
    # Tuesday 1 December 2026, 10:00 in London: the press office is open.
    return frozen("2026-12-01T10:00:00+00:00")


@pytest.fixture
async def playground(database_url: str, clock) -> AsyncIterator[Playground]:  # noqa: ANN001
    async for running in running_playground(database_url, clock):
        yield running
