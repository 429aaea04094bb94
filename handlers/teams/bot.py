"""The Teams activity handler: translate an activity, call one service, show its reply. No policy here.

Typed text in a 1:1 chat walks the same conversations as Slack's DM; buttons are Adaptive Card Action.Execute
(an `adaptiveCard/action` invoke) or Action.Submit (a message whose value is the data); a "one screen" form is
an Adaptive Card form sent as a message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import ActivityHandler, CardFactory, InvokeResponse, MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot.domain.errors import UNKNOWN_BUTTON
from bot.domain.messages import MessageRef
from bot.domain.people import Actor
from bot.ports import ReferenceStore
from bot.services import actions, desk, intake, viewing
from bot.services.core import Core, FileToSend, ModalRequest, Reply
from cards import views
from cards.model import ActionPayload
from cards.teams import escape_markdown, render_card
from cards.teams_inputs import FORM_KEY, read_action, read_form_values, render_form
from handlers.replies import SOMETHING_WENT_WRONG, guarded
from handlers.teams import references
from handlers.teams.files import FILE_CONSENT, consent_card, file_info_card, upload
from handlers.teams.identity import Identity, IdentityRefused, IdentityUnavailable

log = logging.getLogger("mediadesk.teams")

CHAT_ONLY = ("Please talk to me in a 1:1 chat: open Media Desk from the apps bar and type **media call**, "
             "**crisis** or **press release** there.")
NOT_IDENTIFIED = "Sorry, I can only help people signed in to this organisation's Microsoft Teams."
CANNOT_CHECK = ("Sorry, I couldn't check who you are with Microsoft Teams just now, so nothing was done. "
                "Please try again in a minute.")
FORM_SENT_TO_CHAT = "I've sent you the form in your chat with Media Desk."
FORM_BELOW = "Fill in the form below."
FILE_OFFERED = "Accept the file in your chat with Media Desk and it goes to your OneDrive."
FILE_DECLINED = "All right: no file was sent. Type export whenever you want the media log."
UPLOAD_FAILED = ("Sorry, I couldn't put the file in your OneDrive just now, so nothing was sent. Please type export "
                 "to try again.")
OPEN_A_CHAT = "Please open a 1:1 chat with Media Desk first (from the apps bar), then try again."

# Commands: exactly the command (plus "form"/"one screen"), or the slash form with any text after it. A typed
# answer that merely starts with "crisis" stays an answer.
_COMMAND = re.compile(r"^(?:(?P<slash>/)?(?P<cmd>media[- ]call|crisis|press[- ]release|help))(?:\s+(?P<rest>.*))?$",
                      re.IGNORECASE | re.DOTALL)
_BARE_REST = {"", "form", "modal", "one screen", "lines", "library", "proactive", "reactive", "proactive form",
              "reactive form"}
_MESSAGE = "application/vnd.microsoft.activity.message"
_CARD = "application/vnd.microsoft.card.adaptive"

SendToUser = Callable[[str, Activity], Awaitable[bool]]


def parse_command(text: str) -> tuple[str, str] | None:
    """("media_call" | "crisis" | "press_release" | "help", the rest) when `text` is a command, else None."""
    match = _COMMAND.match(" ".join(text.split()))
    if not match:
        return None
    rest = (match.group("rest") or "").strip()
    if not match.group("slash") and rest.lower() not in _BARE_REST:
        return None
    return match.group("cmd").lower().replace("-", " ").replace(" ", "_"), rest


class MediaDeskTeamsBot(ActivityHandler):
    def __init__(self, *, core: Core, identity: Identity, store: ReferenceStore, send_to_user: SendToUser
                 ) -> None:
        self._core, self._identity, self._store, self._send_to_user = core, identity, store, send_to_user
        self._remembered: set[tuple[Any, ...]] = set()

    # --- every activity: remember where it came from -------------------------------------------------------

    async def on_turn(self, turn_context: TurnContext) -> None:
        # Who it is comes first: an activity whose ids disagree with the roster changes nothing, not even the
        # conversation references where approval requests are sent.
        try:
            actor = await self._identity.actor(turn_context)
        except IdentityRefused as exc:
            log.warning("Teams activity refused: %s", exc, extra=exc.ids)
            await _refuse(turn_context, NOT_IDENTIFIED, 403)
            return
        except IdentityUnavailable:
            await _refuse(turn_context, CANNOT_CHECK, 503)
            return
        try:
            await self._remember(turn_context, actor)
        except Exception:  # a reference not stored is retried on the next activity; never drop the message
            log.exception("could not store the conversation reference")
        await super().on_turn(turn_context)

    async def _remember(self, tc: TurnContext, actor: Actor | None) -> None:
        activity = tc.activity
        conversation = activity.conversation
        if conversation is None or not conversation.id:
            return
        kind = conversation.conversation_type or "personal"
        channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
        channel_id = (channel_data.get("channel") or {}).get("id") if kind == "channel" else None
        actor = actor if kind == "personal" else None
        aad = actor.user_id if actor else None
        email = actor.email if actor else None
        seen = (conversation.id, activity.service_url, aad, email, channel_id)
        if seen in self._remembered:
            return
        reference = TurnContext.get_conversation_reference(activity).serialize()
        reference.pop("activityId", None)
        await references.remember(self._store, reference, now=self._core.clock.now(), kind=kind,
                                  aad_object_id=aad, email=email, channel_id=channel_id)
        if len(self._remembered) > 10_000:
            self._remembered.clear()
        self._remembered.add(seen)

    # --- typed text and Action.Submit ---------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        personal = _personal(activity)
        actor = await self._identity.actor(turn_context)
        if actor is None:
            await turn_context.send_activity(NOT_IDENTIFIED)
            return
        key = request_key(activity)
        if isinstance(activity.value, dict) and activity.value:  # Action.Submit
            reply, form_error = await self._data(actor, activity.value, key)
            if form_error is not None:
                await self._send(turn_context, actor, personal, MessageFactory.attachment(
                    CardFactory.adaptive_card(form_error)))
                return
            await self._show(turn_context, actor, personal, reply)
            return
        text = (TurnContext.remove_recipient_mention(activity) or activity.text or "").strip()
        if not personal:
            await turn_context.send_activity(CHAT_ONLY)
            return
        command = parse_command(text)
        core = self._core

        async def run() -> Reply:
            if command and command[0] == "media_call":
                return await intake.start_media_call(core, actor, command[1], key)
            if command and command[0] == "crisis":
                return await intake.start_crisis(core, actor, command[1], key)
            if command and command[0] == "press_release":
                return await intake.start_press_release(core, actor, command[1], key)
            if not command and (asked := await desk.typed(core, actor, text, key)) is not None:
                return asked  # search WORDS, my work, export
            # "help" is answered by the conversation: the current question again, or what can be started.
            return await intake.reply_in_dm(core, actor, "help" if command else text, key)

        await self._show(turn_context, actor, personal, await _guarded(run))

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        return  # its reference is stored (on_turn); nothing to say

    async def on_installation_update(self, turn_context: TurnContext) -> None:
        return

    # --- Action.Execute ---------------------------------------------------------------------------------------

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        value = turn_context.activity.value if isinstance(turn_context.activity.value, dict) else {}
        if turn_context.activity.name == FILE_CONSENT:
            await self._file_consent(turn_context, value)
            return InvokeResponse(status=200)
        raw = value.get("action")
        action: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if turn_context.activity.name != "adaptiveCard/action" or action.get("type") != "Action.Execute":
            # Only Adaptive Card buttons are ours (botbuilder would answer any other invoke 501).
            return InvokeResponse(status=400, body={"statusCode": 400, "type": "application/vnd.microsoft.error",
                                                    "value": {"code": "BadRequest", "message": "not supported"}})
        # botbuilder's AdaptiveCardInvokeResponse can't carry a message (a string value): plain JSON instead.
        return InvokeResponse(status=200, body=await self._card_action(turn_context, action))

    async def _card_action(self, turn_context: TurnContext, action: dict[str, Any]) -> dict[str, Any]:
        activity = turn_context.activity
        actor = await self._identity.actor(turn_context)
        if actor is None:
            return _message(NOT_IDENTIFIED)
        data = action.get("data") or {}
        view = read_action(data)
        if view is not None and view.a == "view":  # Teams asks how this person should see a shared card
            if not _personal(activity) and activity.reply_to_id:
                copy = MessageRef("teams", "", str(activity.reply_to_id))
                if (notice := await viewing.retire_if_copy(self._core, view, copy)) is not None:
                    return {"statusCode": 200, "type": _CARD, "value": render_card(notice)}
            return await self._personal_view(actor, view, activity.from_property.id)
        reply, form_error = await self._data(actor, data, request_key(activity))
        if form_error is not None:
            return {"statusCode": 200, "type": _CARD, "value": form_error}
        if isinstance(data, dict) and FORM_KEY in data and not reply.modal:
            # A form sent: the form becomes its reply (a short note, or a card with the next step), so it can't
            # be sent twice.
            note = reply.card or views.notice_card("Media Desk", reply.text or "Sent.")
            return {"statusCode": 200, "type": _CARD, "value": render_card(note)}
        if reply.file is not None:
            shown = await self._show(turn_context, actor, _personal(activity), reply)
            return _message(FILE_OFFERED if shown else OPEN_A_CHAT)
        if reply.modal is not None or reply.card is not None:
            shown = await self._show(turn_context, actor, _personal(activity), Reply(modal=reply.modal,
                                                                                        card=reply.card,
                                                                                        text=reply.text))
            if reply.modal is not None:
                if not _personal(activity):
                    return _message(FORM_SENT_TO_CHAT if shown else OPEN_A_CHAT)
                return _message(FORM_BELOW)
        return _message(reply.text or "Done.")

    async def _file_consent(self, tc: TurnContext, value: dict[str, Any]) -> None:
        """The person accepted (or declined) the file offered by a consent card: write the export again for them,
        upload it where Teams says (their OneDrive), and show it in the chat as a file card."""
        actor = await self._identity.actor(tc)
        if actor is None:
            await tc.send_activity(NOT_IDENTIFIED)
            return
        context: dict[str, Any] = value["context"] if isinstance(value.get("context"), dict) else {}
        request = context.get("md_file") if isinstance(context.get("md_file"), str) else None
        if value.get("action") != "accept" or request is None:
            await tc.send_activity(MessageFactory.text(FILE_DECLINED))
            return
        info: dict[str, Any] = value["uploadInfo"] if isinstance(value.get("uploadInfo"), dict) else {}
        core = self._core

        async def again() -> Reply:
            return await desk.export(core, actor, request.removeprefix("export").strip())

        reply = await _guarded(again)
        if reply.file is None:
            await tc.send_activity(MessageFactory.text(escape_markdown(reply.text)))
            return
        try:
            await upload(reply.file, str(info.get("uploadUrl") or ""))
        except Exception:
            log.exception("could not upload an export to the place Teams gave")
            await tc.send_activity(MessageFactory.text(UPLOAD_FAILED))
            return
        finally:
            reply.file.discard()
        await desk.delivered(core, reply.file)
        await tc.send_activity(MessageFactory.attachment(file_info_card(info)))
        await tc.send_activity(MessageFactory.text(escape_markdown(reply.text)))

    async def _personal_view(self, actor: Actor, view: ActionPayload, teams_user_id: str) -> dict[str, Any]:
        try:
            card = await viewing.card_for(self._core, actor, view)
        except Exception:  # the shared card stays as it is: nothing is lost
            log.exception("could not build a personal view of a card")
            card = None
        if card is None:
            return _message("This card can't be refreshed just now.")
        return {"statusCode": 200, "type": _CARD, "value": render_card(card, refresh_for=[teams_user_id])}

    # --- shared -----------------------------------------------------------------------------------------------

    async def _data(self, actor: Actor, data: Any, key: str) -> tuple[Reply, dict | None]:
        """A card's submitted data: a form (→ actions.submit) or a button (→ actions.press). Returns the reply,
        and the form re-rendered with its errors when it must be shown again."""
        core = self._core
        if isinstance(data, dict) and isinstance(data.get(FORM_KEY), dict):
            meta = dict(data[FORM_KEY])
            form_id = str(meta.pop("form", ""))
            form = actions.form_for(core, form_id)
            if form is None:
                return Reply(text="That form is no longer available; please start again."), None
            raw = read_form_values(form, data)

            async def submit() -> Reply:
                return await actions.submit(core, actor, form_id, meta, raw, key)

            reply = await _guarded(submit)
            if reply.text == SOMETHING_WENT_WRONG:
                reply = Reply(errors={form.fields[0].name: SOMETHING_WENT_WRONG})
            if reply.errors:
                return reply, render_form(form, meta={**meta}, values=raw, errors=reply.errors, ctx=core.ctx())
            return reply, None
        payload = read_action(data)
        if payload is None:
            return Reply(text=UNKNOWN_BUTTON), None

        async def press() -> Reply:
            return await actions.press(core, actor, payload, key)

        return await _guarded(press), None

    async def _show(self, tc: TurnContext, actor: Actor, personal: bool, reply: Reply) -> bool:
        """Show a service's reply to the person who acted, privately: in this chat when it is their 1:1 chat,
        else in their 1:1 chat with the bot. False when it could not be shown."""
        shown = True
        try:
            if reply.modal is not None:
                card = self._form_card(reply.modal)
                if card is not None:
                    shown = await self._send(tc, actor, personal, MessageFactory.attachment(
                        CardFactory.adaptive_card(card)))
            if reply.file is not None:
                return await self._offer_file(tc, actor, personal, reply.file, reply.text)
            if reply.text or reply.card is not None:
                message = (MessageFactory.attachment(CardFactory.adaptive_card(render_card(reply.card)))
                           if reply.card is not None else MessageFactory.text(escape_markdown(reply.text)))
                shown = await self._send(tc, actor, personal, message) and shown
        except Exception:
            # The reply is a courtesy; what matters was committed (and its messages are in the outbox).
            log.exception("could not show the reply to the person who acted")
            return False
        return shown

    async def _offer_file(self, tc: TurnContext, actor: Actor, personal: bool, file: FileToSend, text: str) -> bool:
        """Teams asks the person before a bot puts a file in their OneDrive: a consent card naming it and its size.
        The file is written again when they accept (the card may be answered much later, or on another replica)."""
        try:
            return await self._send(tc, actor, personal, MessageFactory.attachment(consent_card(file, text)))
        finally:
            file.discard()

    async def _send(self, tc: TurnContext, actor: Actor, personal: bool, activity: Activity) -> bool:
        if personal:
            await tc.send_activity(activity)
            return True
        return await self._send_to_user(actor.user_id, activity)

    def _form_card(self, request: ModalRequest) -> dict | None:
        form = actions.form_for(self._core, request.form_id)
        if form is None:
            return None
        return render_form(form, meta=request.meta, values=request.values, ctx=self._core.ctx())


def _personal(activity: Activity) -> bool:
    conversation = activity.conversation
    return bool(conversation) and (conversation.conversation_type or "personal") == "personal"


KEPT_TYPES = frozenset({ActivityTypes.message, ActivityTypes.invoke})  # the activities that change something


def request_key(activity: Activity) -> str:
    """The activity's platform id, as the inbox keeps it and the work marks it done: one chat's activity id."""
    conversation_id = activity.conversation.id if activity.conversation else ""
    what = "invoke" if activity.type == ActivityTypes.invoke else "message"
    return f"teams:{what}:{references.conversation_key(conversation_id)}:{activity.id or ''}"[:200]


async def _refuse(tc: TurnContext, text: str, status: int) -> None:
    """Answer a refused activity: a message in a chat, an invoke response for a click."""
    if tc.activity.type == ActivityTypes.invoke:
        await tc.send_activity(Activity(type=ActivityTypes.invoke_response,
                                        value=InvokeResponse(status=status, body=_message(text))))
    elif tc.activity.type == ActivityTypes.message:
        await tc.send_activity(MessageFactory.text(text))


def _message(text: str) -> dict[str, Any]:
    return {"statusCode": 200, "type": _MESSAGE, "value": text}


async def _guarded(run: Callable[[], Awaitable[Reply]]) -> Reply:
    return await guarded(run, log, "a Teams request failed")
