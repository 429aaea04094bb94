"""Slack listeners: ack first, translate the payload, call one service, show its reply. No policy here."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.errors import UNKNOWN_BUTTON, DomainError
from bot.domain.people import Actor
from bot.services import actions, desk, inbox, intake
from bot.services.core import Core, ModalRequest, Reply
from cards.model import ActionPayload
from cards.slack import modal_errors, read_modal_values, render_message, render_modal
from cards.slack_home import SEARCH_ACTION, render_home, typed_in
from cards.text import escape_mrkdwn
from handlers.door_first import Arrivals
from handlers.replies import SOMETHING_WENT_WRONG, guarded
from handlers.slack.files import send_file
from handlers.slack.identity import SlackIdentity
from handlers.slack.payloads import (
    ACTION_PREFIX,
    FORM_CALLBACK,
    REPLAY_HEADER,
    action_key,
    command_key,
    event_key,
    view_key,
)

log = logging.getLogger("mediadesk.slack")

ACK_MEDIA_CALL = ("I've sent you a direct message from Media Desk with the questions. "
                  "Don't answer the journalist's questions yourself: tell them the communications team "
                  "will get back to them.")
ACK_CRISIS = ("I've sent you a direct message from Media Desk: answer the first question and you can alert comms "
              "straight away. Offer no comment or opinion to anyone in the meantime.")
ACK_PRESS_RELEASE = ("I've sent you a direct message from Media Desk with the questions for your press release. "
                     "Please don't agree a release with anyone outside the ICB until you have spoken to comms.")
FILE_SENT = "I've sent you the file in your direct messages with Media Desk."
MEDIA_LOG = "/media-log"


FORM_WORDS = ("form", "modal", "one screen")
REPLAYED_FORM = ("Media Desk restarted before your form could open. Please press the button (or type the "
                 "command) again.")


WORK_SLOTS = 4
AFTER_ACK = "mediadesk: the work after an ack"  # the name of its tasks (tests wait for them by it)


@dataclass(frozen=True)
class SlackContext:
    core: Core
    identity: SlackIdentity
    # How many acknowledged requests do their work at once. The rest wait their turn (they are kept in the inbox),
    # so that under a burst the event loop still answers new requests within Slack's 3 seconds, and quickly.
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(WORK_SLOTS))
    # Requests arriving at the door: the work waits for a lull in them (handlers/door_first.py).
    arrivals: Arrivals = field(default_factory=Arrivals)
    # Requests being finished after a restart: the door waits for each before the same person's next one.
    waiting: dict[str, asyncio.Future[None]] = field(default_factory=dict)
    live: set[str] = field(default_factory=set)  # accepted by this process and not yet finished
    # Who has opened the Home tab since this process started: their tab is published again after their own
    # clicks and forms, so it shows what those changed (it is published afresh each time they open it, too).
    home_seen: set[str] = field(default_factory=set)
    # What each listener does after its ack, run apart: Bolt (processing before it responds) then answers Slack
    # the moment a listener has acked, instead of polling for the ack every 10 ms.
    after_ack: set[asyncio.Task[None]] = field(default_factory=set)

    def later(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work, name=AFTER_ACK)
        self.after_ack.add(task)
        task.add_done_callback(self.after_ack.discard)

    async def settle(self, seconds: float) -> None:
        """Let the work after the acks end (at shutdown); what is cut off is finished from the inbox next time."""
        if not self.after_ack:
            return
        _, cut_off = await asyncio.wait(set(self.after_ack), timeout=seconds)
        for task in cut_off:
            task.cancel()
        await asyncio.gather(*cut_off, return_exceptions=True)

    def started(self, key: str) -> asyncio.Future[None]:
        future = self.waiting[key] = asyncio.get_running_loop().create_future()
        return future

    def forget(self, key: str) -> None:
        self.waiting.pop(key, None)

    async def finished(self, key: str) -> None:
        """The listener is done with this request, whatever came of it."""
        await inbox.finish_or_warn(self.core, key)
        self.live.discard(key)
        future = self.waiting.get(key)
        if future is not None and not future.done():
            future.set_result(None)


Start = Callable[[Core, Actor, str, str], Awaitable[Reply]]


def _opens_a_form(words: str) -> bool:
    return words in FORM_WORDS


def _opens_a_crisis_screen(words: str) -> bool:
    return words in (*FORM_WORDS, "lines", "library")


def _ends_with_form(words: str) -> bool:  # "/press-release reactive form"
    return words.split()[-1:] in (["form"], ["modal"])


# command -> (the use case, what Slack shows at once, unless the text opens a screen instead; answer in the DM)
COMMANDS: dict[str, tuple[Start, str, Callable[[str], bool], bool]] = {
    "/media-call": (intake.start_media_call, ACK_MEDIA_CALL, _opens_a_form, True),
    "/crisis": (intake.start_crisis, ACK_CRISIS, _opens_a_crisis_screen, False),
    "/press-release": (intake.start_press_release, ACK_PRESS_RELEASE, _ends_with_form, False),
}


def register(app: AsyncApp, deps: SlackContext) -> None:
    """Attach every Media Desk listener to the Bolt app."""
    for name, (start, ack_text, quiet, in_dm) in COMMANDS.items():
        app.command(name)(_command_listener(deps, start, ack_text, quiet, in_dm))

    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab") == "home":  # the door lets through only the Home tab of a person
            deps.later(_publish_home(deps, client, event["user"]))

    @app.command(MEDIA_LOG)
    async def media_log(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond,
                        request: AsyncBoltRequest) -> None:
        await ack()
        deps.later(searched_log(command, client, respond))

    async def searched_log(command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond) -> None:
        key = command_key(command["trigger_id"])
        user = command["user_id"]

        async def run() -> Reply:
            return await desk.command(deps.core, await deps.identity.actor(user), command.get("text") or "", key)

        reply = await _work(deps, key, run)
        try:
            if reply.file is not None:
                await _send_file(client, deps.core, reply, user)
                reply = Reply(text=FILE_SENT)
            message = render_message(reply.card) if reply.card else {"text": escape_mrkdwn(reply.text)}
            await respond(response_type="ephemeral", replace_original=False, **message)
        except Exception:  # a courtesy, as every reply is
            log.exception("could not answer /media-log")

    @app.event("message")
    async def dm_message(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient,
                         request: AsyncBoltRequest) -> None:
        deps.later(answered_in_dm(event, body, client, _replayed(request)))

    async def answered_in_dm(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient,
                             replayed: bool) -> None:
        key = event_key(body["event_id"])  # the door let through only a person writing in their DM

        async def run() -> Reply:
            actor = await deps.identity.actor(event["user"])
            return await intake.reply_in_dm(deps.core, actor, event.get("text") or "", key)

        reply = await _work(deps, key, run)
        await _show(client, reply, user=event["user"], channel=event.get("channel"), trigger_id=None,
                    core=deps.core, replayed=replayed)

    @app.action(re.compile("^" + re.escape(ACTION_PREFIX)))
    async def button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient,
                     request: AsyncBoltRequest) -> None:
        await ack()
        deps.later(pressed(body, action, client, _replayed(request)))

    async def pressed(body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, replayed: bool) -> None:
        user_id = body["user"]["id"]
        channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id")
        key = action_key(body.get("trigger_id"), action["action_id"])
        raw = action.get("value") or (action.get("selected_option") or {}).get("value")
        payload = ActionPayload.decode(raw)
        on_home = (body.get("view") or {}).get("type") == "home"
        searched = action["action_id"] == SEARCH_ACTION or (payload is not None and payload.k == "desk"
                                                            and payload.a == "search")
        if on_home and (searched or (payload is not None and payload.k == "desk" and payload.a == "refresh")):
            # The Home tab's own controls change the tab itself.
            words = (action.get("value") or "") if action["action_id"] == SEARCH_ACTION else typed_in(body.get("view"))
            try:
                await _publish_home(deps, client, user_id, words if searched else None)
            finally:
                await deps.finished(key)
            return

        async def run() -> Reply:
            if payload is None:
                return Reply(text=UNKNOWN_BUTTON)
            actor = await deps.identity.actor(user_id)
            return await actions.press(deps.core, actor, payload, key)

        reply = await _work(deps, key, run)
        await _show(client, reply, user=user_id, channel=channel, trigger_id=body.get("trigger_id"), core=deps.core,
                    replayed=replayed)
        await _refresh_home(deps, client, user_id)

    @app.view(FORM_CALLBACK)
    async def form_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                             request: AsyncBoltRequest) -> None:
        meta = _metadata(view.get("private_metadata"))
        form_id = str(meta.pop("form", ""))
        form = actions.form_for(deps.core, form_id)
        key = view_key(view["id"], view.get("hash"))
        user = body["user"]["id"]
        if form is None:
            await ack()
            await deps.finished(key)
            await _show(client, Reply(text="That form is no longer available; please start again."),
                        user=user, channel=None, trigger_id=None, core=deps.core)
            return
        raw = read_modal_values(form, (view.get("state") or {}).get("values") or {})

        async def run() -> Reply:
            actor = await deps.identity.actor(user)
            return await actions.submit(deps.core, actor, form_id, meta, raw, key)

        reply = await _work(deps, key, run)
        if reply.text == SOMETHING_WENT_WRONG:
            # Keep the form open with what they typed, and say so where they are looking.
            reply = Reply(errors={form.fields[0].name: SOMETHING_WENT_WRONG})
        if reply.errors and _replayed(request):  # the form was closed by the restart: say so in the DM
            errors = " ".join(reply.errors.values())
            reply = Reply(text=f"Your {form.title.lower()} form could not be sent: {errors} Please open it again.")
        if reply.errors:
            await ack(**modal_errors(reply.errors))
            return
        await ack()
        if reply.text:
            await _show(client, reply, user=user, channel=None, trigger_id=None, core=deps.core)
        await _refresh_home(deps, client, user)


def _command_listener(deps: SlackContext, start: Start, ack_text: str, quiet: Callable[[str], bool],
                      in_dm: bool) -> Callable[..., Awaitable[None]]:
    async def listener(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient,
                       request: AsyncBoltRequest) -> None:
        text = (command.get("text") or "").strip()
        await ack() if quiet(text.lower()) else await ack(text=ack_text)
        deps.later(started(command, text, client, _replayed(request)))

    async def started(command: dict[str, Any], text: str, client: AsyncWebClient, replayed: bool) -> None:
        key = command_key(command["trigger_id"])

        async def run() -> Reply:
            actor = await deps.identity.actor(command["user_id"])
            return await start(deps.core, actor, text, key)

        reply = await _work(deps, key, run)
        await _show(client, reply, user=command["user_id"], channel=None if in_dm else command.get("channel_id"),
                    trigger_id=command.get("trigger_id"), core=deps.core, replayed=replayed)

    return listener


def _replayed(request: AsyncBoltRequest) -> bool:
    return bool(request.headers.get(REPLAY_HEADER))


async def _work(deps: SlackContext, key: str, run: Callable[[], Awaitable[Reply]]) -> Reply:
    """Run the use case, then mark the request finished (done, refused or failed: it is not run again)."""
    try:
        await deps.arrivals.lull_or_patience()
        async with deps.slots:
            return await _guarded(run)
    finally:
        await deps.finished(key)


async def _guarded(run: Callable[[], Awaitable[Reply]]) -> Reply:
    return await guarded(run, log, "request failed after it was acknowledged")


def _metadata(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def _show(client: AsyncWebClient, reply: Reply, *, user: str, channel: str | None, trigger_id: str | None,
                core: Core, replayed: bool = False) -> None:
    """Show a service's immediate reply to the person who acted: a modal, or a private message."""
    if replayed and reply.modal is not None:  # its trigger expired with the process that received it
        reply = Reply(text=REPLAYED_FORM)
        channel = None
    try:
        await _show_now(client, reply, user=user, channel=channel, trigger_id=trigger_id, core=core)
    except Exception:
        # The reply is a courtesy; what matters was committed (and its messages are in the outbox).
        log.exception("could not show the reply to the person who acted")


