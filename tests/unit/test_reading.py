"""The rules behind what people read on cards: a long enquiry's first lines, the whole text in parts, a closed
case's card, what issuing ticks off, comms' words for the crisis details, and who may read an enquiry in full."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.crisis import CRISIS_FORM, comms_label
from bot.domain.enquiry import Enquiry, EnquiryState, may
from bot.domain.forms import Context
from bot.domain.people import Actor, Directory, Person, Role
from bot.domain.statement import Draft, Plan, fingerprint, ticked_by_issue
from cards import enquiry_text, reminder_views, views
from cards.slack import render_message
from cards.teams import render_card
from tests.adaptive import validate_adaptive_card
from tests.conformance import check_block_kit

NOW = datetime(2026, 11, 27, 14, 20, tzinfo=UTC)
CTX = Context(now=NOW, tz=ZoneInfo("Europe/London"))
CASEY = "casey.comms@example.nhs.uk"
DIRECTORY = Directory.build({Role.COMMS: [CASEY]}, {CASEY: "Casey Comms"})
REPORTER = Person("Sam Staff", "sam.staff@example.nhs.uk", "slack", "U_STAFF")


def enquiry(summary: str = "Waiting times", **kwargs: object) -> Enquiry:
    return Enquiry(ref="MC-2026-0001", journalist="Jo Reporter", outlet="Echo", outlet_kind="newspaper",
                   phone=None, email=None, summary=summary, deadline=NOW + timedelta(hours=3), reporter=REPORTER,
                   created_at=NOW - timedelta(minutes=15), **kwargs)


def conforms(card: views.Card) -> None:
    assert check_block_kit(render_message(card)["blocks"]) == []
    assert validate_adaptive_card(render_card(card)) == []


WORDS = "the journalist asks about corridor care & staffing at Basildon A&E "


@pytest.mark.parametrize("text", [WORDS * 50, WORDS.replace(" ", "\n") * 50, "x" * 3000])
def test_an_excerpt_is_at_most_300_characters_cut_at_a_word(text: str) -> None:
    cut = enquiry_text.excerpt(text)
    assert len(cut) <= enquiry_text.EXCERPT_MAX and cut.endswith("…")
    head = cut.removesuffix("…")
    assert text.startswith(head)
    if " " in text:
        assert text[len(head)] in " \n"  # the cut falls between words
    assert head.count("\n") < enquiry_text.EXCERPT_LINES


def test_a_short_enquiry_is_its_own_excerpt() -> None:
    assert enquiry_text.excerpt("A&E waiting times") == "A&E waiting times"
    four = "one\ntwo\nthree\nfour"
    assert enquiry_text.excerpt(four) == four
    assert enquiry_text.excerpt(four + "\nfive") == four + "…"


@pytest.mark.parametrize("text", ["&" * 3000, WORDS * 45, ("line & more\n" * 250)[:3000]])
def test_the_whole_enquiry_comes_in_parts_that_fit_and_lose_nothing(text: str) -> None:
    parts = enquiry_text.in_parts(text, enquiry_text.FULL_PART_MAX)
    assert all(len(p) <= enquiry_text.FULL_PART_MAX for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")
    card = views.full_enquiry_card(enquiry(text), CTX)
    conforms(card)
    assert "…" not in str(render_message(card)["blocks"])  # nothing cut


def test_long_enquiries_show_their_start_and_offer_the_rest_on_every_card_that_shows_them() -> None:
    long = enquiry(WORDS * 40 + "LAST")
    from bot.domain.nudges import Nudge, NudgeKind

    nudge = Nudge(long.ref, NudgeKind.DEADLINE, NOW, CASEY, id=1)
    draft = Draft(1, "Our statement.", fingerprint("Our statement."), "Casey Comms", CASEY, NOW)
    cards = [views.enquiry_card(long, NOW, CTX, DIRECTORY), reminder_views.unclaimed_reminder_card(long, nudge, CTX),
             reminder_views.deadline_reminder_card(long, draft, nudge, CTX), reminder_views.sign_off_reminder_card(long, draft, nudge, CTX),
             reminder_views.escalation_card(long, "is still unclaimed", CTX),
             reminder_views.on_call_card(long, CTX, training_url=None, contacts=None, minutes=15, first=True)]
    for card in cards:
        assert "LAST" not in str(card.facts), card.title
        assert [b.label for b in card.actions if b.label == "Show full enquiry"] == ["Show full enquiry"], card.title
        conforms(card)
    short = enquiry()
    assert "Show full enquiry" not in [b.label for b in views.enquiry_card(short, NOW, CTX, DIRECTORY).actions]


def test_a_closed_case_says_what_was_done_without_a_countdown_or_anything_to_press() -> None:
    plan = Plan(spokesperson="written", ticked=["written"], issued={
        "method": "email", "version": 1, "fingerprint": "f", "contact": "Casey Comms", "at": NOW.isoformat(),
        "by": "Casey Comms"})
    closed = enquiry(state=EnquiryState.CLOSED, owner=Person("Casey Comms", CASEY, "slack", "U_CASEY"), plan=plan)
    draft = Draft(1, "Our statement.", fingerprint("Our statement."), "Casey Comms", CASEY, NOW)
    card = views.enquiry_card(closed, NOW + timedelta(hours=5), CTX, DIRECTORY, draft=draft)
    facts = {f.label: f.value for f in card.facts}
    assert facts["What was done"] == "✅ A newspaper answered by email"
    assert facts["Deadline"] == "Today 17:20" and "Checklist" not in facts
    assert "Issued response (v1)" in facts and card.actions == [] and not card.urgent
    conforms(card)


def test_issuing_a_newspaper_response_by_email_ticks_the_written_response() -> None:
    assert ticked_by_issue("newspaper", "email") == {"written"}
    assert ticked_by_issue("newspaper", "phone") == set()
    assert ticked_by_issue("broadcast", "email") == set()


def test_the_status_while_approvers_decide_is_waiting_for_sign_off() -> None:
    waiting = enquiry(state=EnquiryState.AWAITING_SIGN_OFF, owner=Person("Casey Comms", CASEY, "slack", "U_CASEY"))
    assert views.enquiry_card(waiting, NOW, CTX, DIRECTORY).status == "Waiting for sign-off · owner Casey Comms"


def test_comms_read_the_crisis_details_about_the_reporter() -> None:
    labels = {f.name: comms_label(f) for f in CRISIS_FORM.fields}
    assert labels["phone"] == "Reporter's number" and labels["availability"] == "When they can be reached"
    assert labels["how"] == "How they heard" and labels["what"] == "What happened"
    assert CRISIS_FORM.field("phone").label == "Your number"  # the reporter's own form keeps their voice


@pytest.mark.parametrize(("actor", "allowed"), [
    (Actor("slack", "U_CASEY", CASEY, "Casey Comms"), True),  # comms
    (Actor("slack", "U_STAFF", "sam.staff@example.nhs.uk", "Sam Staff"), True),  # the reporter
    (Actor("slack", "U_OLLIE", "ollie.outsider@example.nhs.uk", "Ollie Outsider"), False),
])
def test_who_may_read_an_enquiry_in_full(actor: Actor, allowed: bool) -> None:
    assert may(DIRECTORY, actor, enquiry(), "show") is allowed
