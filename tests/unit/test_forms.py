"""Unit tests for form fields, their validators, `clean`, and one-screen validation of MEDIA_CALL."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.errors import ValidationFailed
from bot.domain.forms import Choice, Context, Field, Form, Kind, Rule
from bot.domain.media_call import MEDIA_CALL
from bot.domain.text import clean

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 27, 14, 5, tzinfo=LONDON)  # Friday, GMT
CTX = Context(NOW, LONDON)

PHONE = MEDIA_CALL.field("phone")
EMAIL = MEDIA_CALL.field("email")
OUTLET_KIND = MEDIA_CALL.field("outlet_kind")
JOURNALIST = MEDIA_CALL.field("journalist")
SUMMARY = MEDIA_CALL.field("summary")

CONTACT_NEEDED = "We need at least a phone number or an email address so comms can get back to the journalist."


def refusal(field: Field, raw: str) -> str:
    with pytest.raises(ValidationFailed) as caught:
        field.validate(raw, CTX)
    return caught.value.message


def complete(**overrides: str | None) -> dict[str, str | None]:
    """A valid one-screen MEDIA_CALL submission, with some answers replaced."""
    raw: dict[str, str | None] = {
        "journalist": "Sam Reporter",
        "outlet": "BBC Essex",
        "outlet_kind": "broadcast",
        "phone": "01245 123456",
        "email": "sam@example.co.uk",
        "summary": "A&E waiting times",
        "deadline": "4pm",
    }
    raw.update(overrides)
    return raw


# --- phone ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored", "shown"),
    [
        ("01245 123456", "+441245123456", "01245 123456"),  # UK landline
        ("01245123456", "+441245123456", "01245 123456"),
        ("020 7946 0000", "+442079460000", "020 7946 0000"),  # London
        ("+44 20 7946 0958", "+442079460958", "020 7946 0958"),
        ("0113 496 0000", "+441134960000", "0113 496 0000"),
        ("07911 123456", "+447911123456", "07911 123456"),  # UK mobile
        ("07911123456", "+447911123456", "07911 123456"),
        ("+44 7911 123456", "+447911123456", "07911 123456"),  # +44 shown as dialled in the UK
        ("+447911123456", "+447911123456", "07911 123456"),
        ("0044 7911 123456", "+447911123456", "07911 123456"),
        ("+44 (0)7911 123456", "+447911123456", "07911 123456"),
        ("+44 1245 123456", "+441245123456", "01245 123456"),
        ("0800 123 4567", "+448001234567", "0800 123 4567"),
        ("tel: 07911 123456", "+447911123456", "07911 123456"),  # a leading label is tolerated
        ("01245 123456 ext 12", "+441245123456;ext=12", "01245 123456, extension 12"),
        ("+1 415 555 0100", "+14155550100", "+1 415 555 0100"),  # international kept international
        ("+1 650 253 0000", "+16502530000", "+1 650 253 0000"),
        ("+33 1 42 68 53 00", "+33142685300", "+33 1 42 68 53 00"),
        ("+353 1 234 5678", "+35312345678", "+353 1 234 5678"),
    ],
)
def test_phone_numbers_are_stored_as_e164_and_shown_readably(raw: str, stored: str, shown: str) -> None:
    assert PHONE.validate(raw, CTX) == stored
    assert PHONE.display(stored, CTX) == shown
    assert PHONE.as_typed(stored) == shown  # what a one-screen form is pre-filled with
    assert PHONE.validate(shown, CTX) == stored  # and reads back the same
    assert PHONE.remark(stored) is None  # a number in use: nothing to say


@pytest.mark.parametrize("raw", ["07700 900123", "01632 960123", "0800 123"])
def test_a_possible_number_not_in_use_in_the_uk_is_saved_with_a_gentle_note(raw: str) -> None:
    stored = PHONE.validate(raw, CTX)
    assert stored.startswith("+44")
    assert PHONE.remark(stored) == ("Saved. That isn't a usual UK number — check it with the journalist if you "
                                    "can.")


def test_a_possible_number_abroad_not_in_use_there_is_saved_with_its_own_note() -> None:
    stored = PHONE.validate("+1 555 555 5555", CTX)
    assert stored == "+15555555555"
    assert PHONE.remark(stored) == ("Saved. That isn't a usual number for its country — check it with the "
                                    "journalist if you can.")


def test_a_number_stored_before_e164_still_reads() -> None:
    assert PHONE.display("01245 123456", CTX) == "01245 123456"
    assert PHONE.display("not a number", CTX) == "not a number"


@pytest.mark.parametrize(("raw", "says"), [
    ("hello", "I couldn't find a phone number"),
    ("0", "I couldn't find a phone number"),
    ("999", "too short"),
    ("112", "too short"),
    ("07911", "too short"),
    ("12345", "with its area code"),
    ("12345678901234", "too many digits"),
    ("+999 1234567", "country code"),
    ("sam@echo.example.co.uk", "is an email address"),
])
def test_what_is_not_a_number_to_call_is_refused_saying_why_with_an_example(raw: str, says: str) -> None:
    message = refusal(PHONE, raw)
    assert says in message
    assert "doesn't look like a phone number" not in message
    assert re.search(r"\d{3,}", message.replace(raw, ""))  # an example to copy


def test_the_examples_in_the_phone_error_message_are_accepted() -> None:
    """Someone who types exactly what the error message suggests must get through, with nothing to check."""
    message = refusal(PHONE, "hello")
    examples = re.search(r"for example (.+), (.+) or (.+)\.$", message)
    assert examples is not None
    for example in examples.groups():
        assert PHONE.remark(PHONE.validate(example, CTX)) is None


@pytest.mark.parametrize("raw", ["", "   ", "\u200b"])
def test_an_empty_optional_phone_is_none(raw: str) -> None:
    assert PHONE.validate(raw, CTX) is None


# --- email ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("sam@example.co.uk", "sam@example.co.uk"),
        ("  sam@example.co.uk  ", "sam@example.co.uk"),
        ("Sam.Reporter@Example.CO.UK", "Sam.Reporter@example.co.uk"),  # domain lower-cased, mailbox kept
        ("sam+news@bbc.co.uk", "sam+news@bbc.co.uk"),
        ("sam@exämple.com", "sam@exämple.com"),
    ],
)
def test_emails_are_accepted_and_normalised(raw: str, stored: str) -> None:
    assert EMAIL.validate(raw, CTX) == stored


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("sam@", "There must be something after the @-sign."),
        ("@example.com", "There must be something before the @-sign."),
        ("sam example.com", "An email address must have an @-sign."),
        ("sam@example", "It should have a period."),
    ],
)
def test_invalid_emails_are_refused_with_the_reason(raw: str, reason: str) -> None:
    message = refusal(EMAIL, raw)
    assert message.startswith(f'"{raw}" isn\'t a valid email address (')
    assert reason in message


# --- choice --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("newspaper", "newspaper"),
        ("Newspaper", "newspaper"),
        ("NEWSPAPER", "newspaper"),
        ("broadcast", "broadcast"),
        ("TV or radio", "broadcast"),
        ("tv OR RADIO", "broadcast"),
        ("  Online news ", "online"),
        ("blogger / citizen journalist", "blogger"),
    ],
)
def test_choices_match_value_or_label_ignoring_case(raw: str, value: str) -> None:
    assert OUTLET_KIND.validate(raw, CTX) == value


@pytest.mark.parametrize("raw", ["radio", "news", "tv", "newspapers"])
def test_an_unknown_choice_lists_the_options(raw: str) -> None:
    assert refusal(OUTLET_KIND, raw) == (
        "Please pick one of: Newspaper, TV or radio, Online news, Blogger / citizen journalist."
    )


def test_choice_display_shows_the_label() -> None:
    assert OUTLET_KIND.display("broadcast", CTX) == "TV or radio"
    assert OUTLET_KIND.display("unknown", CTX) == "unknown"


# --- required, length, display -------------------------------------------------------------------------------


@pytest.mark.parametrize("field_name", ["journalist", "outlet", "outlet_kind", "summary", "deadline"])
def test_a_required_field_left_empty_repeats_the_question(field_name: str) -> None:
    field = MEDIA_CALL.field(field_name)
    assert refusal(field, "  ") == f"Please answer: {field.prompt}"


@pytest.mark.parametrize(
    ("field_name", "limit"),
    [("journalist", 200), ("outlet", 200), ("summary", 3000), ("phone", 40), ("email", 254), ("deadline", 100)],
)
def test_too_long_answers_are_refused_naming_the_limit(field_name: str, limit: int) -> None:
    field = MEDIA_CALL.field(field_name)
    message = refusal(field, "x" * (limit + 1))
    assert f"That is {limit + 1:,} characters; {field.label.lower()} can be at most {limit:,}." in message


@pytest.mark.parametrize(("field_name", "limit"), [("journalist", 200), ("summary", 3000)])
def test_text_exactly_at_the_limit_is_accepted(field_name: str, limit: int) -> None:
    assert MEDIA_CALL.field(field_name).validate("x" * limit, CTX) == "x" * limit


@pytest.mark.parametrize(("field", "raw", "length", "limit"), [
    pytest.param(PHONE, "0" * 41, "41", "40", id="phone"),  # digits: refused for length, not as no number
    pytest.param(EMAIL, "a" * 250 + "@x.com", "256", "254", id="email"),  # well formed but too long
])
def test_a_phone_or_email_too_long_is_refused_for_length(field: Field, raw: str, length: str, limit: str) -> None:
    message = refusal(field, raw)
    assert f"{length} characters" in message
    assert f"at most {limit}" in message


def test_forty_thousand_characters_of_summary_are_refused_for_length() -> None:
    assert "That is 40,000 characters; enquiry can be at most 3,000." in refusal(SUMMARY, "y" * 40_000)


def test_length_is_counted_after_invisible_characters_are_removed() -> None:
    assert JOURNALIST.validate("x" * 200 + "\u200b" * 50, CTX) == "x" * 200


def test_skipped_answer_displays_as_skipped() -> None:
    assert PHONE.display(None, CTX) == "(skipped)"


def test_deadline_display_is_local_with_time_left() -> None:
    assert MEDIA_CALL.field("deadline").display("2026-11-27T16:00:00+00:00", CTX) == "Today 16:00 (in 1 hour 55 minutes)"


# --- hostile and international text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "<!channel>",
        "<!here> <!everyone>",
        "<@U123>",
        "<https://evil|x>",
        "*bold* _italic_ ~strike~ `code`",
        "\"double\" and 'single' quotes",
        "Tom & Jerry <b>not html</b>",
        "Ysbyty Gwynedd, Bangor — ŵ ŷ",
        "Hospital \U0001f3e5 news \U0001f468\u200d\u2695\ufe0f",
    ],
)
@pytest.mark.parametrize("field_name", ["journalist", "outlet", "summary"])
def test_free_text_is_kept_verbatim(field_name: str, raw: str) -> None:
    """Escaping is the renderer's job: the stored answer is what was typed (less invisible characters)."""
    expected = raw.replace("\u200d", "")  # the zero-width joiner inside the emoji sequence is dropped
    assert MEDIA_CALL.field(field_name).validate(raw, CTX) == expected


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("Ysbyty Gwynedd, Bangor — ŵ ŷ", "Ysbyty Gwynedd, Bangor — ŵ ŷ"),
        ("Hospital \U0001f3e5", "Hospital \U0001f3e5"),
        ("Sam\u200bReporter", "SamReporter"),  # zero-width space
        ("Sam\u200cRe\u200dporter\u2060\ufeff", "SamReporter"),  # ZWNJ, ZWJ, word joiner, BOM
        ("evil\u202etxt.exe", "eviltxt.exe"),  # right-to-left override
        ("a\u202ab\u202bc\u202cd\u202de", "abcde"),  # embeddings and pop
        ("\u2066a\u2067b\u2068c\u2069", "abc"),  # isolates
        ("  padded\t\n", "padded"),
        ("line one\nline two\ttab", "line one\nline two\ttab"),  # newlines and tabs inside survive
        ("bell\x07null\x00esc\x1b", "bellnullesc"),  # control codes go
    ],
)
def test_clean(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


def test_clean_composes_decomposed_welsh_letters() -> None:
    """A w followed by a combining circumflex becomes the single letter ŵ (NFC)."""
    assert clean("w\u0302 y\u0302") == "\u0175 \u0177"


def test_clean_keeps_arabic_and_hebrew_letters() -> None:
    """Only direction *overrides* are removed; right-to-left scripts themselves stay."""
    assert clean("مرحبا שלום") == "مرحبا שלום"


# --- one-screen validation -----------------------------------------------------------------------------------


def test_validate_all_accepts_a_complete_submission() -> None:
    values, errors = MEDIA_CALL.validate_all(complete(), CTX)
    assert errors == {}
    assert values == {
        "journalist": "Sam Reporter",
        "outlet": "BBC Essex",
        "outlet_kind": "broadcast",
        "phone": "+441245123456",
        "email": "sam@example.co.uk",
        "summary": "A&E waiting times",
        "deadline": "2026-11-27T16:00:00+00:00",
    }


def test_validate_all_reports_each_missing_answer_inline() -> None:
    values, errors = MEDIA_CALL.validate_all({}, CTX)
    assert errors == {
        "journalist": "Please answer: Who is the journalist? (their name)",
        "outlet": "Please answer: Which outlet are they from?",
        "outlet_kind": "Please answer: What kind of outlet is it?",
        "summary": "Please answer: What is the enquiry about?",
        "deadline": "Please answer: When do they need a response by?",
    }
    assert values == {"phone": None, "email": None}


def test_validate_all_reports_bad_answers_on_their_own_fields() -> None:
    _, errors = MEDIA_CALL.validate_all(
        complete(phone="hello", email="nope", outlet_kind="radio", deadline="asap"), CTX
    )
    assert set(errors) == {"phone", "email", "outlet_kind", "deadline"}
    assert errors["phone"].startswith('I couldn\'t find a phone number in "hello".')
    assert errors["email"].startswith('"nope" isn\'t a valid email address')
    assert errors["outlet_kind"].startswith("Please pick one of:")
    assert errors["deadline"].startswith("How soon do they need it?")  # "asap" gives no time: asked, not guessed


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_validate_all_needs_a_phone_or_an_email(blank: str | None) -> None:
    """The cross-field rule is shown against both fields it joins (phone and email)."""
    values, errors = MEDIA_CALL.validate_all(complete(phone=blank, email=blank), CTX)
    assert errors == {"phone": CONTACT_NEEDED, "email": CONTACT_NEEDED}
    assert values["phone"] is None and values["email"] is None


@pytest.mark.parametrize(("phone", "email"), [("01245 123456", None), (None, "sam@example.co.uk")])
def test_validate_all_accepts_either_contact(phone: str | None, email: str | None) -> None:
    _, errors = MEDIA_CALL.validate_all(complete(phone=phone, email=email), CTX)
    assert errors == {}


def test_a_rule_is_shown_on_the_fields_it_names() -> None:
    def same_name(answers):  # noqa: ANN001, ANN202
        return "First and last must differ." if answers.get("first") == answers.get("last") else None

    form = Form(
        id="t", title="T", intro="", outro="",
        fields=(Field("first", "First", "First?"), Field("last", "Last", "Last?")),
        rules=(Rule(("last",), same_name),),
    )
    assert form.validate_all({"first": "a", "last": "a"}, CTX)[1] == {"last": "First and last must differ."}
    assert form.validate_all({"first": "a", "last": "b"}, CTX)[1] == {}


def test_a_custom_choice_field_validates_by_its_own_choices() -> None:
    field = Field("colour", "Colour", "Which colour?", Kind.CHOICE, choices=(Choice("r", "Red"), Choice("g", "Green")))
    assert field.validate("green", CTX) == "g"
    assert field.validate("R", CTX) == "r"
    assert refusal(field, "blue") == "Please pick one of: Red, Green."
