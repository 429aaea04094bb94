"""Unit tests for the Teams renderer: Adaptive Card 1.5 conformance, escaping, size, actions, forms, round trips."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.conversation import Conversation
from bot.domain.crisis import CRISIS_FORM
from bot.domain.enquiry import Enquiry, EnquiryState
from bot.domain.forms import Context, Form, Kind
from bot.domain.media_call import MEDIA_CALL
from bot.domain.people import Directory, Person, Role
from bot.domain.response_forms import CHANGES_FORM, ISSUE_FORM, statement_form
from bot.domain.statement import Draft, Plan, Slot, fingerprint
from cards import views
from cards.model import Button, Card, Fact, Select
from cards.teams import CARD_BYTES_MAX, TEXT_MAX, body_markdown, card_bytes, escape_markdown, render_card
from cards.teams_inputs import read_action, read_form_values, render_form
from tests import adaptive
from tests.unit.sample_card import payload, sample_card

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 27, 14, 30, tzinfo=UTC)
CTX = Context(now=NOW, tz=LONDON)
EVIL = ["[evil](https://x)", "**bold**", "<at>someone</at>"]
DIRECTORY = Directory.build(
    {
        Role.COMMS: ["casey.comms@example.nhs.uk", "alex.press@example.nhs.uk"],
        Role.DIRECTOR_OF_COMMS: ["dana.director@example.nhs.uk"],
        Role.SPOKESPERSON: ["sam.speaker@example.nhs.uk"],
        Role.EXECUTIVE: ["erin.exec@example.nhs.uk"],
    },
    names={"casey.comms@example.nhs.uk": "Casey Comms", "alex.press@example.nhs.uk": "Alex Press",
           "sam.speaker@example.nhs.uk": "Sam Speaker", "erin.exec@example.nhs.uk": "Erin Exec"},
)
CASEY = Person("Casey Comms", "casey.comms@example.nhs.uk", "teams", "29:casey")
FORMS = {
    "media_call": MEDIA_CALL,
    "crisis": CRISIS_FORM,
    "statement": statement_form(DIRECTORY),
    "issue": ISSUE_FORM,
    "changes": CHANGES_FORM,
}


# --- helpers ---------------------------------------------------------------------------------------------


def _enquiry(state: EnquiryState = EnquiryState.OPEN, **changes) -> Enquiry:
    values = dict(
        ref="MC-2026-0001", journalist="Siân Ellis-Ó Briain", outlet="Western Mail", outlet_kind="broadcast",
        phone="01245 123456", email="sian@example.com", summary='Ward closures: "when, and why?" 🏥 [link](http://x)',
        deadline=datetime(2026, 11, 27, 16, 0, tzinfo=UTC), reporter=Person("Rory Ward", "rory@example.nhs.uk"),
        created_at=datetime(2026, 11, 27, 14, 5, tzinfo=UTC), state=state,
    )
    values.update(changes)
    return Enquiry(**values)


def _draft(text: str = "We are sorry for the delay. *Not* a [link](https://x).") -> Draft:
    return Draft(number=2, text=text, fingerprint=fingerprint(text), author="Casey Comms",
                 author_email="casey.comms@example.nhs.uk", created_at=NOW)


def _texts(card: dict) -> list[str]:
    """Every string Teams reads as markdown: TextBlock texts and Fact titles and values."""
    found: list[str] = []
    for node in adaptive.walk(card):
        if node.get("type") == "TextBlock":
            found.append(node["text"])
        elif node.get("type") == "FactSet":
            found += [part for fact in node["facts"] for part in (fact["title"], fact["value"])]
    return found


def _of_type(card: dict, kind: str) -> list[dict]:
    return [node for node in adaptive.walk(card) if node.get("type") == kind]


def _unescape(markdown: str) -> str:
    """What CommonMark shows for escaped text: each backslash escape becomes the character."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def _unescaped(markdown: str, chars: str) -> list[str]:
    """The characters of `chars` that appear in `markdown` without a backslash before them."""
    plain = re.sub(r"\\.", "", markdown)
    return [c for c in chars if c in plain]


