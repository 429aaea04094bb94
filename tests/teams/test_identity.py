"""Who a Teams activity comes from is the roster's answer for `from.id`, and every other id must agree with it.

Before, the identity cache was keyed by `from.aadObjectId` alone: an activity naming the Director's AAD object id
from a staff member's chat was treated as the Director, re-pointed the Director's stored chat (where approval
requests go) to the staff member's chat, and poisoned the cache for the genuine Director for ten minutes.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import select

from handlers.teams.references import user_key
from storage.models import ConversationRefRow, ConversationRow, OutboxRow, SeenRequestRow
from tests.teams.harness import COMMS, DIRECTOR, HEAD, STAFF, Teams, card_text, personal


async def _reference_of(teams: Teams, who: dict[str, str]) -> dict[str, Any] | None:
    from bot.app.server import DATABASE

    async with teams.app[DATABASE].sessions() as s:
        row = (await s.execute(select(ConversationRefRow).where(
            ConversationRefRow.ref_key == user_key(who["aadObjectId"])))).scalar_one_or_none()
    return row.reference if row else None


async def _stored(teams: Teams) -> dict[str, int]:
    """Everything the bot keeps, but the inbox's note of each request: a refused one is kept as done, without
    its body (so that the same activity sent again is not run again), which changes nothing."""
    return {**{model.__tablename__: await teams.count(model)
               for model in (ConversationRefRow, ConversationRow, OutboxRow)},
            "requests not done, or kept with their body": await teams.count(
                SeenRequestRow, (SeenRequestRow.status != "done") | SeenRequestRow.body.is_not(None))}


def _posing_as(teams: Teams, victim: dict[str, str], *, text: str = "media call", **extra: Any) -> dict[str, Any]:
    """Sam's own chat, Sam's Teams id and roster entry, but the Director's AAD object id."""
    activity = teams.activity(text=text, sender=STAFF, **extra)
    activity["from"]["aadObjectId"] = victim["aadObjectId"]
    return activity


async def test_an_activity_whose_aad_id_is_someone_elses_is_refused_and_changes_nothing(
        teams: Teams, caplog: pytest.LogCaptureFixture) -> None:
    for who in (STAFF, DIRECTOR):
        await teams.open_chat(who)
    await teams.settle()
    before, dana_before = await _stored(teams), await _reference_of(teams, DIRECTOR)
    assert dana_before["conversation"]["id"] == personal(DIRECTOR)
    caplog.set_level(logging.INFO)

    status, _ = await teams.post(_posing_as(teams, DIRECTOR))
    await teams.settle()

    assert status in (200, 201)
    assert await _stored(teams) == before, "nothing stored: no conversation, no reference, no message"
    assert await _reference_of(teams, DIRECTOR) == dana_before, "the Director's chat is not re-pointed"
    [warning] = [r for r in caplog.records if r.getMessage().startswith("Teams activity refused")]
    assert warning.levelno == logging.WARNING
    assert (warning.from_id, warning.aad_object_id) == (STAFF["id"], DIRECTOR["aadObjectId"])
    assert warning.roster_aad_object_id == STAFF["aadObjectId"]
    assert "media call" not in warning.getMessage()
    assert "only help people signed in" in " ".join(teams.connector.texts_in(personal(STAFF)))


async def test_a_click_whose_aad_id_is_someone_elses_is_refused_with_403(teams: Teams) -> None:
    await teams.open_chat(STAFF)
    before = await _stored(teams)
    activity = _posing_as(teams, DIRECTOR, text=None)
    activity.update(type="invoke", name="adaptiveCard/action",
                    value={"action": {"type": "Action.Execute", "verb": "md",
                                      "data": {"a": "claim", "k": "enquiry", "id": "MC-2026-0001"}}})
    status, body = await teams.post(activity)
    assert status == 403 and "only help people signed in" in body["value"]
    assert await _stored(teams) == before


async def test_a_roster_entry_in_another_tenant_is_refused(teams: Teams) -> None:
    before = await _stored(teams)
    teams.connector.members[HEAD["id"]] = {**HEAD, "tenantId": "99999999-0000-4000-8000-0000000000ff"}
    status, _ = await teams.say("media call", sender=HEAD)
    assert status in (200, 201)
    assert await _stored(teams) == before


async def test_the_genuine_people_keep_their_roles_after_a_mismatched_activity(teams: Teams) -> None:
    await teams.install(COMMS, DIRECTOR, HEAD)
    # The forged activity first: it must not leave the Director cached as Sam, nor her chat pointing at Sam's.
    await teams.post(_posing_as(teams, DIRECTOR))
    card_id, _ = await teams.sent_for_sign_off()

    approval = await teams.next_card(DIRECTOR, 0)  # in the Director's own chat
    _, body = await teams.press(approval, "Approve", by=DIRECTOR)
    assert body["value"] == "You approved version 1 of MC-2026-0001."
    card = await teams.connector.wait_update(card_id, 4)
    assert "approved by Dana Director" in card_text(card)


async def test_a_failed_roster_lookup_does_nothing_and_says_so(teams: Teams) -> None:
    await teams.open_chat(STAFF)
    before = await _stored(teams)
    stranger = {"id": "29:nobody", "aadObjectId": "aad-nobody", "name": "No Body"}
    activity = teams.activity(text="media call", sender=stranger, conversation=personal(STAFF))
    status, _ = await teams.post(activity)
    assert status in (200, 201)
    assert await _stored(teams) == before
    assert any("couldn't check who you are" in t for t in teams.connector.texts_in(personal(STAFF)))
