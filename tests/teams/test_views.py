"""Each person sees the shared channel card with only the buttons they may press (Teams' user-specific views,
through Universal Actions' `refresh`): Teams asks the bot, with an adaptiveCard/action invoke, how each listed
person should see the card."""

from __future__ import annotations

from typing import Any

from tests.adaptive import assert_adaptive_card
from tests.teams.harness import CARD, COMMS, COMMS_B, COMMS_CHANNEL, DIRECTOR, STAFF, Teams, card_text, titles


async def seen_by(teams: Teams, card: dict[str, Any], who: dict[str, str], on: str) -> dict[str, Any]:
    """How `who` sees `card`, as the bot answers Teams' refresh: a valid card that stays theirs."""
    status, body = await teams.look(card, who, on)
    assert status == 200 and body["type"] == CARD, body
    view = body["value"]
    assert_adaptive_card(view)
    assert view["refresh"]["userIds"] == [who["id"]]  # their view stays theirs when they look again
    return view


async def test_each_viewer_sees_only_what_they_may_do(teams: Teams) -> None:
    await teams.install(COMMS, COMMS_B, DIRECTOR)
    card_id, card = await teams.log_a_call()
    # Teams is told who gets a view of their own: the people who work on enquiries (and the reporter) whose
    # Teams id we know from their chat with the bot.
    assert set(card["refresh"]["userIds"]) == {COMMS["id"], COMMS_B["id"], DIRECTOR["id"], STAFF["id"]}
    assert titles(card) == ["Claim"]  # everyone else sees the shared card; a click is still checked

    assert titles(await seen_by(teams, card, COMMS, card_id)) == ["Claim"]
    for not_comms in (DIRECTOR, STAFF):
        view = await seen_by(teams, card, not_comms, card_id)
        assert titles(view) == [] and "Waiting for a comms officer to claim it" in card_text(view)

    card = await teams.claim(card_id)
    everything = titles(card)
    assert "Draft response" in everything and "Release" in everything
    owner = titles(await seen_by(teams, card, COMMS, card_id))
    colleague = titles(await seen_by(teams, card, COMMS_B, card_id))
    assert owner == everything
    assert "Draft response" not in colleague and "Close without response" not in colleague
    assert "Release" in colleague and "Go" in colleague  # any comms officer may release or hand it over
    assert titles(await seen_by(teams, card, DIRECTOR, card_id)) == []
    assert "Claimed by Casey Comms" in card_text(await seen_by(teams, card, DIRECTOR, card_id))


async def test_a_view_of_a_case_that_is_not_there(teams: Teams) -> None:
    await teams.open_chat(COMMS)
    status, body = await teams.post(teams.activity(
        "invoke", sender=COMMS, name="adaptiveCard/action", conversation=COMMS_CHANNEL, conversation_type="channel",
        value={"action": {"type": "Action.Execute", "verb": "md",
                          "data": {"md": {"a": "view", "k": "enquiry", "id": "MC-2026-0999"}}},
               "trigger": "automatic"}))
    assert status == 200 and "can't be refreshed" in body["value"]


async def test_the_crisis_card_too(teams: Teams) -> None:
    from tests.teams.harness import HEAD

    await teams.install(COMMS, DIRECTOR, HEAD)
    await teams.say("crisis")
    await teams.next_card(STAFF, 0)
    await teams.say("A patient's relative is filming on Ward 4")
    await teams.press(await teams.next_card(STAFF, 1), "🚨 Alert comms now")
    alert = await teams.next_card(COMMS_CHANNEL, 0)
    alert_id = teams.connector.posted_cards(COMMS_CHANNEL)[0][0]
    assert titles(alert) == ["I'll lead this", "Add update"]
    assert set(alert["refresh"]["userIds"]) == {COMMS["id"], DIRECTOR["id"], HEAD["id"], STAFF["id"]}
    assert titles(await seen_by(teams, alert, COMMS, alert_id)) == ["I'll lead this", "Add update"]
    # The reporter may add to the timeline but not lead; the Director may do both (comms, in a crisis).
    assert titles(await seen_by(teams, alert, STAFF, alert_id)) == ["Add update"]
    assert titles(await seen_by(teams, alert, DIRECTOR, alert_id)) == ["I'll lead this", "Add update"]


async def test_a_button_in_your_own_chat_that_opens_a_form_says_so(teams: Teams) -> None:
    await teams.install(COMMS, DIRECTOR)
    await teams.sent_for_sign_off()
    asked = await teams.card_saying(DIRECTOR, "Sign-off: MC-2026-0001")
    before = len(teams.chat(DIRECTOR))
    _, body = await teams.press(asked, "Request changes", by=DIRECTOR)
    assert body["value"] == "Fill in the form below."
    form = await teams.next_card(DIRECTOR, before)
    assert "What should change" in card_text(form) and titles(form) == ["Send to owner"]


async def test_the_press_release_card_too(teams: Teams) -> None:
    from tests.teams.press_release_steps import REF, ask_for_a_reactive_release, channel_card_saying

    await teams.install(COMMS, DIRECTOR)
    await ask_for_a_reactive_release(teams)
    card_id, card = await channel_card_saying(teams, REF)
    assert titles(card) == ["Claim", "Stop this release"]
    assert set(card["refresh"]["userIds"]) == {COMMS["id"], DIRECTOR["id"], STAFF["id"]}
    assert titles(await seen_by(teams, card, COMMS, card_id)) == ["Claim", "Stop this release"]
    # Sam asked for it but doesn't run it: all press releases are written and managed by comms.
    assert titles(await seen_by(teams, card, STAFF, card_id)) == []
