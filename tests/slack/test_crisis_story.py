"""/crisis through HTTP as Slack sends it: alert now, a comms lead, a holding line signed off twice, circulated."""

from __future__ import annotations

from cards.model import ActionPayload
from tests.conformance import check_block_kit
from tests.slack import harness as h

DM = "D" + h.STAFF[0]


async def test_alert_now_then_lead_line_sign_off_circulate_stand_down(slack: h.SlackHarness) -> None:
    fake = slack.fake
    status, body = await slack.command(h.STAFF, "", command="/crisis")
    assert status == 200 and "Offer no comment or opinion" in body
    first = await slack.next_dm(h.STAFF, 0)
    assert "What has happened" in h.text_of(first) and "Offer no comment or opinion" in h.text_of(first)
    assert "Alert comms now" not in h.text_of(first)  # nothing to alert with yet

    await slack.say(h.STAFF, "A patient fell from a trolley in the Basildon A&E corridor; a visitor is filming.")
    second = await slack.next_dm(h.STAFF, 1)
    assert h.labels(second)[0] == "🚨 Alert comms now"
    await slack.click(h.STAFF, second, "🚨 Alert comms now", channel=DM)

    card = await slack.next_in_channel(h.COMMS_CHANNEL, 0)
    posted = fake.calls_to("chat.postMessage")
    alert_post = next(c for c in posted if c.args["channel"] == h.COMMS_CHANNEL)
    assert alert_post.args["text"].startswith("<!channel> ")  # the channel is notified
    assert "CR-2026-0001" in h.text_of(card) and "waiting for a comms lead" in h.text_of(card)
    assert "filming" in h.text_of(card)
    await slack.dm_saying(h.DIRECTOR, "Crisis CR-2026-0001")
    await slack.dm_saying(h.HEAD, "Crisis CR-2026-0001")
    carry_on = await slack.dm_saying(h.STAFF, "Comms have been alerted (CR-2026-0001)")
    assert "How did you become aware" in h.text_of(carry_on)

    # Details keep arriving: the card is updated in place.
    await slack.click(h.STAFF, carry_on, "A member of the public contacted me", channel=DM)
    await fake.wait_for("chat.update", predicate=lambda c: c.args["channel"] == h.COMMS_CHANNEL)
    await slack.settle()
    assert "A member of the public contacted me" in h.text_of(fake.messages_in(h.COMMS_CHANNEL)[0])

    card = fake.messages_in(h.COMMS_CHANNEL)[0]
    await slack.click(h.COMMS_A, card, "I'll lead this", channel=h.COMMS_CHANNEL)
    await slack.dm_saying(h.STAFF, "Casey Comms from the communications team is leading CR-2026-0001")
    await fake.wait_for("chat.update", count=2, predicate=lambda c: c.args["channel"] == h.COMMS_CHANNEL)
    await slack.settle()
    card = fake.messages_in(h.COMMS_CHANNEL)[0]
    assert "lead Casey Comms" in h.text_of(card)

    await slack.click(h.COMMS_A, card, "Draft holding line", channel=h.COMMS_CHANNEL)
    status, body = await h.submit_modal(slack, h.COMMS_A, 1, {
        "text": "We are aware of an incident at Basildon Hospital and are supporting the patient and family.",
        "head_of_department": h.HOD[1],
    })
    assert status == 200 and body in ("", "{}"), body
    hugo = await slack.dm_saying(h.HOD, "Your sign-off is needed")
    dana = await slack.dm_saying(h.DIRECTOR, "Your sign-off is needed")
    assert check_block_kit(hugo["blocks"]) == []

    await slack.click(h.HOD, hugo, "Approve", channel="D" + h.HOD[0])
    await slack.dm_saying(h.HOD, "Approved by Hugo Hod")
    card = fake.messages_in(h.COMMS_CHANNEL)[0]
    assert "Circulate the official line" not in h.labels(card)
    forged = ActionPayload(a="circulate", k="crisis", id="CR-2026-0001", v=1).encode()  # too early, by hand
    await slack.send(*slack.requests.block_action(h.COMMS_A[0], "md.circulate.0", forged, channel_id=h.COMMS_CHANNEL))
    await fake.wait_for("chat.postEphemeral", predicate=lambda c: "must be signed off before it is circulated"
                        in c.args["text"])

    await slack.click(h.DIRECTOR, dana, "Approve", channel="D" + h.DIRECTOR[0])
    told = await slack.dm_saying(h.COMMS_A, "is signed off")
    await slack.click(h.COMMS_A, told, "Circulate the official line", channel="D" + h.COMMS_A[0])
    official = await slack.dm_saying(h.STAFF, "The official line to use")
    assert "supporting the patient and family" in h.text_of(official)
    await slack.click(h.STAFF, official, "I have the official line", channel=DM)
    await fake.wait_for("chat.postEphemeral", predicate=lambda c: "use only the official line" in c.args["text"])
    await slack.settle()
    assert any("The official line to use" in h.text_of(m) for m in fake.messages_in(h.COMMS_CHANNEL))
    card = fake.messages_in(h.COMMS_CHANNEL)[0]
    assert "Sam Staff" in h.text_of(card)  # has the official line

    await slack.click(h.COMMS_A, card, "Stand down", channel=h.COMMS_CHANNEL)
    await slack.dm_saying(h.STAFF, "stood CR-2026-0001 down")
    fake.assert_conformant()
