"""/crisis in depth, through signed HTTP as Slack sends it (Appendix C): out of hours with the on-call director,
the ways in (prefilled, one-screen form, the DM form finished with or without "alert now"), the holding-line
library, a lead agency's sign-off, every click that must be refused (and leave no trace), the timeline, the
tighter crisis nudges, and Block Kit conformance with user text escaped.

Time is a FrozenClock; the scheduler's own nudge tick is parked so that `later` decides what is sent when.
"""

from __future__ import annotations

import asyncio
import copy
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest

from bot.app.config import OnCallSection, OrgConfig
from bot.domain.crisis import CrisisState
from bot.domain.nudges import NudgeKind
from cards.model import ActionPayload
from cards.text import escape_mrkdwn
from storage.db import open_database
from storage.uow import SqlUnitOfWork
from tests.conformance import check_block_kit, check_view
from tests.fakes.slack_api import FakeSlackApi
from tests.slack import harness as h
from tests.slack.crisis_steps import forged, replies

FRIDAY = "2026-11-27T14:05:00+00:00"  # Friday 27 November 2026, 14:05 London (GMT): office hours
SATURDAY_NIGHT = "2026-11-28T21:00:00+00:00"  # Saturday 28 November 2026, 21:00 London (GMT): out of hours

# The on-call rota: alternate weeks from Monday 23 November 2026 08:00 (London). Oona has the week of the 23rd.
ON_CALL = ("U_OONA", "oona.oncall@example.nhs.uk", "Oona Oncall")
ON_CALL_NEXT = ("U_PIP", "pip.oncall@example.nhs.uk", "Pip Oncall")
ROTA_START = datetime(2026, 11, 23, 8, 0)

DM = "D" + h.STAFF[0]
REF = "CR-2026-0001"
ALERT = "🚨 Alert comms now"
WHAT = "A patient fell from a trolley in the Basildon A&E corridor; a visitor is filming."
LINE = "We are aware of an incident at Basildon Hospital and are supporting the patient and their family."
LINE_V2 = "We are aware of an incident at Basildon Hospital. The patient is receiving care; we are reviewing it."
LIBRARY_TITLE = "Incident under review"
LIBRARY_TEXT = "We are aware of an incident and are reviewing what happened. Our thoughts are with those affected."


# --- the desk -----------------------------------------------------------------------------------------------------

def on_call_org() -> OrgConfig:
    base = h.org_config()
    people = base.people.model_copy(update={
        "on_call_directors": [ON_CALL[1], ON_CALL_NEXT[1]],
        "names": {**base.people.names, **{who[1]: who[2] for who in (ON_CALL, ON_CALL_NEXT)}},
    })
    on_call = OnCallSection(rotation=[ON_CALL[1], ON_CALL_NEXT[1]], rotation_start=ROTA_START)
    return base.model_copy(update={"people": people, "on_call": on_call})


Desk = Callable[..., Awaitable[h.SlackHarness]]


@pytest.fixture
async def desk(fake_slack: FakeSlackApi, database_url: str) -> AsyncIterator[Desk]:
    """Start the bot at a given instant (over SQLite and PostgreSQL); `on_call=True` configures the rota above."""
    fake_slack.add_people(ON_CALL, ON_CALL_NEXT)
    async with h.desks(fake_slack, database_url) as start:  # only `later` ticks
        yield lambda when=FRIDAY, *, on_call=False: start(when, on_call_org() if on_call else None)


# --- waiting without sleeping for long ----------------------------------------------------------------------------

async def later(slack: h.SlackHarness, **delta: float) -> int:
    """Move the clock on, run one nudge tick, deliver."""
    slack.clock.advance(**delta)
    sent = await slack.tick()
    await slack.settle()
    return sent


# --- what people see ----------------------------------------------------------------------------------------------

def channel(slack: h.SlackHarness) -> list[dict]:
    return slack.fake.messages_in(h.COMMS_CHANNEL)


def crisis_cards(slack: h.SlackHarness, ref: str = REF) -> list[dict]:
    """The crisis card(s) in the comms channel (not reminders or the official line)."""
    return [m for m in channel(slack) if m.get("text", "").removeprefix("<!channel> ").startswith(f"🚨 Crisis {ref}:")]


def card(slack: h.SlackHarness, ref: str = REF) -> dict:
    return h.only(crisis_cards(slack, ref))


async def card_says(slack: h.SlackHarness, *words: str, ref: str = REF) -> dict:
    return await h.the_card_saying(slack, lambda: crisis_cards(slack, ref), *words, what="the crisis card")


def saying(messages: list[dict], *words: str) -> list[dict]:
    return [m for m in messages if all(w in h.text_of(m) for w in words)]


async def reply_saying(slack: h.SlackHarness, who: tuple, words: str) -> str:
    """A private reply containing `words` (as typed, or as Slack shows typed text: escaped)."""
    shown = words.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    found = await h.eventually(lambda: [r for r in replies(slack, who) if words in r or shown in r],
                               f"{who[2]} to be told {words!r}")
    return found[-1]


def alerts_to(slack: h.SlackHarness, who: tuple, ref: str = REF) -> list[dict]:
    return saying(slack.dms(who), f"Crisis alert {ref}")


def chases_for_lead(slack: h.SlackHarness, ref: str = REF) -> list[dict]:
    return saying(channel(slack), f"Crisis needs a lead: {ref}")


def lead_chases_to(slack: h.SlackHarness, who: tuple, ref: str = REF) -> list[dict]:
    return saying(slack.dms(who), f"Crisis needs a lead: {ref}")


def sign_off_chases(slack: h.SlackHarness, who: tuple, ref: str = REF) -> list[dict]:
    return saying(slack.dms(who), f"Holding line waiting: {ref}")


def approval_cards(slack: h.SlackHarness, who: tuple, ref: str = REF) -> list[dict]:
    return saying(slack.dms(who), f"Holding line: {ref}", "fingerprint")


async def approval_card(slack: h.SlackHarness, who: tuple, version: int, ref: str = REF) -> dict:
    """`who`'s approval card for this version, as first delivered (with its buttons)."""
    def find() -> dict | None:
        found = [m for m in approval_cards(slack, who, ref) if f"Version {version}," in h.text_of(m)
                 and "Approve" in h.labels(m)]
        return found[-1] if found else None
    return copy.deepcopy(await h.eventually(find, f"{who[2]}'s approval card for v{version}"))


# --- what is recorded ---------------------------------------------------------------------------------------------

async def recorded(slack: h.SlackHarness, ref: str = REF) -> tuple[Any, list, list, list]:
    """(crisis, history, drafts' sign-offs, nudges) as stored."""
    db = open_database(slack.database_url)
    try:
        async with SqlUnitOfWork(db) as uow:
            return (await uow.crises.get(ref), await uow.history.for_case(ref), await uow.drafts.sign_offs(ref),
                    await uow.nudges.all_for(ref))
    finally:
        await db.dispose()


async def events(slack: h.SlackHarness, ref: str = REF) -> list[str]:
    return [entry.event for entry in (await recorded(slack, ref))[1]]


async def library_lines(slack: h.SlackHarness) -> list:
    db = open_database(slack.database_url)
    try:
        async with SqlUnitOfWork(db) as uow:
            return await uow.holding_lines.active()
    finally:
        await db.dispose()


def snapshot(slack: h.SlackHarness) -> dict:
    """Every message in every conversation as it stands now."""
    return copy.deepcopy(slack.fake._messages)


# --- what people do -----------------------------------------------------------------------------------------------

async def raise_alert(slack: h.SlackHarness, what: str = WHAT) -> dict:
    """/crisis with what happened, then "Alert comms now" on the first DM. Returns the crisis card."""
    before = len(slack.dms(h.STAFF))
    status, _ = await slack.command(h.STAFF, what, command="/crisis")
    assert status == 200
    first = await slack.next_dm(h.STAFF, before)
    await slack.click(h.STAFF, first, ALERT, channel=DM)
    await slack.dm_saying(h.STAFF, "Comms have been alerted")
    return await card_says(slack, "waiting for a comms lead")


