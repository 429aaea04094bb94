"""Unit tests for the Slack renderers: escaping, truncation, Block Kit limits, modals."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.forms import Context, Kind
from bot.domain.media_call import MEDIA_CALL
from cards.model import ActionPayload, Button, Fact, Option, Select
from cards.slack import modal_errors, read_modal_values, render_blocks, render_message, render_modal
from cards.text import ELLIPSIS, escape_mrkdwn, escape_truncate, truncate
from tests.unit.sample_card import payload, sample_card

WELSH = "Ysbyty Gwynedd – ŵ ŷ 🏥"


def _conformance():
    """The shared Block Kit / view checker, or skip when another helper has not written it yet."""
    try:
        return importlib.import_module("tests.conformance")
    except ModuleNotFoundError as exc:
        if exc.name not in ("tests", "tests.conformance"):
            raise
        pytest.skip("tests/conformance.py not available yet")


def _texts(node) -> list[str]:
    """Every `text` string anywhere in a rendered structure."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_texts(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_texts(item))
    return found


def _elements(blocks: list[dict], kind: str) -> list[dict]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["type"] == kind]


# --- text helpers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<!channel> look", "&lt;!channel&gt; look"),
        ("hi <@U123>", "hi &lt;@U123&gt;"),
        ("<https://evil|x>", "&lt;https://evil|x&gt;"),
        ("A&E & more", "A&amp;E &amp; more"),
        ("&amp;", "&amp;amp;"),
    ],
)
def test_escape_mrkdwn(raw: str, expected: str) -> None:
    assert escape_mrkdwn(raw) == expected


def test_truncate_limits_and_ellipsis() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("abcdef", 0) == ""
    assert truncate("abcdef", 1) == ELLIPSIS
    for limit in range(1, 40):
        out = truncate("the quick brown fox jumps over the lazy dog", limit)
        assert len(out) <= limit
    assert truncate("the quick brown fox jumps over the lazy dog", 20) == "the quick brown fox…"


def test_truncate_keeps_emoji_sequences_and_marks_whole() -> None:
    family = "👩\u200d👩\u200d👧"
    out = truncate("ab " + family + " tail text", 6)
    assert "\u200d" not in out[-2:]
    assert truncate("e\u0301" * 10, 4) in ("e\u0301" + ELLIPSIS, ELLIPSIS)
    assert truncate("🇬🇧🇬🇧🇬🇧", 4) == "🇬🇧" + ELLIPSIS


def test_escape_truncate_never_leaves_half_an_entity() -> None:
    for n in range(1, 30):
        out = escape_truncate("a" * n + "&&&&&&&&&&", 12)
        assert len(out) <= 12
        body = out.removesuffix(ELLIPSIS)
        assert body.count("&") == body.count("&amp;")


# --- messages ---------------------------------------------------------------------------------------------


def test_user_text_is_escaped_everywhere_mrkdwn_is_used() -> None:
    evil = "<!channel> <@U123> <https://evil|x> & co"
    card = sample_card(
        text=evil,
        status=evil,
        subtitle=evil,
        body=evil,
        facts=[Fact(label=evil, value=evil), Fact(label="Long", value=evil, long=True)],
        notes=[evil],
    )
    message = render_message(card)
    assert message["text"] == escape_mrkdwn(evil)
    mrkdwn = [
        t
        for b in message["blocks"]
        for obj in ([b.get("text")] + b.get("fields", []) + b.get("elements", []))
        if isinstance(obj, dict) and obj.get("type") == "mrkdwn"
        for t in [obj["text"]]
    ]
    assert len(mrkdwn) >= 6
    for text in mrkdwn:
        assert "<" not in text and ">" not in text
        assert "&lt;!channel&gt;" in text


def test_mrkdwn_is_verbatim_so_slack_does_not_auto_parse() -> None:
    for block in render_blocks(sample_card()):
        for obj in [block.get("text")] + block.get("fields", []) + block.get("elements", []):
            if isinstance(obj, dict) and obj.get("type") == "mrkdwn":
                assert obj.get("verbatim") is True


def test_layout_order_and_urgent_prefix() -> None:
    blocks = render_blocks(sample_card(urgent=True))
    assert [b["type"] for b in blocks] == [
        "header",
        "section",
        "context",
        "section",
        "section",
        "section",
        "context",
        "actions",
    ]
    assert blocks[0]["text"]["text"].startswith("🚨 ")
    assert blocks[1]["text"]["text"] == "*Waiting for comms*"
    assert blocks[3]["text"]["text"] == "A&amp;E waiting times"
    assert blocks[4]["fields"][0]["text"] == "*Outlet*\nBBC Essex"
    assert blocks[5]["text"]["text"] == "*Enquiry*\nLong text"


