"""Have we said this before? (issue 14) on Teams, through signed activities into /api/messages: the owner's brief
in their 1:1 chat shows the earlier approved statements most like the enquiry, and Start from sends the draft form
with that statement's words; the button is no use to anyone else."""

from __future__ import annotations

from tests.teams.harness import COMMS, COMMS_B, DIRECTOR, DRAFT, HEAD, Teams, card_text, inputs_of, titles

SECOND = ["Rita Reporter", "ITV Anglia", "TV or radio", "01245 654321", "skip",
          "waiting times at Basildon A&E this winter", "5pm"]


async def approved_then_another(teams: Teams) -> str:
    """MC-2026-0001 approved; MC-2026-0002 (about the same) logged 20 minutes later and claimed by Alex."""
    await teams.install(COMMS, COMMS_B, DIRECTOR, HEAD)
    await teams.sent_for_sign_off()
    await teams.press(await teams.next_card(DIRECTOR, 0), "Approve", by=DIRECTOR)
    await teams.card_saying(COMMS, "Approved: MC-2026-0001")
    teams.clock.advance(minutes=20)
    logged = await teams.log_a_call(SECOND)
    assert logged is not None
    await teams.claim(logged[0], by=COMMS_B)
    return logged[0]


async def test_the_brief_offers_the_earlier_statement_and_start_from_sends_the_form_with_it(teams: Teams) -> None:
    await approved_then_another(teams)
    brief = await teams.card_saying(COMMS_B, "You own MC-2026-0002")
    assert "Said before: MC-2026-0001, approved 27 Nov 2026" in card_text(brief) and DRAFT in card_text(brief)
    assert titles(brief) == ["Draft response", "Start from MC-2026-0001"]

    chat = len(teams.chat(COMMS_B))
    _, body = await teams.press(brief, "Start from MC-2026-0001", by=COMMS_B)
    assert body["value"] == "Fill in the form below."  # in the chat it was pressed in
    form = await teams.next_card(COMMS_B, chat)
    assert "Draft response" in card_text(form) and titles(form) == ["Save draft"]
    assert {i["id"]: i.get("value") for i in inputs_of(form)}["statement"] == DRAFT
    # Saved like any draft: the new enquiry now has the earlier words as its version 1.
    _, body = await teams.submit(form, {"spokesperson": "written"}, by=COMMS_B)
    assert "Saved draft version 1 of MC-2026-0002" in card_text(body["value"])


async def test_start_from_is_no_use_to_someone_who_does_not_own_the_enquiry(teams: Teams) -> None:
    await approved_then_another(teams)
    brief = await teams.card_saying(COMMS_B, "You own MC-2026-0002")
    chat = len(teams.chat(COMMS))
    _, body = await teams.press(brief, "Start from MC-2026-0001", by=COMMS)
    assert "Only the comms officer who owns this enquiry (Alex Press) can do that" in str(body)
    await teams.settle()
    assert len(teams.chat(COMMS)) == chat  # no form was sent
