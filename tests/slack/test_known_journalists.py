"""Journalists we know (issue 14), through signed HTTP as Slack sends it: a member of staff logging a call names a
journalist already on record at that outlet, and the phone question offers the contact details on record, to use
with one press (or "yes") or turn down; never those of someone of that name at another outlet."""

from __future__ import annotations

import pytest

from storage.models import EnquiryRow
from tests.slack import harness as h

pytestmark = pytest.mark.asyncio
DM = "D" + h.STAFF[0]
OFFER = "We have Jane Reporter, Essex Chronicle on record: 01245 123456, jane@chronicle.example."


async def asked(slack: h.SlackHarness, do, after: int) -> dict:  # noqa: ANN001 - a step of the conversation
    """Do something in the chat; the question (or review) that comes next."""
    await do()
    return await slack.next_dm(h.STAFF, after)


async def up_to_the_phone(slack: h.SlackHarness, outlet: str, journalist: str, topic: str) -> tuple[dict, int]:
    """Sam starts a media call about `topic` from `outlet` and names the journalist; the question after the kind of
    outlet (the phone question), and how many DMs Sam has had."""
    # Each call later than the one before, but not so late that the first is chased (a nudge in the channel
    # would then come between a "Send to comms" and its card).
    slack.clock.advance(minutes=2)
    n = len(slack.dms(h.STAFF))
    await asked(slack, lambda: slack.command(h.STAFF, f"{outlet}, {topic}, deadline 5pm"), n)
    kind = await asked(slack, lambda: slack.say(h.STAFF, journalist), n + 1)
    phone = await asked(slack, lambda: slack.click(h.STAFF, kind, "Newspaper", channel=DM), n + 2)
    return phone, n + 3


async def send(slack: h.SlackHarness, review: dict) -> dict:
    cards = len(slack.fake.messages_in(h.COMMS_CHANNEL))
    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    card = await slack.next_in_channel(h.COMMS_CHANNEL, cards)
    await slack.settle()
    return card


async def logged(slack: h.SlackHarness, outlet: str, journalist: str, phone: str, email: str) -> None:
    """A call logged with the journalist's number and email typed in."""
    question, n = await up_to_the_phone(slack, outlet, journalist, "ward closures at Broomfield")
    email_question = await asked(slack, lambda: slack.say(h.STAFF, phone), n)
    assert "email" in h.text_of(email_question)
    await send(slack, await asked(slack, lambda: slack.say(h.STAFF, email), n + 1))


async def test_the_details_on_record_at_that_outlet_are_offered_and_used(slack: h.SlackHarness) -> None:
    await logged(slack, "Essex Chronicle", "Jane Reporter", "01245 123456", "jane@chronicle.example")
    # Another Jane Reporter, at another outlet, later: never offered for the Chronicle (nor the Chronicle's for her).
    question, n = await up_to_the_phone(slack, "BBC Essex", "Jane Reporter", "parking charges")
    assert "on record" not in h.text_of(question) and "Use these" not in h.labels(question)
    await asked(slack, lambda: slack.say(h.STAFF, "01702 111222"), n)
    await send(slack, await asked(slack, lambda: slack.say(h.STAFF, "jane@bbc.example"), n + 1))

    # Typed in another case, the Chronicle's Jane is known.
    question, n = await up_to_the_phone(slack, "essex chronicle", "JANE REPORTER", "hospital parking charges")
    assert OFFER in h.text_of(question)
    assert h.labels(question)[:2] == ["Use these", "No, ask me"]
    review = await asked(slack, lambda: slack.click(h.STAFF, question, "Use these", channel=DM), n)
    shown = h.text_of(review)
    assert "check and send" in shown and "01245 123456" in shown and "jane@chronicle.example" in shown
    assert "I've put in the phone and email on record" in shown
    card = await send(slack, review)
    assert "01245 123456" in h.text_of(card) and "jane@chronicle.example" in h.text_of(card)
    latest = (await h.rows(slack.database_url, EnquiryRow))[-1]
    assert (latest.outlet, latest.phone, latest.email) == ("essex chronicle", "+441245123456",
                                                           "jane@chronicle.example")
    h.assert_all_conformant(slack)


async def test_the_most_recent_details_are_offered_and_yes_takes_them(slack: h.SlackHarness) -> None:
    await logged(slack, "Essex Chronicle", "Jane Reporter", "01245 000000", "old.jane@chronicle.example")
    await logged(slack, "Essex Chronicle", "Jane Reporter", "01245 123456", "jane@chronicle.example")
    question, n = await up_to_the_phone(slack, "Essex Chronicle", "Jane Reporter", "parking charges")
    assert OFFER in h.text_of(question) and "old.jane" not in h.text_of(question)
    review = await asked(slack, lambda: slack.say(h.STAFF, "yes"), n)
    assert "check and send" in h.text_of(review) and "jane@chronicle.example" in h.text_of(review)


async def test_turned_down_or_answered_the_questions_are_asked_as_ever(slack: h.SlackHarness) -> None:
    await logged(slack, "Essex Chronicle", "Jane Reporter", "01245 123456", "jane@chronicle.example")

    question, n = await up_to_the_phone(slack, "Essex Chronicle", "Jane Reporter", "parking charges")
    again = await asked(slack, lambda: slack.click(h.STAFF, question, "No, ask me", channel=DM), n)
    assert "What's their phone number?" in h.text_of(again) and "Use these" not in h.labels(again)
    email_question = await asked(slack, lambda: slack.say(h.STAFF, "01245 999999"), n + 1)
    assert "What's their email address?" in h.text_of(email_question) and "on record" not in h.text_of(email_question)
    review = await asked(slack, lambda: slack.say(h.STAFF, "skip"), n + 2)
    await send(slack, review)

    # A number typed at the offer is the answer: the email is asked for, not filled in.
    question, n = await up_to_the_phone(slack, "Essex Chronicle", "Jane Reporter", "car parks")
    assert "on record" in h.text_of(question)  # the latest with details: the one just logged (01245 999999)
    assert "01245 999999" in h.text_of(question)
    email_question = await asked(slack, lambda: slack.say(h.STAFF, "01245 777777"), n)
    assert "What's their email address?" in h.text_of(email_question)
    assert "Use these" not in h.labels(email_question)