def test_huge_fact_values_are_cut_with_ellipsis() -> None:
    huge = "word " * 8000  # 40,000 characters
    card = sample_card(
        facts=[Fact(label="Short", value=huge), Fact(label="Long", value=huge, long=True)], body=huge
    )
    blocks = render_blocks(card)
    field = blocks[4]["fields"][0]["text"]
    assert field.startswith("*Short*\n") and field.endswith(ELLIPSIS) and len(field) <= 2000
    long_text = blocks[5]["text"]["text"]
    assert long_text.startswith("*Long*\n") and long_text.endswith(ELLIPSIS) and len(long_text) <= 3000
    assert len(blocks[3]["text"]["text"]) <= 3000
    assert len(render_message(sample_card(text=huge))["text"]) <= 3000


def test_long_title_label_placeholder_and_confirm_are_cut() -> None:
    long = "x" * 5000
    card = sample_card(
        title=long,
        actions=[
            Button(label=long, payload=payload(), confirm=long),
            Select(placeholder=long, options=[Option(label=long, payload=payload("set", x="v"))]),
        ],
    )
    blocks = render_blocks(card)
    assert len(blocks[0]["text"]["text"]) <= 150
    (button,) = _elements(blocks, "button")
    assert len(button["text"]["text"]) <= 75
    assert button["confirm"]["title"]["text"] == "Are you sure?"
    assert len(button["confirm"]["text"]["text"]) <= 300
    assert button["confirm"]["confirm"]["text"] == "Yes" and button["confirm"]["deny"]["text"] == "Cancel"
    (select,) = _elements(blocks, "static_select")
    assert len(select["placeholder"]["text"]) <= 150
    assert len(select["options"][0]["text"]["text"]) <= 75


def test_welsh_and_emoji_survive() -> None:
    card = sample_card(title=WELSH, text=WELSH, facts=[Fact(label="Site", value=WELSH)], notes=[WELSH])
    message = render_message(card)
    assert message["text"] == WELSH
    texts = _texts(message["blocks"])
    assert WELSH in texts
    assert f"*Site*\n{WELSH}" in texts
    assert WELSH in json.dumps(message, ensure_ascii=False)


def test_button_and_option_payloads_round_trip() -> None:
    blocks = render_blocks(sample_card())
    buttons = _elements(blocks, "button")
    assert [b["action_id"] for b in buttons] == ["md.claim.0", "md.withdraw.1"]
    assert ActionPayload.decode(buttons[0]["value"]) == payload()
    assert buttons[0]["style"] == "primary" and "confirm" not in buttons[0]
    assert ActionPayload.decode(buttons[1]["value"]) == payload("withdraw")
    (select,) = _elements(blocks, "static_select")
    assert select["action_id"] == "md.select.2"
    assert ActionPayload.decode(select["options"][0]["value"]) == payload("set", x="online")


def test_option_value_over_150_is_refused() -> None:
    card = sample_card(
        actions=[
            Select(placeholder="Pick", options=[Option(label="x", payload=payload("set", x="v" * 200))])
        ]
    )
    with pytest.raises(ValueError, match="150"):
        render_blocks(card)


def test_thirty_facts_stay_within_limits() -> None:
    facts = [Fact(label=f"Fact {i}", value=f"value {i}") for i in range(30)]
    blocks = render_blocks(sample_card(facts=facts))
    assert len(blocks) <= 50
    sections = [b for b in blocks if b.get("fields")]
    assert [len(b["fields"]) for b in sections] == [10, 10, 10]
    assert all(len(f["text"]) <= 2000 for b in sections for f in b["fields"])


def test_many_blocks_are_capped_at_50_keeping_the_actions() -> None:
    facts = [Fact(label=f"Fact {i}", value="v", long=True) for i in range(80)]
    notes = [f"note {i}" for i in range(25)]
    blocks = render_blocks(sample_card(facts=facts, notes=notes))
    assert len(blocks) == 50
    assert blocks[-1]["type"] == "actions"
    assert blocks[-2] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": "… (more not shown)", "verbatim": True}],
    }


def test_many_notes_and_actions_split_into_blocks() -> None:
    notes = [f"note {i}" for i in range(23)]
    actions = [Button(label=f"B{i}", payload=payload(f"a{i}")) for i in range(30)]
    blocks = render_blocks(sample_card(notes=notes, actions=actions))
    contexts = [len(b["elements"]) for b in blocks if b["type"] == "context"]
    assert contexts == [1, 10, 10, 3]  # subtitle, then notes in tens
    assert [len(b["elements"]) for b in blocks if b["type"] == "actions"] == [25, 5]
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert len(ids) == len(set(ids))


def test_rendered_message_passes_conformance() -> None:
    conformance = _conformance()
    huge = "<!channel> " * 4000
    cards = [
        sample_card(),
        sample_card(
            urgent=True,
            title=huge,
            body=huge,
            facts=[Fact(label="F", value=huge)] * 30 + [Fact(label="L", value=huge, long=True)] * 30,
            notes=[huge] * 15,
        ),
    ]
    for card in cards:
        assert conformance.check_block_kit(render_blocks(card)) == []


