"""`press release` on Teams: the typed command in a 1:1 chat starts the same request conversation as Slack's
/press-release; the command parser knows it (and leaves an answer that merely starts with the words alone)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.domain import chat_help
from handlers.teams.bot import parse_command
from tests.teams.harness import (
    CARD,
    COMMS,
    COMMS_B,
    COMMS_CHANNEL,
    DIRECTOR,
    EXECUTIVE,
    HEAD,
    HOD,
    STAFF,
    Teams,
    card_text,
    inputs_of,
    personal,
    titles,
)
from tests.teams.press_release_steps import REF, ask_for_a_reactive_release, channel_card_saying


@pytest.mark.parametrize(("text", "expected"), [
    ("press release", ("press_release", "")),
    ("Press-Release", ("press_release", "")),
    ("press release reactive", ("press_release", "reactive")),
    ("press release proactive form", ("press_release", "proactive form")),
    ("/press-release reactive, GP access report", ("press_release", "reactive, GP access report")),
    ("press release of the new centre is great", None),  # an answer, not a command
])
def test_the_command_parser_knows_press_release(text: str, expected: tuple[str, str] | None) -> None:
    assert parse_command(text) == expected


def test_help_mentions_it() -> None:
    assert '"press release"' in chat_help.general("teams")


async def test_press_release_in_a_teams_chat_asks_the_questions_and_reaches_the_comms_channel(
        teams: Teams) -> None:
    await teams.install(COMMS)
    await teams.say("press release")
    first = await teams.next_card(STAFF, 0)
    assert "Are we making news" in card_text(first)
    assert "All press releases are written by the communications team" in card_text(first)
    await teams.press(first, "Reacting to news (reactive)")
    asked = await teams.card_saying(STAFF, "What is on the news agenda")
    assert "Reacting to news (reactive)" not in titles(asked)
    await teams.say("A national report ranks our area last for GP access.")
    await teams.card_saying(STAFF, "Why does it matter to us")
    await teams.say("Local papers will ask what we are doing.")
    urgency = await teams.card_saying(STAFF, "How urgent is it")
    await teams.press(urgency, "Today (within hours)")
    for words in ("Who could be quoted", "Which partners", "Who is the project lead"):
        await teams.press(await teams.card_saying(STAFF, words), "Skip")
    review = await teams.card_saying(STAFF, "check and send")
    await teams.press(review, "Send to comms")
    await teams.card_saying(STAFF, "Sent to comms: PR-2026-0001")
    card = await teams.next_card(COMMS_CHANNEL, 0)
    assert "Press release PR-2026-0001" in card_text(card) and "GP access" in card_text(card)
    assert titles(card) == ["Claim", "Stop this release"]


# =================================================================================================================
# The stories, through /api/messages: the channel card updated in place, each person's own 1:1 chat cards
# =================================================================================================================

STATEMENT = "We know access to GP appointments matters. We are adding 20,000 appointments this winter."


async def mine_saying(teams: Teams, who: dict[str, str], *words: str, button: str | None = None,
                      timeout: float = 8.0) -> dict[str, Any]:
    """The newest card in `who`'s 1:1 chat (as it reads now, after updates) saying all `words` (and offering
    `button`)."""
    conversation = personal(who)
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        cards = [teams.connector.current(conversation, n)
                 for n in range(len(teams.connector.posted_cards(conversation)))]
        for found in reversed(cards):
            if all(w in card_text(found) for w in words) and (button is None or button in titles(found)):
                await teams.settle()
                return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"no card in {who['name']}'s chat says {words!r} with {button!r}; cards: "
                         f"{[card_text(c)[:200] for c in teams.chat(who)]}")


async def press_on_channel(teams: Teams, title: str, by: dict[str, str] = COMMS) -> Any:
    """`by` presses `title` on the channel card as it reads now; returns the reply."""
    card_id, card = await channel_card_saying(teams)
    _, body = await teams.press(card, title, by=by, on=card_id)
    await teams.settle()
    return body


async def form_on_channel(teams: Teams, title: str, values: dict[str, Any], by: dict[str, str] = COMMS
                          ) -> dict[str, Any]:
    """`by` presses `title` on the channel card: the form comes to their 1:1 chat; they fill it in and send it.
    Returns the note the form became."""
    await teams.settle()
    chat = len(teams.chat(by))
    body = await press_on_channel(teams, title, by)
    assert body["value"] == "I've sent you the form in your chat with Media Desk.", body
    form = await teams.next_card(by, chat)
    return await sent(teams, form, values, by)


async def form_in_chat(teams: Teams, card: dict[str, Any], title: str, values: dict[str, Any],
                       by: dict[str, str]) -> dict[str, Any]:
    """`by` presses `title` on a card in their own 1:1 chat: the form follows there; they send it."""
    await teams.settle()
    chat = len(teams.chat(by))
    await teams.press(card, title, by=by)
    form = await teams.next_card(by, chat)
    return await sent(teams, form, values, by)


async def sent(teams: Teams, form: dict[str, Any], values: dict[str, Any], by: dict[str, str]) -> dict[str, Any]:
    _, body = await teams.submit(form, values, by=by)
    assert body["type"] == CARD, body  # the form becomes a note, so it can't be sent twice
    note = body["value"]
    assert inputs_of(note) == [] and titles(note) == [], card_text(note)
    await teams.settle()
    return note


async def test_a_reactive_request_where_comms_decide_a_statement_only(teams: Teams) -> None:
    await teams.install(COMMS, COMMS_B, DIRECTOR, HEAD, EXECUTIVE)
    await ask_for_a_reactive_release(teams)
    card_id, card = await channel_card_saying(teams, "Reactive (reacting to news)", "GP access")
    assert titles(card) == ["Claim", "Stop this release"]

    # Alex claims it on the channel card: the same message is updated in place.
    body = await press_on_channel(teams, "Claim", by=COMMS_B)
    assert body["value"] == f"You have {REF}: decide how to respond, and in whose name.", body
    _, card = await channel_card_saying(teams, "Comms deciding how to respond", "with Alex Press")
    assert titles(card) == ["Decide how to respond…", "Release details…", "Stop this release"]
    await mine_saying(teams, STAFF, "Alex Press from the communications team has your request")

    # The decision: an Adaptive Card form in Alex's chat.
    chat = len(teams.chat(COMMS_B))
    body = await press_on_channel(teams, "Decide how to respond…", by=COMMS_B)
    assert body["value"] == "I've sent you the form in your chat with Media Desk."
    form = await teams.next_card(COMMS_B, chat)
    assert [i["id"] for i in inputs_of(form)] == ["outcome", "in_name_of", "executive", "note"]
    assert "A statement only" in card_text(form) and "Evan Exec" in card_text(form)
    note = await sent(teams, form, {"outcome": "statement", "in_name_of": "Dana Director, Director of Communications",
                                    "executive": EXECUTIVE["email"], "note": "A release would amplify the story"},
                      COMMS_B)
    assert f"Recorded: a statement only for {REF}" in card_text(note)
    _, card = await channel_card_saying(teams, f"Statement {REF}", "A statement only, in the name of Dana Director",
                                        "First draft")
    assert titles(card) == ["Save a version…", "Release details…", "Stop this release"]
    await mine_saying(teams, STAFF, "Comms decided a statement only is needed")

    # The draft statement, then straight to the Director and the executive (no partners, no lead, nobody quoted).
    await form_on_channel(teams, "Save a version…", {"text": STATEMENT}, by=COMMS_B)
    _, card = await channel_card_saying(teams, "Draft version 1", STATEMENT)
    assert "Send statement for sign-off" in titles(card)
    body = await press_on_channel(teams, "Send statement for sign-off", by=COMMS_B)
    _, card = await channel_card_saying(teams, "Final sign-off", "Executive (Evan Exec)")
    assert "Send statement for sign-off" not in titles(card)

    dana = await mine_saying(teams, DIRECTOR, "Your sign-off is needed", button="Sign off")
    assert STATEMENT in card_text(dana) and titles(dana) == ["Sign off", "Ask for a change…"]
    harper = await mine_saying(teams, HEAD, "Your sign-off is needed", button="Sign off")  # the delegate
    evan = await mine_saying(teams, EXECUTIVE, "Your sign-off is needed", button="Sign off")
    assert "Executive (Evan Exec)" in card_text(evan) and titles(harper) == titles(dana)
    ids = [teams.connector.posted_cards(personal(who))[-1][0] for who in (DIRECTOR, HEAD)]
    updated = {aid: len(teams.connector.updates_of(aid)) for aid in ids}
    _, body = await teams.press(dana, "Sign off", by=DIRECTOR)
    assert body["value"].startswith("Signed off:"), body
    for activity_id in ids:  # both cards, updated in place: nothing left for them to press
        now = await teams.connector.wait_update(activity_id, updated[activity_id] + 1)
        assert titles(now) == [] and "Final sign-off · with Evan Exec" in card_text(now), card_text(now)[:300]
    _, body = await teams.press(evan, "Sign off", by=EXECUTIVE)
    assert body["value"].startswith("Signed off:"), body
    _, card = await channel_card_saying(teams, "Ready to issue", "✅")
    assert "Mark as issued…" in titles(card)

    await form_on_channel(teams, "Mark as issued…", {"channels": "media"}, by=COMMS_B)
    _, card = await channel_card_saying(teams, "Issued: coverage follow-up", "Media distribution list")
    assert titles(card) == ["Log coverage…", "Close"]
    await mine_saying(teams, STAFF, f"{REF} has been issued")
    assert len(teams.connector.posted_cards(COMMS_CHANNEL)) == 1, "one channel card, updated in place"
    assert all(conversation == COMMS_CHANNEL for conversation, aid, _ in teams.connector.updates if aid == card_id)


V1 = "The new Harlow community diagnostic centre opens on Monday, bringing scans closer to home."
V2 = "The new Harlow community diagnostic centre opens on Monday 7 December, open 8am to 8pm."
LINK = "https://docs.example.nhs.uk/press/harlow-cdc"


async def ask_for_a_proactive_release(teams: Teams) -> None:
    await teams.say("press release")
    await teams.press(await teams.card_saying(STAFF, "Are we making news"), "We are making news (proactive)")
    for words, answer in (("Which project", "Harlow community diagnostic centre"),
                          ("What is happening", "The centre opens on 7 December with CT, MRI and ultrasound."),
                          ("What are the key messages", "Care closer to home; shorter waits"),
                          ("Who might be quoted", "Evan Exec"),
                          ("Which partners or third parties", "Essex County Council")):
        await teams.card_saying(STAFF, words)
        await teams.say(answer)
    for words in ("When would you like it to go out", "Is there an embargo", "Who is the project lead"):
        await teams.press(await teams.card_saying(STAFF, words), "Skip")
    await teams.press(await teams.card_saying(STAFF, "check and send"), "Send to comms")
    done = await teams.card_saying(STAFF, f"Sent to comms: {REF}")
    assert "one collated set" in card_text(done)


async def claim_and_first_draft(teams: Teams) -> None:
    """Casey claims, records who is quoted, writes version 1 and sends it to the project lead (Sam)."""
    body = await press_on_channel(teams, "Claim")
    assert body["value"].startswith(f"You have {REF}"), body
    _, card = await channel_card_saying(teams, "Information gathering", "with Casey Comms", "due")
    assert titles(card) == ["Information gathered: start drafting", "Release details…", "Stop this release"]
    await mine_saying(teams, STAFF, "Casey Comms from the communications team has your request")
    await form_on_channel(teams, "Release details…", {"quoted": f"Evan Exec, {EXECUTIVE['email']}"})
    await channel_card_saying(teams, "Quoted", "Evan Exec")
    await press_on_channel(teams, "Information gathered: start drafting")
    _, card = await channel_card_saying(teams, "First draft")
    assert titles(card)[0] == "Save a version…"
    await form_on_channel(teams, "Save a version…", {"text": V1, "link": LINK})
    _, card = await channel_card_saying(teams, "Draft version 1", V1, LINK)
    await press_on_channel(teams, "Send draft to the project lead")
    _, card = await channel_card_saying(teams, "Comments and amends", "with sam.staff@example.nhs.uk")
    assert "Send draft to the project lead" not in titles(card)


async def one_amendment_round(teams: Teams) -> None:
    """In Sam's own chat: Sam asks Hugo to comment, Hugo's comments come to Sam, Sam sends comms one set."""
    mine = await mine_saying(teams, STAFF, "Your turn", button="Send amendments (one set)…")
    assert "one collated set" in card_text(mine) and V1 in card_text(mine)
    assert titles(mine) == ["Send amendments (one set)…", "No changes", "Ask my team to comment…"]
    await form_in_chat(teams, mine, "Ask my team to comment…", {"emails": HOD["email"]}, by=STAFF)
    hugo = await mine_saying(teams, HOD, REF, button="Send my comments to sam.staff@example.nhs.uk")
    await form_in_chat(teams, hugo, "Send my comments to sam.staff@example.nhs.uk",
                       {"comment": "Say the centre is open 8am to 8pm."}, by=HOD)
    await mine_saying(teams, STAFF, "Hugo Hod sent you comments", "8am to 8pm")
    mine = await mine_saying(teams, STAFF, "Comments from your team", "8am to 8pm",
                             button="Send amendments (one set)…")
    chat = len(teams.chat(STAFF))
    await teams.press(mine, "Send amendments (one set)…", by=STAFF)
    form = await teams.next_card(STAFF, chat)
    assert "8am to 8pm" in str(inputs_of(form)), "the team's comments, prefilled"
    await sent(teams, form, {}, STAFF)
    await mine_saying(teams, COMMS, "sent the collated amendments")
    _, card = await channel_card_saying(teams, "Amended draft", "Amendments from Sam Staff", "8am to 8pm")
    assert titles(card)[0] == "Save a version…"
    mine = await mine_saying(teams, STAFF, "Amended draft")
    assert "Send amendments (one set)…" not in titles(mine), "this round's amendments are closed"


async def test_a_proactive_release_goes_through_every_stage_to_issued(teams: Teams) -> None:
    await teams.install(COMMS, COMMS_B, DIRECTOR, HEAD, EXECUTIVE, HOD)
    await ask_for_a_proactive_release(teams)
    card_id, card = await channel_card_saying(teams, f"Press release {REF}", "Essex County Council")
    assert titles(card) == ["Claim", "Stop this release"]

    await claim_and_first_draft(teams)
    await one_amendment_round(teams)

    await form_on_channel(teams, "Save a version…", {"text": V2, "link": LINK, "note": "Opening hours added"})
    await channel_card_saying(teams, "Draft version 2", V2)
    await press_on_channel(teams, "Send amended draft to the project lead")
    await channel_card_saying(teams, "Final comments")
    final = await mine_saying(teams, STAFF, "last time changes can be made", button="No changes")
    assert "Tell comms there are no changes?" in card_text(final)  # the button asks first (a ShowCard)
    _, body = await teams.press(final, "Yes, no changes", by=STAFF)
    assert body["value"] == f"Thank you: comms know there are no changes to {REF}.", body

    # The partner's sign-off is recorded by comms; then the project lead, the person quoted, the Director.
    _, card = await channel_card_saying(teams, "External sign-off", "⏳ Essex County Council")
    await form_on_channel(teams, "Record sign-off: Essex County Council", {"who": "Jo Bloggs, ECC comms"})
    await channel_card_saying(teams, "✅ Essex County Council", "Project lead sign-off")
    lead = await mine_saying(teams, STAFF, "Your sign-off is needed", button="Sign off")
    assert "no more amends" in card_text(lead)
    await teams.press(lead, "Sign off", by=STAFF)
    await channel_card_saying(teams, "Quote approval")
    evan = await mine_saying(teams, EXECUTIVE, "Your sign-off is needed", button="Approve my quote")
    assert V2 in card_text(evan)
    await teams.press(evan, "Approve my quote", by=EXECUTIVE)
    await channel_card_saying(teams, "Final sign-off", "with Dana Director, Harper Head", "✅ Quote: Evan Exec")
    dana = await mine_saying(teams, DIRECTOR, "Your sign-off is needed", button="Sign off")
    harper = await mine_saying(teams, HEAD, "Your sign-off is needed", button="Sign off")
    assert harper
    await teams.press(dana, "Sign off", by=DIRECTOR)
    _, card = await channel_card_saying(teams, "Ready to issue")
    assert titles(card)[0] == "Mark as issued…"
    await mine_saying(teams, COMMS, "signed off by the Director of Communications: ready to issue")
    assert titles(await mine_saying(teams, HEAD, "Ready to issue")) == [], "Harper's card no longer asks her"

    await form_on_channel(teams, "Mark as issued…", {"channels": "media,website"})
    _, card = await channel_card_saying(teams, "Issued: coverage follow-up", "Media distribution list, ICB website")
    await mine_saying(teams, STAFF, f"{REF} has been issued")
    await form_on_channel(teams, "Log coverage…", {"link": "https://www.bbc.co.uk/news/harlow-cdc",
                                                    "outlet": "BBC Essex"})
    await channel_card_saying(teams, "BBC Essex: https://www.bbc.co.uk/news/harlow-cdc")
    await press_on_channel(teams, "Close")
    _, card = await channel_card_saying(teams, "Closed")
    assert titles(card) == []
    assert len(teams.connector.posted_cards(COMMS_CHANNEL)) == 1, "one channel card, updated in place"
    assert all(conversation == COMMS_CHANNEL for conversation, aid, _ in teams.connector.updates if aid == card_id)


# =================================================================================================================
# Refused and harmless
# =================================================================================================================

def _everything(teams: Teams) -> tuple[int, int]:
    return len(teams.connector.posts), len(teams.connector.updates)


async def test_refusals_on_teams_are_private_and_change_nothing(teams: Teams) -> None:
    await teams.install(COMMS, HOD, EXECUTIVE)
    await ask_for_a_proactive_release(teams)
    card_id, card = await channel_card_saying(teams, "Claim")

    # Someone outside comms presses Claim on the shared channel card: told privately, the card is unchanged.
    before = _everything(teams)
    _, body = await teams.press(card, "Claim", by=STAFF, on=card_id)
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert "Only the communications team can claim" in body["value"], body
    await teams.settle()
    assert _everything(teams) == before
    assert teams.connector.current(COMMS_CHANNEL, 0) == card

    await claim_and_first_draft(teams)
    mine = await mine_saying(teams, STAFF, "Your turn", button="Send amendments (one set)…")
    await form_in_chat(teams, mine, "Ask my team to comment…", {"emails": HOD["email"]}, by=STAFF)
    await mine_saying(teams, HOD, REF, button="Send my comments to sam.staff@example.nhs.uk")

    # Hugo (on Sam's team, not the project lead) tries Sam's buttons, e.g. from a forwarded card: refused, in
    # words that tell him what to do instead; no form, nothing recorded, nothing sent.
    before = _everything(teams)
    for title in ("Send amendments (one set)…", "Yes, no changes"):
        _, body = await teams.press(mine, title, by=HOD)
        assert body["value"].startswith("Only the project lead (sam.staff@example.nhs.uk) can"), body
    await teams.settle()
    assert _everything(teams) == before
    _, card = await channel_card_saying(teams, "Comments and amends")
    assert "Amendments from" not in card_text(card)


# =================================================================================================================
# The one-screen request form; the embargo and a late change
# =================================================================================================================

async def test_the_one_screen_request_form_and_comms_decide_no_response_is_needed(teams: Teams) -> None:
    await teams.install(COMMS)
    await teams.say("press release reactive form")
    form = await teams.next_card(STAFF, 0)
    assert [i["id"] for i in inputs_of(form)][:3] == ["kind", "news", "why"] and titles(form) == ["Send to comms"]
    await sent(teams, form, {"kind": "reactive", "news": "A story about parking", "why": "Not really about us",
                             "urgency": "week"}, STAFF)
    await teams.card_saying(STAFF, f"Sent to comms: {REF}")
    await channel_card_saying(teams, "parking", "Claim")
    await press_on_channel(teams, "Claim")
    await channel_card_saying(teams, "Comms deciding")

    # A statement needs a name to go out in: the form comes back with the error beside the field, nothing is
    # recorded; then "nothing" closes it.
    chat = len(teams.chat(COMMS))
    await press_on_channel(teams, "Decide how to respond…")
    form = await teams.next_card(COMMS, chat)
    _, body = await teams.submit(form, {"outcome": "statement"}, by=COMMS)
    assert body["type"] == CARD and "Say whose name it goes out in." in card_text(body["value"])
    assert titles(body["value"]) == ["Record decision"]
    await teams.settle()
    await channel_card_saying(teams, "Comms deciding")
    await sent(teams, body["value"], {"outcome": "nothing"}, COMMS)
    _, card = await channel_card_saying(teams, "Closed", "No response needed")
    assert titles(card) == []
    await mine_saying(teams, STAFF, "no release or statement is needed")


async def test_an_embargo_a_late_change_and_the_directors_override_on_teams(teams: Teams) -> None:
    await teams.install(COMMS, DIRECTOR, HEAD, EXECUTIVE)
    await teams.say("press release")
    await teams.press(await teams.card_saying(STAFF, "Are we making news"), "We are making news (proactive)")
    for words, answer in (("Which project", "Harlow community diagnostic centre"), ("What is happening", "It opens."),
                          ("What are the key messages", "Care closer to home"), ("Who might be quoted", "Evan Exec")):
        await teams.card_saying(STAFF, words)
        await teams.say(answer)
    for words in ("Which partners or third parties", "When would you like it to go out"):
        await teams.press(await teams.card_saying(STAFF, words), "Skip")
    await teams.card_saying(STAFF, "Is there an embargo")
    await teams.say("Thursday 10am")
    await teams.press(await teams.card_saying(STAFF, "Who is the project lead"), "Skip")
    await teams.press(await teams.card_saying(STAFF, "check and send"), "Send to comms")
    await channel_card_saying(teams, "EMBARGOED until Thursday 3 Dec, 10:00")

    await press_on_channel(teams, "Claim")
    await form_on_channel(teams, "Release details…", {"quoted": f"Evan Exec, {EXECUTIVE['email']}"})
    await press_on_channel(teams, "Information gathered: start drafting")
    await form_on_channel(teams, "Save a version…", {"text": V1})
    await press_on_channel(teams, "Send draft to the project lead")
    await teams.press(await mine_saying(teams, STAFF, "Your turn", button="No changes"), "Yes, no changes", by=STAFF)
    # No partners: straight to the project lead's sign-off, in Sam's chat.
    await channel_card_saying(teams, "Project lead sign-off")
    await teams.press(await mine_saying(teams, STAFF, "Your sign-off is needed", button="Sign off"), "Sign off",
                      by=STAFF)
    evan = await mine_saying(teams, EXECUTIVE, "Your sign-off is needed", button="Approve my quote")
    evan_id = teams.connector.posted_cards(personal(EXECUTIVE))[-1][0]
    evan_updates = len(teams.connector.updates_of(evan_id))

    # A late change: the button asks first; the new version sends it back and clears the lead's sign-off.
    card_id, card = await channel_card_saying(teams, "Quote approval")
    assert "A new version sends the release back to sign-off" in card_text(card)
    chat = len(teams.chat(COMMS))
    _, body = await teams.press(card, "Yes, late change…", by=COMMS, on=card_id)
    assert body["value"] == "I've sent you the form in your chat with Media Desk."
    await sent(teams, await teams.next_card(COMMS, chat), {"text": V2, "note": "Opening hours"}, COMMS)
    _, card = await channel_card_saying(teams, "Late change: version 2 replaced version 1 at the quote approval",
                                        "Project lead sign-off", "no longer count")
    assert "✅" not in card_text(card)
    # Evan's card for version 1 was updated in place: nothing to press; its old button counts for nothing.
    old = await teams.connector.wait_update(evan_id, evan_updates + 1)
    assert titles(old) == [] and "Project lead sign-off" in card_text(old)
    _, body = await teams.press(evan, "Approve my quote", by=EXECUTIVE)
    assert "not waiting for that sign-off" in body["value"], body

    await teams.press(await mine_saying(teams, STAFF, "Your sign-off is needed", V2, button="Sign off"),
                      "Sign off", by=STAFF)
    await teams.press(await mine_saying(teams, EXECUTIVE, "Your sign-off is needed", V2, button="Approve my quote"),
                      "Approve my quote", by=EXECUTIVE)
    await teams.press(await mine_saying(teams, DIRECTOR, "Your sign-off is needed", button="Sign off"), "Sign off",
                      by=DIRECTOR)
    card_id, card = await channel_card_saying(teams, "Ready to issue")

    # Before the embargo, "issued" is refused privately; the channel card is unchanged.
    before = _everything(teams)
    _, body = await teams.press(card, "Mark as issued…", by=COMMS, on=card_id)
    assert "can't be marked as issued before then" in body["value"], body
    await teams.settle()
    assert _everything(teams) == before

    # The Director overrides it in her own chat; then comms issue it.
    dana = await mine_saying(teams, DIRECTOR, "embargoed", button="Override the embargo…")
    assert not [c for c in teams.chat(HEAD) if "Override the embargo…" in titles(c)], "only the Director's to give"
    await form_in_chat(teams, dana, "Override the embargo…", {"reason": "Brought forward by NHS England."},
                       by=DIRECTOR)
    await channel_card_saying(teams, "allowed it to go out earlier")
    await form_on_channel(teams, "Mark as issued…", {"channels": "media"})
    _, card = await channel_card_saying(teams, "Issued: coverage follow-up")
    assert titles(card) == ["Log coverage…", "Close"]


async def test_a_person_quoted_who_has_never_opened_media_desk_is_shown_to_the_comms_team(teams: Teams) -> None:
    """Press releases bring in people who may never have used Media Desk (the person quoted, the lead's team):
    Teams gives a bot no way to start a chat with them, so comms are told, once, to reach them another way."""
    await teams.install(COMMS, DIRECTOR, HEAD)  # not Evan
    await ask_for_a_reactive_release(teams)
    await press_on_channel(teams, "Claim")
    chat = len(teams.chat(COMMS))
    await press_on_channel(teams, "Decide how to respond…")
    await sent(teams, await teams.next_card(COMMS, chat), {
        "outcome": "statement", "in_name_of": "Dana Director", "executive": EXECUTIVE["email"]}, COMMS)
    await form_on_channel(teams, "Save a version…", {"text": STATEMENT})
    await press_on_channel(teams, "Send statement for sign-off")
    await mine_saying(teams, DIRECTOR, "Your sign-off is needed", button="Sign off")
    notice = await teams.card_saying(COMMS_CHANNEL, "Couldn't reach Evan Exec")
    assert "they have not opened Media Desk in Microsoft Teams yet" in card_text(notice), card_text(notice)
    assert "Statement PR-2026-0001" in card_text(notice) and titles(notice) == []
    assert teams.chat(EXECUTIVE) == []

    # The chase can't reach him either: recorded, but the team is told only once.
    teams.clock.advance(hours=3)
    await teams.tick()
    assert len([c for c in teams.connector.cards_in(COMMS_CHANNEL) if "Couldn't reach" in card_text(c)]) == 1
