"""Every flow, driven through the playground with the example organisation (mediadesk.example.toml): every card
and form anyone is shown conforms to Adaptive Cards 1.5, and every card the bot queued (the outbox holds the
neutral card) and every form it opened renders to Block Kit within Slack's limits and to a valid Adaptive Card.

The example organisation is what a newcomer runs first: a role it leaves empty is a flow that shows them an
empty card (as the crisis holding line once did, with no heads of department)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.server import CORE, DATABASE
from bot.clock import FrozenClock
from bot.services import actions, nudges
from cards import slack, teams, teams_inputs
from cards.model import Card
from storage.models import OutboxRow
from tests.adaptive import assert_adaptive_card
from tests.conformance import assert_block_kit, assert_view
from tests.playground.flows import log_a_call, raise_crisis, request_release
from tests.playground.harness import (
    ALEX,
    CASEY,
    DANA,
    STAFF,
    Pane,
    Playground,
    cards_of,
    find_submit,
    running_playground,
)
from tests.slack.harness import frozen
from tests.teams.harness import card_text

EVAN = "evan.exec@example.nhs.uk"
HANA = "hana.hughes@example.nhs.uk"
STATEMENT = "We are working hard to reduce waiting times at Basildon."


@pytest.fixture
async def playground(sqlite_url: str) -> AsyncIterator[Playground]:
    # Tuesday 1 December 2026, 10:00 in London: the press office is open.
    async for running in running_playground(sqlite_url, frozen("2026-12-01T10:00:00+00:00")):
        yield running


async def tap(pane: Pane, card: dict[str, Any], label: str, /, **inputs: Any) -> None:
    """Press a button (with these inputs filled in); one that asks first ("Are you sure?") is confirmed."""
    action = find_submit(card, label) or find_submit(card, f"Yes, {label[:1].lower()}{label[1:]}")
    assert action is not None, f"no {label!r} button on {card_text(card)[:400]}"
    await pane.post({"type": "message", "value": {**action.get("data", {}), **inputs},
                     "channelData": {"postBack": True}})


# --- the flows ------------------------------------------------------------------------------------------------

async def media_call(pg: Playground) -> list[Pane]:
    sam = await pg.pane(STAFF, "chat")
    await log_a_call(sam)
    await sam.say("media call form")  # the one-screen form too
    await sam.card_saying("Send to comms")
    channel = await pg.pane(CASEY, "channel")
    await channel.card_saying("Waiting for a comms officer")
    return [sam, channel]


async def sign_off(pg: Playground) -> list[Pane]:
    sam = await pg.pane(STAFF, "chat")
    await log_a_call(sam)
    channel, casey, dana = await pg.pane(CASEY, "channel"), await pg.pane(CASEY, "chat"), await pg.pane(DANA, "chat")
    await tap(channel, await channel.card_saying("MC-2026-0001"), "Claim")
    await tap(channel, await channel.card_saying("Claimed by Casey Comms"), "Draft response")
    form = await casey.card_saying("Save draft")
    spokespeople = [c["title"] for i in form["body"] if i.get("id") == "spokesperson" for c in i["choices"]]
    assert spokespeople == ["Written statement only", "Dana Director", "Evan Exec"]
    await tap(casey, form, "Save draft", statement=STATEMENT, spokesperson="written")
    await tap(channel, await channel.card_saying("Draft v1"), "Request sign-off")
    await tap(dana, await dana.card_saying("Sign-off: MC-2026-0001"), "Request changes")
    await tap(dana, await dana.card_saying("Send to owner"), "Send to owner", comment="Say when the new unit opens.")
    await casey.card_saying("Say when the new unit opens.")
    await tap(channel, await channel.card_saying("Changes requested"), "Edit draft")
    await tap(casey, await casey.card_saying("Save draft"), "Save draft", statement=STATEMENT + " It opens in May.",
              spokesperson="written")
    await tap(channel, await channel.card_saying("Draft v2"), "Request sign-off")
    await tap(dana, await dana.card_saying("It opens in May."), "Approve")
    await tap(channel, await channel.card_saying("Approved: ready to issue"), "Mark as issued")
    issue = await casey.card_saying("Issue and close")
    await tap(casey, issue, "Issue and close", method="email", text=STATEMENT + " It opens in May.",
              contact="Casey Comms")
    await channel.card_saying("Issued by email by Casey Comms")
    return [sam, channel, casey, dana]


async def crisis(pg: Playground) -> list[Pane]:
    evan = await pg.pane(EVAN, "chat")
    await raise_crisis(evan)
    channel, casey = await pg.pane(CASEY, "channel"), await pg.pane(CASEY, "chat")
    hana, dana = await pg.pane(HANA, "chat"), await pg.pane(DANA, "chat")
    await tap(channel, await channel.card_saying("CR-2026-0001"), "I'll lead this")
    await tap(channel, await channel.card_saying("lead Casey Comms"), "Add update")
    await tap(casey, await casey.card_saying("Add update"), "Add update", text="The fire service is on site.")
    await tap(channel, await channel.card_saying("The fire service is on site."), "Lead agency…")
    await tap(casey, await casey.card_saying("When another agency leads"), "Save", agency="Essex Fire (Gold command)")
    await tap(channel, await channel.card_saying("Essex Fire"), "Draft holding line")
    line = await casey.card_saying("Send for sign-off")
    heads = [c for i in line["body"] if i.get("id") == "head_of_department" for c in i["choices"]]
    assert heads == [{"title": "Hana Hughes", "value": HANA}, {"title": "Nina Patel", "value": "nina.patel@example.nhs.uk"}]
    await tap(casey, line, "Send for sign-off", text="We are aware of a fire; everyone is safe.",
              head_of_department=HANA)
    await tap(hana, await hana.card_saying("everyone is safe"), "Approve")
    await tap(dana, await dana.card_saying("everyone is safe"), "Approve")
    await tap(channel, await channel.card_saying("Record lead agency sign-off"), "Record lead agency sign-off")
    await tap(casey, await casey.card_saying("is signed off"), "Circulate the official line")
    await tap(evan, await evan.card_saying("The official line to use"), "I have the official line")
    await tap(channel, await channel.card_saying("Have the official line"), "Stand down")
    await channel.card_saying("Stood down")
    await casey.say("crisis library")
    await tap(casey, await casey.card_saying("Add a holding line"), "Add a holding line")
    await tap(casey, await casey.card_saying("A pre-approved holding statement"), "Save", title="Fire", text="We are aware of a fire.")
    return [evan, channel, casey, hana, dana]


async def press_release(pg: Playground) -> list[Pane]:
    evan = await pg.pane(EVAN, "chat")
    await request_release(evan)
    channel, casey = await pg.pane(CASEY, "channel"), await pg.pane(CASEY, "chat")
    await tap(channel, await channel.card_saying("PR-2026-0001"), "Claim")
    await tap(channel, await channel.card_saying("Information gathering"), "Release details…")
    await tap(casey, await casey.card_saying("Partners sign off through comms"), "Save",
              quoted=f"Evan Exec, {EVAN}")
    await tap(channel, await channel.card_saying("Evan Exec"), "Information gathered: start drafting")
    await tap(channel, await channel.card_saying("First draft"), "Save a version…")
    await tap(casey, await casey.card_saying("Working document"), "Save version",
              text="The Harlow centre opens in March.")
    await tap(channel, await channel.card_saying("Draft version 1"), "Send draft to the project lead")
    await tap(evan, await evan.card_saying("Your turn"), "No changes")
    await channel.card_saying("PR-2026-0001")
    return [evan, channel, casey]


async def reminders(pg: Playground) -> list[Pane]:
    sam = await pg.pane(STAFF, "chat")
    await log_a_call(sam)
    await log_a_call(sam)
    clock: FrozenClock = pg.server.app[CORE].clock  # type: ignore[assignment]
    for _ in range(3):  # reminders, then the escalation to the Head of Communications and the Director
        clock.advance(minutes=16)
        await nudges.tick(pg.server.app[CORE])
    channel = await pg.pane(ALEX, "channel")
    digest = await channel.card_saying("MC-2026-0002", timeout=10)
    assert digest
    return [sam, channel, await pg.pane(DANA, "chat"), await pg.pane("harper.head@example.nhs.uk", "chat")]


FLOWS: dict[str, Callable[[Playground], Awaitable[list[Pane]]]] = {
    "media call": media_call, "sign-off": sign_off, "crisis": crisis, "press release": press_release,
    "reminders": reminders}


# What each flow must have sent (card titles in the outbox) and which forms it must have opened.
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "media call": ({"Log a media call: question 1 of 7", "Log a media call: check and send",
                    "Media enquiry MC-2026-0001: BBC Essex", "Sent to comms: MC-2026-0001"}, {"media_call"}),
    "sign-off": ({"You own MC-2026-0001", "Sign-off: MC-2026-0001 (BBC Essex)", "Changes requested: MC-2026-0001",
                  "Approved: MC-2026-0001"}, {"statement", "changes", "issue"}),
    "crisis": ({"Crisis CR-2026-0001", "Crisis alert CR-2026-0001", "Holding line: CR-2026-0001",
                "Official line: CR-2026-0001"}, {"crisis_update", "lead_agency", "holding_line", "library_line"}),
    "press release": ({"Press release PR-2026-0001", "Sent to comms: PR-2026-0001", "Update on PR-2026-0001"},
                      {"press_release", "press_details", "press_draft"}),
    "reminders": ({"Still unclaimed: 2 media enquiries", "Escalation: MC-2026-0001"}, set()),
}


# --- what they showed -----------------------------------------------------------------------------------------

def forms_shown(panes: list[Pane]) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            form = (node.get("data") or {}).get(teams_inputs.FORM_KEY) if isinstance(node.get("data"), dict) else None
            if isinstance(form, dict) and isinstance(form.get("form"), str):
                found.add(form["form"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for pane in panes:
        for activity in pane.seen.values():
            walk(cards_of(activity))
    return found


@pytest.mark.parametrize("flow", list(FLOWS))
async def test_every_card_and_form_of_the_flow_conforms(playground: Playground, flow: str) -> None:
    panes = await FLOWS[flow](playground)
    await playground.settle()
    shown = 0
    for pane in panes:
        await pane.poll()
        for activity in pane.seen.values():
            for card in cards_of(activity):
                assert_adaptive_card(card)
                assert "Input.ChoiceSet" not in str(card) or all(
                    i.get("choices") for i in card.get("body", []) if i.get("type") == "Input.ChoiceSet")
                shown += 1
    async with playground.server.app[DATABASE].sessions() as s:
        queued = [Card.from_json(c) for c in (await s.execute(select(OutboxRow.card))).scalars()]
    for card in queued:  # what Slack and Teams would each be sent
        assert_block_kit(slack.render_blocks(card))
        assert_adaptive_card(teams.render_card(card))
    core = playground.server.app[CORE]
    forms = forms_shown(panes)
    for form_id in forms:
        form = actions.form_for(core, form_id)
        assert form is not None, form_id
        assert_view(slack.render_modal(form, callback_id="md_form", private_metadata="{}", ctx=core.ctx()))
    titles, forms_wanted = EXPECTED[flow]
    assert shown >= 5, shown
    assert titles <= {c.title for c in queued}, sorted({c.title for c in queued})
    assert forms == forms_wanted
