"""/press-release (Appendices D and E) through signed HTTP as Slack sends it: a proactive release through every
stage to issued (one amendment round, two partners, two people quoted, an embargo the Director overrides), a
reactive request where comms decide "statement only", a late change after the project lead's sign-off, and every
refusal leaving nothing changed and nothing recorded. Every message conforms to Block Kit; every neutral card the
bot queued renders as a valid Adaptive Card for Teams.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.domain.nudges import NudgeKind
from bot.domain.press_release import PressState
from cards.model import ActionPayload, Card
from cards.teams import render_card
from storage.db import open_database
from storage.models import OutboxRow
from storage.uow import SqlUnitOfWork
from tests.adaptive import validate_adaptive_card
from tests.fakes.slack_api import FakeSlackApi
from tests.slack import harness as h
from tests.slack.crisis_steps import forged, replies

FRIDAY = "2026-11-27T14:05:00+00:00"  # Friday 27 November 2026, 14:05 London: office hours
DM = "D" + h.STAFF[0]
REF = "PR-2026-0001"
PARTNERS = "Essex County Council\nAnglia Ruskin University"
QUOTED = f"Evan Exec, {h.EXECUTIVE[1]}\nProfessor Pat External"
V1 = "The new Harlow community diagnostic centre opens on Monday, bringing scans closer to home."
V2 = "The new Harlow community diagnostic centre opens on Monday 7 December, bringing 40,000 scans closer to home."
LINK = "https://docs.example.nhs.uk/press/harlow-cdc"

Desk = Callable[..., Awaitable[h.SlackHarness]]


@pytest.fixture
async def desk(fake_slack: FakeSlackApi, database_url: str) -> AsyncIterator[Desk]:
    async with h.desks(fake_slack, database_url) as start:  # only `later` ticks
        yield lambda when=FRIDAY: start(when)


# --- what people see ----------------------------------------------------------------------------------------------

def channel(slack: h.SlackHarness) -> list[dict]:
    return slack.fake.messages_in(h.COMMS_CHANNEL)


def release_cards(slack: h.SlackHarness, ref: str = REF) -> list[dict]:
    return [m for m in channel(slack) if m.get("text", "").startswith((f"📰 Press release {ref}:",
                                                                        f"📰 Statement {ref}:"))]


def card(slack: h.SlackHarness, ref: str = REF) -> dict:
    return h.only(release_cards(slack, ref))


async def card_says(slack: h.SlackHarness, *words: str, ref: str = REF) -> dict:
    return await h.the_card_saying(slack, lambda: release_cards(slack, ref), *words, what="the press release card")


async def dm_with(slack: h.SlackHarness, who: tuple, *words: str, button: str | None = None) -> dict:
    """The newest DM to `who` saying all `words` (and offering `button`)."""
    def find() -> dict | None:
        found = [m for m in slack.dms(who) if all(w in h.text_of(m) for w in words)
                 and (button is None or button in h.labels(m))]
        return found[-1] if found else None
    found = await h.eventually(find, f"a DM to {who[2]} saying {words!r} with {button!r}")
    await slack.settle()
    return copy.deepcopy(found)


async def told(slack: h.SlackHarness, who: tuple, words: str) -> str:
    found = await h.eventually(lambda: [r for r in replies(slack, who) if words in r],
                               f"{who[2]} to be told {words!r}")
    return found[-1]


async def recorded(slack: h.SlackHarness, ref: str = REF) -> tuple[Any, list, list, list]:
    db = open_database(slack.database_url)
    try:
        async with SqlUnitOfWork(db) as uow:
            return (await uow.press_releases.get(ref), await uow.history.for_case(ref),
                    await uow.drafts.sign_offs(ref), await uow.nudges.all_for(ref))
    finally:
        await db.dispose()


async def events(slack: h.SlackHarness, ref: str = REF) -> list[str]:
    return [entry.event for entry in (await recorded(slack, ref))[1]]


async def queued_cards(slack: h.SlackHarness) -> list[dict]:
    from sqlalchemy import select

    db = open_database(slack.database_url)
    try:
        async with db.sessions() as s:
            return [dict(c) for c in (await s.execute(select(OutboxRow.card))).scalars()]
    finally:
        await db.dispose()


async def assert_teams_renders_every_card(slack: h.SlackHarness) -> None:
    cards = await queued_cards(slack)
    assert cards
    for data in cards:
        rendered = render_card(Card.from_json(data))
        assert validate_adaptive_card(rendered) == [], (data.get("title"), validate_adaptive_card(rendered))


# --- what people do -----------------------------------------------------------------------------------------------

async def click(slack: h.SlackHarness, who: tuple, message: dict, label: str, where: str) -> None:
    status, body = await slack.click(who, message, label, channel=where)
    assert status == 200, body
    await slack.settle()


async def modal(slack: h.SlackHarness, who: tuple, message: dict, label: str, where: str, values: dict) -> dict:
    """Press `label`, fill in the form it opens with `values`, send it. Returns the view."""
    view, status, body = await h.fill_modal(slack, who, lambda: slack.click(who, message, label, channel=where), values)
    assert status == 200 and body in ("", "{}"), body
    await slack.settle()
    return view


async def ask_for_release(slack: h.SlackHarness, *, embargo: str | None = "Thursday 10am") -> dict:
    """Sam asks for a proactive release through the DM conversation. Returns the comms card."""
    status, body = await slack.command(h.STAFF, "", command="/press-release")
    assert status == 200 and "don't agree a release with anyone outside" in body
    first = await slack.next_dm(h.STAFF, 0)
    assert "Are we making news" in h.text_of(first)
    assert "All press releases are written by the communications team" in h.text_of(first)  # guidance up front
    await slack.click(h.STAFF, first, "We are making news (proactive)", channel=DM)
    await dm_with(slack, h.STAFF, "Which project")
    await slack.say(h.STAFF, "Harlow community diagnostic centre")
    q = await dm_with(slack, h.STAFF, "What is happening")
    assert "as much background context" in h.text_of(q)
    await slack.say(h.STAFF, "The centre opens on 7 December with CT, MRI and ultrasound.")
    await dm_with(slack, h.STAFF, "What are the key messages")
    await slack.say(h.STAFF, "Care closer to home; shorter waits")
    await dm_with(slack, h.STAFF, "Who might be quoted")
    await slack.say(h.STAFF, "Evan Exec and Professor Pat External")
    q = await dm_with(slack, h.STAFF, "Which partners or third parties")
    assert "All contact with other organisations" in h.text_of(q)
    await slack.say(h.STAFF, "Essex County Council; Anglia Ruskin University")
    q = await dm_with(slack, h.STAFF, "When would you like it to go out")
    await slack.click(h.STAFF, q, "Skip", channel=DM)
    q = await dm_with(slack, h.STAFF, "Is there an embargo")
    if embargo:
        await slack.say(h.STAFF, embargo)
    else:
        await slack.click(h.STAFF, q, "Skip", channel=DM)
    q = await dm_with(slack, h.STAFF, "Who is the project lead")
    await slack.click(h.STAFF, q, "Skip", channel=DM)
    review = await dm_with(slack, h.STAFF, "check and send")
    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    done = await dm_with(slack, h.STAFF, f"Sent to comms: {REF}")
    assert "one collated set" in h.text_of(done)
    return await card_says(slack, "Requested", "Claim")


async def claim_and_draft(slack: h.SlackHarness, *, quoted: str = QUOTED) -> dict:
    """Casey claims, records who is quoted, writes version 1 and sends it to the project lead."""
    await click(slack, h.COMMS_A, card(slack), "Claim", h.COMMS_CHANNEL)
    c = await card_says(slack, "Information gathering", "with Casey Comms", "due")
    await dm_with(slack, h.STAFF, "Casey Comms from the communications team has your request")
    await modal(slack, h.COMMS_A, c, "Release details…", h.COMMS_CHANNEL, {"quoted": quoted})
    c = await card_says(slack, "Evan Exec", "Professor Pat External")
    await click(slack, h.COMMS_A, c, "Information gathered: start drafting", h.COMMS_CHANNEL)
    c = await card_says(slack, "First draft")
    await modal(slack, h.COMMS_A, c, "Save a version…", h.COMMS_CHANNEL, {"text": V1, "link": LINK})
    c = await card_says(slack, "Draft version 1", LINK, "Send draft to the project lead")
    await click(slack, h.COMMS_A, c, "Send draft to the project lead", h.COMMS_CHANNEL)
    return await card_says(slack, "Comments and amends", "with sam.staff@example.nhs.uk")


async def one_amendment_round(slack: h.SlackHarness) -> None:
    """Sam asks Hugo to comment, Hugo sends his comments to Sam, Sam sends comms one collated set."""
    mine = await dm_with(slack, h.STAFF, "Your turn", button="Send amendments (one set)…")
    assert "one collated set" in h.text_of(mine) and V1 in h.text_of(mine)
    await modal(slack, h.STAFF, mine, "Ask my team to comment…", DM, {"emails": h.HOD[1]})
    hugo = await dm_with(slack, h.HOD, REF, button="Send my comments to sam.staff@example.nhs.uk")
    await modal(slack, h.HOD, hugo, "Send my comments to sam.staff@example.nhs.uk", "D" + h.HOD[0],
                {"comment": "Say the centre is open 8am to 8pm."})
    await dm_with(slack, h.STAFF, "Hugo Hod sent you comments")
    await told(slack, h.HOD, "who will send comms one collated set")
    mine = await dm_with(slack, h.STAFF, "Comments from your team", "8am to 8pm", button="Send amendments (one set)…")
    view = await modal(slack, h.STAFF, mine, "Send amendments (one set)…", DM, {})  # the team's comments, prefilled
    assert "8am to 8pm" in str(view)
    await dm_with(slack, h.COMMS_A, "sent the collated amendments")
    await card_says(slack, "Amended draft", "Amendments from Sam Staff", "8am to 8pm")


async def to_sign_off(slack: h.SlackHarness) -> dict:
    """Claim, details, first draft, one amendment round, amended draft, final comments with no changes."""
    await claim_and_draft(slack)
    await one_amendment_round(slack)
    c = card(slack)
    await modal(slack, h.COMMS_A, c, "Save a version…", h.COMMS_CHANNEL, {"text": V2, "link": LINK,
                                                                     "note": "Opening hours added"})
    c = await card_says(slack, "Draft version 2", "Send amended draft to the project lead")
    await click(slack, h.COMMS_A, c, "Send amended draft to the project lead", h.COMMS_CHANNEL)
    await card_says(slack, "Final comments")
    final = await dm_with(slack, h.STAFF, "last time changes can be made", button="No changes")
    await click(slack, h.STAFF, final, "No changes", DM)
    return await card_says(slack, "External sign-off", "Record sign-off: Essex County Council")


async def through_sign_offs(slack: h.SlackHarness) -> dict:
    """Both partners (recorded by comms), the project lead, both people quoted, then the Director."""
    c = card(slack)
    await modal(slack, h.COMMS_A, c, "Record sign-off: Essex County Council", h.COMMS_CHANNEL,
                {"who": "Jo Bloggs, ECC comms"})
    c = await card_says(slack, "✅ Essex County Council")
    await modal(slack, h.COMMS_A, c, "Record sign-off: Anglia Ruskin University", h.COMMS_CHANNEL,
                {"who": "Ali Khan, ARU press office"})
    await card_says(slack, "Project lead sign-off")
    lead = await dm_with(slack, h.STAFF, "Your sign-off is needed", button="Sign off")
    assert "no more amends" in h.text_of(lead)
    await click(slack, h.STAFF, lead, "Sign off", DM)
    c = await card_says(slack, "Quote approval", "Record sign-off: Quote: Professor Pat External")
    evan = await dm_with(slack, h.EXECUTIVE, "Your sign-off is needed", button="Approve my quote")
    await click(slack, h.EXECUTIVE, evan, "Approve my quote", "D" + h.EXECUTIVE[0])
    c = await card_says(slack, "✅ Quote: Evan Exec")
    await modal(slack, h.COMMS_A, c, "Record sign-off: Quote: Professor Pat External", h.COMMS_CHANNEL,
                {"who": "Prof Pat External, by email"})
    await card_says(slack, "Final sign-off", "with Dana Director, Harper Head")
    dana = await dm_with(slack, h.DIRECTOR, "Your sign-off is needed", button="Sign off")
    await click(slack, h.DIRECTOR, dana, "Sign off", "D" + h.DIRECTOR[0])
    return await card_says(slack, "Ready to issue", "Mark as issued…")


# =================================================================================================================
# The proactive story: every stage to issued
# =================================================================================================================

async def test_a_proactive_release_goes_through_every_stage_to_issued(desk: Desk) -> None:
    slack = await desk()
    c = await ask_for_release(slack)
    assert "EMBARGOED until Thursday 3 Dec, 10:00" in h.text_of(c)  # the embargo, shown from the start
    assert "Essex County Council, Anglia Ruskin University" in h.text_of(c)
    assert h.labels(c) == ["Claim", "Stop this release"]

    await to_sign_off(slack)
    await through_sign_offs(slack)
    await dm_with(slack, h.COMMS_A, "signed off by the Director of Communications: ready to issue")

    # Before the embargo, "issued" is refused: nothing changes, nothing is recorded.
    before = await events(slack)
    await click(slack, h.COMMS_A, card(slack), "Mark as issued…", h.COMMS_CHANNEL)
    await told(slack, h.COMMS_A, "can't be marked as issued before then")
    assert await events(slack) == before and (await recorded(slack))[0].state is PressState.READY

    # The Director overrides the embargo (recorded); then comms issue it.
    dana = await dm_with(slack, h.DIRECTOR, "embargoed", button="Override the embargo…")
    await modal(slack, h.DIRECTOR, dana, "Override the embargo…", "D" + h.DIRECTOR[0],
                {"reason": "The opening was brought forward by NHS England."})
    c = await card_says(slack, "allowed it to go out earlier")
    await modal(slack, h.COMMS_A, c, "Mark as issued…", h.COMMS_CHANNEL, {"channels": ["media", "website"]})
    c = await card_says(slack, "Issued: coverage follow-up", "Media distribution list, ICB website")
    await dm_with(slack, h.STAFF, f"{REF} has been issued")
    await modal(slack, h.COMMS_A, c, "Log coverage…", h.COMMS_CHANNEL,
                {"link": "https://www.bbc.co.uk/news/harlow-cdc", "outlet": "BBC Essex"})
    c = await card_says(slack, "BBC Essex: https://www.bbc.co.uk/news/harlow-cdc")
    await click(slack, h.COMMS_A, c, "Close", h.COMMS_CHANNEL)
    final = await card_says(slack, "Closed")
    assert h.labels(final) == [] and len(release_cards(slack)) == 1  # one card, updated in place

    pr, history, sign_offs, nudges = await recorded(slack)
    assert pr.state is PressState.CLOSED and pr.owner.name == "Casey Comms"
    assert pr.issued["before_embargo_by_override"] is True and pr.embargo_override["by"] == "Dana Director"
    assert [entry.event for entry in history] == [
        "requested", "claim", "details", "gathered", "save_draft", "send_draft", "invite_team", "team_comment",
        "send_amends", "save_draft", "send_amended", "no_amends", "approve", "approve_last", "approve_last",
        "approve", "approve_last", "approve_last", "lift_embargo", "issue", "log_coverage", "close"]
    assert {(s.slot.value, s.version, s.by) for s in sign_offs} == {
        ("pr_partner_1", 2, "Casey Comms"), ("pr_partner_2", 2, "Casey Comms"), ("pr_lead", 2, "Sam Staff"),
        ("pr_quote_1", 2, "Evan Exec"), ("pr_quote_2", 2, "Casey Comms"), ("pr_director", 2, "Dana Director")}
    assert not [n for n in nudges if n.status == "pending"]
    h.assert_all_conformant(slack)
    await assert_teams_renders_every_card(slack)


# =================================================================================================================
# Reactive: comms decide "statement only"
# =================================================================================================================

async def test_a_reactive_request_where_comms_decide_a_statement_only(desk: Desk) -> None:
    slack = await desk()
    await slack.command(h.STAFF, "", command="/press-release")
    first = await dm_with(slack, h.STAFF, "Are we making news")
    await slack.click(h.STAFF, first, "Reacting to news (reactive)", channel=DM)  # the reactive questions follow
    q = await dm_with(slack, h.STAFF, "What is on the news agenda")
    assert "question 2 of 7" in h.text_of(q)
    assert "Reacting to news (reactive)" not in h.labels(q)  # the kind is already answered
    await slack.say(h.STAFF, "A national report ranks our area last for GP access.")
    await dm_with(slack, h.STAFF, "Why does it matter to us")
    await slack.say(h.STAFF, "Local papers will ask what we are doing about it.")
    q = await dm_with(slack, h.STAFF, "How urgent is it")
    assert "time sensitive" in h.text_of(q)
    await slack.click(h.STAFF, q, "Today (within hours)", channel=DM)
    for words in ("Who could be quoted", "Which partners", "Who is the project lead"):
        q = await dm_with(slack, h.STAFF, words)
        await slack.click(h.STAFF, q, "Skip", channel=DM)
    review = await dm_with(slack, h.STAFF, "check and send")
    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    c = await card_says(slack, "Reactive (reacting to news)", "GP access", "Claim")

    await click(slack, h.COMMS_B, c, "Claim", h.COMMS_CHANNEL)
    c = await card_says(slack, "Comms deciding how to respond", "with Alex Press")
    view = await modal(slack, h.COMMS_B, c, "Decide how to respond…", h.COMMS_CHANNEL, {
        "outcome": "statement", "in_name_of": "Dana Director, Director of Communications",
        "executive": h.EXECUTIVE[1], "note": "A release would amplify the story"})
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
        "outcome", "in_name_of", "executive", "note"]
    c = await card_says(slack, "Statement PR-2026-0001", "A statement only, in the name of Dana Director",
                        "First draft")
    await dm_with(slack, h.STAFF, "Comms decided a statement only is needed")
    await modal(slack, h.COMMS_B, c, "Save a version…", h.COMMS_CHANNEL,
                {"text": "We know access to GP appointments matters. We are adding 20,000 appointments this winter."})
    c = await card_says(slack, "Send statement for sign-off")
    await click(slack, h.COMMS_B, c, "Send statement for sign-off", h.COMMS_CHANNEL)
    # No partners, no project-lead round for a statement, nobody quoted: straight to the Director and executive.
    await card_says(slack, "Final sign-off", "Executive (Evan Exec)")
    for who in (h.DIRECTOR, h.EXECUTIVE):
        mine = await dm_with(slack, who, "Your sign-off is needed", button="Sign off")
        await click(slack, who, mine, "Sign off", "D" + who[0])
    c = await card_says(slack, "Ready to issue")
    await modal(slack, h.COMMS_B, c, "Mark as issued…", h.COMMS_CHANNEL, {"channels": ["media"]})
    await card_says(slack, "Issued: coverage follow-up")

    pr, history, sign_offs, _ = await recorded(slack)
    assert pr.outcome.value == "statement" and pr.in_name_of.startswith("Dana Director")
    assert [entry.event for entry in history] == ["requested", "claim_reactive", "decide_statement", "save_draft",
                                                  "send_statement", "skip", "approve", "approve_last", "issue"]
    assert {s.slot.value for s in sign_offs} == {"pr_director", "pr_exec"}
    h.assert_all_conformant(slack)
    await assert_teams_renders_every_card(slack)


async def test_comms_can_decide_no_response_is_needed(desk: Desk) -> None:
    slack = await desk()
    await slack.command(h.STAFF, "reactive form", command="/press-release")
    [call] = await slack.fake.wait_for("views.open", count=1)
    inputs = [b for b in call.args["view"]["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs][:3] == ["kind", "news", "why"]
    status, body = await h.submit_modal(slack, h.STAFF, 1, {"kind": "reactive", "news": "A story about parking",
                                                            "why": "Not really about us", "urgency": "week"})
    assert status == 200 and body in ("", "{}"), body
    c = await card_says(slack, "parking", "Claim")
    await click(slack, h.COMMS_A, c, "Claim", h.COMMS_CHANNEL)
    c = await card_says(slack, "Comms deciding")
    await modal(slack, h.COMMS_A, c, "Decide how to respond…", h.COMMS_CHANNEL, {"outcome": "nothing"})
    c = await card_says(slack, "Closed", "No response needed")
    assert h.labels(c) == []
    await dm_with(slack, h.STAFF, "no release or statement is needed")


# =================================================================================================================
# A late change after the project lead's sign-off
# =================================================================================================================

async def test_a_late_change_after_the_project_leads_sign_off_goes_back_and_clears_later_sign_offs(
        desk: Desk) -> None:
    slack = await desk()
    await ask_for_release(slack, embargo=None)
    await to_sign_off(slack)
    c = card(slack)
    await modal(slack, h.COMMS_A, c, "Record sign-off: Essex County Council", h.COMMS_CHANNEL, {"who": "Jo, ECC"})
    c = await card_says(slack, "✅ Essex County Council")
    await modal(slack, h.COMMS_A, c, "Record sign-off: Anglia Ruskin University", h.COMMS_CHANNEL, {"who": "Ali, ARU"})
    lead = await dm_with(slack, h.STAFF, "Your sign-off is needed", button="Sign off")
    await click(slack, h.STAFF, lead, "Sign off", DM)
    await card_says(slack, "Quote approval")
    evan = await dm_with(slack, h.EXECUTIVE, "Your sign-off is needed", button="Approve my quote")
    await click(slack, h.EXECUTIVE, evan, "Approve my quote", "D" + h.EXECUTIVE[0])
    c = await card_says(slack, "✅ Quote: Evan Exec")

    # The late change: a new version after the lead signed off.
    await modal(slack, h.COMMS_A, c, "Late change…", h.COMMS_CHANNEL,
                {"text": V2 + " Parking is free.", "link": LINK, "note": "Parking added at the council's request"})
    c = await card_says(slack, "Late change: version 3 replaced version 2 at the quote approval stage",
                        "no longer count", "External sign-off", "⏳ Essex County Council")
    for cleared in ("Essex County Council", "Anglia Ruskin University", "Project lead", "Quote: Evan Exec"):
        assert cleared in h.text_of(c)
    assert "✅" not in h.text_of(c)
    await told(slack, h.COMMS_A, "the earlier sign-offs no longer count")

    # Evan's old card no longer offers approval; his old button is refused and counts for nothing.
    before = await events(slack)
    reply = await forged(slack, h.EXECUTIVE, ActionPayload.decode(_button_value(evan, "Approve my quote")),
                         "D" + h.EXECUTIVE[0])
    assert "earlier version" in h.text_of(reply) or "not waiting" in h.text_of(reply), h.text_of(reply)
    assert await events(slack) == before

    pr, history, sign_offs, _ = await recorded(slack)
    assert pr.state is PressState.EXTERNAL_SIGN_OFF
    revise = [entry for entry in history if entry.event == "revise"][0]
    assert revise.data["replaced"] == 2 and revise.data["version"] == 3 and revise.data["from_stage"] == \
        "quote_approval"
    assert set(revise.data["cleared"]) >= {"Essex County Council", "Anglia Ruskin University", "Quote: Evan Exec"}
    assert not [s for s in sign_offs if s.version == 3]
    h.assert_all_conformant(slack)


def _button_value(message: dict, label: str) -> str:
    from tests.slack.harness import find_action

    return find_action(message, label)[1]


# =================================================================================================================
# Refused and harmless
# =================================================================================================================

async def refused(slack: h.SlackHarness, who: tuple, payload: ActionPayload, where: str, words: str) -> None:
    """A click that must be refused: the reply says why; no history, no state change, no new messages."""
    before_events = await events(slack)
    before_state = (await recorded(slack))[0].state
    before_posts = len(slack.fake.calls_to("chat.postMessage"))
    reply = await forged(slack, who, payload, where)
    assert words in h.text_of(reply), h.text_of(reply)
    await slack.settle()
    assert await events(slack) == before_events
    assert (await recorded(slack))[0].state is before_state
    assert len(slack.fake.calls_to("chat.postMessage")) == before_posts


def pay(action: str, x: str | None = None, v: int | None = None) -> ActionPayload:
    return ActionPayload(a=action, k="press", id=REF, x=x, v=v)


async def test_refusals_leave_nothing_changed_and_nothing_recorded(desk: Desk) -> None:
    slack = await desk()
    await ask_for_release(slack)
    # Only comms claim.
    await refused(slack, h.STAFF, pay("claim"), h.COMMS_CHANNEL, "Only the communications team can claim")
    await claim_and_draft(slack)
    await one_amendment_round(slack)

    # A second set of amendments, by a team member (not the project lead): refused.
    await refused(slack, h.HOD, pay("amends"), "D" + h.HOD[0], "Only the project lead")
    await refused(slack, h.HOD, pay("no_amends"), "D" + h.HOD[0], "Only the project lead")
    # ... and a second set by the project lead in the same round: refused too.
    await refused(slack, h.STAFF, pay("amends"), DM, "already sent this round's collated amendments")
    await refused(slack, h.STAFF, pay("no_amends"), DM, "already sent this round's collated amendments")
    # Someone never asked to comment can't send comments to the lead either.
    await refused(slack, h.OUTSIDER, pay("comment"), "D" + h.OUTSIDER[0], "Only the team members")

    c = card(slack)
    await modal(slack, h.COMMS_A, c, "Save a version…", h.COMMS_CHANNEL, {"text": V2})
    await click(slack, h.COMMS_A, await card_says(slack, "Draft version 2"), "Send amended draft to the project lead",
                h.COMMS_CHANNEL)
    final = await dm_with(slack, h.STAFF, "last time changes can be made", button="No changes")
    await click(slack, h.STAFF, final, "No changes", DM)
    c = await card_says(slack, "External sign-off")
    _, fp, v = _sign_x(c, "Record sign-off: Essex County Council")

    # A sign-off by the wrong person: a partner's sign-off is recorded by comms, not by the project lead...
    await refused(slack, h.STAFF, pay("record", f"pr_partner_1:{fp}", v), DM, "Only the communications team")
    # ... the project lead's sign-off is not comms' to give ...
    await refused(slack, h.COMMS_A, pay("approve", f"pr_lead:{fp}", v), h.COMMS_CHANNEL, "Only sam.staff")
    # ... nor the Director's by anyone else, nor a quote by someone other than the person quoted.
    await refused(slack, h.HEAD, pay("approve", f"pr_quote_1:{fp}", v), "D" + h.HEAD[0], "Only Evan Exec")
    await refused(slack, h.OUTSIDER, pay("approve", f"pr_director:{fp}", v), "D" + h.OUTSIDER[0],
                  "Only Dana Director or Harper Head")
    # The right person at the wrong stage: the Director can't sign before the partners and the lead.
    await refused(slack, h.DIRECTOR, pay("approve", f"pr_director:{fp}", v), "D" + h.DIRECTOR[0],
                  "not waiting for that sign-off")
    # Issuing before the Director's sign-off.
    await refused(slack, h.COMMS_A, pay("issue"), h.COMMS_CHANNEL, "needs every sign-off")
    # Only the Director may override an embargo.
    await refused(slack, h.COMMS_A, pay("embargo"), h.COMMS_CHANNEL, "Only the Director of Communications")

    for partner in ("Essex County Council", "Anglia Ruskin University"):
        await modal(slack, h.COMMS_A, card(slack), f"Record sign-off: {partner}", h.COMMS_CHANNEL, {"who": "their comms"})
        await card_says(slack, f"✅ {partner}")
    lead = await dm_with(slack, h.STAFF, "Your sign-off is needed", button="Sign off")
    await click(slack, h.STAFF, lead, "Sign off", DM)
    await card_says(slack, "Quote approval")
    # A double-click on an approval counts once.
    await refused(slack, h.STAFF, ActionPayload.decode(_button_value(lead, "Sign off")), DM, "not waiting")
    evan = await dm_with(slack, h.EXECUTIVE, "Your sign-off is needed", button="Approve my quote")
    await click(slack, h.EXECUTIVE, evan, "Approve my quote", "D" + h.EXECUTIVE[0])
    c = await card_says(slack, "✅ Quote: Evan Exec")
    await modal(slack, h.COMMS_A, c, "Record sign-off: Quote: Professor Pat External", h.COMMS_CHANNEL,
                {"who": "by email"})
    await card_says(slack, "Final sign-off")
    await refused(slack, h.COMMS_A, pay("issue"), h.COMMS_CHANNEL, "needs every sign-off")
    dana = await dm_with(slack, h.DIRECTOR, "Your sign-off is needed", button="Sign off")
    await click(slack, h.DIRECTOR, dana, "Sign off", "D" + h.DIRECTOR[0])
    await card_says(slack, "Ready to issue")

    # Issuing before the embargo: refused; Harper (a delegate, not the Director) can't override it.
    await refused(slack, h.COMMS_A, pay("issue"), h.COMMS_CHANNEL, "embargoed until")
    await refused(slack, h.HEAD, pay("embargo"), "D" + h.HEAD[0], "Only the Director of Communications")
    # Once the embargo time has come, it can be issued without any override.
    slack.clock.advance(days=7)
    await modal(slack, h.COMMS_A, card(slack), "Mark as issued…", h.COMMS_CHANNEL, {"channels": ["media"]})
    c = await card_says(slack, "Issued", "lifted when issued")
    pr, history, _, _ = await recorded(slack)
    assert pr.issued["before_embargo_by_override"] is False and pr.embargo_override is None
    assert "lift_embargo" not in [entry.event for entry in history]
    h.assert_all_conformant(slack)


def _sign_x(message: dict, label: str) -> tuple[str, str, int]:
    payload = ActionPayload.decode(_button_value(message, label))
    assert payload is not None and payload.x and payload.v
    slot, _, fp = payload.x.rpartition(":")
    return slot, fp, payload.v


# =================================================================================================================
# Nudges chase the holder of the current stage
# =================================================================================================================

async def test_the_holder_of_the_current_stage_is_chased_when_it_falls_due(desk: Desk) -> None:
    slack = await desk()
    await ask_for_release(slack, embargo=None)
    await claim_and_draft(slack)
    _, _, _, nudges = await recorded(slack)
    pending = [n for n in nudges if n.status == "pending"]
    assert [(n.kind, n.data["state"]) for n in pending] == [(NudgeKind.PRESS_STAGE, "comments")]

    slack.clock.advance(days=1)
    assert await slack.tick() == 0  # not due yet (two days for comments)
    slack.clock.advance(days=3, hours=1)  # Tuesday 1 December, 15:05
    assert await slack.tick() == 1
    await slack.settle()
    chase = await dm_with(slack, h.STAFF, f"Press release waiting: {REF}")
    assert "comments and amends stage with sam.staff@example.nhs.uk" in h.text_of(chase)
    await card_says(slack, "overdue")
    _, history, _, nudges = await recorded(slack)
    assert history[-1].event == "chased"
    assert [n.data["state"] for n in nudges if n.status == "pending"] == ["comments"]  # and again tomorrow

    # The lead acts: the stage changes, the old chase stops and the new holder's stage is chased instead.
    mine = await dm_with(slack, h.STAFF, "Your turn", button="No changes")
    await click(slack, h.STAFF, mine, "No changes", DM)
    _, _, _, nudges = await recorded(slack)
    assert [n.data["state"] for n in nudges if n.status == "pending"] == ["external_sign_off"]