async def take_lead(slack: h.SlackHarness, who: tuple = h.COMMS_A) -> dict:
    await slack.click(who, card(slack), "I'll lead this", channel=h.COMMS_CHANNEL)
    return await card_says(slack, f"lead {who[2]}")


async def press(slack: h.SlackHarness, who: tuple, message: dict, label: str, where: str) -> dict:
    """Press a button that answers privately; return the ephemeral reply."""
    before = len(h.ephemerals(slack, who))
    status, _ = await slack.click(who, message, label, channel=where)
    assert status == 200
    return await h.next_ephemeral(slack, who, before)


async def draft_line(slack: h.SlackHarness, who: tuple, text: str, label: str | None = None,
                     message: dict | None = None, where: str = h.COMMS_CHANNEL) -> dict:
    """Press "Draft holding line" (or `label`) on the crisis card and send the line for sign-off."""
    message = message or card(slack)
    label = label or next(lab for lab in h.labels(message) if lab in ("Draft holding line", "New version of the line"))
    replied = len(replies(slack, who))
    _, status, body = await h.fill_modal(slack, who, lambda: slack.click(who, message, label, channel=where),
                                         {"text": text, "head_of_department": h.HOD[1]})
    assert status == 200 and body in ("", "{}"), body
    await h.eventually(lambda: len(replies(slack, who)) > replied, "the line to be saved")
    await slack.settle()
    return copy.deepcopy(card(slack))


async def alerted_and_reported(slack: h.SlackHarness) -> dict:
    """The card went to the comms channel with @channel, the Director and the delegate were alerted, and the
    reporter was told it is reported, with the guidance for the end. Returns that last DM."""
    [post] = [c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == h.COMMS_CHANNEL]
    assert post.args["text"].startswith("<!channel> ")
    await slack.dm_saying(h.DIRECTOR, f"Crisis alert {REF}")
    await slack.dm_saying(h.HEAD, f"Crisis alert {REF}")
    done = await slack.dm_saying(h.STAFF, f"Reported: {REF}")
    assert "Don't comment until a formal line has been approved" in h.text_of(done)
    return done


async def fill_in_the_rest(slack: h.SlackHarness, *, harm: str = "Patients harmed") -> dict:
    """Answer every question after "what happened" in the DM, then review. Returns the review card."""
    async def latest_question(words: str) -> dict:
        return copy.deepcopy(await slack.dm_saying(h.STAFF, words))

    await h.answer_asked(slack, h.STAFF, ("How did you become aware", h.Press("A member of the public contacted me")),
                         ("Where and when did it happen", "Basildon A&E corridor, about 20:40"),
                         ("Who is affected", "One patient, an older man, and his daughter"))
    q = await latest_question("Are patients or staff harmed")
    assert "reported to NHS England under PSIRF" in h.text_of(q) and "confidentiality" in h.text_of(q)
    await slack.click(h.STAFF, q, harm, channel=DM)
    await h.answer_asked(slack, h.STAFF, ("Are the media already aware", h.Press("Yes")),
                         ("What number can comms reach you on", "07911 123456"), ("When are you available", "All evening"),
                         ("Who should comms contact if they", "Jo Bloggs, ward manager"))
    return await latest_question("Check the details")


async def sign_off(slack: h.SlackHarness, version: int = 1) -> None:
    """The head of department and the Director approve `version`."""
    for who in (h.HOD, h.DIRECTOR):
        mine = await approval_card(slack, who, version)
        await slack.click(who, mine, "Approve", channel="D" + who[0])
        await h.eventually(lambda who=who: any("You approved" in r for r in replies(slack, who)),
                           f"{who[2]}'s approval")
    await card_says(slack, "Holding line signed off")


# =================================================================================================================
# Out of hours: the on-call director is alerted too, and the whole flow works
# =================================================================================================================

async def test_out_of_hours_the_on_call_director_is_alerted_and_the_whole_flow_works(desk: Desk) -> None:
    slack = await desk(SATURDAY_NIGHT, on_call=True)
    fake = slack.fake
    status, body = await slack.command(h.STAFF, "", command="/crisis")
    assert status == 200 and "Offer no comment or opinion" in body
    first = await slack.next_dm(h.STAFF, 0)
    assert "What has happened" in h.text_of(first)
    assert "Take as many details as you can" in h.text_of(first)  # the policy's guidance at the start
    assert ALERT not in h.labels(first)

    await slack.say(h.STAFF, WHAT)
    second = await slack.next_dm(h.STAFF, 1)
    assert h.labels(second)[0] == ALERT
    await slack.click(h.STAFF, second, ALERT, channel=DM)
    alert_card = await card_says(slack, "waiting for a comms lead")
    assert "Out of hours: on-call director Oona Oncall alerted" in h.text_of(alert_card)
    [post] = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == h.COMMS_CHANNEL]
    assert post.args["text"].startswith("<!channel> ")

    # The on-call director hears at once, as do the Director and the delegate; next week's on-call does not.
    oona = await slack.dm_saying(ON_CALL, f"Crisis alert {REF}")
    assert "You are the on-call director" in h.text_of(oona) and "filming" in h.text_of(oona)
    await slack.dm_saying(h.DIRECTOR, f"Crisis alert {REF}")
    await slack.dm_saying(h.HEAD, f"Crisis alert {REF}")
    await slack.settle()
    assert alerts_to(slack, ON_CALL_NEXT) == [] and alerts_to(slack, h.COMMS_A) == []
    assert [len(alerts_to(slack, who)) for who in (ON_CALL, h.DIRECTOR, h.HEAD)] == [1, 1, 1]
    crisis, history, _, _ = await recorded(slack)
    assert crisis.routing == {"out_of_hours": True, "on_call": ON_CALL[1]}
    assert [entry.event for entry in history] == ["reported"]

    # The reporter carries on; each answer updates the card in place; patient harm brings the PSIRF prompt.
    review = await fill_in_the_rest(slack)
    assert "Send to comms" in h.labels(review)
    updated = await card_says(slack, "07911 123456", "Jo Bloggs, ward manager", "PSIRF", "NHS England",
                              "A member of the public contacted me")
    assert len(crisis_cards(slack)) == 1 and "waiting for a comms lead" in h.text_of(updated)
    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    done = await slack.dm_saying(h.STAFF, f"Reported: {REF}")
    assert "Don't comment until a formal line has been approved" in h.text_of(done)  # the guidance at the end
    await slack.settle()
    assert len(crisis_cards(slack)) == 1

    # Five minutes without a lead: the channel, the Director, the delegate and the on-call director are chased.
    await later(slack, minutes=5)
    assert len(chases_for_lead(slack)) == 1
    for who in (h.DIRECTOR, h.HEAD, ON_CALL):
        assert len(lead_chases_to(slack, who)) == 1, who

    await take_lead(slack, h.COMMS_A)
    await slack.dm_saying(h.STAFF, "Casey Comms from the communications team is leading")
    await draft_line(slack, h.COMMS_A, LINE)
    await sign_off(slack)
    told = await slack.dm_saying(h.COMMS_A, "is signed off")
    await slack.click(h.COMMS_A, told, "Circulate the official line", channel="D" + h.COMMS_A[0])
    official = await slack.dm_saying(h.STAFF, "The official line to use")
    assert "supporting the patient and their family" in h.text_of(official)
    assert saying(channel(slack), "The official line to use", "supporting the patient")
    await slack.click(h.STAFF, official, "I have the official line", channel=DM)
    await card_says(slack, "Have the official line", "Sam Staff")
    await slack.click(h.COMMS_A, card(slack), "Stand down", channel=h.COMMS_CHANNEL)
    await slack.dm_saying(h.STAFF, f"stood {REF} down")
    final = await card_says(slack, "Stood down")
    assert h.labels(final) == []

    crisis, history, _, nudges = await recorded(slack)
    assert crisis.state is CrisisState.STOOD_DOWN and crisis.lead.name == "Casey Comms"
    assert [entry.event for entry in history if entry.event not in ("details",)] == [
        "reported", "acknowledge", "draft_line", "approve", "approve_last", "circulate", "confirm_line",
        "stand_down"]
    assert not [n for n in nudges if n.status == "pending"]
    h.assert_all_conformant(slack)


