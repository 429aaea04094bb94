"""Slack listeners: ack first, translate the payload, call one service, show its reply. No policy here."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import DomainError
from bot.services import actions, intake
from bot.services.core import Core, ModalRequest, Reply
from cards.model import ActionPayload
from cards.slack import modal_errors, read_modal_values, render_message, render_modal
from cards.text import escape_mrkdwn
from handlers.slack.identity import SlackIdentity
from handlers.slack.payloads import ACTION_PREFIX, FORM_CALLBACK

log = logging.getLogger("mediadesk.slack")

ACK_MEDIA_CALL = ("I've sent you a direct message from Media Desk with the questions. "
                  "Don't answer the journalist's questions yourself: tell them the communications team "
                  "will get back to them.")
ACK_CRISIS = ("I've sent you a direct message from Media Desk: answer the first question and you can alert comms "
              "straight away. Offer no comment or opinion to anyone in the meantime.")
ACK_PRESS_RELEASE = ("I've sent you a direct message from Media Desk with the questions for your press release. "
                     "Please don't agree a release with anyone outside the ICB until you have spoken to comms.")
UNKNOWN_BUTTON = "Sorry, I didn't recognise that button. It may be from an old message."
SOMETHING_WENT_WRONG = ("Sorry, something went wrong and this was not recorded. Please try again in a minute. "
                        "If it keeps happening, email the communications team with the details instead.")


@dataclass(frozen=True)
class SlackContext:
    core: Core
    identity: SlackIdentity


def register(app: AsyncApp, deps: SlackContext) -> None:
    """Attach every Media Desk listener to the Bolt app."""

    @app.command("/media-call")
    async def media_call(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        text = (command.get("text") or "").strip()
        wants_form = text.lower() in ("form", "modal", "one screen")
        await ack() if wants_form else await ack(text=ACK_MEDIA_CALL)

        async def run() -> Reply:
            actor = await deps.identity.actor(command["user_id"])
            return await intake.start_media_call(deps.core, actor, text, f"cmd:{command['trigger_id']}")

        reply = await _guarded(run)
        await _show(client, reply, user=command["user_id"], channel=None, trigger_id=command.get("trigger_id"),
                    core=deps.core)

    @app.command("/crisis")
    async def crisis(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        text = (command.get("text") or "").strip()
        quiet = text.lower() in ("form", "modal", "one screen", "lines", "library")
        await ack() if quiet else await ack(text=ACK_CRISIS)

        async def run() -> Reply:
            actor = await deps.identity.actor(command["user_id"])
            return await intake.start_crisis(deps.core, actor, text, f"cmd:{command['trigger_id']}")

        reply = await _guarded(run)
        await _show(client, reply, user=command["user_id"], channel=command.get("channel_id"),
                    trigger_id=command.get("trigger_id"), core=deps.core)

    @app.command("/press-release")
    async def press_release(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        text = (command.get("text") or "").strip()
        quiet = text.lower().split()[-1:] in (["form"], ["modal"])
        await ack() if quiet else await ack(text=ACK_PRESS_RELEASE)

        async def run() -> Reply:
            actor = await deps.identity.actor(command["user_id"])
            return await intake.start_press_release(deps.core, actor, text, f"cmd:{command['trigger_id']}")

        reply = await _guarded(run)
        await _show(client, reply, user=command["user_id"], channel=command.get("channel_id"),
                    trigger_id=command.get("trigger_id"), core=deps.core)

    @app.event("message")
    async def dm_message(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return

        async def run() -> Reply:
            actor = await deps.identity.actor(event["user"])
            return await intake.reply_in_dm(deps.core, actor, event.get("text") or "", f"event:{body.get('event_id')}")

        reply = await _guarded(run)
        await _show(client, reply, user=event["user"], channel=event.get("channel"), trigger_id=None, core=deps.core)

    @app.action(re.compile("^" + re.escape(ACTION_PREFIX)))
    async def button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user_id = body["user"]["id"]
        channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
        raw = action.get("value") or (action.get("selected_option") or {}).get("value")
        payload = ActionPayload.decode(raw)
        if payload is None:
            await _show(client, Reply(text=UNKNOWN_BUTTON), user=user_id, channel=channel, trigger_id=None,
                        core=deps.core)
            return
        key = f"action:{body.get('trigger_id')}:{action.get('action_id')}"

        async def run() -> Reply:
            actor = await deps.identity.actor(user_id)
            return await actions.press(deps.core, actor, payload, key)

        reply = await _guarded(run)
        await _show(client, reply, user=user_id, channel=channel, trigger_id=body.get("trigger_id"), core=deps.core)

    @app.view(FORM_CALLBACK)
    async def form_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        meta = _metadata(view.get("private_metadata"))
        form_id = str(meta.pop("form", ""))
        form = actions.form_for(deps.core, form_id)
        if form is None:
            await ack()
            await _show(client, Reply(text="That form is no longer available; please start again."),
                        user=body["user"]["id"], channel=None, trigger_id=None, core=deps.core)
            return
        raw = read_modal_values(form, (view.get("state") or {}).get("values") or {})
        key = f"view:{view.get('id')}:{view.get('hash')}"

        async def run() -> Reply:
            actor = await deps.identity.actor(body["user"]["id"])
            return await actions.submit(deps.core, actor, form_id, meta, raw, key)

        reply = await _guarded(run)
        if reply.text == SOMETHING_WENT_WRONG:
            # Keep the form open with what they typed, and say so where they are looking.
            reply = Reply(errors={form.fields[0].name: SOMETHING_WENT_WRONG})
        if reply.errors:
            await ack(**modal_errors(reply.errors))
            return
        await ack()
        if reply.text:
            await _show(client, reply, user=body["user"]["id"], channel=None, trigger_id=None, core=deps.core)


async def _guarded(run: Callable[[], Awaitable[Reply]]) -> Reply:
    """Turn a refused request into a polite private reply, and a failure into an apology (never silence)."""
    try:
        return await run()
    except DomainError as exc:
        return Reply(text=exc.message)
    except Exception:
        log.exception("request failed after it was acknowledged")
        return Reply(text=SOMETHING_WENT_WRONG)


def _metadata(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def _show(client: AsyncWebClient, reply: Reply, *, user: str, channel: str | None, trigger_id: str | None,
                core: Core) -> None:
    """Show a service's immediate reply to the person who acted: a modal, or a private message."""
    try:
        await _show_now(client, reply, user=user, channel=channel, trigger_id=trigger_id, core=core)
    except Exception:
        # The reply is a courtesy; what matters was committed (and its messages are in the outbox).
        log.exception("could not show the reply to the person who acted")


async def _show_now(client: AsyncWebClient, reply: Reply, *, user: str, channel: str | None,
                    trigger_id: str | None, core: Core) -> None:
    if reply.modal is not None and trigger_id:
        await _open_modal(client, reply.modal, trigger_id, core)
    if reply.text:
        # Replies can quote what someone typed: escaped like every other text we send.
        message = render_message(reply.card) if reply.card else {"text": escape_mrkdwn(reply.text)}
        if channel:
            await client.chat_postEphemeral(channel=channel, user=user, **message)
        else:
            await client.chat_postMessage(channel=user, **message)


async def _open_modal(client: AsyncWebClient, request: ModalRequest, trigger_id: str, core: Core) -> None:
    form = actions.form_for(core, request.form_id)
    if form is None:
        return
    view = render_modal(form, callback_id=FORM_CALLBACK, ctx=core.ctx(), values=request.values,
                        private_metadata=json.dumps({"form": request.form_id, **request.meta}, separators=(",", ":")))
    await client.views_open(trigger_id=trigger_id, view=view)
