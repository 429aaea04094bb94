"""Slack's outbound side: renders neutral cards to Block Kit and posts or updates them.

Every post carries message metadata naming its outbox row. When an earlier attempt at a post may have reached
Slack (a timeout, a 5xx, a lease that lapsed, a process that died mid-send), the channel's history is searched for
that metadata first and a copy found there is adopted: one message per outbox row, however the post was cut off.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.messages import MessageRef, Outbound
from bot.ports import RetryLater, Undeliverable
from cards.model import Card
from cards.slack import render_message
from handlers.slack.identity import SlackIdentity

log = logging.getLogger("mediadesk.slack")

#: The metadata event type on every message we post; its payload names the outbox row.
EVENT_TYPE = "mediadesk_outbox"
# Slack's ts and our clock may disagree a little; look back this far before the first attempt.
_SKEW = timedelta(minutes=5)
_HISTORY_PAGES = 10  # 2,000 messages: a comms channel busier than that within minutes is not expected

# Errors that will not go away by trying again.
_PERMANENT = {
    "channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "invalid_blocks_format",
    "msg_too_long", "no_text", "invalid_auth", "account_inactive", "token_revoked", "missing_scope",
    "not_authed", "user_not_found", "users_not_found", "cant_update_message", "restricted_action",
    "invalid_arguments", "too_many_attachments", "channel_is_archived",
}


class SlackDelivery:
    platform = "slack"

    def __init__(self, client: AsyncWebClient, identity: SlackIdentity, comms_channel: str | None) -> None:
        self._client = client
        self._identity = identity
        self._comms_channel = comms_channel

    async def deliver(self, message: Outbound, existing: MessageRef | None) -> MessageRef:
        args = render_message(Card.from_json(message.card))
        try:
            if existing is not None:
                try:
                    await self._client.chat_update(channel=existing.channel, ts=existing.ts, **args)
                    return existing
                except SlackApiError as exc:
                    if exc.response.get("error") != "message_not_found":
                        raise
            channel = await self._channel(message)
            # The row's card never changes, so a copy found is already what this attempt would post.
            if message.attempts > 1 and (found := await self._earlier_copy(channel, message)) is not None:
                return found
            response = await self._client.chat_postMessage(channel=channel, unfurl_links=False, unfurl_media=False,
                                                           metadata=_metadata(message), **args)
            return MessageRef("slack", response["channel"], response["ts"])
        except SlackApiError as exc:
            raise _classify(exc) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise RetryLater(f"network: {type(exc).__name__}") from exc

    async def _earlier_copy(self, channel: str, message: Outbound) -> MessageRef | None:
        """The message an earlier attempt at this outbox row posted, if Slack has it."""
        if channel[:1] in ("U", "W"):  # a person: their DM's conversation id holds the history
            opened = await self._client.conversations_open(users=channel)
            channel = opened["channel"]["id"]
        since = (message.first_attempt_at - _SKEW).timestamp() if message.first_attempt_at else 0
        cursor = None
        for _ in range(_HISTORY_PAGES):
            page = await self._client.conversations_history(channel=channel, oldest=f"{since:.6f}", limit=200,
                                                             include_all_metadata=True, cursor=cursor)
            for posted in page.get("messages") or []:
                metadata = posted.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if metadata.get("event_type") == EVENT_TYPE and payload.get("outbox_id") == message.id:
                    log.info("adopted a message an earlier attempt posted",
                             extra={"outbox_id": message.id, "ts": posted.get("ts")})
                    return MessageRef("slack", channel, str(posted["ts"]))
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None
        return None

    async def _channel(self, message: Outbound) -> str:
        recipient = message.recipient
        if recipient.kind == "comms_channel":
            if not self._comms_channel:
                raise Undeliverable("no comms channel is configured ([slack] comms_channel in the TOML file)")
            return self._comms_channel
        if recipient.kind == "user" and recipient.address:
            return recipient.address  # posting to a user id opens the DM with the bot
        if recipient.kind == "email" and recipient.address:
            user_id = await self._identity.user_id_for(recipient.address)
            if user_id is None:
                raise Undeliverable(f"no Slack user has the email {recipient.address}")
            return user_id
        raise Undeliverable(f"cannot address {recipient}")


def _metadata(message: Outbound) -> dict[str, Any]:
    return {"event_type": EVENT_TYPE, "event_payload": {"outbox_id": message.id, "key": message.key or ""}}


def _classify(exc: SlackApiError) -> Exception:
    status = getattr(exc.response, "status_code", 200)
    error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
    if status == 429 or error == "ratelimited":
        retry_after = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
        try:
            after = float(retry_after) if retry_after is not None else 30.0
        except ValueError:
            after = 30.0
        return RetryLater("slack rate limit (429)", after)
    if status >= 500 or error in ("internal_error", "fatal_error", "service_unavailable", "request_timeout"):
        return RetryLater(f"slack error {status} {error or ''}".strip())
    return Undeliverable(f"slack refused: {error or status}")