def _conforms(card: dict) -> None:
    assert adaptive.validate_adaptive_card(card) == []


# --- the validator itself ---------------------------------------------------------------------------------


def test_validator_reports_what_is_wrong() -> None:
    bad = {
        "type": "AdaptiveCard", "version": "1.4", "msteams": {"width": "Full"},
        "body": [
            {"type": "TextBlock"},
            {"type": "Marquee", "text": "x"},
            {"type": "Input.Text", "id": "a", "msteams": {}},
            {"type": "Input.Text", "id": "a"},
        ],
        "actions": [{"type": "Action.ShowCard", "title": "More", "card": {
            "type": "AdaptiveCard", "msteams": {"width": "Full"},
            "body": [{"type": "TextBlock", "text": "x", "color": "Pink"}]}}],
    }
    problems = adaptive.validate_adaptive_card(bad)
    joined = "\n".join(problems)
    assert "$.version" in joined
    assert "$.body[0]: 'text' is a required property" in problems
    assert "$.body[1]: unknown or misplaced type 'Marquee'" in problems
    assert any(p.startswith("$.body[2]") and "msteams" in p for p in problems)  # only cards may carry msteams
    assert "$.actions[0].card.body[0].color" in joined
    assert "input id 'a' is used more than once" in joined
    assert not any("$.actions[0].card:" in p and "msteams" in p for p in problems)  # stripped in ShowCards
    assert len(problems) == 6
    with pytest.raises(AssertionError, match="does not conform"):
        adaptive.assert_adaptive_card(bad)
    assert adaptive.validate_adaptive_card([]) != []
    assert adaptive.validate_adaptive_card({"type": "AdaptiveCard", "body": []}) == [
        "$.version: must be '1.5', not None"]


