"""Statements and sign-off, through HTTP as Slack sends it: draft, approval, issue."""

from __future__ import annotations

import json

from tests.conformance import check_block_kit
from tests.slack.harness import (
    COMMS_A,
    COMMS_CHANNEL,
    DIRECTOR,
    HEAD,
    STAFF,
    SlackHarness,
    labels,
    logged_and_claimed,
    submit_modal,
    text_of,
)

DM = "D" + STAFF[0]


async def test_draft_sign_off_and_issue(slack: SlackHarness) -> None:
    fake = slack.fake
    card = await logged_and_claimed(slack)
    assert labels(card)[0] == "Draft response"
    await slack.click(COMMS_A, card, "Draft response", channel=COMMS_CHANNEL)
    status, body = await submit_modal(slack, COMMS_A, 1, {
        "statement": "We are working hard to reduce waiting times at Basildon A&E.",
        "spokesperson": "written",
    })
    assert status == 200 and body in ("", "{}"), body
    await fake.wait_for("chat.update", count=2, predicate=lambda c: c.args["channel"] == COMMS_CHANNEL)
    await slack.settle()
    card = fake.messages_in(COMMS_CHANNEL)[0]
    assert "Draft v1" in text_of(card) and "Request sign-off" in labels(card)

    await slack.click(COMMS_A, card, "Request sign-off", channel=COMMS_CHANNEL)
    dana = await slack.next_dm(DIRECTOR, 0)
    harper = await slack.next_dm(HEAD, 0)
    for approval in (dana, harper):
        assert "We are working hard to reduce waiting times" in text_of(approval)
        assert labels(approval) == ["Approve", "Request changes", "Reject"]
        assert "Today 17:00" in text_of(approval)
        assert check_block_kit(approval["blocks"]) == []

    await slack.click(DIRECTOR, dana, "Approve", channel="D" + DIRECTOR[0])
    await fake.wait_for("chat.update", predicate=lambda c: c.args["channel"] == "D" + HEAD[0])
    await slack.settle()
    assert "Approved by Dana Director" in text_of(slack.dms(DIRECTOR)[0])
    assert "Approved by Dana Director" in text_of(slack.dms(HEAD)[0])
    assert labels(slack.dms(HEAD)[0]) == []
    told = await slack.next_dm(COMMS_A, 2)  # after the claim brief and "Saved draft version 1"
    assert "Approved: MC-2026-0001" in text_of(told) and labels(told) == ["Mark as issued"]
    card = fake.messages_in(COMMS_CHANNEL)[0]
    assert "Approved: ready to issue" in text_of(card)

    await slack.click(COMMS_A, told, "Mark as issued", channel="D" + COMMS_A[0])
    status, body = await submit_modal(slack, COMMS_A, 2, {"method": "email"})
    assert status == 200 and body in ("", "{}"), body
    await fake.wait_for("chat.update", count=5, predicate=lambda c: c.args["channel"] == COMMS_CHANNEL)
    await slack.settle()
    card = fake.messages_in(COMMS_CHANNEL)[0]
    assert "Issued by email by Casey Comms" in text_of(card) and "contact: Casey Comms" in text_of(card)
    assert labels(card) == []
    await slack.dm_saying(STAFF, "has responded to Sam Reporter")
    fake.assert_conformant()
    json.dumps(card)
