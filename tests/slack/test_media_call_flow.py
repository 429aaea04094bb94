"""The /media-call conversation's edges: prefill, going back, bad answers, the one-screen form, claims."""

from __future__ import annotations

import json

from tests.conformance import check_view
from tests.slack import harness as h

DM = "D" + h.STAFF[0]


async def _log_enquiry(slack: h.SlackHarness, deadline: str = "4pm") -> dict:
    """Prefill what the command allows, answer the rest, send; return the comms card."""
    await slack.command(h.STAFF, f"BBC Essex, A&E waiting times, deadline {deadline}")
    first = await slack.next_dm(h.STAFF, 0)
    assert "Who is the journalist" in h.text_of(first)
    # The last is not a phone number: it goes in as the email instead.
    again = await h.answer(slack, h.STAFF, "Sam Reporter", h.Press("Newspaper"), "sam@echo.example.co.uk")
    assert "put it in as the email: sam@echo.example.co.uk" in h.text_of(again)
    assert "What's their phone number?" in h.text_of(again)  # the number is asked again
    review = await h.answer(slack, h.STAFF, h.Press("Skip"), after=3)  # the email question is already answered
    assert "check and send" in h.text_of(review) and "sam@echo.example.co.uk" in h.text_of(review)
    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    return await slack.next_in_channel(h.COMMS_CHANNEL, 0)


async def test_text_after_the_command_prefills_and_is_shown_for_review(slack: h.SlackHarness) -> None:
    card = await _log_enquiry(slack)
    shown = h.text_of(card)
    assert "BBC Essex (Newspaper)" in shown and "A&amp;E waiting times" in shown and "Today 16:00" in shown
    first = slack.dms(h.STAFF)[0]
    assert "I've filled in what I could" in h.text_of(first)


async def test_unreadable_and_past_deadlines_are_asked_again(slack: h.SlackHarness) -> None:
    await slack.command(h.STAFF, "Echo, bed closures, Sam Reporter")
    # outlet and enquiry prefilled; journalist question first
    deadline = await h.answer(slack, h.STAFF, "Sam Reporter", h.Press("Online news"), "01245 123456", h.Press("Skip"))
    assert "When do they need a response by" in h.text_of(deadline)
    for n, (typed, says) in enumerate([
        ("tomorrow-ish", "couldn't read"),
        ("31/02", "couldn't read"),
        ("25:00", "couldn't read"),
        ("yesterday 4pm", "has already passed"),
    ]):
        await slack.say(h.STAFF, typed)
        reply = await slack.next_dm(h.STAFF, 5 + n)
        assert says in h.text_of(reply), (typed, h.text_of(reply))
        assert "When do they need a response by" in h.text_of(reply)  # the same question again
    await slack.say(h.STAFF, "tomorrow 10am")
    review = await slack.next_dm(h.STAFF, 9)
    assert "Tomorrow 10:00" in h.text_of(review)


async def test_back_skip_and_both_contacts_missing(slack: h.SlackHarness) -> None:
    await slack.command(h.STAFF, "")
    q1 = await slack.next_dm(h.STAFF, 0)
    assert "Back" not in h.labels(q1)  # nothing before the first question
    await slack.say(h.STAFF, "Sam Reporter")
    q2 = await slack.next_dm(h.STAFF, 1)
    await slack.click(h.STAFF, q2, "Back", channel=DM)
    back = await slack.next_dm(h.STAFF, 2)
    assert "Who is the journalist" in h.text_of(back) and "Sam Reporter" in h.text_of(back)
    await slack.click(h.STAFF, back, "Keep current answer", channel=DM)
    await slack.next_dm(h.STAFF, 3)
    await slack.say(h.STAFF, "Echo")
    kind = await slack.next_dm(h.STAFF, 4)
    await slack.say(h.STAFF, "newspaper")  # typing a choice works too
    phone = await slack.next_dm(h.STAFF, 5)
    await slack.say(h.STAFF, "skip")
    email = await slack.next_dm(h.STAFF, 6)
    assert "Skip" not in h.labels(email)  # no phone: skipping the email would be refused, so it isn't offered
    await slack.say(h.STAFF, "skip")  # typed anyway: refused in words
    refused = await slack.next_dm(h.STAFF, 7)
    assert "at least a phone number or an email address" in h.text_of(refused)
    assert "email address" in h.text_of(refused)
    del kind, phone