def test_validator_uses_the_specs_override(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv(adaptive.SPECS_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="adaptive-card-1.5.json"):
        adaptive.validate_adaptive_card({"type": "AdaptiveCard", "version": "1.5"})


# --- conformance of what we render --------------------------------------------------------------------------


def _representative_cards() -> dict[str, Card]:
    conv = Conversation(form_id=MEDIA_CALL.id, platform="teams", user_id="29:rory", channel="a:1", id=7, version=4)
    conv.step = "outlet_kind"
    conv.answers = {"journalist": "Sam [x](y)", "outlet": "BBC"}
    review = Conversation(form_id=MEDIA_CALL.id, platform="teams", user_id="29:rory", id=8, version=9,
                          answers={"journalist": "Sam", "outlet": "BBC", "outlet_kind": "online",
                                   "phone": "01245 123456", "summary": "**A&E**", "deadline": NOW.isoformat()})
    claimed = _enquiry(EnquiryState.CLAIMED, owner=CASEY, plan=Plan(spokesperson="sam.speaker@example.nhs.uk"))
    awaiting = _enquiry(EnquiryState.AWAITING_SIGN_OFF, owner=CASEY, plan=Plan(background="Off the record"))
    return {
        "neutral": sample_card(),
        "urgent": sample_card(urgent=True, notify_channel=True),
        "open_enquiry": views.enquiry_card(_enquiry(), NOW, CTX, DIRECTORY),
        "claimed_with_draft": views.enquiry_card(claimed, NOW, CTX, DIRECTORY, draft=_draft()),
        "missed_deadline": views.enquiry_card(_enquiry(deadline=datetime(2026, 11, 27, 9, 0, tzinfo=UTC)),
                                              NOW, CTX, DIRECTORY),
        "approval": views.approval_card(awaiting, _draft(), Slot.COMMS, "dana.director@example.nhs.uk", [],
                                        CTX, DIRECTORY),
        "question": views.question_card(MEDIA_CALL, conv, CTX, error="Bad [x](y)", first=True),
        "review": views.review_card(MEDIA_CALL, review, CTX),
        "many_buttons": sample_card(actions=[Button(label=f"Choice {i}", payload=payload("answer", x=str(i)),
                                              confirm="Sure?" if i == 7 else None) for i in range(9)]),
        "bare": Card(title="", text=""),
    }


@pytest.mark.parametrize("name", list(_representative_cards()))
@pytest.mark.parametrize("viewer_actions", [True, False], ids=["actions", "read-only"])
def test_cards_conform_to_adaptive_card_1_5(name: str, viewer_actions: bool) -> None:
    card = render_card(_representative_cards()[name], viewer_actions=viewer_actions)
    _conforms(card)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["msteams"] == {"width": "Full"}
    json.dumps(card)  # plain JSON: nothing pydantic or datetime left inside


@pytest.mark.parametrize("name", list(FORMS))
def test_forms_conform_to_adaptive_card_1_5(name: str) -> None:
    form = FORMS[name]
    _conforms(render_form(form, meta={"case": "MC-2026-0001"}))
    values = {f.name: ("x" * (f.max_len + 50) if f.kind in (Kind.TEXT, Kind.LONG_TEXT) else None)
              for f in form.fields}
    errors = {f.name: f"{f.label} is wrong [x](y)" for f in form.fields} | {"_form": "Something else"}
    _conforms(render_form(form, meta={"case": "MC-2026-0001"}, values=values, errors=errors, ctx=CTX))


# --- layout -----------------------------------------------------------------------------------------------


def test_layout_order_title_status_subtitle_body_facts_notes() -> None:
    card = render_card(sample_card(facts=[Fact(label="Outlet", value="BBC"), Fact(label="Enquiry", value="Long", long=True),
                                    Fact(label="Phone", value="01245")]))
    kinds = [(b["type"], b.get("text")) for b in card["body"]]
    assert kinds == [
        ("TextBlock", "Media enquiry MC-2026-0001"),
        ("TextBlock", "Waiting for comms"),
        ("TextBlock", "Logged by Jane Smith"),
        ("TextBlock", "A&E waiting times"),
        ("FactSet", None),
        ("TextBlock", "Enquiry"),
        ("TextBlock", "Long"),
        ("FactSet", None),
        ("TextBlock", "Don't answer the journalist yourself."),
        ("Input.ChoiceSet", None),
        ("ActionSet", None),
    ]
    title, status, subtitle = card["body"][:3]
    assert title["weight"] == "Bolder" and title["wrap"] is True and title["size"] in ("Large", "Medium")
    assert "color" not in title
    assert status["weight"] == "Bolder"
    assert subtitle["isSubtle"] is True and subtitle["size"] == "Small" and subtitle["wrap"] is True
    assert card["body"][5]["weight"] == "Bolder"  # a long fact's label
    assert card["body"][4]["facts"] == [{"title": "Outlet", "value": "BBC"}]
    assert card["body"][8]["isSubtle"] is True
    assert card["fallbackText"] == "New media enquiry from BBC Essex"


def test_urgent_title_is_red_with_the_siren() -> None:
    title = render_card(sample_card(urgent=True))["body"][0]
    assert title["color"] == "Attention"
    assert title["text"].startswith("🚨 ")
    long_title = render_card(sample_card(title="A rather long title for a phone screen, with more words"))["body"][0]
    assert long_title["size"] == "Medium"


def test_notify_channel_adds_nothing_but_full_width() -> None:
    plain, loud = render_card(sample_card()), render_card(sample_card(notify_channel=True))
    assert plain == loud
    assert "<at>" not in json.dumps(loud)


# --- escaping ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [
    ("[evil](https://x)", r"\[evil\](https://x)"),
    ("**bold**", r"\*\*bold\*\*"),
    ("<at>someone</at>", r"\<at>someone\</at>"),
    ("_it_ `code` # not a heading", r"\_it\_ \`code\` # not a heading"),
    ("> quote", r"\> quote"),
    (">quote", r"\>quote"),
    ("# heading", r"\# heading"),
    ("### h", r"\### h"),
    ("#hashtag", "#hashtag"),
    ("---", r"\---"),
    ("~~struck~~", r"\~\~struck\~\~"),
    ("BBC Essex (TV or radio)", "BBC Essex (TV or radio)"),
    ("- item\n+ item\n12. item\n1) item", "\\- item\n\n\\+ item\n\n12\\. item\n\n1\\) item"),
    ("back\\slash", "back\\\\slash"),
    ("a - b 3. c", "a - b 3. c"),  # only at the start of a line
    ("one\n\n\ntwo\r\nthree", "one\n\ntwo\n\nthree"),
])
def test_escape_markdown(raw: str, expected: str) -> None:
    assert escape_markdown(raw) == expected
    assert _unescape(expected).replace("\n\n", "\n") == "\n".join(
        line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip())


