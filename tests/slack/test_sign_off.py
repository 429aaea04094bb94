"""Sign-off in depth, through signed HTTP as Slack sends it: the changes loop, rejection, the executive and
partner chains, staff privacy, and every click that must be refused (and leave no trace)."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import pytest

from bot.app.config import OrgConfig, PeopleSection, SlackSection
from bot.domain.statement import fingerprint
from cards.model import ActionPayload
from storage.db import open_database
from storage.uow import SqlUnitOfWork
from tests.conformance import check_block_kit, check_view
from tests.slack import harness as h
from tests.slack.sign_off_steps import (
    WORDING,
    card_says,
    cards_for,
    comms_card,
    dm_channel,
    dms_saying,
    drafted,
    next_card,
    press,
    ref_of,
    write_draft,
)

WORDING_V2 = "We have opened a new triage area at Basildon A&E and are recruiting 20 more nurses."


# --- what people see ----------------------------------------------------------------------------------------------

def shown(message: dict) -> str:
    """Text and blocks of an ephemeral (or any posted message) as one string."""
    return h.text_of(message)


async def dm_saying(slack: h.SlackHarness, who: tuple, words: str) -> dict:
    """The newest DM to `who` containing `words` (waits for it)."""
    def find() -> dict | None:
        found = [m for m in slack.dms(who) if words in h.text_of(m)]
        return found[-1] if found else None
    return await h.eventually(find, f"a DM to {who[2]} saying {words!r}")


def snapshot(slack: h.SlackHarness) -> dict:
    """Every message in every conversation, as it stands now (the fake keeps them by channel and ts)."""
    return copy.deepcopy(slack.fake._messages)


# --- what is recorded ---------------------------------------------------------------------------------------------

async def recorded(slack: h.SlackHarness, ref: str) -> tuple[Any, list, list]:
    """(enquiry, history, sign-offs) as stored."""
    db = open_database(slack.database_url)
    try:
        async with SqlUnitOfWork(db) as uow:
            return (await uow.enquiries.get(ref), await uow.history.for_case(ref), await uow.drafts.sign_offs(ref))
    finally:
        await db.dispose()


# --- what people do -----------------------------------------------------------------------------------------------

async def ask_for_sign_off(slack: h.SlackHarness, who: tuple = h.COMMS_A) -> dict:
    """The owner presses Request sign-off on the comms card; returns their ephemeral reply."""
    before = len(h.ephemerals(slack, who))
    await slack.click(who, comms_card(slack), "Request sign-off", channel=h.COMMS_CHANNEL)
    reply = await h.next_ephemeral(slack, who, before)
    await slack.settle()
    return reply


async def in_sign_off(slack: h.SlackHarness, **kwargs: Any) -> tuple[str, dict, dict]:
    """Drafted and sent for sign-off; returns (ref, Dana's card, Harper's card) as first delivered."""
    ref = await drafted(slack, **kwargs)
    reply = await ask_for_sign_off(slack)
    assert "has gone for sign-off" in shown(reply), shown(reply)
    dana = copy.deepcopy(await next_card(slack, h.DIRECTOR, 0))
    harper = copy.deepcopy(await next_card(slack, h.HEAD, 0))
    return ref, dana, harper


async def forged(slack: h.SlackHarness, who: tuple, payload: ActionPayload, channel: str) -> tuple[int, dict]:
    """A click carrying a button value that was never shown to `who` (e.g. copied from someone else's card)."""
    before = len(h.ephemerals(slack, who))
    status, _ = await slack.send(*slack.requests.block_action(
        who[0], f"md.{payload.a}.0", payload.encode(), channel_id=channel))
    return status, await h.next_ephemeral(slack, who, before)


async def decide_in_modal(slack: h.SlackHarness, who: tuple, card: dict, label: str, values: dict) -> None:
    opened = len(slack.fake.calls_to("views.open")) + 1
    status, _ = await slack.click(who, card, label, channel=dm_channel(who))
    assert status == 200
    view = (await slack.fake.wait_for("views.open", count=opened))[-1].args["view"]
    assert view["title"]["text"] == {"Request changes": "Request changes", "Reject": "Reject the draft"}[label]
    status, body = await h.submit_modal(slack, who, opened, values)
    assert status == 200 and body in ("", "{}"), body


async def issue_modal(slack: h.SlackHarness, message: dict, channel: str) -> tuple[int, dict]:
    """Casey presses Mark as issued; returns the views.open count and the modal."""
    opened = len(slack.fake.calls_to("views.open")) + 1
    await slack.click(h.COMMS_A, message, "Mark as issued", channel=channel)
    view = (await slack.fake.wait_for("views.open", count=opened))[-1].args["view"]
    return opened, view


def initial(view: dict, block_id: str) -> Any:
    element = next(b["element"] for b in view["blocks"] if b.get("block_id") == block_id)
    if element["type"] == "static_select":
        return (element.get("initial_option") or {}).get("value")
    return element.get("initial_value")


def conformant(slack: h.SlackHarness) -> None:
    """Every message and ephemeral fits Block Kit; user text never mentions or broadcasts; every call conforms."""
    fake = slack.fake
    for (channel, _), message in fake._messages.items():
        assert check_block_kit(message.get("blocks", [])) == [], (channel, message)
        for raw in ("<!channel>", "<!here>", "<@U123>"):
            assert raw not in h.text_of(message), (raw, channel, message)
    for eph in ephemerals_all(slack):
        assert check_block_kit(eph.get("blocks", [])) == [], eph
    for call in fake.calls_to("views.open"):
        assert check_view(call.args["view"]) == []
    fake.assert_conformant()


def ephemerals_all(slack: h.SlackHarness) -> list[dict]:
    return [c.args for c in slack.fake.calls_to("chat.postEphemeral")]


def events(history: list) -> list[str]:
    return [entry.event for entry in history]


# --- 1. the changes loop ------------------------------------------------------------------------------------------

async def test_changes_requested_then_new_version_approved(slack: h.SlackHarness) -> None:
    ref, dana_v1, harper_v1 = await in_sign_off(slack)
    for card in (dana_v1, harper_v1):
        assert h.labels(card) == ["Approve", "Request changes", "Reject"]
        assert "version 1" in h.text_of(card) and "&lt;!channel&gt;" in h.text_of(card)
        assert check_block_kit(card["blocks"]) == []

    comment = "Please mention the new triage area & the nurses. <!here>"
    await decide_in_modal(slack, h.DIRECTOR, dana_v1, "Request changes", {"comment": comment})
    told = await dm_saying(slack, h.COMMS_A, f"Changes requested: {ref}")
    assert "Please mention the new triage area &amp; the nurses. &lt;!here&gt;" in h.text_of(told)
    assert "Dana Director asked for changes to version 1" in h.text_of(told)
    assert h.labels(told) == ["Edit draft"]
    card = await card_says(slack, "Changes requested")
    assert "✏️ Director of Communications or delegate: changes requested by Dana Director" in h.text_of(card)
    await slack.settle()
    await dm_saying(slack, h.DIRECTOR, f"Your comments on version 1 of {ref} have gone to its owner")
    for who in (h.DIRECTOR, h.HEAD):  # both v1 cards were updated in place: decided, no buttons
        assert len(cards_for(slack, who)) == 1
        assert h.labels(cards_for(slack, who)[0]) == []
        assert "Changes requested by Dana Director" in h.text_of(cards_for(slack, who)[0])

    # The owner edits from the DM; the modal starts from version 1's text.
    opened = len(slack.fake.calls_to("views.open")) + 1
    await slack.click(h.COMMS_A, told, "Edit draft", channel=dm_channel(h.COMMS_A))
    view = (await slack.fake.wait_for("views.open", count=opened))[-1].args["view"]
    assert initial(view, "statement") == WORDING and initial(view, "spokesperson") == "written"
    status, body = await h.submit_modal(slack, h.COMMS_A, opened, {"statement": WORDING_V2, "spokesperson": "written"})
    assert status == 200 and body in ("", "{}"), body
    await dm_saying(slack, h.COMMS_A, f"Saved draft version 2 of {ref}")
    card = await card_says(slack, "Draft v2")
    assert "Request sign-off" in h.labels(card)

    reply = await ask_for_sign_off(slack)
    assert f"Version 2 of {ref} has gone for sign-off" in shown(reply)
    dana_v2 = await next_card(slack, h.DIRECTOR, 1)
    harper_v2 = await next_card(slack, h.HEAD, 1)
    for card in (dana_v2, harper_v2):
        assert "Draft response, version 2" in h.text_of(card) and "recruiting 20 more nurses" in h.text_of(card)
        assert h.labels(card) == ["Approve", "Request changes", "Reject"]
    assert h.labels(cards_for(slack, h.DIRECTOR)[0]) == [] and h.labels(cards_for(slack, h.HEAD)[0]) == []  # v1 stays retired

    await slack.click(h.DIRECTOR, dana_v2, "Approve", channel=dm_channel(h.DIRECTOR))
    approved = await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    assert "version 2" in h.text_of(approved) and h.labels(approved) == ["Mark as issued"]
    await card_says(slack, "Approved: ready to issue")
    await h.eventually(lambda: "Approved by Dana Director" in h.text_of(cards_for(slack, h.HEAD)[1]), "Harper's v2 card updated")
    assert h.labels(cards_for(slack, h.HEAD)[1]) == []

    enquiry, history, sign_offs = await recorded(slack, ref)
    assert enquiry.state.value == "approved"
    fp1, fp2 = fingerprint(WORDING), fingerprint(WORDING_V2)
    drafts = [entry.data for entry in history if entry.event == "draft"]
    assert [(d["version"], d["fingerprint"]) for d in drafts] == [(1, fp1), (2, fp2)]
    changes = next(entry for entry in history if entry.event == "request_changes")
    assert changes.actor == "Dana Director" and changes.data["comment"] == comment
    assert (changes.data["version"], changes.data["fingerprint"]) == (1, fp1)
    final = [entry for entry in history if entry.event.startswith("approve")]
    assert len(final) == 1 and final[0].event == "approve_last"
    assert (final[0].data["version"], final[0].data["fingerprint"]) == (2, fp2)
    assert [(s.version, s.fingerprint, s.decision.value, s.by) for s in sign_offs] == [
        (1, fp1, "changes_requested", "Dana Director"), (2, fp2, "approved", "Dana Director")]
    conformant(slack)


async def test_edit_while_with_approvers_retires_old_cards_and_their_clicks(slack: h.SlackHarness) -> None:
    ref, dana_v1, _ = await in_sign_off(slack)
    await write_draft(slack, h.COMMS_A, comms_card(slack), h.COMMS_CHANNEL, "Edit draft", WORDING_V2)
    assert "It was waiting for sign-off, so ask for sign-off again" in h.text_of(
        await dm_saying(slack, h.COMMS_A, "Saved draft version 2"))
    await card_says(slack, "Draft v2")
    for who in (h.DIRECTOR, h.HEAD):
        await h.eventually(lambda w=who: "Replaced by a newer draft" in h.text_of(cards_for(slack, w)[0]), "v1 retired")
        assert h.labels(cards_for(slack, who)[0]) == [] and len(cards_for(slack, who)) == 1  # updated in place, not re-posted
    await ask_for_sign_off(slack)
    dana_v2 = await next_card(slack, h.DIRECTOR, 1)
    await next_card(slack, h.HEAD, 1)

    # Dana still has the old card open on her phone and presses Approve on version 1.
    before, messages = await recorded(slack, ref), snapshot(slack)
    reply = await press(slack, h.DIRECTOR, dana_v1, "Approve", dm_channel(h.DIRECTOR))
    assert "This card shows version 1" in shown(reply) and "The latest is version 2" in shown(reply)
    await assert_nothing_changed(slack, ref, before, messages)
    assert before[0].state.value == "awaiting_sign_off" and before[2] == []

    await slack.click(h.DIRECTOR, dana_v2, "Approve", channel=dm_channel(h.DIRECTOR))
    await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    conformant(slack)


# --- 2. rejection -------------------------------------------------------------------------------------------------

async def test_rejection_with_a_reason_then_close_without_response(slack: h.SlackHarness) -> None:
    ref, _, harper = await in_sign_off(slack)
    reason = "We can't comment on waiting times during the purdah period."
    await decide_in_modal(slack, h.HEAD, harper, "Reject", {"comment": reason})
    told = await dm_saying(slack, h.COMMS_A, f"Rejected: {ref}")
    assert reason in h.text_of(told) and "Harper Head rejected version 1" in h.text_of(told)
    assert h.labels(told) == ["Edit draft"]
    card = await card_says(slack, "Draft rejected")
    assert "⛔ Director of Communications or delegate: rejected by Harper Head" in h.text_of(card)
    assert "Close without response" in h.labels(card) and "Edit draft" in h.labels(card)
    assert "Request sign-off" not in h.labels(card) and "Mark as issued" not in h.labels(card)
    await h.eventually(lambda: "Rejected by Harper Head" in h.text_of(cards_for(slack, h.DIRECTOR)[0]), "Dana's card updated")
    assert h.labels(cards_for(slack, h.DIRECTOR)[0]) == [] and h.labels(cards_for(slack, h.HEAD)[0]) == []

    reporter_before = len(slack.dms(h.STAFF))
    await slack.click(h.COMMS_A, card, "Close without response", channel=h.COMMS_CHANNEL)
    card = await card_says(slack, "Closed")
    assert h.labels(card) == []
    closed = await slack.next_dm(h.STAFF, reporter_before)
    assert f"The communications team has closed {ref}" in h.text_of(closed)

    enquiry, history, sign_offs = await recorded(slack, ref)
    assert enquiry.state.value == "closed"
    reject = next(entry for entry in history if entry.event == "reject")
    assert reject.actor == "Harper Head" and reject.data["comment"] == reason
    assert reject.data["fingerprint"] == fingerprint(WORDING)
    assert events(history)[-1] == "close"
    assert [(s.decision.value, s.comment) for s in sign_offs] == [("rejected", reason)]
    conformant(slack)


async def test_rejection_then_a_new_draft_goes_round_again(slack: h.SlackHarness) -> None:
    ref, dana, _ = await in_sign_off(slack)
    await decide_in_modal(slack, h.DIRECTOR, dana, "Reject", {"comment": "Wrong tone."})
    told = await dm_saying(slack, h.COMMS_A, f"Rejected: {ref}")
    await card_says(slack, "Draft rejected")
    # Asking again without a new draft is refused with the table's sentence.
    status, reply = await forged(slack, h.COMMS_A, ActionPayload(a="request_sign_off", k="enquiry", id=ref),
                                 h.COMMS_CHANNEL)
    assert status == 200 and "save a new draft before asking for sign-off again" in shown(reply)
    await write_draft(slack, h.COMMS_A, told, dm_channel(h.COMMS_A), "Edit draft", WORDING_V2)
    card = await card_says(slack, "Draft v2")
    assert "Claimed by Casey Comms" in h.text_of(card) and "Request sign-off" in h.labels(card)
    await ask_for_sign_off(slack)
    dana_v2 = await next_card(slack, h.DIRECTOR, 1)
    assert h.labels(dana_v2) == ["Approve", "Request changes", "Reject"] and "version 2" in h.text_of(dana_v2)
    await slack.click(h.DIRECTOR, dana_v2, "Approve", channel=dm_channel(h.DIRECTOR))
    await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    enquiry, _, sign_offs = await recorded(slack, ref)
    assert enquiry.state.value == "approved"
    assert [(s.version, s.decision.value) for s in sign_offs] == [(1, "rejected"), (2, "approved")]
    conformant(slack)


# --- 3. executive and director ------------------------------------------------------------------------------------

async def test_executive_and_director_both_needed(slack: h.SlackHarness) -> None:
    ref, dana, harper = await in_sign_off(slack, flags=["needs_executive"], executive=h.EXECUTIVE[1])
    evan = copy.deepcopy(await next_card(slack, h.EXECUTIVE, 0))
    assert h.labels(evan) == h.labels(dana) == h.labels(harper) == ["Approve", "Request changes", "Reject"]
    assert "Your sign-off is needed (Executive)" in h.text_of(evan)
    assert "Your sign-off is needed (Director of Communications or delegate)" in h.text_of(dana)
    card = await card_says(slack, "⏳ Executive: waiting (Evan Exec)")
    assert "⏳ Director of Communications or delegate: waiting (Dana Director, Harper Head)" in h.text_of(card)

    await slack.click(h.DIRECTOR, dana, "Approve", channel=dm_channel(h.DIRECTOR))
    card = await card_says(slack, "✅ Director of Communications or delegate: approved by Dana Director")
    assert "⏳ Executive: waiting (Evan Exec)" in h.text_of(card) and "Waiting for sign-off" in h.text_of(card)
    assert "Mark as issued" not in h.labels(card)
    await h.eventually(lambda: "Approved by Dana Director" in h.text_of(cards_for(slack, h.HEAD)[0]), "Harper's card")
    assert h.labels(cards_for(slack, h.HEAD)[0]) == []
    assert h.labels(cards_for(slack, h.EXECUTIVE)[0]) == ["Approve", "Request changes", "Reject"]
    enquiry, history, _ = await recorded(slack, ref)
    assert enquiry.state.value == "awaiting_sign_off" and events(history)[-1] == "approve"
    assert dms_saying(slack, h.COMMS_A, "Approved:") == [] and dms_saying(slack, h.COMMS_A, "Signed off:") == []

    await slack.click(h.EXECUTIVE, evan, "Approve", channel=dm_channel(h.EXECUTIVE))
    told = await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    assert h.labels(told) == ["Mark as issued"] and "last: Evan Exec" in h.text_of(told)
    card = await card_says(slack, "Approved: ready to issue")
    assert "✅ Executive: approved by Evan Exec" in h.text_of(card)
    await h.eventually(lambda: "Approved by Evan Exec" in h.text_of(cards_for(slack, h.EXECUTIVE)[0]), "Evan's card")
    await slack.settle()
    assert len(dms_saying(slack, h.COMMS_A, "Approved:")) == 1  # told once
    enquiry, history, sign_offs = await recorded(slack, ref)
    assert enquiry.state.value == "approved"
    assert [entry.event for entry in history if entry.event.startswith("approve")] == ["approve", "approve_last"]
    assert [(s.slot.value, s.by) for s in sign_offs] == [("comms", "Dana Director"), ("executive", "Evan Exec")]
    conformant(slack)


# --- 4. joint statement -------------------------------------------------------------------------------------------

async def test_joint_statement_needs_the_partner_sign_off_recorded_by_comms(slack: h.SlackHarness) -> None:
    partner = "Essex County Council"
    ref, dana, _ = await in_sign_off(slack, partner=partner)
    assert cards_for(slack, h.EXECUTIVE) == []
    card = await card_says(slack, "⏳ Partner organisation: waiting (comms records)")
    assert "Record partner sign-off" in h.labels(card)
    assert f"Joint statement: agree it with {partner}'s comms team" in h.text_of(card)

    await slack.click(h.DIRECTOR, dana, "Approve", channel=dm_channel(h.DIRECTOR))
    card = await card_says(slack, "✅ Director of Communications or delegate: approved by Dana Director")
    assert "⏳ Partner organisation" in h.text_of(card) and "Mark as issued" not in h.labels(card)
    assert (await recorded(slack, ref))[0].state.value == "awaiting_sign_off"
    # Not yet issuable.
    status, reply = await forged(slack, h.COMMS_A, ActionPayload(a="issue", k="enquiry", id=ref), h.COMMS_CHANNEL)
    assert status == 200 and "still waiting for sign-off" in shown(reply)
    # The director can't record the partner's sign-off: comms does.
    reply = await press(slack, h.DIRECTOR, card, "Record partner sign-off", h.COMMS_CHANNEL)
    assert "recorded by the communications team" in shown(reply)

    opened = len(slack.fake.calls_to("views.open")) + 1
    await slack.click(h.COMMS_B, card, "Record partner sign-off", channel=h.COMMS_CHANNEL)
    who = "Jo Smith, Head of Communications, Essex County Council"
    status, body = await h.submit_modal(slack, h.COMMS_B, opened, {"who": who})
    assert status == 200 and body in ("", "{}"), body
    told = await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    assert h.labels(told) == ["Mark as issued"] and "last: Alex Press" in h.text_of(told)
    card = await card_says(slack, "Approved: ready to issue")
    assert "✅ Partner organisation: approved by Alex Press" in h.text_of(card)
    enquiry, history, sign_offs = await recorded(slack, ref)
    assert enquiry.state.value == "approved"
    assert [(s.slot.value, s.by, s.comment) for s in sign_offs] == [
        ("comms", "Dana Director", None), ("partner", "Alex Press", who)]
    last = history[-1]
    assert last.event == "approve_last" and last.data["slot"] == "partner" and last.data["comment"] == who
    assert len(dms_saying(slack, h.COMMS_A, "Approved:")) == 1
    conformant(slack)


# --- 5. refused and harmless --------------------------------------------------------------------------------------

async def assert_nothing_changed(slack: h.SlackHarness, ref: str, before: tuple, messages: dict) -> None:
    """Nothing recorded (state, history, sign-offs) and no message changed or added."""
    await slack.settle()
    enquiry, history, sign_offs = await recorded(slack, ref)
    assert (enquiry.state, enquiry.version, len(history), sign_offs) == (
        before[0].state, before[0].version, len(before[1]), before[2])
    assert snapshot(slack) == messages


@pytest.mark.parametrize("who", [h.COMMS_B, h.COMMS_A, h.EXECUTIVE, h.OUTSIDER, h.STAFF],
                         ids=["other-comms-officer", "owner", "executive-not-asked", "outsider", "reporter"])
@pytest.mark.parametrize("label", ["Approve", "Request changes", "Reject"])
async def test_sign_off_by_someone_who_is_not_an_approver_is_refused(slack: h.SlackHarness, who: tuple,
                                                                     label: str) -> None:
    ref, dana, harper = await in_sign_off(slack)
    card = harper if who is h.COMMS_A else dana  # a card forwarded to them, or seen over a shoulder
    before, messages = await recorded(slack, ref), snapshot(slack)
    opened = len(slack.fake.calls_to("views.open"))
    reply = await press(slack, who, card, label, dm_channel(who))
    expected = ("You can't sign off your own draft" if who is h.COMMS_A
                else "Only Dana Director or Harper Head can sign this off")
    assert expected in shown(reply), shown(reply)
    assert len(slack.fake.calls_to("views.open")) == opened  # no comment form for them either
    await assert_nothing_changed(slack, ref, before, messages)
    conformant(slack)


async def test_owner_who_is_a_sign_off_delegate_cannot_approve_their_own_draft(
        slack: h.SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    base = h.org_config()
    people = base.people.model_copy(update={"comms_team": [h.COMMS_A[1], h.COMMS_B[1], h.HEAD[1]]})
    monkeypatch.setattr(h, "org_config", lambda: OrgConfig(slack=SlackSection(comms_channel=h.COMMS_CHANNEL),
                                                                  people=PeopleSection(**people.model_dump())))
    await slack.restart()
    card = await h.logged_and_claimed(slack)
    await slack.click(h.COMMS_A, card, "Harper Head", channel=h.COMMS_CHANNEL)  # hand over to the Head of Comms
    card = await card_says(slack, "Claimed by Harper Head")
    await write_draft(slack, h.HEAD, card, h.COMMS_CHANNEL, "Draft response", WORDING)
    await card_says(slack, "Draft v1")
    reply = await ask_for_sign_off(slack, h.HEAD)
    assert "has gone for sign-off" in shown(reply)
    dana = copy.deepcopy(await next_card(slack, h.DIRECTOR, 0))
    await slack.settle()
    assert cards_for(slack, h.HEAD) == []  # nobody is asked to sign off their own draft
    ref = ref_of(card)

    before, messages = await recorded(slack, ref), snapshot(slack)
    for label in ("Approve", "Reject"):
        reply = await press(slack, h.HEAD, dana, label, dm_channel(h.HEAD))
        assert "You can't sign off your own draft" in shown(reply)
    await assert_nothing_changed(slack, ref, before, messages)

    await slack.click(h.DIRECTOR, dana, "Approve", channel=dm_channel(h.DIRECTOR))
    await dm_saying(slack, h.HEAD, f"Approved: {ref}")
    conformant(slack)


async def test_delegate_whose_role_was_removed_after_the_card_was_sent_is_refused(
        slack: h.SlackHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    ref, _, harper = await in_sign_off(slack)
    base = h.org_config()
    people = base.people.model_copy(update={"sign_off_delegates": []})
    monkeypatch.setattr(h, "org_config", lambda: OrgConfig(slack=SlackSection(comms_channel=h.COMMS_CHANNEL),
                                                                  people=PeopleSection(**people.model_dump())))
    await slack.restart()
    await slack.settle()
    before, messages = await recorded(slack, ref), snapshot(slack)
    reply = await press(slack, h.HEAD, harper, "Approve", dm_channel(h.HEAD))
    assert "Only Dana Director can sign this off" in shown(reply)
    await assert_nothing_changed(slack, ref, before, messages)
    conformant(slack)


async def test_double_click_on_approve_counts_once(slack: h.SlackHarness) -> None:
    ref, dana, _ = await in_sign_off(slack)
    action_id, value, _ = h.find_action(dana, "Approve")
    clicks = [slack.requests.block_action(h.DIRECTOR[0], action_id, value, message_ts=dana["ts"],
                                          channel_id=dm_channel(h.DIRECTOR), message=dana) for _ in range(2)]
    assert clicks[0][0] != clicks[1][0]  # distinct trigger ids: two real clicks, not a replay
    results = await asyncio.gather(*(slack.send(*c) for c in clicks))
    assert [status for status, _ in results] == [200, 200]
    await h.eventually(lambda: len(h.ephemerals(slack, h.DIRECTOR)) == 2, "both clicks answered")
    replies = sorted(shown(e) for e in h.ephemerals(slack, h.DIRECTOR))
    assert sum(f"You approved version 1 of {ref}" in r for r in replies) == 1, replies
    assert sum("already" in r for r in replies) == 1, replies
    await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    await slack.settle()
    enquiry, history, sign_offs = await recorded(slack, ref)
    assert enquiry.state.value == "approved"
    assert len([entry for entry in history if entry.event.startswith("approve")]) == 1
    assert len(sign_offs) == 1 and sign_offs[0].by == "Dana Director"
    assert len(dms_saying(slack, h.COMMS_A, "Approved:")) == 1
    conformant(slack)


async def test_director_and_delegate_approving_at_the_same_instant(slack: h.SlackHarness) -> None:
    ref, dana, harper = await in_sign_off(slack)
    requests = []
    for who, card in ((h.DIRECTOR, dana), (h.HEAD, harper)):
        action_id, value, _ = h.find_action(card, "Approve")
        requests.append(slack.requests.block_action(who[0], action_id, value, message_ts=card["ts"],
                                                    channel_id=dm_channel(who), message=card))
    results = await asyncio.gather(*(slack.send(*r) for r in requests))
    assert [status for status, _ in results] == [200, 200]
    await h.eventually(lambda: h.ephemerals(slack, h.DIRECTOR) and h.ephemerals(slack, h.HEAD), "both answered")
    replies = {who[2]: shown(h.ephemerals(slack, who)[-1]) for who in (h.DIRECTOR, h.HEAD)}
    winners = [name for name, r in replies.items() if f"You approved version 1 of {ref}" in r]
    assert len(winners) == 1, replies
    loser = next(name for name in replies if name not in winners)
    assert "already" in replies[loser] and "approved" in replies[loser], replies
    await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    await slack.settle()
    enquiry, history, sign_offs = await recorded(slack, ref)
    assert enquiry.state.value == "approved"
    assert [s.by for s in sign_offs] == winners
    assert len([entry for entry in history if entry.event.startswith("approve")]) == 1
    assert len(dms_saying(slack, h.COMMS_A, "Approved:")) == 1
    for who in (h.DIRECTOR, h.HEAD):
        await h.eventually(lambda w=who: f"Approved by {winners[0]}" in h.text_of(cards_for(slack, w)[0]), "cards")
        assert h.labels(cards_for(slack, who)[0]) == []
    conformant(slack)


async def approved_and_issued(slack: h.SlackHarness, dana: dict, ref: str) -> None:
    await slack.click(h.DIRECTOR, dana, "Approve", channel=dm_channel(h.DIRECTOR))
    told = await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    opened, view = await issue_modal(slack, told, dm_channel(h.COMMS_A))
    status, body = await h.submit_modal(slack, h.COMMS_A, opened, {"method": "email"})
    assert status == 200 and body in ("", "{}"), body
    await card_says(slack, "Issued by email by Casey Comms")


async def test_approving_after_the_enquiry_closed_is_refused(slack: h.SlackHarness) -> None:
    ref, dana, harper = await in_sign_off(slack)
    await approved_and_issued(slack, dana, ref)
    before, messages = await recorded(slack, ref), snapshot(slack)
    assert before[0].state.value == "closed"
    for who, card in ((h.DIRECTOR, dana), (h.HEAD, harper)):
        reply = await press(slack, who, card, "Approve", dm_channel(who))
        assert "This enquiry is already closed" in shown(reply)
    await assert_nothing_changed(slack, ref, before, messages)
    conformant(slack)


async def test_issuing_text_other_than_the_approved_text_is_refused_with_the_approved_text_one_press_away(
        slack: h.SlackHarness) -> None:
    ref, dana, _ = await in_sign_off(slack)
    await slack.click(h.DIRECTOR, dana, "Approve", channel=dm_channel(h.DIRECTOR))
    told = await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    opened, view = await issue_modal(slack, told, dm_channel(h.COMMS_A))
    assert initial(view, "text") == WORDING and initial(view, "contact") == "Casey Comms"  # the media lead
    await slack.settle()
    before = await recorded(slack, ref)
    status, body = await h.submit_modal(slack, h.COMMS_A, opened, {"method": "phone", "text": WORDING + " Thanks.",
                                                                   "contact": "Alex Press"})
    assert status == 200 and body in ("", "{}"), body
    refused = await dm_saying(slack, h.COMMS_A, f"Not issued: {ref}")
    assert "isn't the approved text" in h.text_of(refused) and h.labels(refused) == ["Use the approved text", "Edit draft"]
    assert "The approved text, version 1" in h.text_of(refused) and "reduce waiting times at Basildon" in h.text_of(refused)
    await slack.settle()
    enquiry, history, sign_offs = await recorded(slack, ref)  # nothing recorded
    assert (enquiry.state, enquiry.version, len(history), sign_offs) == (
        before[0].state, before[0].version, len(before[1]), before[2])
    assert enquiry.plan.issued is None
    # One press: the form again with the approved words back in it, and what they chose kept.
    opened = len(slack.fake.calls_to("views.open")) + 1
    await slack.click(h.COMMS_A, refused, "Use the approved text", channel=dm_channel(h.COMMS_A))
    view = (await slack.fake.wait_for("views.open", count=opened))[-1].args["view"]
    assert initial(view, "text") == WORDING and initial(view, "method") == "phone"
    assert initial(view, "contact") == "Alex Press"
    status, body = await h.submit_modal(slack, h.COMMS_A, opened, {"method": "phone"})  # (the fake re-sends no select)
    assert status == 200 and body in ("", "{}"), body
    await card_says(slack, "Issued by phone by Casey Comms")
    conformant(slack)


async def test_issuing_the_approved_words_with_other_line_endings_goes_through(slack: h.SlackHarness) -> None:
    ref, dana, _ = await in_sign_off(slack)
    await slack.click(h.DIRECTOR, dana, "Approve", channel=dm_channel(h.DIRECTOR))
    told = await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    opened, _ = await issue_modal(slack, told, dm_channel(h.COMMS_A))
    status, body = await h.submit_modal(slack, h.COMMS_A, opened, {"method": "phone", "text": WORDING + "\r\n"})
    assert status == 200 and body in ("", "{}"), body
    await card_says(slack, "Issued by phone by Casey Comms")
    conformant(slack)


async def test_newspaper_needs_a_written_response_by_email(slack: h.SlackHarness) -> None:
    ref = await drafted(slack, outlet="Essex Chronicle", kind="Newspaper")
    card = comms_card(slack)
    assert "Close without response" not in h.labels(card)
    assert "Newspaper: send a written response by email" in h.text_of(card)
    before, messages = await recorded(slack, ref), snapshot(slack)
    status, reply = await forged(slack, h.COMMS_A, ActionPayload(a="close", k="enquiry", id=ref, v=before[0].version),
                                 h.COMMS_CHANNEL)
    assert status == 200 and "Newspaper enquiries need a written response by email" in shown(reply)
    await assert_nothing_changed(slack, ref, before, messages)

    await ask_for_sign_off(slack)
    dana = await next_card(slack, h.DIRECTOR, 0)
    await slack.click(h.DIRECTOR, dana, "Approve", channel=dm_channel(h.DIRECTOR))
    told = await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    opened, view = await issue_modal(slack, told, dm_channel(h.COMMS_A))
    assert initial(view, "method") == "email"
    await slack.settle()
    before, messages = await recorded(slack, ref), snapshot(slack)
    status, body = await h.submit_modal(slack, h.COMMS_A, opened, {"method": "phone"})
    assert status == 200 and set(json.loads(body)["errors"]) == {"method"}
    assert "Newspaper enquiries need a written response by email" in body
    await assert_nothing_changed(slack, ref, before, messages)
    status, body = await h.submit_modal(slack, h.COMMS_A, opened, {"method": "email"})
    assert status == 200 and body in ("", "{}"), body
    closed = await card_says(slack, "Issued by email by Casey Comms")
    # The closed card says what was done, counts down to nothing and offers nothing to press or fill in.
    assert "What was done" in h.text_of(closed) and "✅ A newspaper answered by email" in h.text_of(closed)
    assert "Newspaper: send a written response" not in h.text_of(closed)
    assert "Today 17:00" in h.text_of(closed) and "(in " not in h.text_of(closed) and " ago)" not in h.text_of(closed)
    assert "Issued response (v1)" in h.text_of(closed)
    assert h.labels(closed) == [] and not [b for b in closed["blocks"] if b["type"] in ("actions", "input")]
    conformant(slack)


# --- 6. staff privacy ---------------------------------------------------------------------------------------------

PERSONAL = "If you need more, call Jo on 07911 123456 or jo.bloggs@gmail.com, 12 Acacia Avenue, CM1 1AA."


async def test_staff_personal_details_warn_before_sign_off_and_consent_overrides(slack: h.SlackHarness) -> None:
    ref = await drafted(slack, text=PERSONAL)
    before, messages = await recorded(slack, ref), snapshot(slack)
    warning = await ask_for_sign_off(slack)
    said = shown(warning)
    assert "consent" in said and "a phone number (07911 123456)" in said
    assert "a personal email address (jo.bloggs@gmail.com)" in said and "what looks like a home address" in said
    assert h.labels(warning) == ["Edit draft", "I have consent: send anyway"]
    assert check_block_kit(warning["blocks"]) == []
    await assert_nothing_changed(slack, ref, before, messages)
    assert slack.dms(h.DIRECTOR) == slack.dms(h.HEAD) == [] == slack.fake.calls_to("users.lookupByEmail")
    assert "request_sign_off" not in events(before[1])

    action_id, value, _ = h.find_action(warning, "I have consent: send anyway")
    replies = len(h.ephemerals(slack, h.COMMS_A))
    await slack.send(*slack.requests.block_action(h.COMMS_A[0], action_id, value, channel_id=h.COMMS_CHANNEL,
                                                  is_ephemeral=True))
    assert "has gone for sign-off" in shown(await h.next_ephemeral(slack, h.COMMS_A, replies))
    dana = await next_card(slack, h.DIRECTOR, 0)
    await next_card(slack, h.HEAD, 0)
    assert "07911 123456" in h.text_of(dana) and h.labels(dana) == ["Approve", "Request changes", "Reject"]
    await card_says(slack, "Waiting for sign-off")
    _, history, _ = await recorded(slack, ref)
    asked = [entry for entry in history if entry.event == "request_sign_off"]
    assert len(asked) == 1 and asked[0].actor == "Casey Comms"
    overridden = asked[0].data["privacy_warning_overridden"]
    assert any("07911 123456" in item for item in overridden) and len(overridden) == 3
    conformant(slack)


async def test_a_draft_with_only_a_work_email_goes_straight_to_sign_off(slack: h.SlackHarness) -> None:
    ref = await drafted(slack, text="For more information contact the press office at press@example.nhs.uk.")
    reply = await ask_for_sign_off(slack)
    assert "has gone for sign-off" in shown(reply) and h.labels(reply) == []
    await next_card(slack, h.DIRECTOR, 0)
    _, history, _ = await recorded(slack, ref)
    assert next(entry for entry in history if entry.event == "request_sign_off").data["privacy_warning_overridden"] is None
    conformant(slack)


async def test_consent_given_for_one_version_does_not_cover_the_next(slack: h.SlackHarness) -> None:
    ref = await drafted(slack, text=PERSONAL)
    warning = await ask_for_sign_off(slack)
    assert "consent" in shown(warning)
    # The owner edits the draft instead: a different member of staff's mobile number is now in it.
    await write_draft(slack, h.COMMS_A, comms_card(slack), h.COMMS_CHANNEL, "Edit draft",
                      "Our matron Sam can be reached on 07700 900123 at home.")
    await card_says(slack, "Draft v2")
    # ...then presses the old "send anyway" from the warning about version 1.
    action_id, value, _ = h.find_action(warning, "I have consent: send anyway")
    replies = len(h.ephemerals(slack, h.COMMS_A))
    await slack.send(*slack.requests.block_action(h.COMMS_A[0], action_id, value, channel_id=h.COMMS_CHANNEL,
                                                  is_ephemeral=True))
    reply = shown(await h.next_ephemeral(slack, h.COMMS_A, replies))
    await slack.settle()
    assert "has gone for sign-off" not in reply, reply  # warned again about 07700 900123, or told it is stale
    assert cards_for(slack, h.DIRECTOR) == []
    enquiry, history, _ = await recorded(slack, ref)
    assert enquiry.state.value == "claimed" and "request_sign_off" not in events(history)


# --- re-asking without a new version ------------------------------------------------------------------------------


async def test_asking_again_without_editing_after_changes_never_leaves_a_dead_end(slack: h.SlackHarness) -> None:
    ref, dana, _ = await in_sign_off(slack)
    await decide_in_modal(slack, h.DIRECTOR, dana, "Request changes", {"comment": "Add the nurse numbers."})
    await dm_saying(slack, h.COMMS_A, f"Changes requested: {ref}")
    card = await card_says(slack, "Changes requested")
    # The card offers Request sign-off straight away; the owner presses it without editing.
    reply = shown(await press(slack, h.COMMS_A, card, "Request sign-off", h.COMMS_CHANNEL))
    await slack.settle()
    enquiry, _, _ = await recorded(slack, ref)
    if enquiry.state.value == "changes_requested":
        assert "edit" in reply.lower(), reply  # refused, with the way forward
        return
    # Otherwise it went back to the approvers, and they must be able to approve it.
    assert enquiry.state.value == "awaiting_sign_off"
    card = cards_for(slack, h.DIRECTOR)[-1]
    assert h.labels(card) == ["Approve", "Request changes", "Reject"], h.text_of(card)
    replies = len(h.ephemerals(slack, h.DIRECTOR))
    await slack.click(h.DIRECTOR, card, "Approve", channel=dm_channel(h.DIRECTOR))
    answer = shown(await h.next_ephemeral(slack, h.DIRECTOR, replies))
    # The same words go round again as version 2: nobody has decided on that version yet.
    assert f"You approved version 2 of {ref}" in answer, answer
    assert (await recorded(slack, ref))[0].state.value == "approved"


async def test_changes_to_the_terms_only_can_still_be_approved(slack: h.SlackHarness) -> None:
    """Dana asks for executive sign-off too; the words are fine, so the owner only ticks the flag."""
    ref, dana, _ = await in_sign_off(slack)
    await decide_in_modal(slack, h.DIRECTOR, dana, "Request changes", {"comment": "This needs Evan's sign-off too."})
    told = await dm_saying(slack, h.COMMS_A, f"Changes requested: {ref}")
    await write_draft(slack, h.COMMS_A, told, dm_channel(h.COMMS_A), "Edit draft", WORDING,
                      flags=["needs_executive"], executive=h.EXECUTIVE[1])
    await card_says(slack, "⏳ Executive")
    await ask_for_sign_off(slack)
    evan = await next_card(slack, h.EXECUTIVE, 0)
    await slack.click(h.EXECUTIVE, evan, "Approve", channel=dm_channel(h.EXECUTIVE))
    await card_says(slack, "✅ Executive: approved by Evan Exec")
    card = cards_for(slack, h.DIRECTOR)[-1]
    assert h.labels(card) == ["Approve", "Request changes", "Reject"], h.text_of(card)
    replies = len(h.ephemerals(slack, h.DIRECTOR))
    await slack.click(h.DIRECTOR, card, "Approve", channel=dm_channel(h.DIRECTOR))
    answer = shown(await h.next_ephemeral(slack, h.DIRECTOR, replies))
    assert "You approved version" in answer, answer
    await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    assert (await recorded(slack, ref))[0].state.value == "approved"


async def test_new_terms_after_approval_can_be_approved_again(slack: h.SlackHarness) -> None:
    """Approved, then the owner changes only the spokesperson (same words) and asks again."""
    ref, dana, _ = await in_sign_off(slack)
    await slack.click(h.DIRECTOR, dana, "Approve", channel=dm_channel(h.DIRECTOR))
    await dm_saying(slack, h.COMMS_A, f"Approved: {ref}")
    await card_says(slack, "Approved: ready to issue")
    await write_draft(slack, h.COMMS_A, comms_card(slack), h.COMMS_CHANNEL, "Edit draft", WORDING,
                      spokesperson=h.DIRECTOR[1])
    await card_says(slack, "Claimed by Casey Comms")
    assert "has gone for sign-off" in shown(await ask_for_sign_off(slack))
    card = cards_for(slack, h.DIRECTOR)[-1]
    if h.labels(card):  # asked again: the approval must count
        replies = len(h.ephemerals(slack, h.DIRECTOR))
        await slack.click(h.DIRECTOR, card, "Approve", channel=dm_channel(h.DIRECTOR))
        answer = shown(await h.next_ephemeral(slack, h.DIRECTOR, replies))
        assert "You approved version 2" in answer, answer  # same words, a new sign-off round
    await slack.settle()
    assert (await recorded(slack, ref))[0].state.value == "approved"