async def test_oversize_and_hostile_text(slack: h.SlackHarness) -> None:
    await slack.command(h.STAFF, "")
    await slack.next_dm(h.STAFF, 0)
    await slack.say(h.STAFF, "x" * 40_000)
    refused = await slack.next_dm(h.STAFF, 1)
    assert "40,000 characters" in h.text_of(refused) and "at most 200" in h.text_of(refused)
    await slack.say(h.STAFF, "<@U123> *Dai* \u202eLlŷr\u200b <https://evil.example|bbc.co.uk>")
    outlet = await slack.next_dm(h.STAFF, 2)
    refused = await h.answer(slack, h.STAFF, "Y Cymro 🗞️", "newspaper", "skip", "dai@example.cymru",
                             "A" * 2999 + "<!here>", after=2)
    assert "at most 3,000" in h.text_of(refused)
    review = await h.answer(slack, h.STAFF, "Ysbyty Gwynedd — ŵ ŷ <!here> & 'quotes' \"double\"", "in 2 hours",
                            after=7)
    await slack.click(h.STAFF, review, "Send to comms", channel=DM)
    card = await slack.next_in_channel(h.COMMS_CHANNEL, 0)
    raw = json.dumps(card["blocks"], ensure_ascii=False)
    for forbidden in ("<@U123>", "<!here>", "<https://evil", "\u202e", "\u200b"):
        assert forbidden not in raw, forbidden
    assert "&lt;@U123&gt;" in raw and "Y Cymro 🗞️" in raw and "ŵ ŷ" in raw
    del outlet


async def test_cancel_sends_nothing_to_comms(slack: h.SlackHarness) -> None:
    await slack.command(h.STAFF, "")
    q1 = await slack.next_dm(h.STAFF, 0)
    await slack.click(h.STAFF, q1, "Cancel", channel=DM)
    done = await slack.next_dm(h.STAFF, 1)
    assert "nothing was sent to comms" in h.text_of(done)
    await slack.click(h.STAFF, q1, "Skip" if "Skip" in h.labels(q1) else "Cancel", channel=DM)
    await slack.fake.wait_for("chat.postEphemeral")
    assert "cancelled" in slack.fake.calls_to("chat.postEphemeral")[-1].args["text"]
    assert slack.fake.messages_in(h.COMMS_CHANNEL) == []


async def test_stale_button_from_an_earlier_question_is_refused_politely(slack: h.SlackHarness) -> None:
    await slack.command(h.STAFF, "")
    q1 = await slack.next_dm(h.STAFF, 0)
    await slack.say(h.STAFF, "Sam Reporter")
    await slack.next_dm(h.STAFF, 1)
    await slack.click(h.STAFF, q1, "Use a form instead", channel=DM)
    await slack.fake.wait_for("chat.postEphemeral")
    assert "earlier question" in slack.fake.calls_to("chat.postEphemeral")[-1].args["text"]
    assert slack.fake.calls_to("views.open") == []