def test_user_text_cannot_link_format_or_mention() -> None:
    card = render_card(sample_card(
        title="Enquiry from [evil](https://x)",
        status="Claimed by **bold**",
        subtitle="<at>someone</at>",
        body="\n".join(EVIL),
        facts=[Fact(label="Outlet", value=v) for v in EVIL] + [Fact(label="Enquiry", value=v, long=True) for v in EVIL],
        notes=EVIL,
        actions=[Button(label="Close", payload=payload("close"), confirm=EVIL[0])],
    ))
    texts = _texts(card)
    for evil in EVIL:
        assert sum(evil in t for t in texts) == 0  # never raw
        assert sum(_unescape(t).count(evil) for t in texts) >= 5  # but shown as typed
    for text in texts:
        assert _unescaped(text, "[]*<") == [], text


def test_our_own_bold_prompt_is_kept_while_user_text_is_escaped() -> None:
    assert body_markdown("⚠️ **x** [a](b)\n\n*What is the enquiry about?*") == (
        "⚠️ \\*\\*x\\*\\* \\[a\\](b)\n\n**What is the enquiry about?**")
    conv = Conversation(form_id=MEDIA_CALL.id, platform="teams", user_id="29:rory", id=7, version=1)
    conv.step = "journalist"
    body = render_card(views.question_card(MEDIA_CALL, conv, CTX, error="Bad [x](y)"))["body"][1]["text"]
    assert body.endswith("**Who is the journalist? (their name)**")
    assert "\\[x\\](y)" in body


# --- size ---------------------------------------------------------------------------------------------------


def test_a_40000_character_fact_keeps_the_card_under_25_kb() -> None:
    huge = ("Ysbyty Gwynedd – ŵ ŷ 🏥 [x](y) " * 1400)[:40_000]
    card = render_card(sample_card(facts=[Fact(label="Outlet", value="BBC Essex"),
                                    Fact(label="Draft", value=huge, long=True),
                                    Fact(label="Enquiry", value="Short and kept", long=True)],
                             body="b" * 8000))
    assert card_bytes(card) == len(json.dumps(card)) <= CARD_BYTES_MAX
    assert len(json.dumps(card, ensure_ascii=False).encode("utf-8")) <= CARD_BYTES_MAX
    texts = _texts(card)
    cut = next(t for t in texts if t.startswith("Ysbyty"))
    assert cut.endswith("…") and len(cut) > 1000  # shortened, not emptied
    assert "Short and kept" in texts and "b" * 8000 in texts  # the other texts are untouched
    assert not re.search(r"(?<!\\)\\…$", cut)  # no escape cut in half before the ellipsis
    _conforms(card)


def test_very_long_text_is_cut_to_10000_per_block() -> None:
    card = render_card(sample_card(body="word " * 4000))
    body = card["body"][3]["text"]
    assert len(body) <= TEXT_MAX and body.endswith("…") and len(body) > TEXT_MAX - 100


def test_many_huge_texts_still_fit() -> None:
    card = render_card(sample_card(body="[b] " * 5000, notes=["n " * 3000] * 5,
                             facts=[Fact(label=f"F{i}", value="v " * 1000) for i in range(10)]
                             + [Fact(label=f"L{i}", value="(l) " * 5000, long=True) for i in range(5)]))
    assert card_bytes(card) <= CARD_BYTES_MAX
    _conforms(card)


# --- actions ------------------------------------------------------------------------------------------------


