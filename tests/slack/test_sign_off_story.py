"""Statements and sign-off, through HTTP as Slack sends it: draft, approval, issue."""

from __future__ import annotations

import json

from tests.conformance import check_block_kit
from tests.slack import harness as h

DM = "D" + h.STAFF[0]


async def test_draft_sign_off_and_issue(slack: h.SlackHarness) -> None:
    fake = slack.fake
    card = await h.logged_and_claimed(slack)
    assert h.labels(card)[0] == "Draft response"
    await slack.click(h.COMMS_A, card, "Draft response", channel=h.COMMS_CHANNEL)
    status, body = await h.submit_modal(slack, h.COMMS_A, 1, {
        "statement": "We are working hard to reduce waiting times at Basildon A&E.",
        "spokesperson": "written",
    })
    assert status == 200 and body in ("", "{}"), body
    await fake.wait_for("chat.update", count=2, predicate=lambda c: c.args["channel"] == h.COMMS_CHANNEL)
    await slack.settle()
    card = fake.messages_in(h.COMMS_CHANNEL)[0]
    assert "Draft v1" in h.text_of(card) and "Request sign-off" in h.labels(card)

    await slack.click(h.COMMS_A, card, "Request sign-off", channel=h.COMMS_CHANNEL)
    dana = await slack.next_dm(h.DIRECTOR, 0)
    harper = await slack.next_dm(h.HEAD, 0)
    for approval in (dana, harper):
        assert "We are working hard to reduce waiting times" in h.text_of(approval)
        assert h.labels(approval) == ["Approve", "Request changes", "Reject"]
        assert "Today 17:00" in h.text_of(approval)
        assert check_block_kit(approval["blocks"]) == []

    await slack.click(h.DIRECTOR, dana, "Approve", channel="D" + h.DIRECTOR[0])
    await fake.wait_for("chat.update", predicate=lambda c: c.args["channel"] == "D" + h.HEAD[0])
    await slack.settle()
    assert "Approved by Dana Director" in h.text_of(slack.dms(h.DIRECTOR)[0])
    assert "Approved by Dana Director" in h.text_of(slack.dms(h.HEAD)[0])
    assert h.labels(slack.dms(h.HEAD)[0]) == []
    told = await slack.next_dm(h.COMMS_A, 2)  # after the claim brief and "Saved draft version 1"
    assert "Approved: MC-2026-0001" in h.text_of(told) and h.labels(told) == ["Mark as issued"]
    card = fake.messages_in(h.COMMS_CHANNEL)[0]
    assert "Approved: ready to issue" in h.text_of(card)

    await slack.click(h.COMMS_A, told, "Mark as issued", channel="D" + h.COMMS_A[0])
    status, body = await h.submit_modal(slack, h.COMMS_A, 2, {"method": "email"})
    assert status == 200 and body in ("", "{}"), body
    await fake.wait_for("chat.update", count=5, predicate=lambda c: c.args["channel"] == h.COMMS_CHANNEL)
    await slack.settle()
    card = fake.messages_in(h.COMMS_CHANNEL)[0]
    assert "Issued by email by Casey Comms" in h.text_of(card) and "contact: Casey Comms" in h.text_of(card)
    assert h.labels(card) == []
    await slack.dm_saying(h.STAFF, "has responded to Sam Reporter")
    fake.assert_conformant()
    json.dumps(card)