async def test_the_on_call_directors_alert_offers_no_button_that_refuses_them(desk: Desk) -> None:
    slack = await desk(SATURDAY_NIGHT, on_call=True)
    await raise_alert(slack)
    oona = copy.deepcopy(await slack.dm_saying(ON_CALL, f"Crisis alert {REF}"))
    for label in h.labels(oona):
        reply = await press(slack, ON_CALL, oona, label, "D" + ON_CALL[0])
        assert "Only the communications team" not in h.text_of(reply), (label, h.text_of(reply))


# =================================================================================================================
# The ways in
# =================================================================================================================

async def test_crisis_with_text_prefills_what_happened_so_the_alert_is_on_the_first_message(desk: Desk) -> None:
    slack = await desk()
    status, body = await slack.command(h.STAFF, WHAT, command="/crisis")
    assert status == 200 and "Offer no comment or opinion" in body
    [first] = await h.eventually(lambda: slack.dms(h.STAFF), "the first DM")
    assert h.labels(first)[0] == ALERT
    assert "How did you become aware" in h.text_of(first)  # "what happened" is already answered
    assert "Offer no comment or opinion to anyone" in h.text_of(first)
    assert channel(slack) == [] and (await recorded(slack))[0] is None  # nothing raised until asked

    await slack.click(h.STAFF, first, ALERT, channel=DM)
    alert_card = await card_says(slack, "waiting for a comms lead", "filming")
    assert "I'll lead this" in h.labels(alert_card)
    await slack.dm_saying(h.DIRECTOR, f"Crisis alert {REF}")
    await slack.dm_saying(h.HEAD, f"Crisis alert {REF}")
    carry_on = await slack.dm_saying(h.STAFF, f"Comms have been alerted ({REF})")
    assert ALERT not in h.labels(carry_on)

    # The old alert button is harmless: still one crisis, one card.
    reply = await press(slack, h.STAFF, first, ALERT, DM)
    assert "earlier question" in h.text_of(reply) or "already been alerted" in h.text_of(reply), h.text_of(reply)
    await slack.settle()
    assert len(crisis_cards(slack)) == 1 and len(alerts_to(slack, h.DIRECTOR)) == 1
    assert (await recorded(slack, "CR-2026-0002"))[0] is None
    h.assert_all_conformant(slack)


async def test_crisis_form_opens_a_modal_and_submitting_it_raises_the_alert(desk: Desk) -> None:
    slack = await desk()
    opened = len(slack.fake.calls_to("views.open")) + 1
    status, body = await slack.command(h.STAFF, "form", command="/crisis")
    assert status == 200 and body in ("", "{}"), body  # a quiet ack: the modal is the answer
    [call] = await slack.fake.wait_for("views.open", count=opened)
    view = call.args["view"]
    assert check_view(view) == []
    assert view["submit"]["text"] == "Send to comms"
    blocks = [b["block_id"] for b in view["blocks"] if b["type"] == "input"]
    assert blocks == ["what", "how", "where_when", "affected", "harm", "media_aware", "phone", "availability",
                      "colleague"]
    assert channel(slack) == []

    status, body = await h.submit_modal(slack, h.STAFF, opened, {
        "what": WHAT, "how": "incident", "harm": "both", "media_aware": "unknown", "phone": "07911 123456"})
    assert status == 200 and body in ("", "{}"), body
    alert_card = await card_says(slack, "waiting for a comms lead", "filming", "An incident happened",
                                 "Patients and staff harmed", "PSIRF", "07911 123456")
    await alerted_and_reported(slack)
    crisis, history, _, nudges = await recorded(slack)
    assert crisis.state is CrisisState.REPORTED and crisis.details["harm"] == "both" and crisis.patient_safety
    assert [entry.event for entry in history] == ["reported"]
    assert [(n.kind, n.status) for n in nudges] == [(NudgeKind.CRISIS_UNACKNOWLEDGED, "pending")]
    assert "I'll lead this" in h.labels(alert_card)
    h.assert_all_conformant(slack)


async def test_crisis_form_without_what_happened_is_refused_inline_and_raises_nothing(desk: Desk) -> None:
    slack = await desk()
    opened = len(slack.fake.calls_to("views.open")) + 1
    await slack.command(h.STAFF, "form", command="/crisis")
    status, body = await h.submit_modal(slack, h.STAFF, opened, {"what": "", "how": "incident"})
    assert status == 200
    assert json.loads(body)["response_action"] == "errors" and "what" in json.loads(body)["errors"]
    await slack.settle()
    assert channel(slack) == [] and (await recorded(slack))[0] is None


async def test_finishing_the_dm_form_without_alert_now_raises_the_alert_at_submit(desk: Desk) -> None:
    slack = await desk()
    await slack.command(h.STAFF, WHAT, command="/crisis")
    review = await fill_in_the_rest(slack, harm="Nobody harmed")
    for question in slack.dms(h.STAFF)[:-1]:
        assert h.labels(question)[0] == ALERT  # offered all the way through
    assert channel(slack) == [] and (await recorded(slack))[0] is None
    assert alerts_to(slack, h.DIRECTOR) == []

    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    alert_card = await card_says(slack, "waiting for a comms lead", "Jo Bloggs, ward manager", "Nobody harmed")
    assert "PSIRF" not in h.text_of(alert_card)
    done = await alerted_and_reported(slack)
    assert "Add an update" in h.labels(done)
    await slack.settle()
    assert len(crisis_cards(slack)) == 1 and len(alerts_to(slack, h.DIRECTOR)) == 1
    assert await events(slack) == ["reported"]
    h.assert_all_conformant(slack)


async def test_after_alert_now_finishing_the_form_updates_the_card_and_gives_the_end_guidance(desk: Desk) -> None:
    slack = await desk()
    await raise_alert(slack)
    [post] = [c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == h.COMMS_CHANNEL]
    ts = post.response["ts"]
    review = await fill_in_the_rest(slack)
    assert "Your number" in h.text_of(review) and "Your availability" in h.text_of(review)  # the reporter's own words
    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    done = await slack.dm_saying(h.STAFF, f"Reported: {REF}")
    assert "Don't comment until a formal line has been approved" in h.text_of(done)
    assert "Keep your phone with you" in h.text_of(done)
    updated = await card_says(slack, "Jo Bloggs, ward manager", "All evening", "07911 123456", "PSIRF")
    await slack.settle()
    # Comms read about the reporter, not in the reporter's own voice.
    for words in ("Reporter's number", "When they can be reached", "How they heard"):
        assert words in h.text_of(updated), words
    assert "Your number" not in h.text_of(updated) and "Your availability" not in h.text_of(updated)
    # Updated in place, never posted again; the Director was alerted once.
    assert [c.args["channel"] for c in slack.fake.calls_to("chat.postMessage")].count(h.COMMS_CHANNEL) == 1
    assert updated["ts"] == ts and len(crisis_cards(slack)) == 1
    assert {c.args["ts"] for c in slack.fake.calls_to("chat.update") if c.args["channel"] == h.COMMS_CHANNEL} == {ts}
    assert len(alerts_to(slack, h.DIRECTOR)) == 1 and len(alerts_to(slack, h.HEAD)) == 1
    history = await events(slack)
    assert history[0] == "reported" and set(history[1:]) == {"details"} and history.count("reported") == 1
    h.assert_all_conformant(slack)


# =================================================================================================================
# The library of holding lines
# =================================================================================================================

async def open_library(slack: h.SlackHarness, who: tuple) -> dict:
    """/crisis lines: returns the private reply (the library card, or a refusal)."""
    before = len(h.ephemerals(slack, who))
    status, body = await slack.command(who, "lines", command="/crisis", channel_id=h.COMMS_CHANNEL)
    assert status == 200 and body in ("", "{}"), body
    return await h.next_ephemeral(slack, who, before)