def test_buttons_are_execute_actions_with_styles_and_the_typed_payload() -> None:
    actions = render_card(sample_card(actions=[
        Button(label="Claim", payload=payload(), style="primary"),
        Button(label="Release", payload=payload("release")),
        Button(label="Reject", payload=payload("reject", x="comms:abc"), style="danger"),
    ]))["actions"]
    assert [a["type"] for a in actions] == ["Action.Execute"] * 3
    assert [a.get("style") for a in actions] == ["positive", None, "destructive"]
    assert [a["title"] for a in actions] == ["Claim", "Release", "Reject"]
    assert all(a["verb"] == "md" for a in actions)
    assert actions[2]["data"] == {"md": {"a": "reject", "k": "enquiry", "id": "MC-2026-0001", "v": 3, "x": "comms:abc"}}


def test_every_rendered_button_reads_back_as_its_payload() -> None:
    source = _representative_cards()["claimed_with_draft"]
    card = render_card(source)
    executes = [a for a in _of_type(card, "Action.Execute") if "md" in a["data"]]
    expected = [b.payload for b in source.actions if isinstance(b, Button)]
    assert [read_action(a["data"]) for a in executes] == expected
    # Teams merges the card's input values into the data: still the button's payload.
    assert read_action({**executes[0]["data"], "md_select_5": "junk"}) == expected[0]


def test_confirm_becomes_a_show_card_asking_first() -> None:
    confirm = render_card(sample_card())["actions"][1]
    assert confirm["type"] == "Action.ShowCard"
    assert confirm["title"] == "Withdraw" and confirm["style"] == "destructive"
    inner = confirm["card"]
    assert inner["body"][0]["text"] == "Withdraw it?"
    assert [a["type"] for a in inner["actions"]] == ["Action.Execute"]
    yes = inner["actions"][0]
    assert yes["title"] == "Yes, withdraw" and yes["style"] == "destructive"
    assert read_action(yes["data"]) == payload("withdraw")


@pytest.mark.parametrize(("label", "asks"), [
    ("Withdraw", "Yes, withdraw"),
    ("Cancel", "Yes, cancel"),
    ("I have consent: send anyway", "Yes, I have consent: send anyway"),  # "I" keeps its capital
    ("I'll lead this", "Yes, I'll lead this"),
    ("OK to send", "Yes, OK to send"),
])
def test_the_confirming_button_says_yes_in_the_buttons_own_words(label: str, asks: str) -> None:
    card = Card(title="T", text="t", actions=[Button(label=label, payload=payload("x"), confirm="Sure?")])
    (show,) = render_card(card)["actions"]
    assert show["card"]["actions"][0]["title"] == asks


def test_more_than_five_buttons_go_under_more() -> None:
    card = render_card(_representative_cards()["many_buttons"])
    actions = card["actions"]
    assert len(actions) == 6
    assert [a["title"] for a in actions[:5]] == [f"Choice {i}" for i in range(5)]
    more = actions[5]
    assert more["type"] == "Action.ShowCard" and more["title"] == "More…"
    assert [a["title"] for a in more["card"]["actions"]] == ["Choice 5", "Choice 6", "Choice 7", "Choice 8"]
    assert more["card"]["actions"][2]["type"] == "Action.ShowCard"  # its confirm still asks first
    five = render_card(sample_card(actions=[Button(label=str(i), payload=payload()) for i in range(5)]))
    assert [a["type"] for a in five["actions"]] == ["Action.Execute"] * 5


def test_select_is_a_compact_choice_set_with_its_own_go_button() -> None:
    card = render_card(sample_card())
    (choice_set,) = _of_type(card, "Input.ChoiceSet")
    assert choice_set["id"] == "md_select_2" and choice_set["style"] == "compact"
    assert choice_set["placeholder"] == "Change outlet kind"
    assert [c["title"] for c in choice_set["choices"]] == ["Online", "Newspaper"]
    go = next(a for a in _of_type(card, "Action.Execute") if "md_select" in a["data"])
    assert go["data"] == {"md_select": "md_select_2"} and go["verb"] == "md"
    submitted = {**go["data"], "md_select_2": choice_set["choices"][1]["value"]}
    assert read_action(submitted) == payload("set", x="newspaper")