async def test_one_screen_form_validates_inline_and_logs(slack: h.SlackHarness) -> None:
    status, _ = await slack.command(h.STAFF, "form")
    assert status == 200
    (opened,) = await slack.fake.wait_for("views.open")
    view = opened.args["view"]
    assert check_view(view) == []
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == [
        "journalist", "outlet", "outlet_kind", "phone", "email", "summary", "deadline"]
    meta = view["private_metadata"]

    def state(**values: str | None) -> dict:
        out: dict = {}
        for name in ("journalist", "outlet", "phone", "email", "summary", "deadline"):
            out[name] = {"value": values.get(name)}
        kind = values.get("outlet_kind")
        out["outlet_kind"] = {"value": {"type": "static_select",
                                        "selected_option": {"value": kind, "text": {"type": "plain_text",
                                                                                    "text": kind}} if kind else None}}
        return out

    bad = state(journalist="Sam", outlet="Echo", outlet_kind="newspaper", summary="Beds", deadline="25:00")
    status, body = await slack.send(*slack.requests.view_submission(h.STAFF[0], "md.form", bad, private_metadata=meta))
    assert status == 200
    errors = json.loads(body)
    assert errors["response_action"] == "errors"
    assert "deadline" in errors["errors"] and "couldn't read" in errors["errors"]["deadline"]
    assert "at least a phone number or an email" not in body  # only checked once fields are valid
    no_contact = state(journalist="Sam", outlet="Echo", outlet_kind="newspaper", summary="Beds", deadline="5pm")
    status, body = await slack.send(*slack.requests.view_submission(h.STAFF[0], "md.form", no_contact,
                                                                    private_metadata=meta))
    assert "at least a phone number or an email" in json.loads(body)["errors"]["email"]
    assert slack.fake.messages_in(h.COMMS_CHANNEL) == []

    good = state(journalist="Sam", outlet="Echo", outlet_kind="newspaper", summary="Beds", deadline="5pm",
                 phone="01245 123456")
    status, body = await slack.send(*slack.requests.view_submission(h.STAFF[0], "md.form", good, private_metadata=meta))
    assert status == 200 and body in ("", "{}")
    card = await slack.next_in_channel(h.COMMS_CHANNEL, 0)
    assert "MC-2026-0001" in h.text_of(card) and "Today 17:00" in h.text_of(card)
    confirmation = await slack.next_dm(h.STAFF, 0)
    assert "MC-2026-0001" in h.text_of(confirmation)


async def test_form_button_in_the_conversation_opens_the_modal_with_answers_so_far(slack: h.SlackHarness) -> None:
    await slack.command(h.STAFF, "Echo, bed closures, deadline 5pm")
    q1 = await slack.next_dm(h.STAFF, 0)
    await slack.click(h.STAFF, q1, "Use a form instead", channel=DM)
    (opened,) = await slack.fake.wait_for("views.open")
    inputs = {b["block_id"]: b["element"] for b in opened.args["view"]["blocks"] if b["type"] == "input"}
    assert inputs["outlet"]["initial_value"] == "Echo"
    assert inputs["deadline"]["initial_value"] == "2026-11-27 17:00"
    assert "initial_value" not in inputs["journalist"]


async def test_outsider_cannot_claim_and_comms_can_release_and_hand_over(slack: h.SlackHarness) -> None:
    card = await _log_enquiry(slack)
    fake = slack.fake
    await slack.click(h.OUTSIDER, card, "Claim", channel=h.COMMS_CHANNEL)
    (refusal,) = await fake.wait_for("chat.postEphemeral")
    assert refusal.args["user"] == h.OUTSIDER[0]
    assert "Only members of the communications team can claim" in refusal.args["text"]
    await slack.settle()
    assert "Waiting for a comms officer" in h.text_of(fake.messages_in(h.COMMS_CHANNEL)[0])

    await slack.click(h.COMMS_A, card, "Claim", channel=h.COMMS_CHANNEL)
    await fake.wait_for("chat.update", predicate=lambda c: c.args["channel"] == h.COMMS_CHANNEL)
    claimed = fake.messages_in(h.COMMS_CHANNEL)[0]
    assert "Claimed by Casey Comms" in h.text_of(claimed)
    assert h.labels(claimed)[:3] == ["Draft response", "Release", "Alex Press"]
    assert "Close without response" not in h.labels(claimed)  # a newspaper needs a written response

    await slack.click(h.COMMS_A, claimed, "Alex Press", channel=h.COMMS_CHANNEL)
    await fake.wait_for("chat.update", count=2, predicate=lambda c: c.args["channel"] == h.COMMS_CHANNEL)
    handed = fake.messages_in(h.COMMS_CHANNEL)[0]
    assert "Claimed by Alex Press" in h.text_of(handed)
    brief = await slack.next_dm(h.COMMS_B, 0)  # reached by email lookup
    assert "You own MC-2026-0001" in h.text_of(brief)
    assert fake.calls_to("users.lookupByEmail")

    await slack.click(h.COMMS_B, handed, "Release", channel=h.COMMS_CHANNEL)
    await fake.wait_for("chat.update", count=3, predicate=lambda c: c.args["channel"] == h.COMMS_CHANNEL)
    released = fake.messages_in(h.COMMS_CHANNEL)[0]
    assert "Waiting for a comms officer" in h.text_of(released) and h.labels(released) == ["Claim"]
    assert len(fake.messages_in(h.COMMS_CHANNEL)) == 1
    fake.assert_conformant()
