"""What people read on Teams, through signed activities into /api/messages: the next step after saving a draft,
a closed case's card, the approved text offered back when an edited one is refused, and long enquiries."""

from __future__ import annotations

from typing import Any

from tests.teams.harness import (
    ANSWERS,
    CARD,
    COMMS,
    COMMS_CHANNEL,
    DIRECTOR,
    DRAFT,
    HEAD,
    Teams,
    card_text,
    inputs_of,
    titles,
)

LONG = "\n".join(f"Question {n}: the journalist asks about corridor care at Basildon A&E on {n} November, "
                 "staffing levels and what the ICB is doing about it." for n in range(1, 18))
LONG += "\nLast line: the deadline is firm."


def newspaper() -> list[str]:
    return ["Sam Reporter", "Essex Chronicle", "Newspaper", "01245 123456", "skip", "A&E waiting times", "5pm"]


async def test_the_saved_draft_form_becomes_its_confirmation_with_request_sign_off(teams: Teams) -> None:
    await teams.install(COMMS, DIRECTOR, HEAD)
    card_id, _ = await teams.log_a_call()
    card = await teams.claim(card_id)
    chat = len(teams.chat(COMMS))
    await teams.press(card, "Draft response", by=COMMS, on=card_id)
    form = await teams.next_card(COMMS, chat)
    _, body = await teams.submit(form, {"statement": DRAFT, "spokesperson": "written"}, by=COMMS)
    assert body["type"] == CARD
    saved = body["value"]
    assert "Saved draft version 1 of MC-2026-0001" in card_text(saved)
    assert titles(saved) == ["Request sign-off", "Edit draft"] and inputs_of(saved) == []
    _, body = await teams.press(saved, "Request sign-off", by=COMMS)
    assert "Version 1 of MC-2026-0001 has gone for sign-off" in body["value"], body
    dana = await teams.next_card(DIRECTOR, 0)
    assert DRAFT in card_text(dana) and titles(dana) == ["Approve", "Request changes", "Reject"]


async def approved(teams: Teams, answers: list[str]) -> tuple[str, dict[str, Any]]:
    """Logged, claimed, drafted, sent for sign-off and approved; returns the channel card id and Casey's news."""
    card_id, _ = await teams.sent_for_sign_off(answers)
    dana = await teams.next_card(DIRECTOR, 0)
    await teams.press(dana, "Approve", by=DIRECTOR)
    told = await teams.card_saying(COMMS, "Approved: MC-2026-0001")
    await teams.settle()
    return card_id, told


async def issue_form(teams: Teams, card: dict[str, Any]) -> dict[str, Any]:
    chat = len(teams.chat(COMMS))
    await teams.press(card, "Mark as issued" if "Mark as issued" in titles(card) else "Use the approved text",
                      by=COMMS)
    return await teams.next_card(COMMS, chat)


async def test_a_closed_case_says_what_was_done_with_no_countdown_and_nothing_to_fill_in(teams: Teams) -> None:
    await teams.install(COMMS, DIRECTOR, HEAD)
    card_id, told = await approved(teams, newspaper())
    before = teams.connector.current(COMMS_CHANNEL, 0)
    assert "Newspaper: send a written response by email" in card_text(before) and "(in " in card_text(before)
    updates = len(teams.connector.updates_of(card_id))
    form = await issue_form(teams, told)
    _, body = await teams.submit(form, {"method": "email"}, by=COMMS)
    closed = await teams.connector.wait_update(card_id, updates + 1)
    text = card_text(closed)
    assert "Issued by email by Casey Comms" in text
    assert "What was done" in text and "✅ A newspaper answered by email" in text
    assert "Newspaper: send a written response" not in text
    assert "Today 17:00" in text and "(in " not in text and " ago)" not in text
    assert titles(closed) == [] and inputs_of(closed) == []


async def test_an_edited_text_is_refused_with_the_approved_text_one_press_away(teams: Teams) -> None:
    await teams.install(COMMS, DIRECTOR, HEAD)
    card_id, told = await approved(teams, list(ANSWERS))
    form = await issue_form(teams, told)
    _, body = await teams.submit(form, {"method": "phone", "text": DRAFT + " Thanks.", "contact": "Alex Press"},
                                 by=COMMS)
    assert body["type"] == CARD  # the form becomes the refusal, with the way on
    refused = body["value"]
    assert "isn't the approved text" in card_text(refused) and DRAFT in card_text(refused)
    assert titles(refused) == ["Use the approved text", "Edit draft"] and inputs_of(refused) == []
    assert "Approved: ready to issue" in card_text(teams.connector.current(COMMS_CHANNEL, 0))
    again = await issue_form(teams, refused)
    values = {i["id"]: i.get("value") for i in inputs_of(again)}
    assert values == {"method": "phone", "text": DRAFT, "contact": "Alex Press"}
    await teams.settle()
    updates = len(teams.connector.updates_of(card_id))
    await teams.submit(again, {}, by=COMMS)
    closed = await teams.connector.wait_update(card_id, updates + 1)
    assert "Issued by phone by Casey Comms" in card_text(closed)


async def test_a_long_enquiry_shows_its_start_and_the_whole_text_in_your_own_chat(teams: Teams) -> None:
    await teams.install(COMMS, DIRECTOR, HEAD)
    answers = list(ANSWERS)
    answers[5] = LONG
    card_id, card = await teams.log_a_call(answers)
    text = card_text(card)
    assert "Question 1: the journalist asks" in text and "Last line" not in text and "Question 4:" not in text
    assert "Show full enquiry" in titles(card)
    chat = len(teams.chat(COMMS))
    _, body = await teams.press(card, "Show full enquiry", by=COMMS, on=card_id)
    assert body["value"] == "I've sent you the full enquiry MC-2026-0001 in your chat with Media Desk.", body
    whole = await teams.next_card(COMMS, chat)
    assert "Last line: the deadline is firm." in card_text(whole) and "Question 17" in card_text(whole)
    assert len(teams.connector.cards_in(COMMS_CHANNEL)) == 1  # nothing new in the channel

    teams.clock.advance(minutes=15)
    await teams.tick()
    [reminder] = [c for c in teams.connector.cards_in(COMMS_CHANNEL) if "Still unclaimed" in card_text(c)]
    assert "Last line" not in card_text(reminder) and "Show full enquiry" in titles(reminder)
