"""The fake Connector's conformance check can fail: a card that breaks the Adaptive Cards 1.5 schema is caught."""

from __future__ import annotations

from tests.teams.harness import COMMS_CHANNEL, Teams


async def test_a_card_that_does_not_conform_is_caught(teams: Teams) -> None:
    connector = teams.connector
    bad = {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                                               "content": {"type": "AdaptiveCard", "version": "1.2",
                                                           "body": [{"type": "TextBlock"}]}}]}
    async with teams.session.post(f"{connector.url}v3/conversations/{COMMS_CHANNEL}/activities", json=bad) as r:
        assert r.status == 200
    assert any("version" in problem for problem in connector.invalid)
    assert any("text" in problem for problem in connector.invalid)
    connector.invalid.clear()  # this test's own bad card: don't fail the fixture's check at teardown


async def test_a_doubled_full_stop_is_caught_and_an_ellipsis_is_not(teams: Teams) -> None:
    connector = teams.connector
    said = {"type": "message", "text": "Waiting for more…", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive",
         "content": {"type": "AdaptiveCard", "version": "1.5", "body": [
             {"type": "TextBlock", "text": "Wait... then send."},
             {"type": "TextBlock", "text": "Sent to comms.."}]}}]}
    async with teams.session.post(f"{connector.url}v3/conversations/{COMMS_CHANNEL}/activities", json=said) as r:
        assert r.status == 200
    assert len(connector.invalid) == 1 and "Sent to comms.." in connector.invalid[0]
    connector.invalid.clear()  # this test's own bad text: don't fail the fixture's check at teardown