async def click_private(slack: h.SlackHarness, who: tuple, message: dict, label: str) -> tuple[int, str]:
    """Press a button (or pick an option) on an ephemeral message `who` was shown in the comms channel."""
    action_id, value, is_select = h.find_action(message, label)
    return await slack.send(*slack.requests.block_action(
        who[0], action_id, None if is_select else value, channel_id=h.COMMS_CHANNEL, is_ephemeral=True,
        selected_option_value=value if is_select else None))


async def add_to_library(slack: h.SlackHarness, who: tuple, title: str, text: str) -> None:
    library = await open_library(slack, who)
    _, status, body = await h.fill_modal(slack, who, lambda: click_private(slack, who, library, "Add a holding line"),
                                         {"title": title, "text": text})
    assert status == 200 and body in ("", "{}"), body
    await reply_saying(slack, who, f'Added "{title}" to the holding-line library')


async def test_a_holding_line_from_the_library_starts_the_draft_and_can_be_retired(desk: Desk) -> None:
    slack = await desk()
    library = await open_library(slack, h.COMMS_B)
    assert "The library is empty" in h.text_of(library) and h.labels(library) == ["Add a holding line"]
    await add_to_library(slack, h.COMMS_B, LIBRARY_TITLE, LIBRARY_TEXT)
    await add_to_library(slack, h.COMMS_B, "Service disruption", "Some services are disrupted; please check online.")
    library = await open_library(slack, h.COMMS_A)
    assert LIBRARY_TEXT in h.text_of(library) and LIBRARY_TITLE in h.labels(library)
    assert [line.title for line in await library_lines(slack)] == [LIBRARY_TITLE, "Service disruption"]

    await raise_alert(slack)
    assert "Start from a holding line…" not in h.text_of(card(slack))  # nobody leads yet
    led = await take_lead(slack)
    select = [e for b in led["blocks"] if b["type"] == "actions" for e in b["elements"]
              if e["type"] == "static_select"]
    assert [s["placeholder"]["text"] for s in select] == ["Start from a holding line…"]
    assert [o["text"]["text"] for o in select[0]["options"]] == [LIBRARY_TITLE, "Service disruption"]

    # Picking it opens the draft modal already holding the library's words.
    view, status, body = await h.fill_modal(
        slack, h.COMMS_A, lambda: slack.click(h.COMMS_A, led, LIBRARY_TITLE, channel=h.COMMS_CHANNEL),
        {"head_of_department": h.HOD[1]})
    [text_box] = [b for b in view["blocks"] if b.get("block_id") == "text"]
    assert text_box["element"]["initial_value"] == LIBRARY_TEXT
    assert status == 200 and body in ("", "{}"), body
    hugo = await approval_card(slack, h.HOD, 1)
    assert LIBRARY_TEXT in h.text_of(hugo)
    await card_says(slack, "Holding line v1", "Holding line waiting for sign-off")
    assert (await recorded(slack))[1][-1].data["text"] == LIBRARY_TEXT

    # Retiring a line takes it out of the library; a card still showing it says so when it is picked.
    library = await open_library(slack, h.COMMS_B)
    status, _ = await click_private(slack, h.COMMS_B, library, "Service disruption")
    assert status == 200
    await reply_saying(slack, h.COMMS_B, "Retired from the library")
    assert [line.title for line in await library_lines(slack)] == [LIBRARY_TITLE]
    library = await open_library(slack, h.COMMS_A)
    assert "Service disruption" not in h.text_of(library)
    reply = await press(slack, h.COMMS_A, led, "Service disruption", h.COMMS_CHANNEL)  # the card as it was
    assert "no longer in the library" in h.text_of(reply)
    h.assert_all_conformant(slack)


async def test_only_comms_can_manage_the_library(desk: Desk) -> None:
    slack = await desk()
    await add_to_library(slack, h.COMMS_A, LIBRARY_TITLE, LIBRARY_TEXT)
    [line] = await library_lines(slack)
    comms_library = await open_library(slack, h.COMMS_A)
    for who in (h.STAFF, h.OUTSIDER, h.HOD, h.EXECUTIVE):
        refusal = await open_library(slack, who)
        assert "Only the communications team can manage the holding-line library" in h.text_of(refusal)
        assert LIBRARY_TEXT not in h.text_of(refusal) and h.labels(refusal) == []
        # The buttons of someone else's library card do nothing for them.
        before = len(h.ephemerals(slack, who))
        await click_private(slack, who, comms_library, "Add a holding line")
        assert "Only the communications team" in h.text_of(await h.next_ephemeral(slack, who, before))
        before = len(h.ephemerals(slack, who))
        await click_private(slack, who, comms_library, LIBRARY_TITLE)  # retire
        assert "Only the communications team" in h.text_of(await h.next_ephemeral(slack, who, before))
    # A forged submission of the library form is refused too.
    opened = len(slack.fake.calls_to("views.open"))
    assert opened == 1  # only Casey's
    meta = json.loads(slack.fake.calls_to("views.open")[0].args["view"]["private_metadata"])
    status, body = await slack.send(*slack.requests.view_submission(
        h.STAFF[0], "md.form", {"title": {"value": "Mine"}, "text": {"value": "Say nothing"}},
        private_metadata=json.dumps(meta)))
    assert status == 200 and "Only the communications team" in body
    await slack.settle()
    assert await library_lines(slack) == [line]
    h.assert_all_conformant(slack)


# =================================================================================================================
# A lead agency's sign-off
# =================================================================================================================

AGENCY = "Essex Police (Gold command)"


async def record_agency(slack: h.SlackHarness, who: tuple, agency: str) -> dict:
    _, status, body = await h.fill_modal(
        slack, who, lambda: slack.click(who, card(slack), "Lead agency…", channel=h.COMMS_CHANNEL), {"agency": agency})
    assert status == 200 and body in ("", "{}"), body
    await reply_saying(slack, who, f"Lead agency for {REF}: {agency}")
    return await card_says(slack, "Lead agency", escape_mrkdwn(agency))


async def test_a_lead_agency_adds_a_third_sign_off_that_comms_records(desk: Desk) -> None:
    slack = await desk()
    await raise_alert(slack)
    await take_lead(slack)
    await record_agency(slack, h.COMMS_A, AGENCY)
    drafted = await draft_line(slack, h.COMMS_A, LINE)
    assert "Lead agency: waiting" in h.text_of(drafted)
    assert "Record lead agency sign-off" in h.labels(drafted)
    await sign_off_by(slack, h.HOD, 1)
    await sign_off_by(slack, h.DIRECTOR, 1)
    still = await card_says(slack, "Director of Communications or delegate: approved by Dana Director")
    assert "Holding line waiting for sign-off" in h.text_of(still) and "Circulate the official line" not in h.labels(still)
    crisis, _, sign_offs, _ = await recorded(slack)
    assert crisis.state is CrisisState.LINE_DRAFTED and len(sign_offs) == 2
    assert saying(slack.dms(h.COMMS_A), "is signed off") == []

    # Only comms record the agency's sign-off: not the head of department, not the reporter.
    for who in (h.HOD, h.STAFF):
        reply = await press(slack, who, still, "Record lead agency sign-off", h.COMMS_CHANNEL)
        assert "Only the communications team can record the lead agency's sign-off" in h.text_of(reply)
    assert (await recorded(slack))[0].state is CrisisState.LINE_DRAFTED

    await press(slack, h.COMMS_B, still, "Record lead agency sign-off", h.COMMS_CHANNEL)
    signed = await card_says(slack, "Holding line signed off", "Lead agency: approved by Alex Press")
    assert "Circulate the official line" in h.labels(signed)
    await slack.dm_saying(h.COMMS_A, "is signed off")  # the lead hears
    crisis, history, sign_offs, _ = await recorded(slack)
    assert crisis.state is CrisisState.SIGNED_OFF and crisis.lead_agency == AGENCY
    assert sorted(s.slot.value for s in sign_offs) == ["comms", "head_of_department", "lead_agency"]
    assert [entry.event for entry in history if entry.event in ("approve", "approve_last")] == ["approve", "approve", "approve_last"]
    h.assert_all_conformant(slack)


