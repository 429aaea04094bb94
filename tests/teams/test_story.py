"""The whole media-enquiry story on Teams, through signed activities into /api/messages: a 1:1 chat, the comms
channel card updated in place, a draft form, sign-off by the Director in their own chat."""

from __future__ import annotations

from tests.fakes.bot_connector import personal
from tests.teams.conftest import StartTeams
from tests.teams.harness import (
    COMMS,
    COMMS_B,
    COMMS_CHANNEL,
    DIRECTOR,
    DRAFT,
    HEAD,
    STAFF,
    Teams,
    card_text,
    inputs_of,
    titles,
)


async def test_media_call_claim_draft_and_sign_off(start_teams: StartTeams, database_url: str) -> None:
    teams = await start_teams(database_url=database_url)
    connector = teams.connector
    await teams.install(COMMS, DIRECTOR, HEAD)
    card_id, card = await teams.log_a_call()
    text = card_text(card)
    assert "Media enquiry MC-2026-0001: BBC Essex" in text and "Waiting for a comms officer to claim it" in text
    assert "Sam Reporter" in text and "01245 123456" in text and "Today 17:00" in text
    assert titles(card) == ["Claim"]

    # Casey claims it on the channel card: the same message is updated in place and shows the owner.
    status, body = await teams.press(card, "Claim", by=COMMS, on=card_id)
    card = await connector.wait_update(card_id)
    assert body["value"].startswith("You have claimed MC-2026-0001")
    assert "Claimed by Casey Comms" in card_text(card)
    assert titles(card) == ["Go", "Draft response", "Release", "Close without response"]
    assert not connector.cards_in(COMMS_CHANNEL)[1:], "the claim updates the card; it posts nothing new there"
    await teams.card_saying(COMMS, "You own MC-2026-0001")  # the brief, privately

    # Drafting: the form arrives in Casey's 1:1 chat (a channel is no place for a draft), as one Adaptive Card.
    chat = len(teams.chat(COMMS))
    status, body = await teams.press(card, "Draft response", by=COMMS, on=card_id)
    assert body["value"] == "I've sent you the form in your chat with Media Desk."
    form = await teams.next_card(COMMS, chat)
    assert "Draft response" in card_text(form) and titles(form) == ["Save draft"]
    assert {i["id"] for i in inputs_of(form)} >= {"statement", "spokesperson"}
    status, body = await teams.submit(form, {"statement": DRAFT, "spokesperson": "written"}, by=COMMS)
    # The form becomes the confirmation (so it can't be sent twice), with the next step on it.
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Saved draft version 1 of MC-2026-0001" in card_text(body["value"])
    assert titles(body["value"]) == ["Request sign-off", "Edit draft"] and inputs_of(body["value"]) == []
    card = await connector.wait_update(card_id, 2)
    assert "Draft v1" in card_text(card) and DRAFT in card_text(card)
    assert titles(card) == ["Go", "Edit draft", "Request sign-off", "Release", "Close without response"]

    # Sign-off: the Director (and the delegate) each get a card in their own 1:1 chat.
    status, body = await teams.press(card, "Request sign-off", by=COMMS, on=card_id)
    dana = await teams.next_card(DIRECTOR, 0)
    harper = await teams.next_card(HEAD, 0)
    for approval in (dana, harper):
        assert DRAFT in card_text(approval) and "Today 17:00" in card_text(approval)
        assert titles(approval) == ["Approve", "Request changes", "Reject"]
    card = await connector.wait_update(card_id, 3)
    assert "Waiting for sign-off" in card_text(card) and "waiting" in card_text(card)
    assert titles(card) == ["Go", "Edit draft"]  # no second request while one is out

    status, body = await teams.press(dana, "Approve", by=DIRECTOR)
    assert body["value"] == "You approved version 1 of MC-2026-0001."
    card = await connector.wait_update(card_id, 4)
    assert "Approved: ready to issue" in card_text(card) and "approved by Dana Director" in card_text(card)
    assert titles(card) == ["Go", "Edit draft", "Mark as issued"]
    await teams.settle()
    for who in (DIRECTOR, HEAD):  # both approval cards now say it is decided, and offer nothing to press
        approval_id = connector.posted_cards(personal(who))[0][0]
        decided = await connector.wait_update(approval_id)
        assert "Approved by Dana Director" in card_text(decided) and titles(decided) == []
    told = await teams.card_saying(COMMS, "Approved: MC-2026-0001")
    assert titles(told) == ["Mark as issued"]
    assert all(conversation == COMMS_CHANNEL for conversation, _, _ in connector.updates
               if _ == card_id), "the channel card was only ever updated in place"
    assert len(connector.cards_in(COMMS_CHANNEL)) == 1


async def test_a_button_on_a_shared_card_is_no_permission(teams: Teams) -> None:
    """Everyone in the channel sees the same buttons; who may press them is decided on the server."""
    await teams.install(COMMS, DIRECTOR)
    card_id, card = await teams.log_a_call()
    status, body = await teams.press(card, "Claim", by=STAFF, on=card_id)
    assert "comms" in body["value"].lower() and "claimed" not in body["value"].lower(), body
    await teams.settle()
    assert connector_unchanged(teams, card_id)
    await teams.press(card, "Claim", by=COMMS, on=card_id)
    claimed = await teams.connector.wait_update(card_id)
    status, body = await teams.press(card, "Claim", by=COMMS_B, on=card_id)  # an old copy: polite, not applied
    assert body["value"] == "Casey Comms has already claimed MC-2026-0001."
    await teams.settle()
    assert teams.connector.current(COMMS_CHANNEL, 0) == claimed


def connector_unchanged(teams: Teams, card_id: str) -> bool:
    return teams.connector.updates_of(card_id) == []
