"""Journalists we know (issue 14) on Teams, through signed activities into /api/messages: naming a journalist
already on record at that outlet, a member of staff is offered the contact details on record at the phone question,
and Use these fills them in (the phone and email questions are not asked); someone of that name at another outlet
is not offered them."""

from __future__ import annotations

from tests.teams.harness import STAFF, Teams, card_text, titles

FIRST = ["Jane Reporter", "Essex Chronicle", "Newspaper", "01245 123456", "jane@chronicle.example",
         "Ward closures at Broomfield", "5pm"]
OFFER = "We have Jane Reporter, Essex Chronicle on record: 01245 123456, jane@chronicle.example."


async def up_to_the_phone(teams: Teams, journalist: str, outlet: str) -> tuple[dict, int]:
    """Sam starts a media call and names the journalist, the outlet and its kind; the phone question."""
    start = len(teams.chat(STAFF))
    await teams.say("media call")
    first = await teams.next_card(STAFF, start)
    phone = await teams.answer_questions(first, [journalist, outlet, "Newspaper"], after=start)
    return phone, start + 4


async def test_use_these_fills_in_the_details_on_record(teams: Teams) -> None:
    await teams.install(STAFF)
    await teams.log_a_call(FIRST)
    teams.clock.advance(minutes=10)

    question, n = await up_to_the_phone(teams, "jane reporter", "Essex Chronicle")
    assert OFFER in card_text(question)
    assert titles(question)[:2] == ["Use these", "No, ask me"]
    await teams.press(question, "Use these")
    summary = await teams.next_card(STAFF, n)
    assert "What is the enquiry about?" in card_text(summary)
    assert "I've put in the phone and email on record" in card_text(summary)
    await teams.say("Hospital parking charges")
    await teams.next_card(STAFF, n + 1)
    await teams.say("5pm")
    review = await teams.next_card(STAFF, n + 2)
    assert "check and send" in card_text(review)
    assert "01245 123456" in card_text(review) and "jane@chronicle.example" in card_text(review)


async def test_someone_of_that_name_at_another_outlet_is_asked_as_ever(teams: Teams) -> None:
    await teams.install(STAFF)
    await teams.log_a_call(FIRST)

    question, _ = await up_to_the_phone(teams, "Jane Reporter", "BBC Essex")
    assert "What's their phone number?" in card_text(question) and "on record" not in card_text(question)
    assert "Use these" not in titles(question)