def test_select_without_options_is_refused() -> None:
    with pytest.raises(ValueError, match="no options"):
        render_card(sample_card(actions=[Select(placeholder="Nothing", options=[])]))


def test_read_only_copy_has_no_actions_or_inputs() -> None:
    card = render_card(sample_card(), viewer_actions=False)
    assert card["actions"] == []
    assert _of_type(card, "Input.ChoiceSet") == [] and _of_type(card, "ActionSet") == []
    assert render_card(sample_card())["body"][:-2] == card["body"]


@pytest.mark.parametrize("data", [
    None, "md", [], {}, {"other": 1},
    {"md": "not json"}, {"md": {"a": "claim"}}, {"md": {**payload().model_dump(), "evil": 1}}, {"md": 5},
    {"md_select": "md_select_0"}, {"md_select": "md_select_0", "md_select_0": "garbage"},
    {"md_select": "md_select_0", "md_select_0": ""}, {"md_select": "md_select_0", "md_select_0": ["x"]},
    {"md_select": "journalist", "journalist": payload().encode()},
    {"md_select": 0, "0": payload().encode()},
])
def test_malformed_action_data_reads_as_none(data) -> None:
    assert read_action(data) is None


def test_read_action_accepts_an_encoded_string_payload() -> None:
    assert read_action({"md": payload("skip").encode()}) == payload("skip")


# --- forms --------------------------------------------------------------------------------------------------


def _inputs(card: dict) -> dict[str, dict]:
    return {n["id"]: n for n in adaptive.walk(card) if str(n.get("type", "")).startswith("Input.")}


@pytest.mark.parametrize("name", list(FORMS))
def test_form_has_one_input_per_field(name: str) -> None:
    form = FORMS[name]
    inputs = _inputs(render_form(form, meta={}))
    assert list(inputs) == [f.name for f in form.fields]
    for field in form.fields:
        element = inputs[field.name]
        assert element["label"] == field.label
        assert element["isRequired"] is (not field.optional)
        if not field.optional:
            assert element["errorMessage"]


def test_form_inputs_by_kind() -> None:
    form = statement_form(DIRECTORY)
    inputs = _inputs(render_form(form, meta={}))
    statement = inputs["statement"]
    assert statement["type"] == "Input.Text" and statement["isMultiline"] is True and statement["maxLength"] == 3000
    spokesperson = inputs["spokesperson"]
    assert spokesperson["type"] == "Input.ChoiceSet" and spokesperson["style"] == "compact"
    assert spokesperson.get("isMultiSelect", False) is False
    assert {"title": "Sam Speaker", "value": "sam.speaker@example.nhs.uk"} in spokesperson["choices"]
    flags = inputs["flags"]
    assert flags["isMultiSelect"] is True and flags["style"] == "expanded"
    assert inputs["partner"]["placeholder"] == "e.g. Essex County Council"
    assert "isMultiline" not in inputs["partner"]
    media = _inputs(render_form(MEDIA_CALL, meta={}))
    assert media["phone"]["style"] == "tel" and media["email"]["style"] == "email"
    assert media["deadline"]["maxLength"] == 100


