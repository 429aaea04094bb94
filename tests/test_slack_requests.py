"""The signed requests the Slack suites send have the shape of Slack's own payloads.

Checked against the payload skeletons in tests/specs/examples/slack-payloads (from Slack's java-slack-sdk,
values blanked): a key Slack never sends would mean our tests exercise a request that cannot happen.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import pytest

from tests.conformance import load_spec
from tests.slack_requests import SlackRequests

# Keys our builders send that the (older) skeletons lack, each with the reason Slack sends it today.
NEWER_THAN_SKELETON = {
    "context_team_id": "Events API envelopes since org-wide apps (2021)",
    "context_enterprise_id": "Events API envelopes since org-wide apps (2021)",
    "response_urls": "view_submission carries it when a modal has a response_url_enabled input",
    "blocks": "the view's blocks, which the skeleton leaves out",
}


def _form(body: bytes) -> dict[str, str]:
    return dict(parse_qsl(body.decode()))


def _skeleton(name: str) -> dict[str, Any]:
    return load_spec(f"examples/slack-payloads/{name}.json")


def _payloads() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    r = SlackRequests("secret")
    message = json.loads(r.message_event("U1", "hello")[0])
    action = json.loads(_form(r.block_action("U1", "claim", "{}")[0])["payload"])
    view = json.loads(_form(r.view_submission("U1", "media_call", {"b": {"a": "x"}})[0])["payload"])
    return [
        ("slash command", _form(r.slash_command("U1", "/media-call", "form")[0]),
         _skeleton("slash-commands__SlashCommandPayload")),
        ("event envelope", message, _skeleton("events__MessagePayload")),
        ("message event", message["event"], _skeleton("events__MessagePayload")["event"]),
        ("block_actions", action, _skeleton("interactive-components__BlockActionPayload")),
        ("view_submission", view, _skeleton("views__ViewSubmissionPayload")),
        ("view", view["view"], _skeleton("views__ViewSubmissionPayload")["view"]),
    ]


@pytest.mark.parametrize(("name", "ours", "slacks"), _payloads(), ids=lambda v: v if isinstance(v, str) else "")
def test_builders_send_only_keys_slack_sends(name: str, ours: dict[str, Any], slacks: dict[str, Any]) -> None:
    unknown = set(ours) - set(slacks) - set(NEWER_THAN_SKELETON)
    assert not unknown, f"{name}: keys Slack does not send: {sorted(unknown)}"


def test_the_check_catches_a_key_slack_never_sends() -> None:
    ours = {**_payloads()[0][1], "usr_id": "U1"}
    assert set(ours) - set(_skeleton("slash-commands__SlashCommandPayload")) == {"usr_id"}