async def sign_off_by(slack: h.SlackHarness, who: tuple, version: int) -> None:
    mine = await approval_card(slack, who, version)
    reply = await press(slack, who, mine, "Approve", "D" + who[0])
    assert "You approved the holding line" in h.text_of(reply), h.text_of(reply)
    await slack.settle()


async def test_without_a_lead_agency_two_sign_offs_are_enough(desk: Desk) -> None:
    slack = await desk()
    await raise_alert(slack)
    await take_lead(slack)
    drafted = await draft_line(slack, h.COMMS_A, LINE)
    assert "Lead agency:" not in h.text_of(drafted) and "Record lead agency sign-off" not in h.labels(drafted)
    await sign_off_by(slack, h.HOD, 1)
    await sign_off_by(slack, h.HEAD, 1)  # the delegate signs for the Director
    await card_says(slack, "Holding line signed off", "approved by Harper Head")


async def test_a_lead_agency_named_after_sign_off_must_sign_off_before_circulation(desk: Desk) -> None:
    slack = await desk()
    await raise_alert(slack)
    await take_lead(slack)
    await draft_line(slack, h.COMMS_A, LINE)
    await sign_off(slack)
    await record_agency(slack, h.COMMS_A, AGENCY)
    crisis, _, _, _ = await recorded(slack)
    assert crisis.state is not CrisisState.SIGNED_OFF
    assert "Circulate the official line" not in h.labels(card(slack))


# =================================================================================================================
# Refused and harmless: HTTP 200, a polite private reply, nothing recorded, nothing changed on anyone's screen
# =================================================================================================================

async def trace(slack: h.SlackHarness) -> tuple:
    """What a refused click must not change: the crisis, its history, its sign-offs, and every message."""
    await slack.settle()
    crisis, history, sign_offs, _ = await recorded(slack)
    return ((crisis.state, crisis.version, crisis.lead, crisis.confirmations), len(history), len(sign_offs),
            snapshot(slack))


async def refused(slack: h.SlackHarness, click: Awaitable[dict]) -> str:
    """Make one click that must be refused: it leaves no trace. Returns the polite reply's text."""
    before = await trace(slack)
    shown = polite(await click)
    assert await trace(slack) == before
    return shown


def polite(reply: dict) -> str:
    shown = h.text_of(reply)
    assert "went wrong" not in shown and "Traceback" not in shown and "_" not in reply["text"], shown
    assert reply["text"][:1].isupper() and reply["text"].rstrip().endswith((".", ")")), shown
    return shown


async def in_sign_off(slack: h.SlackHarness) -> tuple[dict, dict, dict]:
    """Alerted, led by Casey, line v1 with its approvers. Returns (Hugo's, Dana's, Harper's) cards as delivered."""
    await raise_alert(slack)
    await take_lead(slack)
    await draft_line(slack, h.COMMS_A, LINE)
    return (await approval_card(slack, h.HOD, 1), await approval_card(slack, h.DIRECTOR, 1),
            await approval_card(slack, h.HEAD, 1))


async def test_sign_off_by_the_wrong_role_is_refused_and_not_counted(desk: Desk) -> None:
    slack = await desk()
    hugo, dana, _ = await in_sign_off(slack)
    before = await trace(slack)
    for approval, slot in ((dana, "comms"), (hugo, "head of department")):
        for who in (h.COMMS_A, h.EXECUTIVE, h.STAFF, h.OUTSIDER):  # e.g. the card was forwarded to them
            reply = await press(slack, who, approval, "Approve", "D" + who[0])
            shown = polite(reply)
            assert f"can sign this off as {slot}" in shown and "Your click has not been counted" in shown, shown
    # The head of department can't sign for the Director, nor the Director for the head of department.
    reply = await press(slack, h.HOD, dana, "Approve", "D" + h.HOD[0])
    assert "Only Dana Director or Harper Head can sign this off as comms" in polite(reply)
    reply = await press(slack, h.DIRECTOR, hugo, "Approve", "D" + h.DIRECTOR[0])
    assert "Only Hugo Hod can sign this off as head of department" in polite(reply)
    assert await trace(slack) == before
    # "Request changes" by the wrong person does not even open the form.
    opened = len(slack.fake.calls_to("views.open"))
    reply = await press(slack, h.COMMS_B, dana, "Request changes", "D" + h.COMMS_B[0])
    assert "Your click has not been counted" in polite(reply)
    assert len(slack.fake.calls_to("views.open")) == opened
    assert await trace(slack) == before
    h.assert_all_conformant(slack)


async def test_circulating_before_sign_off_is_refused(desk: Desk) -> None:
    slack = await desk()
    await raise_alert(slack)
    await take_lead(slack)
    circulate = ActionPayload(a="circulate", k="crisis", id=REF, v=1)
    shown = await refused(slack, forged(slack, h.COMMS_A, circulate, h.COMMS_CHANNEL))
    assert "There is no signed-off line to circulate yet." in shown

    await draft_line(slack, h.COMMS_A, LINE)
    await sign_off_by(slack, h.HOD, 1)  # one of two
    shown = await refused(slack, forged(slack, h.COMMS_A, circulate, h.COMMS_CHANNEL))
    assert "The holding line must be signed off before it is circulated." in shown
    assert saying(slack.dms(h.STAFF), "The official line to use") == []

    # Signed off: still only comms may circulate.
    await sign_off_by(slack, h.DIRECTOR, 1)
    await card_says(slack, "Holding line signed off")
    before = await trace(slack)
    for who in (h.HOD, h.STAFF, h.EXECUTIVE):
        reply = await forged(slack, who, circulate, "D" + who[0])
        assert "Only the communications team can circulate the official line." in polite(reply)
    assert await trace(slack) == before
    assert saying(slack.dms(h.STAFF), "The official line to use") == []
    h.assert_all_conformant(slack)


async def test_a_second_ill_lead_this_is_refused(desk: Desk) -> None:
    slack = await desk()
    first = await raise_alert(slack)
    dana_alert = copy.deepcopy(await slack.dm_saying(h.DIRECTOR, f"Crisis alert {REF}"))
    await take_lead(slack, h.COMMS_A)
    before = await trace(slack)
    reply = await press(slack, h.COMMS_B, first, "I'll lead this", h.COMMS_CHANNEL)  # the card as it was
    assert f"Casey Comms has already taken {REF} on." in polite(reply)
    reply = await press(slack, h.DIRECTOR, dana_alert, "I'll lead this", "D" + h.DIRECTOR[0])
    assert "Casey Comms has already taken" in polite(reply)
    reply = await press(slack, h.COMMS_A, first, "I'll lead this", h.COMMS_CHANNEL)
    assert "already taken" in polite(reply)
    assert await trace(slack) == before
    assert len(saying(slack.dms(h.STAFF), "is leading")) == 1
    # Nor may someone outside comms take it on.
    dms_before = len(slack.dms(h.STAFF))
    await slack.command(h.STAFF, "A second incident in the car park", command="/crisis")
    first_q = await slack.next_dm(h.STAFF, dms_before)
    await slack.click(h.STAFF, first_q, ALERT, channel=DM)
    other = await card_says(slack, "waiting for a comms lead", ref="CR-2026-0002")
    for who in (h.STAFF, h.HOD, h.EXECUTIVE, h.OUTSIDER):
        reply = await press(slack, who, other, "I'll lead this", h.COMMS_CHANNEL)
        assert "can take a crisis on." in polite(reply) and "Only the communications team" in polite(reply)
    crisis, history, _, _ = await recorded(slack, "CR-2026-0002")
    assert crisis.lead is None and crisis.state is CrisisState.REPORTED and len(history) == 1


