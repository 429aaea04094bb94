"""Have we said this before? (issue 14), through signed HTTP as Slack sends it: the owner's brief after a claim
shows the earlier approved statements most like the enquiry, each with its reference and date and a Start from
button that opens the draft modal with its words; a Start from on anything else is refused and opens nothing."""

from __future__ import annotations

import json

import pytest

from storage.models import HistoryRow
from tests.conformance import check_block_kit, check_view
from tests.slack import harness as h
from tests.slack.sign_off_steps import (
    WORDING,
    card_says,
    comms_card,
    dm_channel,
    drafted,
    next_card,
    press,
    ref_of,
)

pytestmark = pytest.mark.asyncio


async def approved_once(slack: h.SlackHarness) -> str:
    """Sam's A&E enquiry, drafted by Casey, sent for sign-off and approved by Dana. Its reference."""
    ref = await drafted(slack)
    await press(slack, h.COMMS_A, comms_card(slack), "Request sign-off", h.COMMS_CHANNEL)
    card = await next_card(slack, h.DIRECTOR, 0)
    await slack.click(h.DIRECTOR, card, "Approve", channel=dm_channel(h.DIRECTOR))
    await card_says(slack, "Approved: ready to issue")
    return ref


async def second_enquiry_claimed(slack: h.SlackHarness, by: tuple = h.COMMS_B) -> tuple[str, dict]:
    """Sam logs another call about A&E waits (from ITV Anglia); `by` claims it. Its reference and `by`'s brief."""
    slack.clock.advance(minutes=20)  # logged after the first (only earlier cases are offered)
    cards = len(slack.fake.messages_in(h.COMMS_CHANNEL))
    before = len(slack.dms(h.STAFF))
    await slack.command(h.STAFF, "ITV Anglia, waiting times at Basildon A&E this winter, 01245 654321, deadline 5pm")
    await slack.next_dm(h.STAFF, before)
    await slack.say(h.STAFF, "Rita Reporter")
    kind = await slack.next_dm(h.STAFF, before + 1)
    await slack.click(h.STAFF, kind, "TV or radio", channel=dm_channel(h.STAFF))
    email = await slack.next_dm(h.STAFF, before + 2)
    await slack.click(h.STAFF, email, "Skip", channel=dm_channel(h.STAFF))
    review = await slack.next_dm(h.STAFF, before + 3)
    await slack.click(h.STAFF, review, "Send to comms", channel=dm_channel(h.STAFF))
    card = await slack.next_in_channel(h.COMMS_CHANNEL, cards)
    ref = ref_of(card)
    await slack.settle()
    await slack.click(by, card, "Claim", channel=h.COMMS_CHANNEL)
    brief = await slack.dm_saying(by, f"You own {ref}")
    await slack.settle()
    return ref, brief


async def test_the_brief_offers_the_earlier_approved_statement_and_start_from_opens_it(slack: h.SlackHarness) -> None:
    earlier = await approved_once(slack)
    ref, brief = await second_enquiry_claimed(slack)
    shown = h.text_of(brief)
    assert f"Said before: {earlier}, approved 27 Nov 2026" in shown
    assert "reduce waiting times at Basildon A&amp;E" in shown  # the approved words, escaped as every user value
    assert h.labels(brief) == ["Draft response", f"Start from {earlier}"]
    assert check_block_kit(brief["blocks"]) == []

    opened = len(slack.fake.calls_to("views.open"))
    status, _ = await slack.click(h.COMMS_B, brief, f"Start from {earlier}", channel=dm_channel(h.COMMS_B))
    assert status == 200
    view = (await slack.fake.wait_for("views.open", count=opened + 1))[-1].args["view"]
    assert check_view(view) == []
    assert ref in view["private_metadata"]  # the draft is of the new enquiry
    statement = next(b for b in view["blocks"] if b.get("block_id") == "statement")
    assert statement["element"]["initial_value"] == WORDING  # the whole approved text, to edit for this one

    # Both the offer and the opening are accesses to the earlier case, in the history like searches.
    history = [entry for entry in await h.rows(slack.database_url, HistoryRow) if entry.case_ref == "MEDIA-LOG"]
    assert [(entry.event, entry.data, entry.actor_email) for entry in history] == [
        ("said before", {"for": ref, "hits": [earlier]}, h.COMMS_B[1]),
        ("started from", {"for": ref, "statement": earlier}, h.COMMS_B[1])]
    h.assert_all_conformant(slack)


async def test_nothing_said_before_leaves_the_brief_as_it_was(slack: h.SlackHarness) -> None:
    """The first enquiry has nothing earlier: the brief is the enquiry and Draft response, nothing more."""
    ref = await drafted(slack)
    brief = await slack.dm_saying(h.COMMS_A, f"You own {ref}")
    assert h.labels(brief) == ["Draft response"] and "Said before" not in h.text_of(brief)


async def test_start_from_is_refused_for_a_statement_never_approved_and_for_someone_else(slack: h.SlackHarness
                                                                                          ) -> None:
    earlier = await approved_once(slack)
    ref, brief = await second_enquiry_claimed(slack)
    opened = len(slack.fake.calls_to("views.open"))

    # A forged (or stale) button naming a case with no approved statement: refused in words, nothing opened.
    forged = json.loads(json.dumps(brief))
    for block in forged["blocks"]:
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            element["value"] = element["value"].replace(earlier, ref)
    reply = await press(slack, h.COMMS_B, forged, f"Start from {earlier}", dm_channel(h.COMMS_B))
    assert f"I can't start from {ref}: it isn't an approved statement you can see." in h.text_of(reply)

    # Casey doesn't own the new enquiry, so its brief's button is not hers to press.
    reply = await press(slack, h.COMMS_A, brief, f"Start from {earlier}", dm_channel(h.COMMS_B))
    assert "Only the comms officer who owns this enquiry (Alex Press) can do that" in h.text_of(reply)
    await slack.settle()
    assert len(slack.fake.calls_to("views.open")) == opened
    started = [entry for entry in await h.rows(slack.database_url, HistoryRow) if entry.event == "started from"]
    assert started == []
