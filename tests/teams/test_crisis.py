"""/crisis on Teams: "crisis" in a 1:1 chat, one answer, "Alert comms now": the urgent card is in the comms channel."""

from __future__ import annotations

from tests.teams.harness import COMMS, COMMS_CHANNEL, DIRECTOR, HEAD, STAFF, Teams, card_text, titles

WHAT = "A patient's relative is filming on Ward 4 and says she'll post it tonight"


async def test_crisis_in_a_chat_raises_the_alert_in_the_comms_channel(teams: Teams) -> None:
    for who in (COMMS, DIRECTOR, HEAD):
        await teams.open_chat(who)
    await teams.add_to_comms_channel()
    await teams.say("crisis")
    first = await teams.next_card(STAFF, 0)
    await teams.say(WHAT)
    asked = await teams.next_card(STAFF, 1)
    assert "What has happened?" in card_text(first)
    assert titles(asked)[0] == "🚨 Alert comms now"
    await teams.press(asked, "🚨 Alert comms now")
    alert = await teams.next_card(COMMS_CHANNEL, 0)
    text = card_text(alert)
    assert "🚨 Crisis CR-2026-0001" in text and "waiting for a comms lead" in text
    assert WHAT in text and "Reported by Sam Staff" in text
    assert alert["body"][0]["color"] == "Attention"
    assert titles(alert) == ["I'll lead this", "Add update"]
    await teams.card_saying(STAFF, "Comms have been alerted")
    assert "Crisis alert CR-2026-0001" in card_text(await teams.next_card(DIRECTOR, 0))