async def test_two_ill_lead_this_at_the_same_instant_make_exactly_one_lead(desk: Desk) -> None:
    slack = await desk()
    first = await raise_alert(slack)
    a_before, b_before = len(h.ephemerals(slack, h.COMMS_A)), len(h.ephemerals(slack, h.COMMS_B))
    results = await asyncio.gather(slack.click(h.COMMS_A, first, "I'll lead this", channel=h.COMMS_CHANNEL),
                                   slack.click(h.COMMS_B, first, "I'll lead this", channel=h.COMMS_CHANNEL))
    assert [status for status, _ in results] == [200, 200]
    a = await h.next_ephemeral(slack, h.COMMS_A, a_before)
    b = await h.next_ephemeral(slack, h.COMMS_B, b_before)
    won = [r for r in (a, b) if "You are leading" in r["text"]]
    lost = [r for r in (a, b) if "has already taken" in r["text"]]
    assert len(won) == 1 and len(lost) == 1, (a["text"], b["text"])
    await slack.settle()
    crisis, history, _, _ = await recorded(slack)
    winner = "Casey Comms" if won[0] is a else "Alex Press"
    assert crisis.lead.name == winner and [entry.event for entry in history].count("acknowledge") == 1
    assert f"lead {winner}" in h.text_of(card(slack))
    assert len(saying(slack.dms(h.STAFF), "is leading")) == 1


async def test_approving_a_superseded_version_is_refused(desk: Desk) -> None:
    slack = await desk()
    hugo_v1, dana_v1, _ = await in_sign_off(slack)
    await sign_off_by(slack, h.DIRECTOR, 1)  # Dana approves v1, then Casey writes v2
    await draft_line(slack, h.COMMS_A, LINE_V2)
    await card_says(slack, "Holding line v2")
    await approval_card(slack, h.HOD, 2)
    superseded = await h.eventually(lambda: saying(slack.dms(h.HOD), "Replaced by a newer holding line"),
                                    "Hugo's v1 card to say it was replaced")
    assert h.labels(superseded[0]) == []
    before = await trace(slack)
    reply = await press(slack, h.HOD, hugo_v1, "Approve", "D" + h.HOD[0])  # the v1 card as it was
    assert "earlier holding line" in polite(reply)
    reply = await press(slack, h.DIRECTOR, dana_v1, "Approve", "D" + h.DIRECTOR[0])
    assert "earlier holding line" in polite(reply)
    assert await trace(slack) == before
    crisis, _, sign_offs, _ = await recorded(slack)
    assert crisis.state is CrisisState.LINE_DRAFTED
    assert [(s.version, s.slot.value) for s in sign_offs] == [(1, "comms")]  # nothing on v2
    # Dana's approval of v1 does not carry over to v2: both are needed again.
    assert "⏳ Director of Communications or delegate: waiting" in h.text_of(card(slack))
    await sign_off_by(slack, h.HOD, 2)
    await sign_off_by(slack, h.DIRECTOR, 2)
    await card_says(slack, "Holding line signed off")
    h.assert_all_conformant(slack)


async def test_changes_requested_go_back_to_the_lead_and_the_other_approvers_buttons_go(desk: Desk) -> None:
    slack = await desk()
    hugo, dana, _ = await in_sign_off(slack)
    opened = len(slack.fake.calls_to("views.open")) + 1
    await slack.click(h.HOD, hugo, "Request changes", channel="D" + h.HOD[0])
    [call] = (await slack.fake.wait_for("views.open", count=opened))[-1:]
    comment = next(b["block_id"] for b in call.args["view"]["blocks"] if b["type"] == "input")
    status, body = await h.submit_modal(slack, h.HOD, opened, {comment: "Say the family has been contacted."})
    assert status == 200 and body in ("", "{}"), body
    told = await slack.dm_saying(h.COMMS_A, "asked for changes")
    assert "Say the family has been contacted." in h.text_of(told) and h.labels(told) == ["New version of the line"]
    back = await card_says(slack, "Comms lead on it", "✏️ Head of department: changes requested by Hugo Hod")
    assert "Circulate the official line" not in h.labels(back)
    await h.eventually(lambda: [m for m in approval_cards(slack, h.DIRECTOR) if "Approve" not in h.labels(m)],
                       "Dana's card to lose its buttons")
    shown = await refused(slack, press(slack, h.DIRECTOR, dana, "Approve", "D" + h.DIRECTOR[0]))  # her card as it was
    assert "not waiting for sign-off" in shown
    await later(slack, minutes=10)  # nobody is chased for a line that went back
    assert [sign_off_chases(slack, who) for who in (h.HOD, h.DIRECTOR, h.HEAD)] == [[], [], []]
    await draft_line(slack, h.COMMS_A, LINE_V2, message=told, where="D" + h.COMMS_A[0])
    await sign_off_by(slack, h.HOD, 2)
    await sign_off_by(slack, h.DIRECTOR, 2)
    await card_says(slack, "Holding line signed off", "Holding line v2")
    h.assert_all_conformant(slack)


async def test_standing_down_is_for_comms_only(desk: Desk) -> None:
    slack = await desk()
    await raise_alert(slack)
    stand_down = ActionPayload(a="stand_down", k="crisis", id=REF, v=1)
    reply = await forged(slack, h.COMMS_A, stand_down, h.COMMS_CHANNEL)  # before anyone leads
    assert "Acknowledge the crisis before standing it down." in polite(reply)
    led = await take_lead(slack)
    before = await trace(slack)
    for who in (h.STAFF, h.HOD, h.EXECUTIVE, h.OUTSIDER):
        reply = await press(slack, who, led, "Stand down", h.COMMS_CHANNEL)
        assert "Only the communications team can stand a crisis down." in polite(reply)
    assert await trace(slack) == before
    assert saying(slack.dms(h.STAFF), "down") == []
    await press(slack, h.COMMS_B, led, "Stand down", h.COMMS_CHANNEL)
    await card_says(slack, "Stood down")
    shown = await refused(slack, press(slack, h.COMMS_A, led, "Stand down", h.COMMS_CHANNEL))
    assert "This crisis has been stood down." in shown
    h.assert_all_conformant(slack)


async def test_confirming_the_official_line_before_one_was_circulated_is_refused(desk: Desk) -> None:
    slack = await desk()
    await raise_alert(slack)
    await take_lead(slack)
    shown = await refused(slack, forged(slack, h.STAFF, ActionPayload(a="confirm", k="crisis", id=REF, v=1), DM))
    assert "Thank you" not in shown


async def test_a_newly_circulated_line_needs_a_fresh_confirmation(desk: Desk) -> None:
    slack = await desk()
    await raise_alert(slack)
    await take_lead(slack)
    await draft_line(slack, h.COMMS_A, LINE)
    await sign_off(slack)
    await press(slack, h.COMMS_A, card(slack), "Circulate the official line", h.COMMS_CHANNEL)
    v1 = copy.deepcopy(await slack.dm_saying(h.STAFF, "The official line to use"))
    await press(slack, h.STAFF, v1, "I have the official line", DM)
    await card_says(slack, "Have the official line", "Sam Staff")

    await draft_line(slack, h.COMMS_A, LINE_V2)
    await sign_off_by(slack, h.HOD, 2)
    await sign_off_by(slack, h.DIRECTOR, 2)
    await press(slack, h.COMMS_A, await card_says(slack, "Holding line signed off"), "Circulate the official line",
                h.COMMS_CHANNEL)
    v2 = copy.deepcopy(await slack.dm_saying(h.STAFF, "receiving care"))
    await slack.settle()
    assert "Have the official line" not in h.text_of(card(slack))  # nobody has confirmed v2 yet
    reply = await press(slack, h.STAFF, v2, "I have the official line", DM)
    assert "already confirmed" not in h.text_of(reply)


# =================================================================================================================
# Updates on the timeline
# =================================================================================================================