async def _show_now(client: AsyncWebClient, reply: Reply, *, user: str, channel: str | None,
                    trigger_id: str | None, core: Core) -> None:
    if reply.modal is not None and trigger_id:
        await _open_modal(client, reply.modal, trigger_id, core)
    if reply.file is not None:
        await _send_file(client, core, reply, user)
        if not channel:
            return  # the file's message in the DM says it all
        reply = Reply(text=FILE_SENT)
    if reply.text:
        # Replies can quote what someone typed: escaped like every other text we send.
        message = render_message(reply.card) if reply.card else {"text": escape_mrkdwn(reply.text)}
        if channel:
            await client.chat_postEphemeral(channel=channel, user=user, **message)
        else:
            await client.chat_postMessage(channel=user, **message)


async def _send_file(client: AsyncWebClient, core: Core, reply: Reply, user: str) -> None:
    assert reply.file is not None
    try:
        await send_file(client, user, reply.file, reply.text or reply.file.title)
    finally:
        reply.file.discard()
    await desk.delivered(core, reply.file)


async def _publish_home(deps: SlackContext, client: AsyncWebClient, user: str, words: str | None = None) -> None:
    """Publish `user`'s Home tab: the desk, with what `words` found when they searched."""
    deps.home_seen.add(user)
    try:
        actor = await deps.identity.actor(user)
        home = await desk.home(deps.core, actor, words)
        view = render_home(home.desk, found=home.found, notice=home.notice, words=home.words)
    except DomainError as exc:
        view = render_home_notice(exc.message)
    except Exception:
        log.exception("could not build the Home tab")
        view = render_home_notice(SOMETHING_WENT_WRONG)
    try:
        await client.views_publish(user_id=user, view=view)
    except Exception:  # the tab keeps what it showed; the next opening tries again
        log.exception("could not publish the Home tab")


async def _refresh_home(deps: SlackContext, client: AsyncWebClient, user: str) -> None:
    if user in deps.home_seen:
        await _publish_home(deps, client, user)


def render_home_notice(text: str) -> dict[str, Any]:
    return {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": escape_mrkdwn(text),
                                                                    "verbatim": True}}]}


async def _open_modal(client: AsyncWebClient, request: ModalRequest, trigger_id: str, core: Core) -> None:
    form = actions.form_for(core, request.form_id)
    if form is None:
        return
    view = render_modal(form, callback_id=FORM_CALLBACK, ctx=core.ctx(), values=request.values,
                        private_metadata=json.dumps({"form": request.form_id, **request.meta}, separators=(",", ":")))
    await client.views_open(trigger_id=trigger_id, view=view)