# --- modals -----------------------------------------------------------------------------------------------


def _modal(**kwargs) -> dict:
    return render_modal(MEDIA_CALL, callback_id="media_call", private_metadata='{"c":"C1"}', **kwargs)


def test_modal_shape() -> None:
    view = _modal()
    assert view["type"] == "modal"
    assert view["callback_id"] == "media_call"
    assert view["private_metadata"] == '{"c":"C1"}'
    assert len(view["title"]["text"]) <= 24
    assert view["submit"]["text"] == "Send to comms"
    assert view["close"]["text"] == "Cancel"
    assert view["blocks"][0]["type"] == "context"
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == [f.name for f in MEDIA_CALL.fields]
    by_id = {b["block_id"]: b for b in inputs}
    kind = by_id["outlet_kind"]["element"]
    assert kind["type"] == "static_select"
    assert [o["value"] for o in kind["options"]] == [c.value for c in MEDIA_CALL.field("outlet_kind").choices]
    assert by_id["summary"]["element"]["multiline"] is True
    assert by_id["phone"]["optional"] is True and by_id["journalist"]["optional"] is False
    assert by_id["phone"]["element"]["max_length"] == 40
    assert by_id["deadline"]["hint"]["text"] == MEDIA_CALL.field("deadline").help
    for field in MEDIA_CALL.fields:
        element = by_id[field.name]["element"]
        assert element["action_id"] == "value"
        if field.kind is not Kind.CHOICE:
            assert element["type"] == "plain_text_input"


def test_modal_initial_values() -> None:
    ctx = Context(now=datetime(2025, 6, 2, 9, 0, tzinfo=UTC), tz=ZoneInfo("Europe/London"))
    view = _modal(
        values={"journalist": WELSH, "outlet_kind": "broadcast", "deadline": "2025-06-02T15:00:00+00:00"},
        ctx=ctx,
    )
    by_id = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert by_id["journalist"]["element"]["initial_value"] == WELSH
    assert by_id["outlet_kind"]["element"]["initial_option"]["value"] == "broadcast"
    assert by_id["deadline"]["element"]["initial_value"] == "2025-06-02 16:00"
    assert "initial_value" not in by_id["outlet"]["element"]


def test_modal_long_title_and_metadata_limits() -> None:
    from dataclasses import replace

    form = replace(MEDIA_CALL, title="A very long form title that Slack would refuse", submit_label="S" * 40)
    view = render_modal(form, callback_id="x", private_metadata="")
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24
    with pytest.raises(ValueError):
        render_modal(form, callback_id="x", private_metadata="m" * 3001)


def test_read_modal_values_round_trip() -> None:
    state = {
        "journalist": {"value": {"type": "plain_text_input", "value": "Sam Reporter"}},
        "outlet": {"value": {"type": "plain_text_input", "value": WELSH}},
        "outlet_kind": {
            "value": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": "TV or radio"},
                    "value": "broadcast",
                },
            }
        },
        "phone": {"value": {"type": "plain_text_input", "value": None}},
        "email": {"value": {"type": "plain_text_input", "value": "  "}},
        "summary": {"value": {"type": "plain_text_input", "value": "Line one\nLine two"}},
        # "deadline" missing entirely
    }
    assert read_modal_values(MEDIA_CALL, state) == {
        "journalist": "Sam Reporter",
        "outlet": WELSH,
        "outlet_kind": "broadcast",
        "phone": None,
        "email": None,
        "summary": "Line one\nLine two",
        "deadline": None,
    }
    empty_select = {"outlet_kind": {"value": {"type": "static_select", "selected_option": None}}}
    assert read_modal_values(MEDIA_CALL, empty_select)["outlet_kind"] is None


def test_modal_errors_shape() -> None:
    body = modal_errors({"email": "Need a phone or email.", "summary": "x" * 5000})
    assert body["response_action"] == "errors"
    assert body["errors"]["email"] == "Need a phone or email."
    assert body["errors"]["summary"].endswith(ELLIPSIS) and len(body["errors"]["summary"]) <= 300


def test_modal_shows_form_level_errors_after_the_intro() -> None:
    view = _modal(
        errors={"email": "Need a <!here> phone or email.", "phone": "Need a <!here> phone or email."}
    )
    warnings = view["blocks"][1]
    assert warnings["type"] == "context"
    assert [e["text"] for e in warnings["elements"]] == ["⚠️ Need a &lt;!here&gt; phone or email."]


def test_modal_passes_conformance() -> None:
    conformance = _conformance()
    assert conformance.check_view(_modal()) == []
    assert conformance.check_view(_modal(values={"journalist": "x" * 500, "outlet_kind": "online"})) == []