async def test_the_reporter_and_comms_add_updates_and_an_outsider_cannot(desk: Desk) -> None:
    slack = await desk()
    opened = len(slack.fake.calls_to("views.open")) + 1
    await slack.command(h.STAFF, "form", command="/crisis")
    status, body = await h.submit_modal(slack, h.STAFF, opened, {"what": WHAT})
    assert status == 200 and body in ("", "{}"), body
    reported = copy.deepcopy(await slack.dm_saying(h.STAFF, f"Reported: {REF}"))
    await card_says(slack, "waiting for a comms lead")

    view, status, body = await h.fill_modal(
        slack, h.STAFF, lambda: slack.click(h.STAFF, reported, "Add an update", channel=DM),
        {"text": "The visitor has posted the video on Facebook <!channel>"})
    assert view["title"]["text"] == "Add an update"
    assert status == 200 and body in ("", "{}"), body
    await reply_saying(slack, h.STAFF, f"Added to the {REF} timeline")
    shown = await card_says(slack, "Latest updates", "Sam Staff: The visitor has posted the video on Facebook")

    _, status, body = await h.fill_modal(
        slack, h.COMMS_A, lambda: slack.click(h.COMMS_A, shown, "Add update", channel=h.COMMS_CHANNEL),
        {"text": "Spoke to the ward manager; the patient is comfortable."})
    assert status == 200 and body in ("", "{}"), body
    shown = await card_says(slack, "Casey Comms: Spoke to the ward manager", "Sam Staff: The visitor has posted")
    assert "waiting for a comms lead" in h.text_of(shown)  # an update doesn't move the crisis
    assert "<!channel>" not in json.dumps(shown["blocks"]) and "&lt;!channel&gt;" in json.dumps(shown["blocks"])

    # Someone with no part in the crisis: the update is refused where they typed it, and nothing is added.
    before = await trace(slack)
    opened = len(slack.fake.calls_to("views.open"))
    await slack.click(h.OUTSIDER, shown, "Add update", channel=h.COMMS_CHANNEL)
    await h.eventually(lambda: len(slack.fake.calls_to("views.open")) > opened or h.ephemerals(slack, h.OUTSIDER),
                       "the outsider's click to be answered")
    if len(slack.fake.calls_to("views.open")) > opened:  # the form may open; submitting it is refused
        status, body = await h.submit_modal(slack, h.OUTSIDER, opened + 1, {"text": "I heard it was worse than that"})
        assert status == 200
        answer = json.loads(body)
        assert answer["response_action"] == "errors"
        assert "Only people involved in this crisis can add to its timeline." in json.dumps(answer["errors"])
    else:
        assert "Only people involved" in h.text_of(h.ephemerals(slack, h.OUTSIDER)[-1])
    assert await trace(slack) == before
    history = await events(slack)
    assert history.count("add_update") == 2
    h.assert_all_conformant(slack)


async def test_the_timeline_shows_the_latest_three_updates(desk: Desk) -> None:
    slack = await desk()
    await raise_alert(slack)
    for n in range(1, 5):
        _, status, body = await h.fill_modal(
            slack, h.COMMS_B, lambda: slack.click(h.COMMS_B, card(slack), "Add update", channel=h.COMMS_CHANNEL),
            {"text": f"Update number {n}"})
        assert status == 200 and body in ("", "{}"), body
        await card_says(slack, f"Alex Press: Update number {n}")
    shown = h.text_of(card(slack))
    assert "Update number 1" not in shown and all(f"Update number {n}" in shown for n in (2, 3, 4))
    assert (await events(slack)).count("add_update") == 4


# =================================================================================================================
# Nudges: a crisis with no lead every 5 minutes; a holding line's approvers every 10
# =================================================================================================================

async def test_a_crisis_nobody_leads_is_chased_every_five_minutes_until_someone_does(desk: Desk) -> None:
    slack = await desk()
    await raise_alert(slack)
    assert await later(slack, minutes=4, seconds=59) == 0
    assert chases_for_lead(slack) == [] and lead_chases_to(slack, h.DIRECTOR) == []

    await later(slack, seconds=1)  # 5 minutes after the alert
    [chase] = chases_for_lead(slack)
    assert "still has no comms lead" in h.text_of(chase) and "I'll lead this" in h.labels(chase)
    assert "filming" in h.text_of(chase)
    assert len(lead_chases_to(slack, h.DIRECTOR)) == 1 and len(lead_chases_to(slack, h.HEAD)) == 1
    assert lead_chases_to(slack, h.COMMS_A) == [] and lead_chases_to(slack, h.STAFF) == []
    assert check_block_kit(chase["blocks"]) == []

    await later(slack, minutes=5)  # and again, now notifying the channel
    assert len(chases_for_lead(slack)) == 2 and len(lead_chases_to(slack, h.DIRECTOR)) == 2
    second = [c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == h.COMMS_CHANNEL
              and "still has no comms lead" in c.args["text"]][-1]
    assert second.args["text"].startswith("<!channel> ")

    # Taking the lead from the reminder itself stops the chase.
    await slack.click(h.COMMS_B, chases_for_lead(slack)[-1], "I'll lead this", channel=h.COMMS_CHANNEL)
    await card_says(slack, "lead Alex Press")
    for _ in range(3):
        await later(slack, minutes=5)
    assert len(chases_for_lead(slack)) == 2 and len(lead_chases_to(slack, h.DIRECTOR)) == 2
    assert len(lead_chases_to(slack, h.HEAD)) == 2
    nudges = (await recorded(slack))[3]
    assert not [n for n in nudges if n.kind is NudgeKind.CRISIS_UNACKNOWLEDGED and n.status == "pending"]


async def test_out_of_hours_the_on_call_director_is_chased_too(desk: Desk) -> None:
    slack = await desk(SATURDAY_NIGHT, on_call=True)
    await raise_alert(slack)
    await later(slack, minutes=5)
    assert len(chases_for_lead(slack)) == 1
    for who in (ON_CALL, h.DIRECTOR, h.HEAD):
        assert len(lead_chases_to(slack, who)) == 1, who
    await take_lead(slack, h.COMMS_A)
    await later(slack, minutes=5)
    assert len(chases_for_lead(slack)) == 1 and len(lead_chases_to(slack, ON_CALL)) == 1


async def test_a_holding_lines_approvers_are_chased_every_ten_minutes_until_they_decide(desk: Desk) -> None:
    slack = await desk()
    await in_sign_off(slack)
    assert await later(slack, minutes=9, seconds=59) == 0
    assert [sign_off_chases(slack, who) for who in (h.HOD, h.DIRECTOR, h.HEAD)] == [[], [], []]

    await later(slack, seconds=1)
    for who in (h.HOD, h.DIRECTOR, h.HEAD):
        [chase] = sign_off_chases(slack, who)
        assert "waiting for your sign-off" in h.text_of(chase) and h.labels(chase) == ["Approve", "Request changes"]
        assert LINE in h.text_of(chase)
        assert check_block_kit(chase["blocks"]) == []
    assert sign_off_chases(slack, h.COMMS_A) == [] and chases_for_lead(slack) == []

    # Hugo approves from the reminder: he isn't chased again; the Director's slot still is.
    reply = await press(slack, h.HOD, sign_off_chases(slack, h.HOD)[0], "Approve", "D" + h.HOD[0])
    assert "You approved" in h.text_of(reply)
    await later(slack, minutes=10)
    assert [len(sign_off_chases(slack, who)) for who in (h.HOD, h.DIRECTOR, h.HEAD)] == [1, 2, 2]

    # The delegate approves for the Director: the line is signed off and nobody is chased any more.
    await sign_off_by(slack, h.HEAD, 1)
    await card_says(slack, "Holding line signed off")
    for _ in range(3):
        await later(slack, minutes=10)
    assert [len(sign_off_chases(slack, who)) for who in (h.HOD, h.DIRECTOR, h.HEAD)] == [1, 2, 2]
    nudges = (await recorded(slack))[3]
    assert not [n for n in nudges if n.status == "pending"]
    h.assert_all_conformant(slack)


