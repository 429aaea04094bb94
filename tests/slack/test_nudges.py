"""Reminders, escalations, office hours and the on-call director, through signed HTTP as Slack sends it.

Time is a FrozenClock: each test sets it and runs one nudge tick (`at`), then waits for the outbox to deliver.
The scheduler's own nudge tick is parked in these tests so that what is sent when is exact; one test leaves
it running to show that due reminders go out without anyone asking.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

import pytest

from bot.app.cli import main as cli
from bot.app.config import OnCallSection, OrgConfig
from tests.conformance import check_block_kit
from tests.fakes.slack_api import FakeSlackApi
from tests.slack import harness as h

# The on-call rota: two directors taking alternate weeks, handing over on Mondays at 08:00 London time from
# 5 January 2026, and a deputy. Omar has the even weeks (e.g. from 23 Nov, 7 Dec, 21 Dec 2026), Priya the odd ones
# (e.g. from 30 Mar 2026 08:00 BST, 6 Apr 08:00 BST, 19 Oct, 30 Nov, 28 Dec 2026).
ON_CALL_A = ("U_OMAR", "omar.oncall@example.nhs.uk", "Omar Oncall")
ON_CALL_B = ("U_PRIYA", "priya.oncall@example.nhs.uk", "Priya Oncall")
DEPUTY = ("U_DEV", "dev.deputy@example.nhs.uk", "Dev Deputy")
ROTA_START = datetime(2026, 1, 5, 8, 0)
TRAINING = "https://learning.example.nhs.uk/media-on-call"

FRIDAY = "2026-11-27T14:05:00+00:00"  # Friday 27 November 2026, 14:05 London (GMT): an ordinary afternoon
STAFF_DM = "D" + h.STAFF[0]
DRAFT = "We are working hard to reduce waiting times at Basildon hospital."


def nudge_org() -> OrgConfig:
    base = h.org_config()
    people = base.people.model_copy(update={
        "on_call_directors": [ON_CALL_A[1], ON_CALL_B[1]],
        "names": {**base.people.names, **{who[1]: who[2] for who in (ON_CALL_A, ON_CALL_B, DEPUTY)}},
    })
    on_call = OnCallSection(rotation=[ON_CALL_A[1], ON_CALL_B[1]], rotation_start=ROTA_START,
                            deputies=[DEPUTY[1]], acknowledge_minutes=15, training_url=TRAINING)
    return base.model_copy(update={"people": people, "on_call": on_call})


@pytest.fixture
async def desk(fake_slack: FakeSlackApi, database_url: str) -> AsyncIterator[Callable[[str], Awaitable[h.SlackHarness]]]:
    """Start the bot at a given instant with the on-call rota above (over SQLite and PostgreSQL)."""
    fake_slack.add_people(ON_CALL_A, ON_CALL_B, DEPUTY)
    async with h.desks(fake_slack, database_url) as start:  # only `at` ticks
        yield lambda when: start(when, nudge_org())


# --- time ---------------------------------------------------------------------------------------------------------

async def at(slack: h.SlackHarness, when: str) -> None:
    """Move the clock to `when` (local London time on the clock's current day if only HH:MM[:SS]), tick, deliver."""
    if "T" not in when:
        when = slack.clock.now().strftime("%Y-%m-%dT") + when + ("" if when.count(":") == 2 else ":00") + "+00:00"
    instant = datetime.fromisoformat(when)
    assert instant >= slack.clock.now(), "time only moves forward in these stories"
    slack.clock.set(instant)
    await slack.tick()
    await slack.settle()


async def later(slack: h.SlackHarness, **delta: float) -> None:
    slack.clock.advance(**delta)
    await slack.tick()
    await slack.settle()


# --- what people see ----------------------------------------------------------------------------------------------

def ref_of(message: dict) -> str:
    found = re.search(r"MC-\d{4}-\d{4}", h.text_of(message))
    assert found, h.text_of(message)
    return found.group(0)


def in_channel(slack: h.SlackHarness) -> list[dict]:
    return slack.fake.messages_in(h.COMMS_CHANNEL)


def comms_card(slack: h.SlackHarness, ref: str) -> dict:
    [card] = [m for m in in_channel(slack) if m.get("text", "").startswith(f"Media enquiry {ref} from")]
    return card


def saying(messages: list[dict], *words: str) -> list[dict]:
    return [m for m in messages if all(w in h.text_of(m) for w in words)]


def unclaimed_reminders(slack: h.SlackHarness, ref: str) -> list[dict]:
    return saying(in_channel(slack), f"Still unclaimed: {ref}")


def escalations(slack: h.SlackHarness, who: tuple, ref: str, what: str) -> list[dict]:
    return saying(slack.dms(who), f"Escalation: {ref}", what)


def deadline_reminders(slack: h.SlackHarness, who: tuple, ref: str) -> list[dict]:
    return saying(slack.dms(who), f"Deadline coming: {ref}")


def sign_off_reminders(slack: h.SlackHarness, who: tuple, ref: str) -> list[dict]:
    return saying(slack.dms(who), f"Sign-off reminder: {ref}")


def on_call_asks(slack: h.SlackHarness, who: tuple, ref: str) -> list[dict]:
    return saying(slack.dms(who), f"Out of hours: media enquiry {ref}")


def ephemerals(slack: h.SlackHarness, who: tuple) -> list[dict]:
    return [c.args for c in slack.fake.calls_to("chat.postEphemeral") if c.args.get("user") == who[0]]


def everything_conforms(slack: h.SlackHarness) -> None:
    """Every message the bot left anywhere fits Block Kit, and every Web API call matches Slack's description."""
    for (channel, _), message in slack.fake._messages.items():
        assert check_block_kit(message.get("blocks", [])) == [], (channel, message)
    slack.fake.assert_conformant()


# --- what people do -----------------------------------------------------------------------------------------------

async def log_call(slack: h.SlackHarness, deadline: str, outlet: str = "BBC Essex") -> tuple[str, dict]:
    """Sam logs a journalist's call in a DM; returns the reference and the card as first posted to comms."""
    n, posted = len(slack.dms(h.STAFF)), len(in_channel(slack))
    status, _ = await slack.command(h.STAFF, f"{outlet}, waiting times at the emergency department, deadline {deadline}")
    assert status == 200
    review = await h.answer(slack, h.STAFF, "Sam Reporter", h.Press("TV or radio"), "01245 123456", h.Press("Skip"), after=n)
    await slack.click(h.STAFF, review, "Send to comms", channel=STAFF_DM)
    card = await slack.next_in_channel(h.COMMS_CHANNEL, posted)
    await slack.settle()
    return ref_of(card), card


async def press(slack: h.SlackHarness, who: tuple, message: dict, label: str, channel: str) -> str:
    """Press a button that answers privately; return what the person is told."""
    before = len(ephemerals(slack, who))
    status, _ = await slack.click(who, message, label, channel=channel)
    assert status == 200
    await h.eventually(lambda: len(ephemerals(slack, who)) > before, f"a private reply to {who[2]}")
    await slack.settle()
    return ephemerals(slack, who)[-1]["text"]


async def claim(slack: h.SlackHarness, who: tuple, message: dict, ref: str, channel: str = h.COMMS_CHANNEL,
                label: str = "Claim") -> None:
    await slack.click(who, message, label, channel=channel)
    await h.eventually(lambda: f"Claimed by {who[2]}" in h.text_of(comms_card(slack, ref)), f"{who[2]} to claim {ref}")
    await slack.settle()


async def write_draft(slack: h.SlackHarness, who: tuple, message: dict, channel: str, label: str = "Draft response") -> None:
    opened = len(slack.fake.calls_to("views.open")) + 1
    saved = len(saying(slack.dms(who), "Saved draft version"))
    await slack.click(who, message, label, channel=channel)
    status, body = await h.submit_modal(slack, who, opened, {"statement": DRAFT, "spokesperson": "written"})
    assert status == 200 and body in ("", "{}"), body
    await h.eventually(lambda: len(saying(slack.dms(who), "Saved draft version")) > saved, "the draft to be saved")
    await slack.settle()


async def logged_and_claimed(slack: h.SlackHarness, deadline: str, who: tuple = h.COMMS_A) -> str:
    ref, card = await log_call(slack, deadline)
    await claim(slack, who, card, ref)
    return ref


# --- unclaimed ----------------------------------------------------------------------------------------------------

async def test_an_unclaimed_enquiry_is_chased_in_the_channel_escalated_once_and_left_alone_once_claimed(desk) -> None:
    slack = await desk(FRIDAY)
    ref, card = await log_call(slack, "5pm")
    assert "Next reminder: Today 14:20" in h.text_of(card)

    await at(slack, "14:19:59")
    assert unclaimed_reminders(slack, ref) == []
    await at(slack, "14:20")
    [first] = unclaimed_reminders(slack, ref)
    assert "has been waiting 15 minutes for someone to claim it" in h.text_of(first)
    assert "Today 17:00 (in about 3 hours)" in h.text_of(first)
    assert h.labels(first) == ["Claim"]
    assert check_block_kit(first["blocks"]) == []
    assert "Next reminder: Today 14:35" in h.text_of(comms_card(slack, ref))
    assert escalations(slack, h.HEAD, ref, "still unclaimed") == []
    assert escalations(slack, h.DIRECTOR, ref, "still unclaimed") == []

    await at(slack, "14:34")
    assert len(unclaimed_reminders(slack, ref)) == 1
    await at(slack, "14:35")
    assert len(unclaimed_reminders(slack, ref)) == 2
    assert "has been waiting 30 minutes" in h.text_of(unclaimed_reminders(slack, ref)[-1])
    for who in (h.HEAD, h.DIRECTOR):
        [escalation] = escalations(slack, who, ref, "is still unclaimed")
        assert "Owner: nobody" in h.text_of(escalation) and h.labels(escalation) == ["Claim"]
        assert check_block_kit(escalation["blocks"]) == []

    # The same instant again, and the third reminder: the escalation went once and nothing is sent twice.
    await slack.tick()
    await slack.settle()
    assert len(unclaimed_reminders(slack, ref)) == 2
    await at(slack, "14:50")
    assert len(unclaimed_reminders(slack, ref)) == 3
    for who in (h.HEAD, h.DIRECTOR):
        assert len(escalations(slack, who, ref, "is still unclaimed")) == 1

    # Alex claims from the latest reminder: the chase stops.
    await claim(slack, h.COMMS_B, unclaimed_reminders(slack, ref)[-1], ref)
    posted = len(in_channel(slack))
    for _ in range(12):
        await later(slack, minutes=5)
    assert len(unclaimed_reminders(slack, ref)) == 3 and len(in_channel(slack)) == posted
    for who in (h.HEAD, h.DIRECTOR):
        assert len(escalations(slack, who, ref, "is still unclaimed")) == 1
    everything_conforms(slack)


async def test_reminders_due_together_go_as_one_digest_whose_buttons_claim_each_enquiry(desk) -> None:
    slack = await desk(FRIDAY)
    outlets = ("BBC Essex", "Echo", "Nursing Times")
    refs = [(await log_call(slack, "5pm", outlet=outlet))[0] for outlet in outlets]  # all logged at 14:05
    posted = len(in_channel(slack))

    await at(slack, "14:20")
    [digest] = in_channel(slack)[posted:]  # one message in the channel, not three
    assert digest["text"].startswith("⏰ 3 media enquiries are waiting for someone to claim them: ")
    assert "Still unclaimed: 3 media enquiries" in h.text_of(digest)
    for ref, outlet in zip(refs, outlets, strict=True):
        assert f"{ref}: {outlet}" in h.text_of(digest) and unclaimed_reminders(slack, ref) == []
        assert "Next reminder: Today 14:35" in h.text_of(comms_card(slack, ref))
    assert h.text_of(digest).count("Deadline Today 17:00 (in about 3 hours) · waiting 15 minutes") == 3
    assert h.labels(digest) == [f"Claim {ref}" for ref in refs]
    assert check_block_kit(digest["blocks"]) == []

    # Alex claims the second from the digest: that enquiry, and only that one, is claimed.
    await claim(slack, h.COMMS_B, digest, refs[1], label=f"Claim {refs[1]}")
    assert all("Claimed by" not in h.text_of(comms_card(slack, ref)) for ref in (refs[0], refs[2]))

    # 14:35: the two still unclaimed are listed together again, and each is escalated once, as alone.
    posted = len(in_channel(slack))
    await at(slack, "14:35")
    [again] = in_channel(slack)[posted:]
    assert h.labels(again) == [f"Claim {refs[0]}", f"Claim {refs[2]}"] and "waiting 30 minutes" in h.text_of(again)
    for who in (h.HEAD, h.DIRECTOR):
        assert [len(escalations(slack, who, ref, "is still unclaimed")) for ref in refs] == [1, 0, 1]

    # Casey claims the first from the new digest; at 14:50 the last one is reminded alone, as it always was.
    await claim(slack, h.COMMS_A, again, refs[0], label=f"Claim {refs[0]}")
    posted = len(in_channel(slack))
    await at(slack, "14:50")
    [alone] = in_channel(slack)[posted:]
    assert alone == unclaimed_reminders(slack, refs[2])[-1] and h.labels(alone) == ["Claim"]
    assert "has been waiting 45 minutes for someone to claim it" in h.text_of(alone)
    everything_conforms(slack)


async def test_the_scheduler_sends_a_due_reminder_without_being_asked(slack: h.SlackHarness) -> None:
    # The default harness: its scheduler ticks every 0.2 s against the frozen clock.
    ref, _ = await log_call(slack, "5pm")
    await asyncio.sleep(0.5)
    assert unclaimed_reminders(slack, ref) == []
    slack.clock.advance(minutes=15)
    await h.eventually(lambda: unclaimed_reminders(slack, ref), "the scheduler to post the reminder")
    await asyncio.sleep(0.5)
    assert len(unclaimed_reminders(slack, ref)) == 1
    slack.fake.assert_conformant()


# --- the owner before the deadline ----------------------------------------------------------------------------------

async def test_the_owner_is_reminded_at_half_time_and_60_and_15_minutes_before_with_the_next_step(desk) -> None:
    slack = await desk(FRIDAY)
    ref = await logged_and_claimed(slack, "4:30pm")  # 2 h 25 min left: half-time is 15:17:30
    assert "Next reminder: Today 15:17" in h.text_of(comms_card(slack, ref))

    await at(slack, "15:17:29")
    assert deadline_reminders(slack, h.COMMS_A, ref) == []
    await at(slack, "15:17:30")
    [half] = deadline_reminders(slack, h.COMMS_A, ref)
    assert "today at 16:30 (in 1 hour 12 minutes)" in h.text_of(half) and "No draft yet" in h.text_of(half)
    assert h.labels(half) == ["Draft response", "Remind me in 30 min"]
    assert check_block_kit(half["blocks"]) == []
    assert "Next reminder: Today 15:30" in h.text_of(comms_card(slack, ref))

    # Casey drafts from the reminder itself; the next reminder names the step after that.
    await write_draft(slack, h.COMMS_A, half, "D" + h.COMMS_A[0])
    await at(slack, "15:29:59")
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 1
    await at(slack, "15:30")
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 2
    sixty = deadline_reminders(slack, h.COMMS_A, ref)[-1]
    assert "today at 16:30 (in 1 hour)" in h.text_of(sixty) and "Ask for sign-off" in h.text_of(sixty)
    assert h.labels(sixty) == ["Request sign-off", "Remind me in 30 min"]

    await at(slack, "16:14:59")
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 2
    await at(slack, "16:15")
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 3
    assert "(in 15 minutes)" in h.text_of(deadline_reminders(slack, h.COMMS_A, ref)[-1])
    await at(slack, "16:29")
    await slack.tick()
    await slack.settle()
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 3
    assert saying(in_channel(slack), "Deadline coming") == []  # the owner's reminders are private
    everything_conforms(slack)


async def test_closing_the_enquiry_stops_the_owner_reminders_and_the_missed_deadline_alarm(desk) -> None:
    slack = await desk(FRIDAY)
    ref = await logged_and_claimed(slack, "4:30pm")
    await at(slack, "15:17:30")
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 1
    reply = await press(slack, h.COMMS_A, comms_card(slack, ref), "Close without response", h.COMMS_CHANNEL)
    assert reply == f"{ref} is closed without a response."
    await h.eventually(lambda: "Closed" in h.text_of(comms_card(slack, ref)), "the card to say Closed")
    await slack.settle()
    for when in ("15:30", "16:15", "16:30", "17:00"):
        await at(slack, when)
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 1
    for who in (h.COMMS_A, h.HEAD, h.DIRECTOR):
        assert escalations(slack, who, ref, "missed its deadline") == []
    card = comms_card(slack, ref)
    assert "Deadline missed" not in h.text_of(card) and "Next reminder" not in h.text_of(card)
    everything_conforms(slack)


async def test_remind_me_in_30_minutes_sends_the_reminder_again_30_minutes_later_and_not_before(desk) -> None:
    slack = await desk(FRIDAY)
    ref = await logged_and_claimed(slack, "4:30pm")
    await at(slack, "15:17:30")
    await at(slack, "15:30")
    sixty = deadline_reminders(slack, h.COMMS_A, ref)[-1]
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 2

    # Someone else can't snooze Casey's reminder.
    refused = await press(slack, h.COMMS_B, sixty, "Remind me in 30 min", "D" + h.COMMS_B[0])
    assert "for someone else" in refused
    told = await press(slack, h.COMMS_A, sixty, "Remind me in 30 min", "D" + h.COMMS_A[0])
    assert told == "I'll remind you again in 30 minutes."

    await at(slack, "15:59:59")
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 2
    await at(slack, "16:00")
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 3
    again = deadline_reminders(slack, h.COMMS_A, ref)[-1]
    assert "today at 16:30 (in 30 minutes)" in h.text_of(again) and "Remind me in 30 min" in h.labels(again)
    await slack.tick()
    await slack.settle()
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 3
    everything_conforms(slack)


async def test_snoozing_one_owner_reminder_keeps_the_later_ones(desk) -> None:
    slack = await desk(FRIDAY)
    ref = await logged_and_claimed(slack, "4:30pm")
    await at(slack, "15:17:30")
    await at(slack, "15:30")
    told = await press(slack, h.COMMS_A, deadline_reminders(slack, h.COMMS_A, ref)[-1], "Remind me in 30 min",
                       "D" + h.COMMS_A[0])
    assert told == "I'll remind you again in 30 minutes."
    await at(slack, "16:00")
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 3  # the snoozed one, again
    await at(slack, "16:15")
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 4  # the 15-minute warning is still due
    assert "(in 15 minutes)" in h.text_of(deadline_reminders(slack, h.COMMS_A, ref)[-1])


async def test_owner_reminders_out_of_hours_wait_for_the_office_to_open(desk) -> None:
    # Claimed at 17:50 on Friday for Monday 10:00: half-time (Sunday 01:55) waits for Monday 08:00.
    slack = await desk("2026-11-27T17:50:00+00:00")
    ref = await logged_and_claimed(slack, "Monday 10am")
    for when in ("2026-11-27T18:30:00+00:00", "2026-11-28T12:00:00+00:00", "2026-11-29T01:55:00+00:00",
                 "2026-11-29T12:00:00+00:00", "2026-11-30T07:59:00+00:00"):
        await at(slack, when)
        assert deadline_reminders(slack, h.COMMS_A, ref) == [], when
    await at(slack, "2026-11-30T08:00:00+00:00")
    [deferred] = deadline_reminders(slack, h.COMMS_A, ref)
    assert "today at 10:00 (in 2 hours)" in h.text_of(deferred)
    await at(slack, "2026-11-30T09:00:00+00:00")
    await at(slack, "2026-11-30T09:45:00+00:00")
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 3
    everything_conforms(slack)


async def test_two_reminders_deferred_to_the_same_opening_arrive_as_one(desk) -> None:
    # Claimed at 17:50 on Friday for Monday 08:30: half-time (Sunday) and 60 before (07:30) both wait for 08:00.
    slack = await desk("2026-11-27T17:50:00+00:00")
    ref = await logged_and_claimed(slack, "Monday 8:30am")
    for when in ("2026-11-29T01:10:00+00:00", "2026-11-30T07:30:00+00:00"):
        await at(slack, when)
    assert deadline_reminders(slack, h.COMMS_A, ref) == []
    await at(slack, "2026-11-30T08:00:00+00:00")
    await slack.tick()
    await slack.settle()
    assert len(deadline_reminders(slack, h.COMMS_A, ref)) == 1


# --- the deadline passes --------------------------------------------------------------------------------------------

async def test_a_missed_deadline_marks_the_card_and_tells_the_owner_and_the_director_once(desk) -> None:
    slack = await desk(FRIDAY)
    ref = await logged_and_claimed(slack, "3pm")
    await at(slack, "14:59:59")
    assert "Deadline missed" not in h.text_of(comms_card(slack, ref))
    assert escalations(slack, h.COMMS_A, ref, "missed its deadline") == []
    await at(slack, "15:00")
    card = comms_card(slack, ref)
    assert "Deadline missed" in h.text_of(card) and "Claimed by Casey Comms" in h.text_of(card)
    [owner] = escalations(slack, h.COMMS_A, ref, "has missed its deadline")
    assert "Owner:" not in h.text_of(owner)  # the owner is told about their own case, not who owns it
    for who in (h.HEAD, h.DIRECTOR):
        [escalation] = escalations(slack, who, ref, "has missed its deadline")
        assert "Owner: Casey Comms" in h.text_of(escalation)
        assert check_block_kit(escalation["blocks"]) == []
    await later(slack, minutes=30)
    await later(slack, minutes=30)
    for who in (h.COMMS_A, h.HEAD, h.DIRECTOR):
        assert len(escalations(slack, who, ref, "has missed its deadline")) == 1
    everything_conforms(slack)


# --- sign-off -------------------------------------------------------------------------------------------------------

async def sent_for_sign_off(slack: h.SlackHarness) -> tuple[str, str]:
    """Sam logs a call due at 5pm; Casey claims it, drafts the response and asks for sign-off. (ref, her reply)"""
    ref, card = await log_call(slack, "5pm")
    await claim(slack, h.COMMS_A, card, ref)
    await write_draft(slack, h.COMMS_A, comms_card(slack, ref), h.COMMS_CHANNEL)
    return ref, await press(slack, h.COMMS_A, comms_card(slack, ref), "Request sign-off", h.COMMS_CHANNEL)


async def test_approvers_are_reminded_then_escalated_and_one_approval_stops_it(desk) -> None:
    slack = await desk(FRIDAY)
    ref, reply = await sent_for_sign_off(slack)
    assert "has gone for sign-off" in reply, reply

    await at(slack, "14:24:59")
    assert sign_off_reminders(slack, h.DIRECTOR, ref) == [] and sign_off_reminders(slack, h.HEAD, ref) == []
    await at(slack, "14:25")
    for who in (h.DIRECTOR, h.HEAD):
        [reminder] = sign_off_reminders(slack, who, ref)
        assert DRAFT in h.text_of(reminder) and "Your sign-off is still needed" in h.text_of(reminder)
        assert h.labels(reminder) == ["Approve", "Request changes", "Reject", "Remind me in 30 min"]
        assert check_block_kit(reminder["blocks"]) == []
    assert escalations(slack, h.HEAD, ref, "waiting for sign-off") == []

    await at(slack, "14:45")
    assert len(sign_off_reminders(slack, h.DIRECTOR, ref)) == 2 and len(sign_off_reminders(slack, h.HEAD, ref)) == 2
    assert len(escalations(slack, h.HEAD, ref, "is still waiting for sign-off by Dana Director")) == 1
    assert len(escalations(slack, h.DIRECTOR, ref, "is still waiting for sign-off by Harper Head")) == 1

    # Dana approves from her reminder: the comms slot is done, so nobody is chased for it any more.
    await slack.click(h.DIRECTOR, sign_off_reminders(slack, h.DIRECTOR, ref)[-1], "Approve", channel="D" + h.DIRECTOR[0])
    await h.eventually(lambda: "Approved: ready to issue" in h.text_of(comms_card(slack, ref)), "the approval")
    await slack.settle()
    for when in ("15:05", "15:25", "15:45", "16:05"):
        await at(slack, when)
    assert len(sign_off_reminders(slack, h.DIRECTOR, ref)) == 2 and len(sign_off_reminders(slack, h.HEAD, ref)) == 2
    assert len(escalations(slack, h.HEAD, ref, "waiting for sign-off")) == 1
    assert len(escalations(slack, h.DIRECTOR, ref, "waiting for sign-off")) == 1
    everything_conforms(slack)


async def test_issuing_the_response_stops_the_owner_reminders(desk) -> None:
    slack = await desk(FRIDAY)
    ref = await logged_and_claimed(slack, "5pm")  # owner reminders due 15:32:30, 16:00 and 16:45
    await write_draft(slack, h.COMMS_A, comms_card(slack, ref), h.COMMS_CHANNEL)
    await press(slack, h.COMMS_A, comms_card(slack, ref), "Request sign-off", h.COMMS_CHANNEL)
    approval = await h.eventually(lambda: saying(slack.dms(h.DIRECTOR), f"Sign-off: {ref}"), "Dana's approval card")
    await slack.click(h.DIRECTOR, approval[-1], "Approve", channel="D" + h.DIRECTOR[0])
    approved = await h.eventually(lambda: saying(slack.dms(h.COMMS_A), f"Approved: {ref}"), "Casey to hear")
    await slack.settle()
    opened = len(slack.fake.calls_to("views.open")) + 1
    await slack.click(h.COMMS_A, approved[-1], "Mark as issued", channel="D" + h.COMMS_A[0])
    status, body = await h.submit_modal(slack, h.COMMS_A, opened, {"method": "email"})
    assert status == 200 and body in ("", "{}"), body
    await h.eventually(lambda: "Issued by email" in h.text_of(comms_card(slack, ref)), "the card to say issued")
    await slack.settle()
    for when in ("15:32:30", "16:00", "16:45", "17:00", "17:30"):
        await at(slack, when)
    assert deadline_reminders(slack, h.COMMS_A, ref) == []
    for who in (h.COMMS_A, h.HEAD, h.DIRECTOR):
        assert escalations(slack, who, ref, "missed its deadline") == []
    everything_conforms(slack)


async def test_snoozing_a_sign_off_reminder_does_not_escalate_again(desk) -> None:
    slack = await desk(FRIDAY)
    ref, _ = await sent_for_sign_off(slack)
    await at(slack, "14:25")
    await at(slack, "14:45")
    assert len(escalations(slack, h.HEAD, ref, "waiting for sign-off by Dana Director")) == 1
    told = await press(slack, h.DIRECTOR, sign_off_reminders(slack, h.DIRECTOR, ref)[-1], "Remind me in 30 min",
                       "D" + h.DIRECTOR[0])
    assert told == "I'll remind you again in 30 minutes."
    await at(slack, "15:15")
    assert len(sign_off_reminders(slack, h.DIRECTOR, ref)) == 3  # the snoozed reminder came back
    assert len(escalations(slack, h.HEAD, ref, "waiting for sign-off by Dana Director")) == 1


# --- out of hours ---------------------------------------------------------------------------------------------------

OUT_OF_HOURS = [
    # when (UTC; London is on GMT in Nov/Dec), why the office is shut, the on-call director, next on the rota
    pytest.param("2026-12-02T21:00:00+00:00", "after hours", ON_CALL_B, ON_CALL_A, id="wednesday-evening"),
    pytest.param("2026-11-28T11:00:00+00:00", "weekend", ON_CALL_A, ON_CALL_B, id="saturday"),
    pytest.param("2026-12-25T11:00:00+00:00", "bank holiday: Christmas Day", ON_CALL_A, ON_CALL_B,
                 id="christmas-day"),
    pytest.param("2026-12-28T10:00:00+00:00", "bank holiday: Boxing Day (observed)", ON_CALL_B, ON_CALL_A,
                 id="boxing-day-observed"),
]


@pytest.mark.parametrize(("when", "reason", "first", "second"), OUT_OF_HOURS)
async def test_out_of_hours_the_on_call_director_is_asked_then_the_next_on_the_rota_then_the_deputy(
        desk, when: str, reason: str, first: tuple, second: tuple) -> None:
    slack = await desk(when)
    ref, card = await log_call(slack, "in 3 hours")
    [ask] = await h.eventually(lambda: on_call_asks(slack, first, ref), f"{first[2]} to be asked")
    assert "you are the on-call director" in h.text_of(ask) and "What to do: acknowledge" in h.text_of(ask)
    assert TRAINING in h.text_of(ask) and "Sam Reporter" in h.text_of(ask) and "01245 123456" in h.text_of(ask)
    assert h.labels(ask) == ["Acknowledge", "Claim"]
    assert check_block_kit(ask["blocks"]) == []
    assert f"Logged out of hours ({reason}): sent to the on-call director ({first[2]})" in h.text_of(card)
    assert on_call_asks(slack, second, ref) == [] and on_call_asks(slack, DEPUTY, ref) == []

    await later(slack, minutes=14, seconds=59)
    assert on_call_asks(slack, second, ref) == []
    await later(slack, seconds=1)
    [next_ask] = on_call_asks(slack, second, ref)
    assert "you are next on the rota" in h.text_of(next_ask) and h.labels(next_ask) == ["Acknowledge", "Claim"]
    assert f"sent to the on-call director ({first[2]}, {second[2]})" in h.text_of(comms_card(slack, ref))
    assert on_call_asks(slack, DEPUTY, ref) == []

    await later(slack, minutes=15)
    [deputy_ask] = on_call_asks(slack, DEPUTY, ref)
    assert "you are next on the rota" in h.text_of(deputy_ask)
    assert saying(in_channel(slack), "nobody on the on-call rota has acknowledged") == []

    await later(slack, minutes=15)
    [alarm] = saying(in_channel(slack), f"Escalation: {ref}", "nobody on the on-call rota has acknowledged it")
    assert h.labels(alarm) == ["Claim"]
    for who in (first, second, DEPUTY):
        assert len(on_call_asks(slack, who, ref)) == 1, who

    # The deputy, having been asked, can still pick it up.
    told = await press(slack, DEPUTY, deputy_ask, "Acknowledge", "D" + DEPUTY[0])
    assert told.startswith(f"Thank you: you have {ref}.")
    await h.eventually(lambda: "Acknowledged by Dev Deputy" in h.text_of(comms_card(slack, ref)), "the card to say so")
    await later(slack, minutes=15)
    assert len(saying(in_channel(slack), "nobody on the on-call rota has acknowledged")) == 1
    everything_conforms(slack)


async def test_acknowledging_stops_the_chase_and_only_the_rota_can_and_only_once(desk) -> None:
    slack = await desk("2026-12-02T21:00:00+00:00")  # Wednesday evening: Priya's week
    ref, _ = await log_call(slack, "in 3 hours")
    [ask] = await h.eventually(lambda: on_call_asks(slack, ON_CALL_B, ref), "Priya to be asked")

    # Nobody off the rota can acknowledge, nor the deputy before being asked; nothing changes when they try.
    for who in (h.OUTSIDER, h.COMMS_B, DEPUTY):
        refused = await press(slack, who, ask, "Acknowledge", "D" + who[0])
        assert "only they can acknowledge it" in refused, (who, refused)
    assert "Acknowledged by" not in h.text_of(comms_card(slack, ref))

    await later(slack, minutes=5)
    told = await press(slack, ON_CALL_B, ask, "Acknowledge", "D" + ON_CALL_B[0])
    assert told.startswith(f"Thank you: you have {ref}.")
    await h.eventually(lambda: "Acknowledged by Priya Oncall" in h.text_of(comms_card(slack, ref)), "the card")

    # A second acknowledgement, by Priya again or by Omar (on the rota), is refused politely.
    again = await press(slack, ON_CALL_B, ask, "Acknowledge", "D" + ON_CALL_B[0])
    assert again == f"Priya Oncall has already acknowledged {ref}."
    omar = await press(slack, ON_CALL_A, ask, "Acknowledge", "D" + ON_CALL_A[0])
    assert omar == f"Priya Oncall has already acknowledged {ref}."

    for _ in range(4):
        await later(slack, minutes=15)
    assert on_call_asks(slack, ON_CALL_A, ref) == [] and on_call_asks(slack, DEPUTY, ref) == []
    assert len(on_call_asks(slack, ON_CALL_B, ref)) == 1
    assert saying(in_channel(slack), "nobody on the on-call rota has acknowledged") == []
    assert "Acknowledged by Priya Oncall" in h.text_of(comms_card(slack, ref))
    everything_conforms(slack)


async def test_the_on_call_director_claiming_stops_the_chase(desk) -> None:
    slack = await desk("2026-11-28T11:00:00+00:00")  # Saturday: Omar's week
    ref, _ = await log_call(slack, "in 3 hours")
    [ask] = await h.eventually(lambda: on_call_asks(slack, ON_CALL_A, ref), "Omar to be asked")
    await claim(slack, ON_CALL_A, ask, ref, channel="D" + ON_CALL_A[0])
    for _ in range(4):
        await later(slack, minutes=15)
    assert on_call_asks(slack, ON_CALL_B, ref) == [] and on_call_asks(slack, DEPUTY, ref) == []
    assert unclaimed_reminders(slack, ref) == [] and saying(slack.dms(ON_CALL_A), "Still unclaimed") == []


async def test_after_an_acknowledgement_out_of_hours_reminders_go_to_whoever_acknowledged(desk) -> None:
    slack = await desk("2026-12-02T21:00:00+00:00")  # Priya's week; deadline midnight, before the office opens
    ref, _ = await log_call(slack, "in 3 hours")
    [ask] = await h.eventually(lambda: on_call_asks(slack, ON_CALL_B, ref), "Priya to be asked")
    await at(slack, "21:15")
    assert len(on_call_asks(slack, ON_CALL_A, ref)) == 1  # nobody acknowledged: Omar is asked too
    await at(slack, "21:20")
    await press(slack, ON_CALL_B, ask, "Acknowledge", "D" + ON_CALL_B[0])
    await at(slack, "21:30")
    await at(slack, "21:45")
    assert saying(slack.dms(ON_CALL_A), f"Still unclaimed: {ref}") == []
    assert len(saying(slack.dms(ON_CALL_B), f"Still unclaimed: {ref}")) == 3  # 21:15, 21:30, 21:45


@pytest.mark.parametrize(("when", "out_of_hours"), [
    pytest.param("2026-11-27T17:59:00+00:00", False, id="friday-17:59"),
    pytest.param("2026-12-29T08:00:00+00:00", False, id="tuesday-after-christmas-08:00"),
    pytest.param("2026-11-27T18:00:00+00:00", True, id="friday-18:00"),
    pytest.param("2026-12-29T07:59:00+00:00", True, id="tuesday-after-christmas-07:59"),
])
async def test_the_edges_of_office_hours(desk, when: str, out_of_hours: bool) -> None:
    slack = await desk(when)
    ref, card = await log_call(slack, "in 3 hours")
    await later(slack, minutes=15)
    asked = [who for who in (ON_CALL_A, ON_CALL_B, DEPUTY) if on_call_asks(slack, who, ref)]
    assert ("Logged out of hours" in h.text_of(card)) is out_of_hours
    assert bool(asked) is out_of_hours, asked


async def test_out_of_hours_an_unclaimed_reminder_waits_for_the_office_to_open(desk) -> None:
    slack = await desk("2026-12-03T02:45:00+00:00")  # Thursday 02:45, deadline noon
    ref, _ = await log_call(slack, "noon")
    [ask] = await h.eventually(lambda: on_call_asks(slack, ON_CALL_B, ref), "Priya to be asked")
    await press(slack, ON_CALL_B, ask, "Acknowledge", "D" + ON_CALL_B[0])
    for when in ("03:00", "03:15", "05:00", "07:59:59"):
        await at(slack, when)
        assert unclaimed_reminders(slack, ref) == [], when
        assert saying(slack.dms(ON_CALL_B), "Still unclaimed") == [], when
    await at(slack, "08:00")
    [reminder] = unclaimed_reminders(slack, ref)
    assert h.labels(reminder) == ["Claim"] and check_block_kit(reminder["blocks"]) == []
    await at(slack, "08:15")
    assert len(unclaimed_reminders(slack, ref)) == 2
    everything_conforms(slack)


@pytest.mark.parametrize(("logged", "deadline", "reason", "just_before", "opens"), [
    # Easter Monday 2026 at 08:30 BST: Priya's week began half an hour earlier (08:00 BST, not 08:00 UTC).
    pytest.param("2026-04-06T08:30:00+01:00", "tomorrow noon", "bank holiday: Easter Monday",
                 "2026-04-07T07:59:00+01:00", "2026-04-07T08:00:00+01:00", id="easter-monday-in-bst"),
    # The clocks go forward on Sunday 29 March 2026: Monday opens at 08:00 BST, 07:00 UTC.
    pytest.param("2026-03-27T18:30:00+00:00", "Monday noon", "after hours",
                 "2026-03-30T07:59:00+01:00", "2026-03-30T08:00:00+01:00", id="clocks-go-forward"),
    # The clocks go back on Sunday 25 October 2026: Monday opens at 08:00 GMT, 08:00 UTC.
    pytest.param("2026-10-23T18:30:00+01:00", "Monday noon", "after hours",
                 "2026-10-26T07:59:00+00:00", "2026-10-26T08:00:00+00:00", id="clocks-go-back"),
])
async def test_across_a_clock_change_the_rota_and_the_opening_time_follow_london(
        desk, logged: str, deadline: str, reason: str, just_before: str, opens: str) -> None:
    slack = await desk(logged)
    ref, card = await log_call(slack, deadline)
    [ask] = await h.eventually(lambda: on_call_asks(slack, ON_CALL_B, ref), "Priya to be asked")
    assert on_call_asks(slack, ON_CALL_A, ref) == []
    assert f"Logged out of hours ({reason}): sent to the on-call director (Priya Oncall)" in h.text_of(card)
    await press(slack, ON_CALL_B, ask, "Acknowledge", "D" + ON_CALL_B[0])
    await later(slack, minutes=15)
    await at(slack, just_before)
    assert unclaimed_reminders(slack, ref) == [] and saying(slack.dms(ON_CALL_B), "Still unclaimed") == []
    await at(slack, opens)
    assert len(unclaimed_reminders(slack, ref)) == 1
    everything_conforms(slack)


async def test_the_card_shows_the_deferred_reminder_as_the_next_one(desk) -> None:
    slack = await desk("2026-12-03T02:45:00+00:00")
    ref, _ = await log_call(slack, "noon")
    [ask] = await h.eventually(lambda: on_call_asks(slack, ON_CALL_B, ref), "Priya to be asked")
    await press(slack, ON_CALL_B, ask, "Acknowledge", "D" + ON_CALL_B[0])
    await h.eventually(lambda: "Acknowledged by Priya Oncall" in h.text_of(comms_card(slack, ref)), "the card")
    await slack.settle()
    # Due at 03:00, it will be held for the office to open: the card says when it will really go, at once.
    assert "Next reminder: Today 08:00" in h.text_of(comms_card(slack, ref))
    assert "Today 03:00" not in h.text_of(comms_card(slack, ref))
    await at(slack, "03:05")
    assert "Next reminder: Today 08:00" in h.text_of(comms_card(slack, ref))


async def test_an_owners_reminder_due_in_the_night_shows_as_the_opening_time(desk, capsys) -> None:  # noqa: ANN001
    # Claimed at 17:50 on Friday for Monday 10:00: the half-time reminder (Sunday 01:55) goes on Monday at 08:00.
    slack = await desk("2026-11-27T17:50:00+00:00")
    ref = await logged_and_claimed(slack, "Monday 10am")
    card = h.text_of(comms_card(slack, ref))
    assert "Next reminder: Monday 30 Nov, 08:00" in card and "01:55" not in card
    # `mediadesk nudges list` says the same.
    assert await cli._nudges_list(slack.settings(), slack.org, 200) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if ref in line]
    deadline = [line for line in rows if "deadline " in line and "missed" not in line]
    assert deadline[0].startswith("Mon 30 Nov 08:00") and not any(line.startswith("Sun") for line in rows), rows
    assert any(line.startswith("Mon 30 Nov 10:00") and "deadline_missed" in line for line in rows), rows


