"""Signed Slack requests, built the way Slack sends them to an app's request URL.

Every builder returns ``(body, headers)``: the exact bytes to POST and the headers
(content type, ``X-Slack-Request-Timestamp``, ``X-Slack-Signature``). Signatures use
Slack's v0 scheme: ``v0=`` + HMAC-SHA256(signing secret, ``v0:{timestamp}:{body}``).
Payload shapes follow tests/specs/examples/slack-payloads/.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

__all__ = ["SlackRequests", "Workspace"]

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"

Request = tuple[bytes, dict[str, str]]


@dataclass(frozen=True)
class Workspace:
    """The test workspace and the app in it: the same ids in what Slack sends (here) and what its Web API answers
    (tests/fakes/slack_api.py)."""

    team_id: str = "T1"
    team: str = "Test"
    app_id: str = "A1"
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"

    @property
    def domain(self) -> str:
        return self.team.lower()


class SlackRequests:
    """Builds signed slash commands, events and interactivity payloads for one workspace/app."""

    def __init__(self, signing_secret: str, *, workspace: Workspace | None = None,
                 response_base: str = "https://hooks.slack.com",
                 verification_token: str = "legacy-verification-token") -> None:
        self.signing_secret = signing_secret
        self.workspace = workspace or Workspace()
        self.response_base = response_base.rstrip("/")
        self.verification_token = verification_token
        self._seq = itertools.count(1)

    # ---- signing

    def sign(self, body: bytes, timestamp: int | float | str | None = None) -> dict[str, str]:
        """The signature headers Slack would send with ``body`` at ``timestamp`` (default: now)."""
        ts = str(int(time.time()) if timestamp is None else int(float(timestamp)))
        base = b"v0:" + ts.encode() + b":" + body
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}

    def _signed(self, body: bytes, content_type: str, timestamp: int | float | None) -> Request:
        headers = {"Content-Type": content_type, "User-Agent": USER_AGENT, **self.sign(body, timestamp)}
        return body, headers

    def _form(self, fields: dict[str, str], timestamp: int | float | None) -> Request:
        return self._signed(urlencode(fields).encode(), FORM, timestamp)

    def _json(self, payload: dict[str, Any], timestamp: int | float | None) -> Request:
        return self._signed(json.dumps(payload).encode(), JSON, timestamp)

    def _interactive(self, payload: dict[str, Any], timestamp: int | float | None) -> Request:
        return self._form({"payload": json.dumps(payload)}, timestamp)

    # ---- fresh identifiers

    def new_trigger_id(self) -> str:
        """A unique trigger_id shaped like Slack's."""
        return (
            f"{next(self._seq)}{secrets.randbelow(10**9)}.{self.workspace.team_id[1:] or '1'}.{secrets.token_hex(16)}"
        )

    def new_ts(self) -> str:
        """A unique message timestamp close to now."""
        n = next(self._seq)
        return f"{int(time.time())}.{n % 1_000_000:06d}"

    def new_event_id(self) -> str:
        return "Ev" + secrets.token_hex(5).upper()

    def _response_url(self, kind: str) -> str:
        return f"{self.response_base}/{kind}/{self.workspace.team_id}/{next(self._seq)}/{secrets.token_urlsafe(18)}"

    def _user(self, user_id: str) -> dict[str, Any]:
        name = user_id.lower()
        return {"id": user_id, "username": name, "name": name, "team_id": self.workspace.team_id}

    def _team(self) -> dict[str, Any]:
        return {"id": self.workspace.team_id, "domain": self.workspace.domain}

    # ---- slash commands

    def slash_command(
        self,
        user_id: str,
        command: str,
        text: str,
        channel_id: str = "C_GENERAL",
        trigger_id: str | None = None,
        timestamp: int | float | None = None,
        *,
        user_name: str | None = None,
        channel_name: str | None = None,
    ) -> Request:
        """A form-encoded slash command invocation."""
        fields = {
            "token": self.verification_token,
            "team_id": self.workspace.team_id,
            "team_domain": self.workspace.domain,
            "channel_id": channel_id,
            "channel_name": channel_name or ("directmessage" if channel_id.startswith("D") else "general"),
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command if command.startswith("/") else "/" + command,
            "text": text,
            "api_app_id": self.workspace.app_id,
            "is_enterprise_install": "false",
            "response_url": self._response_url("commands"),
            "trigger_id": trigger_id or self.new_trigger_id(),
        }
        return self._form(fields, timestamp)

    # ---- Events API

    def url_verification(self, challenge: str, timestamp: int | float | None = None) -> Request:
        """The handshake Slack sends when the Events request URL is set."""
        payload = {"token": self.verification_token, "challenge": challenge, "type": "url_verification"}
        return self._json(payload, timestamp)

    def event_callback(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        retry_num: int | None = None,
        timestamp: int | float | None = None,
        retry_reason: str = "http_timeout",
    ) -> Request:
        """Any event wrapped in the Events API envelope; ``retry_num`` adds Slack's retry headers."""
        now = int(time.time()) if timestamp is None else int(timestamp)
        payload = {
            "token": self.verification_token,
            "team_id": self.workspace.team_id,
            "context_team_id": self.workspace.team_id,
            "context_enterprise_id": None,
            "api_app_id": self.workspace.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or self.new_event_id(),
            "event_time": now,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.workspace.team_id,
                    "user_id": self.workspace.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + secrets.token_urlsafe(24),
        }
        body, headers = self._json(payload, timestamp)
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        return body, headers

    def message_event(
        self,
        user_id: str,
        text: str,
        channel: str | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        channel_type: str = "im",
        *,
        ts: str | None = None,
        thread_ts: str | None = None,
        timestamp: int | float | None = None,
    ) -> Request:
        """A user's message event; ``channel`` defaults to their DM with the bot ("D" + user id)."""
        if channel is None:
            channel = "D" + user_id if channel_type == "im" else "C_GENERAL"
        ts = ts or self.new_ts()
        event: dict[str, Any] = {
            "client_msg_id": str(uuid.uuid4()),
            "type": "message",
            "text": text,
            "user": user_id,
            "ts": ts,
            "blocks": [
                {
                    "type": "rich_text",
                    "block_id": secrets.token_hex(3),
                    "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
                }
            ],
            "team": self.workspace.team_id,
            "channel": channel,
            "event_ts": ts,
            "channel_type": channel_type,
        }
        if thread_ts is not None:
            event["thread_ts"] = thread_ts
            event["parent_user_id"] = self.workspace.bot_user_id
        return self.event_callback(event, event_id=event_id, retry_num=retry_num, timestamp=timestamp)

    # ---- interactivity

    def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str | None,
        message_ts: str | None = None,
        channel_id: str | None = None,
        trigger_id: str | None = None,
        container_type: str = "message",
        block_id: str | None = None,
        selected_option_value: str | None = None,
        *,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        view_id: str | None = None,
        state_values: dict[str, Any] | None = None,
        is_ephemeral: bool = False,
        timestamp: int | float | None = None,
    ) -> Request:
        """A ``block_actions`` payload: a button click, or a static_select choice when
        ``selected_option_value`` is given. ``container_type`` is "message" or "view"."""
        now = f"{time.time():.6f}"
        action: dict[str, Any] = {"action_id": action_id, "block_id": block_id or secrets.token_hex(3)}
        if selected_option_value is not None:
            option_text = {"type": "plain_text", "text": selected_option_value, "emoji": True}
            action.update(
                type="static_select",
                selected_option={"text": option_text, "value": selected_option_value},
                placeholder={"type": "plain_text", "text": "Select an item", "emoji": True},
            )
        else:
            action.update(
                type="button", text={"type": "plain_text", "text": value or "", "emoji": True}, value=value
            )
        action["action_ts"] = now

        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.workspace.app_id,
            "token": self.verification_token,
            "container": {},
            "trigger_id": trigger_id or self.new_trigger_id(),
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
        }
        if container_type == "view":
            full_view = self._view(view_id=view_id, state_values=state_values or {}, **(view or {}))
            payload["container"] = {"type": "view", "view_id": full_view["id"]}
            payload["view"] = full_view
        else:
            channel_id = channel_id or "C_GENERAL"
            message_ts = message_ts or (message or {}).get("ts") or self.new_ts()
            payload["container"] = {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel_id,
                "is_ephemeral": is_ephemeral,
            }
            payload["channel"] = {
                "id": channel_id,
                "name": "directmessage" if channel_id.startswith("D") else "general",
            }
            if not is_ephemeral:
                payload["message"] = {
                    "type": "message",
                    "user": self.workspace.bot_user_id,
                    "bot_id": self.workspace.bot_id,
                    "app_id": self.workspace.app_id,
                    "team": self.workspace.team_id,
                    "text": "",
                    "blocks": [],
                    **(message or {}),
                    "ts": message_ts,
                }
            payload["state"] = {"values": _state(state_values or {})}
            payload["response_url"] = self._response_url("actions")
        payload["actions"] = [action]
        return self._interactive(payload, timestamp)

    def view_submission(
        self,
        user_id: str,
        callback_id: str,
        state_values: dict[str, Any],
        private_metadata: str = "",
        view_id: str | None = None,
        trigger_id: str | None = None,
        *,
        blocks: list[dict[str, Any]] | None = None,
        title: str = "Media Desk",
        external_id: str = "",
        hash: str | None = None,
        timestamp: int | float | None = None,
    ) -> Request:
        """A modal ``view_submission``.

        ``state_values`` is ``{block_id: {action_id: value}}``; a value that is a str (or
        None) becomes ``{"type": "plain_text_input", "value": ...}``, a dict is used as is.
        """
        view = self._view(
            view_id=view_id,
            callback_id=callback_id,
            private_metadata=private_metadata,
            state_values=state_values,
            blocks=blocks or [],
            title={"type": "plain_text", "text": title, "emoji": True},
            external_id=external_id,
            hash=hash,
        )
        payload = {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.workspace.app_id,
            "token": self.verification_token,
            "trigger_id": trigger_id or self.new_trigger_id(),
            "view": view,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return self._interactive(payload, timestamp)

    def _view(
        self, *, view_id: str | None, state_values: dict[str, Any], hash: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        view_id = view_id or fields.pop("id", None) or f"V{secrets.token_hex(5).upper()}"
        fields.pop("state", None)
        view: dict[str, Any] = {
            "id": view_id,
            "team_id": self.workspace.team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "state": {"values": _state(state_values)},
            "hash": hash or f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": {"type": "plain_text", "text": "Media Desk", "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": self.workspace.app_id,
            "external_id": "",
            "app_installed_team_id": self.workspace.team_id,
            "bot_id": self.workspace.bot_id,
        }
        view.update(fields)
        return view


def _state(values: dict[str, Any]) -> dict[str, Any]:
    """Expand ``{block: {action: "text"}}`` shorthand into Slack's view state values."""
    return {
        block_id: {
            action_id: leaf if isinstance(leaf, dict) else {"type": "plain_text_input", "value": leaf}
            for action_id, leaf in actions.items()
        }
        for block_id, actions in values.items()
    }
