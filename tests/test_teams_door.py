"""/api/messages is never an open door: without Teams credentials it refuses, half a configuration won't start."""

from __future__ import annotations

import subprocess
import sys

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.app.config import ConfigError, Settings
from bot.app.server import create_app


async def test_without_teams_credentials_api_messages_refuses_every_activity(sqlite_url: str) -> None:
    app = create_app(Settings(database_url=sqlite_url, slack_bot_token=None, slack_signing_secret=None))
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        activity = {"type": "message", "text": "media call", "from": {"id": "29:anyone", "aadObjectId": "x",
                                                                        "name": "Dana Director"},
                    "conversation": {"id": "a:1"}, "channelId": "msteams", "serviceUrl": "http://127.0.0.1:1/"}
        async with aiohttp.ClientSession() as session:
            async with session.post(server.make_url("/api/messages"), json=activity) as response:
                assert response.status == 503
                assert "not configured" in (await response.json())["error"]
    finally:
        await server.close()


@pytest.mark.parametrize("given", [
    {"microsoft_app_id": "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"},
    {"microsoft_app_id": "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b", "microsoft_app_password": "pw"},
    {"microsoft_app_password": "pw", "microsoft_app_tenant_id": "t"},
])
def test_half_a_teams_configuration_refuses_to_start(sqlite_url: str, given: dict) -> None:
    with pytest.raises(ConfigError, match="Teams is half configured"):
        create_app(Settings(database_url=sqlite_url, **given))


def test_the_cli_says_what_is_missing_and_exits_2(tmp_path) -> None:  # noqa: ANN001
    env = {"PATH": "/usr/bin:/bin", "MICROSOFT_APP_ID": "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b",
           "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}
    result = subprocess.run([sys.executable, "-m", "bot", "check-config"], capture_output=True, text=True, env=env,
                            cwd=tmp_path)
    assert result.returncode == 2
    assert "MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TENANT_ID missing" in result.stderr
