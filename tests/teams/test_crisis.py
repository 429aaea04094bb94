"""/crisis on Teams: "crisis" in a 1:1 chat, one answer, "Alert comms now": the urgent card is in the comms channel."""

from __future__ import annotations

from tests.teams.harness import COMMS, COMMS_CHANNEL, DIRECTOR, HEAD, STAFF, Teams, card_text, titles

WHAT = "A patient's relative is filming on Ward 4 and says she'll post it tonight"


async def test_crisis_in_a_chat_raises_the_alert_in_the_comms_channel(teams: Teams) -> None:
    await teams.install(COMMS, DIRECTOR, HEAD)
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


async def test_the_comms_card_speaks_about_the_reporter_in_comms_voice(teams: Teams) -> None:
    """The reporter is asked "Your number"; comms read "Reporter's number" on the crisis card."""
    await teams.install(COMMS)
    await teams.say("crisis")
    await teams.next_card(STAFF, 0)
    await teams.say(WHAT)
    asked = await teams.next_card(STAFF, 1)
    await teams.press(asked, "🚨 Alert comms now")
    await teams.next_card(COMMS_CHANNEL, 0)
    [(card_id, _)] = teams.connector.posted_cards(COMMS_CHANNEL)
    question = await teams.card_saying(STAFF, "How did you become aware")
    await teams.press(question, "A member of the public contacted me")
    for words, answer in (("Where and when", "Ward 4, 20:40"), ("Who is affected", "One patient"),
                          ("Are patients or staff harmed", "Nobody harmed"), ("Are the media already aware", "No"),
                          ("What number can comms reach you on", "07911 123456"),
                          ("When are you available", "All evening"),
                          ("Who should comms contact", "Jo Bloggs, ward manager")):
        question = await teams.card_saying(STAFF, words)
        if answer in titles(question):
            await teams.press(question, answer)
        else:
            await teams.say(answer)
    review = await teams.card_saying(STAFF, "Check the details")
    assert "Your number" in card_text(review) and "Your availability" in card_text(review)
    await teams.press(review, "Send to comms")
    await teams.settle()
    text = card_text(teams.connector.current(COMMS_CHANNEL, 0))
    assert "07911 123456" in text and "All evening" in text
    for words in ("Reporter's number", "When they can be reached", "How they heard"):
        assert words in text, words
    assert "Your number" not in text and "Your availability" not in text and "How you heard" not in text