def test_form_initial_values_and_local_deadline() -> None:
    values = {"journalist": "Sam [x](y)", "outlet_kind": "online", "deadline": "2026-11-27T16:00:00+00:00",
              "summary": "z" * 5000, "phone": None}
    inputs = _inputs(render_form(MEDIA_CALL, meta={}, values=values, ctx=CTX))
    assert inputs["journalist"]["value"] == "Sam [x](y)"  # an input shows text as typed: no escaping
    assert inputs["outlet_kind"]["value"] == "online"
    assert inputs["deadline"]["value"] == "2026-11-27 16:00"
    assert len(inputs["summary"]["value"]) == 3000
    assert "value" not in inputs["phone"]
    summer = render_form(MEDIA_CALL, meta={}, values={"deadline": "2026-07-01T15:00:00+00:00"}, ctx=CTX)
    assert _inputs(summer)["deadline"]["value"] == "2026-07-01 16:00"  # BST
    raw = render_form(MEDIA_CALL, meta={}, values={"deadline": "2026-07-01T15:00:00+00:00"})
    assert _inputs(raw)["deadline"]["value"] == "2026-07-01T15:00:00+00:00"  # no ctx: as stored
    flags = _inputs(render_form(statement_form(DIRECTORY), meta={},
                                values={"flags": ["needs_executive", "contentious", "bogus"]}))["flags"]
    assert flags["value"] == "needs_executive,contentious"
    assert "value" not in _inputs(render_form(MEDIA_CALL, meta={}, values={"outlet_kind": "bogus"}))["outlet_kind"]


def test_form_errors_show_above_their_field_in_attention() -> None:
    card = render_form(MEDIA_CALL, meta={}, errors={"phone": "Not a [phone](x)", "_rule": "Give a contact"})
    body = card["body"]
    phone_at = next(i for i, b in enumerate(body) if b.get("id") == "phone")
    above = body[phone_at - 1]
    assert above["type"] == "TextBlock" and above["color"] == "Attention"
    assert _unescape(above["text"]) == "⚠️ Not a [phone](x)" and "\\[phone\\]" in above["text"]
    first_input = next(i for i, b in enumerate(body) if b.get("id") == "journalist")
    general = [b for b in body[:first_input] if b.get("color") == "Attention"]
    assert [b["text"] for b in general] == ["⚠️ Give a contact"]
    assert sum(b.get("color") == "Attention" for b in body) == 2


def test_form_submit_button_and_intro() -> None:
    card = render_form(MEDIA_CALL, meta={"conv": 7, "v": 3})
    (submit,) = card["actions"]
    assert submit["type"] == "Action.Execute" and submit["verb"] == "md_form"
    assert submit["title"] == "Send to comms"
    assert submit["data"] == {"md_form": {"form": "media_call", "conv": 7, "v": 3}}
    intro = card["body"][1]
    assert intro["isSubtle"] is True and intro["wrap"] is True
    assert _unescape(intro["text"].replace("\n\n", "\n")).startswith(MEDIA_CALL.screen_intro.strip().split("\n")[0].strip())
    assert "in turn" not in intro["text"]  # a one-screen form asks nothing in turn


def test_read_form_values_round_trip() -> None:
    form = statement_form(DIRECTORY)
    card = render_form(form, meta={"case": "MC-2026-0001"})
    submit = card["actions"][0]["data"]
    data = {**submit, "statement": "We are sorry.", "background": "   ", "spokesperson": "sam.speaker@example.nhs.uk",
            "flags": "contentious,needs_executive", "executive": "erin.exec@example.nhs.uk"}
    raw = read_form_values(form, data)
    assert raw == {"statement": "We are sorry.", "background": None, "spokesperson": "sam.speaker@example.nhs.uk",
                   "flags": "contentious,needs_executive", "executive": "erin.exec@example.nhs.uk", "partner": None}
    values, errors = form.validate_all(raw, CTX)
    assert errors == {}
    assert values["flags"] == ["contentious", "needs_executive"]
    assert read_form_values(form, {"flags": ["patient_safety"], "statement": {"nested": 1}})["flags"] == "patient_safety"
    assert read_form_values(form, {"statement": {"nested": 1}})["statement"] is None
    assert set(read_form_values(form, None).values()) == {None}  # type: ignore[arg-type]


def test_read_form_values_feeds_validation_for_every_form() -> None:
    for form in FORMS.values():
        raw = read_form_values(form, {f.name: "" for f in form.fields})
        assert raw == dict.fromkeys((f.name for f in form.fields), None)
        _, errors = form.validate_all(raw, CTX)
        assert set(errors) >= {f.name for f in form.fields if not f.optional}


def test_forms_mapping_is_complete() -> None:
    assert all(isinstance(f, Form) for f in FORMS.values()) and len(FORMS) == 5
