"""The whole /media-call story, through HTTP as Slack sends it, against a fake Web API."""

from __future__ import annotations

import asyncio

from tests.conformance import check_block_kit
from tests.slack.harness import COMMS_A, COMMS_B, COMMS_CHANNEL, STAFF, SlackHarness, labels, text_of


async def test_staff_logs_a_call_and_comms_claims_it(slack: SlackHarness) -> None:
    fake = slack.fake
    status, body = await slack.command(STAFF, "")
    assert status == 200
    assert "direct message" in body and "Don't answer the journalist" in body

    first = await slack.next_dm(STAFF, 0)
    assert "Who is the journalist" in text_of(first)
    assert "even if you know the answer" in text_of(first)  # the policy, at the start

    await slack.say(STAFF, "Sam Reporter")
    outlet = await slack.next_dm(STAFF, 1)
    assert "Which outlet" in text_of(outlet)
    await slack.say(STAFF, "BBC Essex")
    kind = await slack.next_dm(STAFF, 2)
    assert labels(kind)[:4] == ["Newspaper", "TV or radio", "Online news", "Blogger / citizen journalist"]
    await slack.click(STAFF, kind, "TV or radio", channel="D" + STAFF[0])
    phone = await slack.next_dm(STAFF, 3)
    assert "phone number" in text_of(phone)
    await slack.say(STAFF, "01245 123456")
    email = await slack.next_dm(STAFF, 4)
    await slack.click(STAFF, email, "Skip", channel="D" + STAFF[0])
    summary = await slack.next_dm(STAFF, 5)
    assert "What is the enquiry about" in text_of(summary)
    await slack.say(STAFF, "A&E waiting times at Basildon <!channel>")
    deadline = await slack.next_dm(STAFF, 6)
    assert "unavailable for comment" in text_of(deadline)  # why the deadline matters
    await slack.say(STAFF, "4pm")
    review = await slack.next_dm(STAFF, 7)
    assert "Today 16:00" in text_of(review)
    assert "<!channel>" not in text_of(review) and "&lt;!channel&gt;" in text_of(review)

    await slack.click(STAFF, review, "Send to comms", channel="D" + STAFF[0])
    card = await slack.next_in_channel(COMMS_CHANNEL, 0)
    shown = text_of(card)
    for expected in ("MC-2026-0001", "BBC Essex", "TV or radio", "Sam Reporter", "01245 123456",
                     "Today 16:00", "in 1 hour 55 minutes", "Sam Staff", "Waiting for a comms officer"):
        assert expected in shown, expected
    assert "Claim" in labels(card)
    confirmation = await slack.next_dm(STAFF, 8)
    assert "MC-2026-0001" in text_of(confirmation)
    assert "Please don't reply to the journalist yourself" in text_of(confirmation)

    # Two comms officers press Claim at the same moment: exactly one owns it.
    results = await asyncio.gather(
        slack.click(COMMS_A, card, "Claim", channel=COMMS_CHANNEL),
        slack.click(COMMS_B, card, "Claim", channel=COMMS_CHANNEL),
    )
    assert [status for status, _ in results] == [200, 200]
    await fake.wait_for("chat.update", predicate=lambda c: c.args.get("channel") == COMMS_CHANNEL)
    await fake.wait_for("chat.postEphemeral")
    await slack.settle()
    updated = fake.messages_in(COMMS_CHANNEL)
    assert len(updated) == 1, "the card is updated in place, not posted again"
    claimed_text = text_of(updated[0])
    owners = [who for who in (COMMS_A, COMMS_B) if f"Claimed by {who[2]}" in claimed_text]
    assert len(owners) == 1
    owner = owners[0]
    loser = COMMS_B if owner is COMMS_A else COMMS_A
    private = {c.args["user"]: c.args["text"] for c in fake.calls_to("chat.postEphemeral")}
    assert f"{owner[2]} has already claimed MC-2026-0001" in private[loser[0]]
    assert "You have claimed MC-2026-0001" in private[owner[0]]

    brief = await slack.next_dm(owner, 0)
    assert "You own MC-2026-0001" in text_of(brief)
    assert "Director of Communications" in text_of(brief)  # what happens next: sign-off
    heard = await slack.next_dm(STAFF, 9)
    assert f"{owner[2]} from the communications team has picked up" in text_of(heard)
    assert slack.dms(loser) == []

    for call in fake.calls:
        if call.method in ("chat.postMessage", "chat.update") and "blocks" in call.args:
            assert check_block_kit(call.args["blocks"]) == [], call.args
    fake.assert_conformant()
