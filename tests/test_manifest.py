"""The Slack app manifest, and the Block Kit conformance checks other tests rely on."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models import blocks as sdk_blocks
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.conformance import (
    BLOCK_KIT_LIMITS,
    REPO_ROOT,
    SPECS_ENV,
    assert_block_kit,
    assert_view,
    block_kit_limits,
    check_block_kit,
    check_view,
    specs_dir,
    validate_slack_manifest,
)

MANIFEST_PATH = REPO_ROOT / "manifest" / "slack" / "manifest.yaml"
EVENTS_PATH = "/slack/events"
PLACEHOLDER_HOST = "mediadesk.example.org"
# Minimum bot scopes: widen deliberately, with the call that needs it.
# channels:history and groups:history (public or private comms channel) and im:history (DMs): before posting again
# a message whose earlier attempt may have reached Slack, the relay looks for it in conversations.history.
# files:write: an export of the media log is shared in the person's DM (files.getUploadURLExternal and
# files.completeUploadExternal).
EXPECTED_BOT_SCOPES = {"commands", "chat:write", "channels:history", "groups:history", "im:history", "im:write",
                       "users:read", "users:read.email", "files:write"}
FORBIDDEN_BOT_SCOPES = {"chat:write.public"}  # the bot must be invited to the comms channel
EVENT_SCOPES = {"message.im": "im:history", "app_home_opened": None}  # None: the event needs no scope


# =========================================================================== the manifest


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_manifest_conforms_to_slack_schema(manifest: dict[str, Any]) -> None:
    validate_slack_manifest(manifest)


def test_manifest_header_explains_use() -> None:
    header = MANIFEST_PATH.read_text(encoding="utf-8").split("\n_metadata", 1)[0]
    assert "From an app manifest" in header
    assert PLACEHOLDER_HOST in header


def _request_urls(manifest: dict[str, Any]) -> dict[str, str]:
    settings = manifest["settings"]
    urls = {
        "settings.event_subscriptions.request_url": settings["event_subscriptions"]["request_url"],
        "settings.interactivity.request_url": settings["interactivity"]["request_url"],
    }
    for cmd in manifest["features"]["slash_commands"]:
        urls[f"slash command {cmd['command']}"] = cmd["url"]
    return urls


def test_all_traffic_goes_to_slack_events(manifest: dict[str, Any]) -> None:
    assert manifest["settings"]["socket_mode_enabled"] is False  # so every URL must be set
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    for where, url in _request_urls(manifest).items():
        parsed = urlparse(url)
        assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", PLACEHOLDER_HOST, EVENTS_PATH), where
        assert not parsed.query and not parsed.fragment, where


def test_media_call_command(manifest: dict[str, Any]) -> None:
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    assert set(commands) == {"/media-call", "/crisis", "/press-release", "/media-log"}
    media_call = commands["/media-call"]
    assert "form" in media_call["usage_hint"]
    assert media_call["should_escape"] is False  # free text is parsed as typed
    assert "proactive" in commands["/press-release"]["usage_hint"]
    assert {"search", "export"} <= set(commands["/media-log"]["usage_hint"].replace("|", " ").split())


def test_the_home_tab_is_on_and_its_event_subscribed(manifest: dict[str, Any]) -> None:
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]


def test_dm_replies_are_subscribed(manifest: dict[str, Any]) -> None:
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert "message.im" in events
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    for event in events:
        assert event in EVENT_SCOPES, f"event {event} is not known here"
        assert EVENT_SCOPES[event] is None or EVENT_SCOPES[event] in scopes, f"event {event} needs a granted scope"
    home = manifest["features"]["app_home"]
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False


def test_bot_user(manifest: dict[str, Any]) -> None:
    assert manifest["features"]["bot_user"]["display_name"] == "Media Desk"
    assert manifest["display_information"]["name"] == "Media Desk"


def test_bot_scopes_are_the_minimum(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    assert len(scopes) == len(set(scopes)), "duplicate scope"
    assert not FORBIDDEN_BOT_SCOPES & set(scopes)
    assert set(scopes) >= {"commands", "chat:write", "im:history", "users:read", "users:read.email"}
    assert set(scopes) == EXPECTED_BOT_SCOPES, (
        f"unexpected: {sorted(set(scopes) - EXPECTED_BOT_SCOPES)}, missing: {sorted(EXPECTED_BOT_SCOPES - set(scopes))}"
    )
    assert "user" not in manifest["oauth_config"]["scopes"], "the bot needs no user token"


# --------------------------------------------------------------------------- the manifest validator


def test_manifest_validator_on_upstream_fixtures() -> None:
    # The v1 pair targets this schema (1.0.0); the v2 pair uses a newer function/workflow parameter format.
    folder = specs_dir() / "examples" / "slack-manifest"
    validate_slack_manifest(json.loads((folder / "v1-manifest.valid.json").read_text()))
    with pytest.raises(AssertionError, match="bad_param"):
        validate_slack_manifest(json.loads((folder / "v1-manifest.invalid.json").read_text()))


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda m: m["features"]["slash_commands"][0].update(command="media-call"),
            "features.slash_commands.0.command",
        ),
        (lambda m: m["settings"].update(socket_mode="off"), "Additional properties"),
        (lambda m: m["display_information"].update(background_color="#zzzzzz"), "background_color"),
        (lambda m: m["settings"]["interactivity"].update(request_url="mediadesk.example.org"), "request_url"),
        (lambda m: m.pop("display_information"), "'display_information' is a required property"),
    ],
    ids=["command-without-slash", "unknown-setting", "bad-colour", "url-without-scheme", "no-display-info"],
)
def test_manifest_validator_reports_errors(
    manifest: dict[str, Any], mutate: Callable[[dict[str, Any]], Any], expected: str
) -> None:
    broken = copy.deepcopy(manifest)
    mutate(broken)
    with pytest.raises(AssertionError, match="does not conform") as err:
        validate_slack_manifest(broken)
    assert expected in str(err.value)


# =========================================================================== Block Kit examples


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _option(label: str, value: str) -> dict[str, Any]:
    return {"text": _plain(label), "value": value}


def _confirm() -> dict[str, Any]:
    return {
        "title": _plain("Release this enquiry?"),
        "text": _mrkdwn("Someone else will need to pick it up."),
        "confirm": _plain("Release"),
        "deny": _plain("Keep it"),
        "style": "danger",
    }


def _button(action_id: str, label: str = "Claim", **extra: Any) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": _plain(label),
        "value": '{"a":"claim"}',
        **extra,
    }


def valid_message() -> list[dict[str, Any]]:
    """A message using every block and element type the bot may send."""

    def choices() -> list[dict[str, Any]]:
        return [_option("Yes", "yes"), _option("No", "no")]

    return [
        {"type": "header", "block_id": "title", "text": _plain("New media enquiry")},
        {
            "type": "section",
            "block_id": "summary",
            "text": _mrkdwn("*The Herald* wants comment on waiting times."),
            "accessory": _button("claim_top", style="primary"),
        },
        {"type": "section", "fields": [_mrkdwn("*Outlet*\nThe Herald"), _mrkdwn("*Deadline*\n4pm today")]},
        {
            "type": "section",
            "text": _mrkdwn("Is it about a named patient?"),
            "accessory": {
                "type": "static_select",
                "action_id": "named_patient",
                "placeholder": _plain("Choose"),
                "options": choices(),
                "initial_option": _option("No", "no"),
            },
        },
        {
            "type": "section",
            "text": _mrkdwn("More"),
            "accessory": {
                "type": "overflow",
                "action_id": "more",
                "options": [_option("Reassign", "reassign")],
            },
        },
        {
            "type": "context",
            "elements": [
                _mrkdwn("Policy: reply within the deadline."),
                _plain("Ref MC-0042"),
                {"type": "image", "image_url": "https://mediadesk.example.org/i.png", "alt_text": "logo"},
            ],
        },
        {"type": "divider"},
        {
            "type": "actions",
            "block_id": "actions",
            "elements": [
                _button("claim"),
                _button("release", "Release", style="danger", confirm=_confirm()),
                _button("open", "Open policy", url="https://mediadesk.example.org/policy"),
                {
                    "type": "static_select",
                    "action_id": "answer",
                    "placeholder": _plain("Answer"),
                    "options": choices(),
                },
                {
                    "type": "overflow",
                    "action_id": "menu",
                    "options": [_option("Skip", "skip"), _option("Help", "help")],
                },
                {"type": "datetimepicker", "action_id": "deadline", "initial_date_time": 1767225600},
            ],
        },
    ]


def valid_modal() -> dict[str, Any]:
    """The kind of modal the /media-call form opens."""
    return {
        "type": "modal",
        "callback_id": "media_call_form",
        "title": _plain("Log a media call"),
        "submit": _plain("Log it"),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps({"channel": "C123", "v": 1}),
        "blocks": [
            {"type": "section", "text": _mrkdwn("Tell us about the enquiry.")},
            {
                "type": "input",
                "block_id": "outlet",
                "label": _plain("Outlet"),
                "element": {"type": "plain_text_input", "action_id": "value", "max_length": 200},
            },
            {
                "type": "input",
                "block_id": "enquiry",
                "label": _plain("Enquiry"),
                "hint": _plain("What they asked, in their words."),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "multiline": True,
                    "min_length": 1,
                    "max_length": 3000,
                    "placeholder": _plain("e.g. comment on A&E waits"),
                },
            },
            {
                "type": "input",
                "block_id": "deadline",
                "label": _plain("Deadline"),
                "element": {"type": "datetimepicker", "action_id": "value"},
            },
            {
                "type": "input",
                "block_id": "kind",
                "optional": True,
                "label": _plain("Kind"),
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "option_groups": [{"label": _plain("Press"), "options": [_option("Print", "print")]}],
                },
            },
            {"type": "context", "elements": [_mrkdwn("You can edit this later.")]},
        ],
    }


def test_valid_examples_pass() -> None:
    assert check_block_kit(valid_message()) == []
    assert check_view(valid_modal()) == []
    assert_block_kit(valid_message())
    assert_view(valid_modal())
    assert check_view({"type": "home", "blocks": valid_message()}) == []  # home: no title/submit needed


def test_valid_examples_are_accepted_by_slack_sdk() -> None:
    for block in valid_message():
        Block.parse(block).to_dict()  # type: ignore[union-attr]  # to_dict() validates recursively
    View(**valid_modal()).to_dict()


def test_limits_boundaries_are_inclusive() -> None:
    blocks = valid_message()
    blocks[7]["elements"][0]["text"]["text"] = "x" * 75
    blocks[1]["text"]["text"] = "x" * 3000
    blocks[2]["fields"] = [_mrkdwn("f" * 2000)] * 10
    blocks += [{"type": "divider"}] * (50 - len(blocks))
    assert check_block_kit(blocks) == []
    assert len(check_block_kit([*blocks, {"type": "divider"}])) == 1  # 51 blocks
    assert check_block_kit([{"type": "divider"}] * 100, surface="modal") == []


# --------------------------------------------------------------------------- each check can fail

Mutation = Callable[[Any], Any]


def _many_buttons(n: int) -> list[dict[str, Any]]:
    return [_button(f"b{i}") for i in range(n)]


def _long_option_group_label(blocks: list[dict[str, Any]]) -> None:
    select = blocks[7]["elements"][3]
    del select["options"]
    select["option_groups"] = [{"label": _plain("x" * 76), "options": [_option("a", "a")]}]


# (id, mutation of valid_message(), text expected in the single violation, slack_sdk rejects it too)
# (slack_sdk keeps select/overflow options and option groups parsed from dicts as raw dicts: it cannot check them.)
MESSAGE_CASES: list[tuple[str, Mutation, str, bool]] = [
    (
        "button-label-76",
        lambda b: b[7]["elements"][0]["text"].update(text="x" * 76),
        "element.button.text_max",
        True,
    ),
    ("51-blocks", lambda b: b.extend([{"type": "divider"}] * (51 - len(b))), "message.blocks_max", False),
    (
        "duplicate-action-id",
        lambda b: b[7]["elements"][1].update(action_id="claim"),
        "duplicate action_id",
        False,
    ),
    ("section-text-3001", lambda b: b[1]["text"].update(text="x" * 3001), "block.section.text_max", True),
    ("11-fields", lambda b: b[2].update(fields=[_mrkdwn("f")] * 11), "block.section.fields_max_items", True),
    (
        "field-text-2001",
        lambda b: b[2]["fields"][0].update(text="x" * 2001),
        "block.section.fields_item_text_max",
        False,
    ),
    ("section-empty", lambda b: b[2].pop("fields"), "section needs text or fields", False),
    ("header-151", lambda b: b[0]["text"].update(text="x" * 151), "block.header.text_max", True),
    ("header-mrkdwn", lambda b: b[0].update(text=_mrkdwn("*Hi*")), "must be plain_text", False),
    ("block-id-256", lambda b: b[0].update(block_id="x" * 256), "block.block_id_max", True),
    ("duplicate-block-id", lambda b: b[1].update(block_id="actions"), "duplicate block_id 'actions'", False),
    (
        "button-value-2001",
        lambda b: b[7]["elements"][0].update(value="x" * 2001),
        "element.button.value_max",
        True,
    ),
    (
        "button-url-3001",
        lambda b: b[7]["elements"][2].update(url="https://" + "x" * 2993),
        "element.button.url_max",
        True,
    ),
    (
        "action-id-256",
        lambda b: b[7]["elements"][0].update(action_id="x" * 256),
        "element.action_id_max",
        True,
    ),
    (
        "accessibility-label-76",
        lambda b: b[7]["elements"][0].update(accessibility_label="x" * 76),
        "element.button.accessibility_label_max",
        True,
    ),
    ("button-style", lambda b: b[7]["elements"][0].update(style="secondary"), "style 'secondary'", False),
    ("button-no-text", lambda b: b[7]["elements"][0].pop("text"), "button text is required", False),
    (
        "option-text-76",
        lambda b: b[7]["elements"][4]["options"][0]["text"].update(text="x" * 76),
        "composition.option.text_max",
        False,
    ),
    (
        "option-value-151",
        lambda b: b[7]["elements"][4]["options"][0].update(value="x" * 151),
        "composition.option.value_max",
        False,
    ),
    (
        "select-101-options",
        lambda b: b[7]["elements"][3].update(options=[_option("o", f"{i}") for i in range(101)]),
        "element.static_select.options_max",
        True,
    ),
    (
        "select-options-and-groups",
        lambda b: b[7]["elements"][3].update(option_groups=[]),
        "exactly one of",
        False,
    ),
    ("option-group-label-76", _long_option_group_label, "composition.option_group.label_max", False),
    (
        "initial-option-unknown",
        lambda b: b[3]["accessory"].update(initial_option=_option("Maybe", "maybe")),
        "initial_option does not exactly match",
        False,
    ),
    (
        "placeholder-151",
        lambda b: b[7]["elements"][3]["placeholder"].update(text="x" * 151),
        "element.placeholder_max",
        True,
    ),
    (
        "overflow-6-options",
        lambda b: b[4]["accessory"].update(options=[_option("o", f"{i}") for i in range(6)]),
        "element.overflow.options",
        True,
    ),
    ("overflow-0-options", lambda b: b[4]["accessory"].update(options=[]), "element.overflow.options", True),
    # Each text of a button's confirm dialog, one character over its limit.
    *[(f"confirm-{part}-{too_long}",
       lambda b, part=part, too_long=too_long: b[7]["elements"][1]["confirm"][part].update(text="x" * too_long),
       f"composition.confirm.{part}_max", True)
      for part, too_long in (("title", 101), ("text", 301), ("confirm", 31), ("deny", 31))],
    (
        "confirm-no-deny",
        lambda b: b[7]["elements"][1]["confirm"].pop("deny"),
        "deny button is required",
        False,
    ),
    (
        "26-action-elements",
        lambda b: b[7].update(elements=_many_buttons(26)),
        "block.actions.elements_max",
        True,
    ),
    ("empty-actions", lambda b: b[7].update(elements=[]), "at least one element", False),
    (
        "11-context-elements",
        lambda b: b[5].update(elements=[_plain("c")] * 11),
        "block.context.elements_max",
        True,
    ),
    ("empty-text", lambda b: b[1]["text"].update(text=""), "non-empty", False),
    ("bad-text-type", lambda b: b[1]["text"].update(type="markdown"), "text type 'markdown'", False),
    ("image-no-alt-text", lambda b: b[5]["elements"][2].pop("alt_text"), "alt_text is required", False),
    (
        "input-element-in-actions",
        lambda b: b[7]["elements"].append({"type": "plain_text_input", "action_id": "t"}),
        "not allowed in actions",
        False,
    ),
    (
        "datetime-as-string",
        lambda b: b[7]["elements"][5].update(initial_date_time="2026-01-01"),
        "UNIX timestamp",
        False,
    ),
    (
        "rich-text-not-covered",
        lambda b: b.append({"type": "rich_text", "elements": []}),
        "not covered",
        False,
    ),
    ("block-not-object", lambda b: b.append("divider"), "block must be an object", False),
]


# (id, mutation of valid_modal(), text expected in the single violation, slack_sdk rejects it too)
VIEW_CASES: list[tuple[str, Mutation, str, bool]] = [
    ("title-25", lambda v: v["title"].update(text="x" * 25), "view.title_max", True),
    ("submit-25", lambda v: v["submit"].update(text="x" * 25), "view.submit_max", True),
    ("close-25", lambda v: v["close"].update(text="x" * 25), "view.close_max", True),
    (
        "private-metadata-3001",
        lambda v: v.update(private_metadata="x" * 3001),
        "view.private_metadata_max",
        True,
    ),
    ("callback-id-256", lambda v: v.update(callback_id="x" * 256), "view.callback_id_max", True),
    (
        "input-without-submit",
        lambda v: v.pop("submit"),
        "view.submit_required_when_input_block_present",
        False,
    ),
    ("no-title", lambda v: v.pop("title"), "title is required", False),
    ("title-mrkdwn", lambda v: v.update(title=_mrkdwn("Log")), "must be plain_text", False),
    (
        "101-blocks",
        lambda v: v["blocks"].extend([{"type": "divider"}] * (101 - len(v["blocks"]))),
        "view.blocks_max_modal_or_home",
        True,
    ),
    (
        "input-label-2001",
        lambda v: v["blocks"][1]["label"].update(text="x" * 2001),
        "block.input.label_max",
        True,
    ),
    (
        "input-hint-2001",
        lambda v: v["blocks"][2]["hint"].update(text="x" * 2001),
        "block.input.hint_max",
        True,
    ),
    ("input-no-element", lambda v: v["blocks"][1].pop("element"), "needs an element", False),
    ("button-in-input", lambda v: v["blocks"][1].update(element=_button("b")), "not allowed in input", False),
    (
        "min-over-max",
        lambda v: v["blocks"][2]["element"].update(min_length=10, max_length=5),
        "exceeds max_length",
        False,
    ),
    (
        "placeholder-151",
        lambda v: v["blocks"][2]["element"]["placeholder"].update(text="x" * 151),
        "element.placeholder_max",
        True,
    ),
    ("duplicate-block-id", lambda v: v["blocks"][2].update(block_id="outlet"), "duplicate block_id", False),
    ("not-a-view", lambda v: v.update(type="workflow_step"), "type 'workflow_step'", False),
]


def _sdk_blocks(blocks: list[dict[str, Any]]) -> None:
    for block in blocks:
        Block.parse(block).to_dict()  # type: ignore[union-attr]


def _sdk_view(view: dict[str, Any]) -> None:
    View(**view).to_dict()


# For a message and for a modal: the valid example, our check, our assertion, and Slack's own SDK models.
SURFACES: dict[str, tuple[Callable[[], Any], Callable[[Any], list[str]], Callable[[Any], None], Mutation]] = {
    "message": (valid_message, check_block_kit, assert_block_kit, _sdk_blocks),
    "modal": (valid_modal, check_view, assert_view, _sdk_view),
}
CASES = [pytest.param(surface, *case[1:], id=f"{surface}-{case[0]}")
         for surface, cases in (("message", MESSAGE_CASES), ("modal", VIEW_CASES)) for case in cases]


@pytest.mark.parametrize(("surface", "mutate", "expected", "sdk_rejects"), CASES)
def test_each_check_can_fail(surface: str, mutate: Mutation, expected: str, sdk_rejects: bool) -> None:
    valid, check, assert_valid, sdk_models = SURFACES[surface]
    example = valid()
    mutate(example)
    violations = check(example)
    assert len(violations) == 1 and expected in violations[0], violations
    with pytest.raises(AssertionError, match="1 Block Kit violation"):
        assert_valid(example)
    if sdk_rejects:  # the example really is out of bounds for Slack's own SDK models too
        with pytest.raises(SlackObjectFormationError):
            sdk_models(example)


def test_violations_accumulate_and_name_the_place() -> None:
    blocks = valid_message()
    blocks[7]["elements"][0]["text"]["text"] = "x" * 76
    blocks[0]["text"]["text"] = "x" * 151
    violations = check_block_kit(blocks)
    assert violations == [
        "blocks[0]<header>.text.text: header text is 151 chars, max 150 [block.header.text_max]",
        "blocks[7]<actions>.elements[0].text.text: button text is 76 chars, max 75 [element.button.text_max]",
    ]
    with pytest.raises(AssertionError) as err:
        assert_block_kit(blocks)
    assert all(v in str(err.value) for v in violations)


def test_unknown_surface_is_an_error() -> None:
    with pytest.raises(ValueError, match="surface"):
        check_block_kit([], surface="email")


# --------------------------------------------------------------------------- the limits file itself


@pytest.mark.parametrize(
    ("key", "sdk_value"),
    [
        ("message.blocks_max", 50),  # docs only: no SDK model enforces it
        ("view.blocks_max_modal_or_home", View.blocks_max_length),
        ("view.title_max", View.title_max_length),
        ("view.submit_max", View.submit_max_length),
        ("view.close_max", View.close_max_length),
        ("view.private_metadata_max", View.private_metadata_max_length),
        ("view.callback_id_max", View.callback_id_max_length),
        ("block.block_id_max", sdk_blocks.Block.block_id_max_length),
        ("block.section.text_max", sdk_blocks.SectionBlock.text_max_length),
        ("block.section.fields_max_items", sdk_blocks.SectionBlock.fields_max_length),
        ("block.actions.elements_max", sdk_blocks.ActionsBlock.elements_max_length),
        ("block.context.elements_max", sdk_blocks.ContextBlock.elements_max_length),
        ("block.header.text_max", sdk_blocks.HeaderBlock.text_max_length),
        ("block.input.label_max", sdk_blocks.InputBlock.label_max_length),
        ("block.input.hint_max", sdk_blocks.InputBlock.hint_max_length),
        ("element.action_id_max", sdk_blocks.InteractiveElement.action_id_max_length),
        ("element.placeholder_max", sdk_blocks.InputInteractiveElement.placeholder_max_length),
        ("element.button.text_max", sdk_blocks.ButtonElement.text_max_length),
        ("element.button.url_max", sdk_blocks.ButtonElement.url_max_length),
        ("element.button.value_max", sdk_blocks.ButtonElement.value_max_length),
        ("element.static_select.options_max", sdk_blocks.StaticSelectElement.options_max_length),
        ("element.overflow.options_max", sdk_blocks.OverflowMenuElement.options_max_length),
        ("composition.option.text_max", sdk_blocks.Option.label_max_length),
        ("composition.option.value_max", sdk_blocks.Option.value_max_length),
        ("composition.option_group.label_max", sdk_blocks.OptionGroup.label_max_length),
        ("composition.confirm.title_max", sdk_blocks.ConfirmObject.title_max_length),
        ("composition.confirm.text_max", sdk_blocks.ConfirmObject.text_max_length),
        ("composition.confirm.confirm_max", sdk_blocks.ConfirmObject.confirm_max_length),
        ("composition.confirm.deny_max", sdk_blocks.ConfirmObject.deny_max_length),
    ],
)
def test_limits_file_agrees_with_installed_slack_sdk(key: str, sdk_value: int) -> None:
    assert block_kit_limits()[key] == sdk_value


def test_specs_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    limits = json.loads((specs_dir() / BLOCK_KIT_LIMITS).read_text())
    limits["element"]["button.text_max"]["value"] = 10
    (tmp_path / BLOCK_KIT_LIMITS).write_text(json.dumps(limits))
    monkeypatch.setenv(SPECS_ENV, str(tmp_path))
    assert specs_dir() == tmp_path
    violations = check_block_kit([{"type": "actions", "elements": [_button("b", "x" * 11)]}])
    assert violations and "max 10" in violations[0]
    monkeypatch.setenv(SPECS_ENV, str(tmp_path / "missing"))
    with pytest.raises(FileNotFoundError, match=SPECS_ENV):
        check_block_kit([])


def test_specs_are_not_read_at_import() -> None:
    env = {**os.environ, SPECS_ENV: "/nonexistent/specs", "PYTHONPATH": str(REPO_ROOT)}
    code = "import tests.conformance as c; assert c._read_json.cache_info().currsize == 0"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=REPO_ROOT)
