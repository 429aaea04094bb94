"""Teams' outbound side: renders neutral cards to Adaptive Cards and posts or updates them proactively through
the stored conversation references."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from botbuilder.core import BotAdapter, CardFactory, MessageFactory, TurnContext
from botbuilder.schema import ConversationReference
from botframework.connector.models import ErrorResponseException
from msrest.exceptions import ClientRequestError

from bot.domain.messages import MessageRef, Outbound
from bot.ports import RecipientGone, ReferenceStore, RetryLater, Undeliverable
from bot.services.undelivered import NEVER_OPENED
from cards.model import Card
from cards.teams import render_card
from handlers.teams import references

PLATFORM = "teams"
_RETRY = {408, 412, 429, 500, 502, 503, 504}  # 412: a concurrent update of the same message; try again
# 403 with one of these (as the error code, or Teams' subCode in the body): the person removed or blocked the bot;
# nothing reaches them now.
_GONE = ("MessageWritesBlocked", "ConversationBlockedByUser")

# What to do when a person can't be reached any more (a service: it records it and tells the comms team).
OnGone = Callable[[Outbound, str], Awaitable[None]]


class TeamsDelivery:
    platform = PLATFORM

    def __init__(self, *, adapter: BotAdapter, app_id: str, store: ReferenceStore, comms_channel: str | None,
                 on_gone: OnGone | None = None) -> None:
        self._adapter, self._app_id, self._store, self._comms_channel = adapter, app_id, store, comms_channel
        self._on_gone = on_gone

    async def deliver(self, message: Outbound, existing: MessageRef | None) -> MessageRef:
        card = Card.from_json(message.card)
        activity = MessageFactory.attachment(CardFactory.adaptive_card(
            render_card(card, refresh_for=await self._user_ids(card.viewers))))
        try:
            if existing is not None:
                reference = await references.find(self._store, existing.channel)
                if reference is not None:
                    try:
                        async def update(tc: TurnContext) -> Any:
                            activity.id = existing.ts
                            return await tc.update_activity(activity)

                        await self._continue(reference, update)
                        return existing
                    except ErrorResponseException as exc:
                        if _status(exc) != 404:
                            raise
                        activity.id = None  # gone: post it afresh
            key, reference = await self._reference(message)

            async def post(tc: TurnContext) -> Any:
                return await tc.send_activity(activity)

            sent = await self._continue(reference, post)
            activity_id = getattr(sent, "id", None)
            if not activity_id:
                raise RetryLater("the Bot Connector returned no activity id")
            conversation_id = (reference.get("conversation") or {}).get("id", "")
            return MessageRef(PLATFORM, references.conversation_key(conversation_id), activity_id)
        except ErrorResponseException as exc:
            refused = _classify(exc)
            if isinstance(refused, RecipientGone):
                await self._gone(message, refused)
            raise refused from exc
        except RecipientGone as exc:  # no chat with them at all: the comms team is told, as when they left
            await self._gone(message, exc)
            raise
        except (TimeoutError, aiohttp.ClientError, ClientRequestError) as exc:
            raise RetryLater(f"network: {type(exc).__name__}") from exc
        except PermissionError as exc:  # our own token was refused: credentials being rotated, or wrong
            raise RetryLater(f"bot token: {exc}", 300) from exc

    async def _gone(self, message: Outbound, refused: RecipientGone) -> None:
        """Have it recorded and shown to the comms team before the message is given up; if that fails, the
        message is tried again later (and refused again), so the team is never left uninformed."""
        if self._on_gone is None or message.recipient.kind == "comms_channel":
            return
        try:
            await self._on_gone(message, str(refused))
        except Exception as exc:
            raise RetryLater(f"{refused}; and telling the comms team failed: {type(exc).__name__}", 60) from exc

    async def _user_ids(self, emails: list[str]) -> list[str]:
        """The Teams ids of the people among `emails` who have a chat with the bot (so we know their id)."""
        found = []
        for email in emails:
            reference = await references.find(self._store, references.email_key(email))
            user_id = ((reference or {}).get("user") or {}).get("id")
            if user_id:
                found.append(user_id)
        return found

    async def to_user(self, user_id: str, activity: Any) -> bool:
        """Send an activity to a person's 1:1 chat with the bot now (a reply to a click on a shared card);
        False when we know of no such chat."""
        reference = await references.find(self._store, references.user_key(user_id))
        if reference is None:
            return False
        await self._continue(reference, lambda tc: tc.send_activity(activity))
        return True

    async def _continue(self, reference: dict[str, Any], send: Callable[[TurnContext], Awaitable[Any]]) -> Any:
        """Run `send` in a proactive turn; the adapter's turn-error handler must not swallow its failure."""
        outcome: dict[str, Any] = {}

        async def callback(tc: TurnContext) -> None:
            try:
                outcome["result"] = await send(tc)
            except BaseException as exc:  # noqa: BLE001 - re-raised below, outside the adapter's pipeline
                outcome["error"] = exc

        await self._adapter.continue_conversation(ConversationReference().deserialize(reference), callback,
                                                  self._app_id)
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")

    async def _reference(self, message: Outbound) -> tuple[str, dict[str, Any]]:
        recipient = message.recipient
        if recipient.kind == "comms_channel":
            if not self._comms_channel:
                raise Undeliverable("no comms channel is configured ([teams] comms_channel in the TOML file)")
            key = references.channel_key(self._comms_channel)
            found = await references.find(self._store, key)
            if found is None:
                found = await self._unseen_channel(self._comms_channel)
            return key, found
        if recipient.kind not in ("user", "email") or not recipient.address:
            raise Undeliverable(f"cannot address {recipient}")
        no_chat = f"no Teams chat with {recipient.address} yet: they need to open Media Desk in Teams once"
        if recipient.kind == "user":
            key, missing = references.user_key(recipient.address), Undeliverable(no_chat)
        else:
            # Someone asked for something (a sign-off, a quote, comments) who never opened Media Desk: Teams lets
            # no bot start that chat, so the comms team is told (once per case) to reach them another way.
            key, missing = references.email_key(recipient.address), RecipientGone(f"{NEVER_OPENED}: {no_chat}")
        found = await references.find(self._store, key)
        if found is None:
            raise missing
        return key, found

    async def _unseen_channel(self, channel_id: str) -> dict[str, Any]:
        """The configured channel before the bot has seen an activity from it: reach it through the service
        URL the tenant's other conversations use (Teams posts a new thread to a channel id)."""
        last = await references.find(self._store, references.LAST_SERVICE)
        if not last or not last.get("serviceUrl"):
            raise RetryLater("the Teams comms channel has not been seen yet: add Media Desk to the channel", 300)
        return {"channelId": "msteams", "serviceUrl": last["serviceUrl"],
                "bot": {"id": f"28:{self._app_id}"},
                "conversation": {"id": channel_id, "isGroup": True, "conversationType": "channel",
                                 "tenantId": last.get("tenantId")}}


