"""/crisis through HTTP as Slack sends it: alert now, a comms lead, a holding line signed off twice, circulated."""

from __future__ import annotations

from cards.model import ActionPayload
from tests.conformance import check_block_kit
from tests.slack.harness import (
    COMMS_A,
    COMMS_CHANNEL,
    DIRECTOR,
    HEAD,
    HOD,
    STAFF,
    SlackHarness,
    labels,
    submit_modal,
    text_of,
)

DM = "D" + STAFF[0]


async def test_alert_now_then_lead_line_sign_off_circulate_stand_down(slack: SlackHarness) -> None:
    fake = slack.fake
    status, body = await slack.command(STAFF, "", command="/crisis")
    assert status == 200 and "Offer no comment or opinion" in body
    first = await slack.next_dm(STAFF, 0)
    assert "What has happened" in text_of(first) and "Offer no comment or opinion" in text_of(first)
    assert "Alert comms now" not in text_of(first)  # nothing to alert with yet

    await slack.say(STAFF, "A patient fell from a trolley in the Basildon A&E corridor; a visitor is filming.")
    second = await slack.next_dm(STAFF, 1)
    assert labels(second)[0] == "🚨 Alert comms now"
    await slack.click(STAFF, second, "🚨 Alert comms now", channel=DM)

    card = await slack.next_in_channel(COMMS_CHANNEL, 0)
    posted = fake.calls_to("chat.postMessage")
    alert_post = next(c for c in posted if c.args["channel"] == COMMS_CHANNEL)
    assert alert_post.args["text"].startswith("<!channel> ")  # the channel is notified
    assert "CR-2026-0001" in text_of(card) and "waiting for a comms lead" in text_of(card)
    assert "filming" in text_of(card)
    await slack.dm_saying(DIRECTOR, "Crisis CR-2026-0001")
    await slack.dm_saying(HEAD, "Crisis CR-2026-0001")
    carry_on = await slack.dm_saying(STAFF, "Comms have been alerted (CR-2026-0001)")
    assert "How did you become aware" in text_of(carry_on)

    # Details keep arriving: the card is updated in place.
    await slack.click(STAFF, carry_on, "A member of the public contacted me", channel=DM)
    await fake.wait_for("chat.update", predicate=lambda c: c.args["channel"] == COMMS_CHANNEL)
    await slack.settle()
    assert "A member of the public contacted me" in text_of(fake.messages_in(COMMS_CHANNEL)[0])

    card = fake.messages_in(COMMS_CHANNEL)[0]
    await slack.click(COMMS_A, card, "I'll lead this", channel=COMMS_CHANNEL)
    await slack.dm_saying(STAFF, "Casey Comms from the communications team is leading CR-2026-0001")
    await fake.wait_for("chat.update", count=2, predicate=lambda c: c.args["channel"] == COMMS_CHANNEL)
    await slack.settle()
    card = fake.messages_in(COMMS_CHANNEL)[0]
    assert "lead Casey Comms" in text_of(card)

    await slack.click(COMMS_A, card, "Draft holding line", channel=COMMS_CHANNEL)
    status, body = await submit_modal(slack, COMMS_A, 1, {
        "text": "We are aware of an incident at Basildon Hospital and are supporting the patient and family.",
        "head_of_department": HOD[1],
    })
    assert status == 200 and body in ("", "{}"), body
    hugo = await slack.dm_saying(HOD, "Your sign-off is needed")
    dana = await slack.dm_saying(DIRECTOR, "Your sign-off is needed")
    assert check_block_kit(hugo["blocks"]) == []

    await slack.click(HOD, hugo, "Approve", channel="D" + HOD[0])
    await slack.dm_saying(HOD, "Approved by Hugo Hod")
    card = fake.messages_in(COMMS_CHANNEL)[0]
    assert "Circulate the official line" not in labels(card)
    forged = ActionPayload(a="circulate", k="crisis", id="CR-2026-0001", v=1).encode()  # too early, by hand
    await slack.send(*slack.requests.block_action(COMMS_A[0], "md.circulate.0", forged, channel_id=COMMS_CHANNEL))
    await fake.wait_for("chat.postEphemeral", predicate=lambda c: "must be signed off before it is circulated"
                        in c.args["text"])

    await slack.click(DIRECTOR, dana, "Approve", channel="D" + DIRECTOR[0])
    told = await slack.dm_saying(COMMS_A, "is signed off")
    await slack.click(COMMS_A, told, "Circulate the official line", channel="D" + COMMS_A[0])
    official = await slack.dm_saying(STAFF, "The official line to use")
    assert "supporting the patient and family" in text_of(official)
    await slack.click(STAFF, official, "I have the official line", channel=DM)
    await fake.wait_for("chat.postEphemeral", predicate=lambda c: "use only the official line" in c.args["text"])
    await slack.settle()
    assert any("The official line to use" in text_of(m) for m in fake.messages_in(COMMS_CHANNEL))
    card = fake.messages_in(COMMS_CHANNEL)[0]
    assert "Sam Staff" in text_of(card)  # has the official line

    await slack.click(COMMS_A, card, "Stand down", channel=COMMS_CHANNEL)
    await slack.dm_saying(STAFF, "stood CR-2026-0001 down")
    fake.assert_conformant()
