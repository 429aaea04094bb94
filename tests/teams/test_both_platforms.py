"""One deployment serving Slack and Teams at once: both doors answer, each with its own authentication, and a
Teams enquiry goes to the Teams comms channel while Slack is on too."""

from __future__ import annotations

from tests.slack_requests import SlackRequests
from tests.teams.conftest import StartTeams
from tests.teams.harness import COMMS, COMMS_CHANNEL, card_text

SECRET = "both-doors-signing-secret"


async def test_slack_and_teams_from_one_server(start_teams: StartTeams) -> None:
    teams = await start_teams(slack_bot_token="xoxb-both", slack_signing_secret=SECRET,
                              slack_api_url="http://127.0.0.1:9/api/")  # Slack's Web API is not called here
    async with teams.session.get(teams.server.make_url("/healthz")) as response:
        assert await response.json() == {"ok": True, "slack": True, "teams": True, "playground": False}

    body, headers = SlackRequests(SECRET).url_verification("both-here")
    async with teams.session.post(teams.server.make_url("/slack/events"), data=body, headers=headers) as response:
        assert response.status == 200 and "both-here" in await response.text()
    body, headers = SlackRequests("not-the-secret").url_verification("forged")
    async with teams.session.post(teams.server.make_url("/slack/events"), data=body, headers=headers) as response:
        assert response.status == 401

    status, _ = await teams.post(teams.activity(text="hello"), token="not-a-token")
    assert status == 401
    await teams.install(COMMS)
    _, card = await teams.log_a_call()
    assert "Media enquiry MC-2026-0001" in card_text(card)
    assert teams.connector.posted_cards(COMMS_CHANNEL)