async def test_a_new_version_restarts_the_chase_for_the_new_line_only(desk: Desk) -> None:
    slack = await desk()
    await in_sign_off(slack)
    await later(slack, minutes=6)
    await draft_line(slack, h.COMMS_A, LINE_V2)  # v1's reminders are void
    await later(slack, minutes=4)  # 10 minutes after v1, 4 after v2
    assert [sign_off_chases(slack, who) for who in (h.HOD, h.DIRECTOR, h.HEAD)] == [[], [], []]
    await later(slack, minutes=6)  # 10 minutes after v2
    for who in (h.HOD, h.DIRECTOR, h.HEAD):
        [chase] = sign_off_chases(slack, who)
        assert "version 2" in h.text_of(chase) and "receiving care" in h.text_of(chase)


# =================================================================================================================
# Block Kit limits on every card; what people type can never mention, broadcast or link
# =================================================================================================================

HOSTILE = "<!here> <@U0BOSS> <https://evil.example|click> *bold* & a fire in the Basildon car park"
HOSTILE_LINE = "We are aware <!here> of a fire <@U0BOSS> <https://evil.example|here> & are responding."


async def test_every_card_is_within_block_kit_limits_and_user_text_is_escaped(desk: Desk) -> None:
    slack = await desk(SATURDAY_NIGHT, on_call=True)
    await add_to_library(slack, h.COMMS_A, "Fire", HOSTILE_LINE)
    await raise_alert(slack, HOSTILE)
    review = await fill_in_the_rest(slack)
    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    await slack.dm_saying(h.STAFF, f"Reported: {REF}")
    await later(slack, minutes=5)  # the chase for a lead, twice (the second notifies the channel)
    await later(slack, minutes=5)
    led = await take_lead(slack, h.COMMS_A)
    await record_agency(slack, h.COMMS_A, "Essex Fire & Rescue <Gold>")
    await draft_line(slack, h.COMMS_A, HOSTILE_LINE, message=led)
    await later(slack, minutes=10)  # the approvers are chased
    await sign_off_by(slack, h.HOD, 1)
    await sign_off_by(slack, h.DIRECTOR, 1)
    await press(slack, h.COMMS_A, card(slack), "Record lead agency sign-off", h.COMMS_CHANNEL)
    signed = await card_says(slack, "Holding line signed off")
    await press(slack, h.COMMS_A, signed, "Circulate the official line", h.COMMS_CHANNEL)
    official = await slack.dm_saying(h.STAFF, "The official line to use")
    await press(slack, h.STAFF, official, "I have the official line", DM)
    _, status, _ = await h.fill_modal(
        slack, h.COMMS_A, lambda: slack.click(h.COMMS_A, card(slack), "Add update", channel=h.COMMS_CHANNEL),
        {"text": "<!here> the fire is out <!channel>"})
    assert status == 200
    await card_says(slack, "Latest updates", "the fire is out")
    await press(slack, h.COMMS_A, card(slack), "Stand down", h.COMMS_CHANNEL)
    await card_says(slack, "Stood down")

    sent = h.every_message_sent(slack)
    assert len(sent) > 40
    alerts = 0
    for message in sent:
        blocks = json.dumps(message["blocks"], ensure_ascii=False)
        assert check_block_kit(message["blocks"]) == [], message
        for raw in ("<!here>", "<@U0BOSS>", "<https://evil", "<!channel>"):
            assert raw not in blocks, (raw, blocks)
        text = message["text"]
        assert "<!here>" not in text and "<@U0BOSS>" not in text and "<https://evil" not in text, text
        if "<!channel>" in text:  # only our own alert, at the very start, and never from what was typed
            assert text.startswith("<!channel> 🚨 Crisis ") and text.count("<!channel>") == 1, text
            alerts += 1
    assert alerts >= 2  # the alert card itself and the second chase for a lead
    # What people typed is still there for people to read, escaped.
    everything = json.dumps([m["blocks"] for m in sent], ensure_ascii=False)
    assert "&lt;!here&gt; &lt;@U0BOSS&gt; &lt;https://evil.example|click&gt; *bold* &amp; a fire" in everything
    assert "We are aware &lt;!here&gt; of a fire" in everything
    [first_post] = [c for c in slack.fake.calls_to("chat.postMessage") if c.args["channel"] == h.COMMS_CHANNEL
                    and c.args["text"].removeprefix("<!channel> ").startswith(f"🚨 Crisis {REF}:")]
    assert first_post.args["text"].startswith("<!channel> 🚨 Crisis CR-2026-0001: &lt;!here&gt;")
    h.assert_all_conformant(slack)


async def test_a_very_long_report_stays_within_the_limits(desk: Desk) -> None:
    slack = await desk()
    what = ("Ein Patient ist gestürzt; Llanelli’s ŵyr ŷd; " * 80)[:2990] + " 👩🏽‍⚕️"
    opened = len(slack.fake.calls_to("views.open")) + 1
    await slack.command(h.STAFF, "form", command="/crisis")
    status, body = await h.submit_modal(slack, h.STAFF, opened, {
        "what": what, "affected": "x" * 1000, "where_when": "y" * 300, "availability": "z" * 300,
        "colleague": "w" * 300})
    assert status == 200 and body in ("", "{}"), body
    long_card = await card_says(slack, "waiting for a comms lead")
    assert check_block_kit(long_card["blocks"]) == []
    assert len(long_card["text"]) <= 3000
    await take_lead(slack)
    for n in range(3):
        _, status, body = await h.fill_modal(
            slack, h.COMMS_B, lambda: slack.click(h.COMMS_B, card(slack), "Add update", channel=h.COMMS_CHANNEL),
            {"text": f"{n} " + "u" * 2990})
        assert status == 200 and body in ("", "{}"), body
    await draft_line(slack, h.COMMS_A, "l" * 3000)
    h.assert_all_conformant(slack)


async def test_private_replies_that_repeat_what_was_typed_are_escaped(desk: Desk) -> None:
    slack = await desk()
    await add_to_library(slack, h.COMMS_A, "<!here> Fire <https://evil.example|x>", LIBRARY_TEXT)
    await raise_alert(slack)
    await take_lead(slack)
    _, status, body = await h.fill_modal(
        slack, h.COMMS_A, lambda: slack.click(h.COMMS_A, card(slack), "Lead agency…", channel=h.COMMS_CHANNEL),
        {"agency": "<!here> Essex Police"})
    assert status == 200 and body in ("", "{}"), body
    await card_says(slack, "&lt;!here&gt; Essex Police")
    await reply_saying(slack, h.COMMS_A, "<!here> Essex Police")
    await slack.settle()
    for message in h.every_message_sent(slack):
        assert "<!here>" not in message["text"] and "<https://evil" not in message["text"], message["text"]


async def double_click_alert(slack: h.SlackHarness) -> None:
    await slack.command(h.STAFF, WHAT, command="/crisis")
    [first] = await h.eventually(lambda: slack.dms(h.STAFF), "the first DM")
    results = await asyncio.gather(*(slack.click(h.STAFF, first, ALERT, channel=DM) for _ in range(2)))
    assert [status for status, _ in results] == [200, 200]
    await card_says(slack, "waiting for a comms lead")
    await slack.dm_saying(h.STAFF, "Comms have been alerted")
    await h.eventually(lambda: len(h.ephemerals(slack, h.STAFF)) >= 1, "a reply to the second click")
    await slack.settle()


async def test_a_double_click_on_alert_now_raises_one_crisis(desk: Desk) -> None:
    slack = await desk()
    await double_click_alert(slack)
    assert len(crisis_cards(slack)) == 1 and len(alerts_to(slack, h.DIRECTOR)) == 1
    assert (await recorded(slack, "CR-2026-0002"))[0] is None
    assert await events(slack) == ["reported"]
    assert len(saying(slack.dms(h.STAFF), "Comms have been alerted")) == 1


async def test_the_second_click_of_a_double_click_on_alert_now_is_answered_politely(
        desk: Desk) -> None:
    slack = await desk()
    await double_click_alert(slack)
    [reply] = h.ephemerals(slack, h.STAFF)
    assert "already" in polite(reply) or "earlier question" in polite(reply), h.text_of(reply)
