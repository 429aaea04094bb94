"""Fixtures for the Teams suites: the real app behind /api/messages, the fake Microsoft side, a frozen clock.

Every test using them also checks that each Adaptive Card the bot sent (posts and updates) conforms to AC 1.5.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.app.config import OrgConfig, Settings
from bot.app.server import create_app
from tests.fakes.bot_connector import APP_ID, TENANT, FakeConnector, KeyServer
from tests.slack.harness import frozen
from tests.teams.harness import CAST, Teams, org_config

FRIDAY = "2026-11-27T14:05:00+00:00"  # Friday 27 November 2026, 14:05 London (GMT): an ordinary afternoon

StartTeams = Callable[..., Awaitable[Teams]]


@pytest.fixture
async def start_teams(sqlite_url: str) -> AsyncIterator[StartTeams]:
    """Start the bot (SQLite unless `database_url` is given) at `when`, with `org` (default: the cast's org).

    `nudge_tick_seconds` defaults to an hour so that only the test's own `tick()` sends reminders."""
    started: list[tuple[Teams, TestServer]] = []
    keys = KeyServer()
    connector = await FakeConnector({m["id"]: m for m in CAST}).start()

    async def start(when: str = FRIDAY, *, org: OrgConfig | None = None, database_url: str | None = None,
                    **overrides: Any) -> Teams:
        values: dict[str, Any] = dict(
            database_url=database_url or sqlite_url, slack_bot_token=None, slack_signing_secret=None,
            microsoft_app_id=APP_ID, microsoft_app_password="pw", microsoft_app_tenant_id=TENANT,
            microsoft_openid_metadata_url=keys.metadata_url, microsoft_login_url=connector.url.rstrip("/"),
            outbox_tick_seconds=0.2, nudge_tick_seconds=3600, outbox_lease_seconds=2.0)
        values.update(overrides)
        clock = frozen(when)
        app = create_app(Settings(**values), org=org or org_config(), clock=clock)
        server = TestServer(app, host="127.0.0.1", port=0)
        await server.start_server()
        teams = Teams(server, keys, connector, aiohttp.ClientSession(), app, clock)
        started.append((teams, server))
        return teams

    try:
        yield start
    finally:
        for teams, server in started:
            await teams.session.close()
            await server.close()
        await connector.close()
        keys.close()
    assert connector.invalid == [], "the bot sent Adaptive Cards that do not conform:\n" + "\n".join(
        connector.invalid)


@pytest.fixture
async def teams(start_teams: StartTeams) -> Teams:
    """The bot on Friday afternoon, over SQLite, with the cast's organisation."""
    return await start_teams()