def _status(exc: ErrorResponseException) -> int:
    response = getattr(exc, "response", None)
    return int(getattr(response, "status_code", 0) or 0)


def _code(exc: ErrorResponseException) -> str:
    error = getattr(getattr(exc, "error", None), "error", None)
    return str(getattr(error, "code", "") or "")


def _body(exc: ErrorResponseException) -> str:
    """The error response's body, or "" when it can't be read."""
    try:
        text = getattr(exc.response, "text", "")  # requests: a property; msrest's own responses: a method
        return str(text() if callable(text) else text)[:2000]
    except Exception:  # noqa: BLE001 - only used to recognise a refusal; never fail the classification
        return ""


def _classify(exc: ErrorResponseException) -> Exception:
    status, code = _status(exc), _code(exc)
    if status in _RETRY:
        headers = getattr(getattr(exc, "response", None), "headers", None) or {}
        retry_after = headers.get("Retry-After") or headers.get("retry-after")
        try:
            after = float(retry_after) if retry_after is not None else None
        except ValueError:
            after = None
        if status == 429 and after is None:
            after = 30.0
        return RetryLater(f"teams error {status} {code}".strip(), after)
    if status == 401:
        return RetryLater("teams refused our token (401)", 300)
    if status == 403 and (gone := next((g for g in _GONE if g == code or g in _body(exc)), None)):
        return RecipientGone(f"teams refused: 403 {gone} (the person removed or blocked Media Desk)")
    return Undeliverable(f"teams refused: {status} {code}".strip())
