"""The playground is there only for trying Media Desk on one's own machine: never beside real credentials, never
on a network address, and off when asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app.config import Settings, playground_problem
from tests.playground.harness import running_playground

TEAMS = {"microsoft_app_id": "app", "microsoft_app_password": "secret", "microsoft_app_tenant_id": "tenant"}


@pytest.mark.parametrize(("given", "reason"), [
    ({"slack_bot_token": "xoxb-1", "slack_signing_secret": "s"}, "credentials"),
    (TEAMS, "credentials"),
    ({"host": "0.0.0.0"}, "not a loopback address"),
    ({"host": "192.168.1.20"}, "not a loopback address"),
    ({"mediadesk_playground": "off"}, "MEDIADESK_PLAYGROUND=off"),
])
def test_off(given: dict, reason: str) -> None:
    assert reason in (playground_problem(Settings(**given)) or "")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_on(host: str) -> None:
    assert playground_problem(Settings(host=host)) is None


async def test_with_slack_credentials_the_routes_do_not_exist(database_url: str, clock) -> None:  # noqa: ANN001
    def with_slack(settings: Settings) -> Settings:
        return settings.model_copy(update={"slack_bot_token": "xoxb-1", "slack_signing_secret": "s",
                                           "slack_api_url": "http://127.0.0.1:9/api/"})

    async for playground in running_playground(database_url, clock, configure=with_slack):
        for method, path in (("GET", "/"), ("GET", "/playground/"), ("GET", "/playground/people"),
                             ("POST", "/playground/session"),
                             ("POST", "/playground/directline/conversations")):
            status, _ = await playground.request(method, path, json={"person": "x", "pane": "chat"})
            assert status == 404, path


async def test_web_chat_is_served_from_this_machine(database_url: str, clock, tmp_path: Path) -> None:  # noqa: ANN001
    bundle = tmp_path / "webchat.js"
    bundle.write_text("window.WebChat = {};")

    def with_bundle(settings: Settings) -> Settings:
        return settings.model_copy(update={"mediadesk_webchat_js": bundle})

    async for playground in running_playground(database_url, clock, configure=with_bundle):
        status, body = await playground.request("GET", "/playground/webchat.js")
        assert status == 200 and body == "window.WebChat = {};"
    bundle.unlink()
    async for playground in running_playground(database_url, clock, configure=with_bundle):
        status, body = await playground.request("GET", "/playground/webchat.js")
        assert status == 200 and "run <code>scripts/setup</code>" in body  # the page says what to do


async def test_health_says_which_doors_are_open(database_url: str, clock) -> None:  # noqa: ANN001
    async for playground in running_playground(database_url, clock):
        status, body = await playground.request("GET", "/healthz")
        assert status == 200 and body == {"ok": True, "slack": False, "teams": False, "playground": True}


@pytest.mark.parametrize(("host", "said"), [
    ("127.0.0.1", "Playground: on at http://127.0.0.1:3978/playground/"),
    ("0.0.0.0", "Playground: off (HOST=0.0.0.0 is not a loopback address"),
])
def test_check_config_says_whether_the_playground_is_on(tmp_path: Path, host: str, said: str) -> None:
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "HOST": host, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"}
    result = subprocess.run([sys.executable, "-m", "bot", "check-config"], capture_output=True, text=True, env=env,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    assert said in result.stdout