async def test_out_of_hours_with_the_deadline_before_opening_the_on_call_director_is_reminded(desk) -> None:
    slack = await desk("2026-12-03T02:45:00+00:00")  # deadline 05:45, before the office opens
    ref, _ = await log_call(slack, "in 3 hours")
    [ask] = await h.eventually(lambda: on_call_asks(slack, ON_CALL_B, ref), "Priya to be asked")
    await press(slack, ON_CALL_B, ask, "Acknowledge", "D" + ON_CALL_B[0])
    await at(slack, "03:00")
    [reminder] = saying(slack.dms(ON_CALL_B), f"Still unclaimed: {ref}")
    assert h.labels(reminder) == ["Claim"]
    assert unclaimed_reminders(slack, ref) == []  # not the channel at 3am
    everything_conforms(slack)


async def test_in_office_hours_the_on_call_director_cannot_claim(desk) -> None:
    """The on-call director takes enquiries on only out of hours; in office hours they are the comms team's."""
    slack = await desk("2026-12-02T10:00:00+00:00")  # Wednesday morning: the office is open
    ref, card = await log_call(slack, "in 3 hours")
    refused = await press(slack, ON_CALL_B, card, "Claim", h.COMMS_CHANNEL)
    assert refused == ("In office hours the communications team takes enquiries on: the on-call director is asked "
                       "only out of hours.")
    assert "Claimed by" not in h.text_of(comms_card(slack, ref))
    await claim(slack, h.COMMS_A, comms_card(slack, ref), ref)  # the comms team can, as ever
    everything_conforms(slack)
