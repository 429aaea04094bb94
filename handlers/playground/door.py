"""The playground's side of the bot: personas, their chats and the comms channel, wired to the Teams bot in-process.

There is no authentication to check here because the playground is never reachable from another machine: it is
only built when no Slack or Teams credentials are set and the server listens on loopback (`playground_problem` in
bot/app/config.py), and its routes refuse any request that did not come from, and was not addressed to, this machine.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount

from bot.domain.people import Actor, Directory
from bot.ports import InboundRequest
from bot.services import inbox, open_cases, viewing
from bot.services.core import Core
from cards.model import ActionPayload
from cards.teams import render_card
from cards.teams_inputs import read_action
from handlers.playground.adapter import BOT, PlaygroundAdapter, cards_of, for_web_chat
from handlers.playground.memory_store import MemoryReferenceStore
from handlers.playground.people import Persona, personas
from handlers.playground.transcript import Transcript
from handlers.teams import references
from handlers.teams.bot import MediaDeskTeamsBot, request_key
from handlers.teams.delivery import TeamsDelivery

log = logging.getLogger("mediadesk.playground")

PLATFORM = "playground"
COMMS = "comms-channel"
SERVICE_URL = "http://127.0.0.1/playground"
MAX_TOKENS = 1000  # sessions handed out; the oldest are forgotten first


@dataclass(frozen=True)
class Session:
    """What a Direct Line token stands for: one conversation, as one persona."""

    conversation_id: str
    persona: Persona


class PlaygroundIdentity:
    """The persona chosen on the page is who acts (the Teams door's TeamsIdentity, for the playground)."""

    def __init__(self, people: dict[str, Persona]) -> None:
        self._people = people

    async def actor(self, turn_context: TurnContext) -> Actor | None:
        sender = turn_context.activity.from_property
        persona = self._people.get(getattr(sender, "aad_object_id", None) or "") if sender else None
        return None if persona is None else actor_of(persona)


def actor_of(persona: Persona) -> Actor:
    return Actor(platform=PLATFORM, user_id=persona.id, email=persona.id, name=persona.name)


class PlaygroundDoor:
    """Everything the playground needs at run time, built once per application."""

    def __init__(self, *, core: Core, directory: Directory, now: Callable[[], datetime]) -> None:
        self._core, self._now = core, now
        self.instance = secrets.token_hex(8)  # this run: sessions (and the page's tokens) last as long as it does
        self.people = {p.id: p for p in personas(directory)}
        self.transcripts: dict[str, Transcript] = {COMMS: Transcript()}
        self.transcripts.update({chat_id(p.id): Transcript() for p in self.people.values()})
        self._sessions: dict[str, Session] = {}
        self._locks = {cid: asyncio.Lock() for cid in self.transcripts}
        self._turns: set[asyncio.Task[None]] = set()
        self._live: set[str] = set()  # inbox keys accepted by this process and not yet finished
        self._last_stamp: datetime | None = None
        self.adapter = PlaygroundAdapter(self.transcripts.get, self._stamp)
        self.store = MemoryReferenceStore()
        self.delivery = TeamsDelivery(adapter=self.adapter, app_id=BOT["id"], store=self.store, comms_channel=COMMS)
        self.bot = MediaDeskTeamsBot(core=core, identity=PlaygroundIdentity(self.people), store=self.store,
                                     send_to_user=self.delivery.to_user)

    async def start(self) -> None:
        """Every persona has a chat with Media Desk from the start, so DMs reach people who never typed; the comms
        channel, empty again, has the open cases' cards queued to it (where they were, so they change in place)."""
        now = self._now()
        for persona in self.people.values():
            await references.remember(self.store, self._reference(chat_id(persona.id), "personal", persona),
                                      now=now, kind="personal", aad_object_id=persona.id, email=persona.id)
        await references.remember(self.store, self._reference(COMMS, "channel", None), now=now, kind="channel",
                                  channel_id=COMMS)
        try:
            await open_cases.show_again(self._core, PLATFORM)
        except Exception:  # the playground still opens; the cards come back as their cases change
            log.exception("could not show the open cases in the playground's comms channel")

    # --- sessions ----------------------------------------------------------------------------------------------

    def open_session(self, persona_id: str, pane: str) -> tuple[str, Session] | None:
        persona = self.people.get(persona_id)
        if persona is None or pane not in ("chat", "channel"):
            return None
        session = Session(chat_id(persona.id) if pane == "chat" else COMMS, persona)
        token = secrets.token_urlsafe(24)
        self._sessions[token] = session
        while len(self._sessions) > MAX_TOKENS:
            self._sessions.pop(next(iter(self._sessions)))
        return token, session

    def session(self, token: str) -> Session | None:
        return self._sessions.get(token)

    # --- a person is shown the conversation --------------------------------------------------------------------

    async def shown(self, session: Session, activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The activities as this session's person sees them: a shared card with only the buttons they may press
        (the view Teams asks for with a card's refresh), every button one Web Chat can run."""
        actor = actor_of(session.persona)
        seen = []
        for activity in activities:
            views = {}
            for n, attachment in enumerate(cards_of(activity)):
                asked = _view_asked(attachment["content"])
                if asked is not None and (mine := await self._view(actor, asked)) is not None:
                    views[n] = mine
            seen.append(for_web_chat(activity, views))
        return seen

    async def _view(self, actor: Actor, view: ActionPayload) -> dict[str, Any] | None:
        try:
            card = await viewing.card_for(self._core, actor, view)
        except Exception:  # the shared card is shown instead: a click not allowed is still refused
            log.exception("could not build a personal view of a playground card")
            return None
        return None if card is None else render_card(card)

    # --- a person says something -------------------------------------------------------------------------------

    async def receive(self, session: Session, posted: dict[str, Any]) -> str:
        """Keep what the person sent in the inbox (as Slack and Teams requests are), show it (Web Chat waits for
        its echo), then let the bot answer in the background. Sent again (the same client activity id), it is
        answered with the same id and not shown or done again."""
        client_id = _client_id(posted)
        activity_id = _activity_id(session, client_id) if client_id else secrets.token_hex(8)
        echo: dict[str, Any] = {key: posted[key] for key in ("type", "text", "value", "attachments", "channelData", "locale")
                if key in posted}
        echo.update(id=activity_id, timestamp=self._stamp(),
                    conversation={"id": session.conversation_id},
                    **{"from": {"id": session.persona.id, "name": session.persona.name, "role": "user"}})
        if posted.get("type") != "message":  # typing and the like: shown, nothing to do
            self.transcripts[session.conversation_id].put(echo)
            return activity_id
        request = inbox_request(session, echo)
        if not await self._keep(request):
            log.info("a playground activity kept before: answered, not done again")
            return activity_id
        self.transcripts[session.conversation_id].put(echo)
        task = asyncio.create_task(self._turn(session, echo, request.key))
        self._turns.add(task)
        task.add_done_callback(self._turns.discard)
        return activity_id

    async def _keep(self, request: InboundRequest) -> bool:
        """False when it was kept before; if the database can't take it, the turn still runs (as on Teams)."""
        try:
            fresh = await inbox.accept(self._core, request)
        except Exception:
            log.exception("could not keep a playground activity in the inbox")
            return True
        if fresh:
            self._live.add(request.key)
        return fresh

    async def recover(self, *, every_lease: bool = False) -> int:
        """Finish the activities a restart cut off, through the same turn, one person's in the order they came.
        Each is shown again first: the conversation it was said in started again empty."""
        return await inbox.finish_cut_off(self._core, PLATFORM, self._live, self._replay, every_lease=every_lease)

    async def _replay(self, request: InboundRequest) -> None:
        self._live.add(request.key)
        try:
            kept = json.loads(request.body)
            persona, echo = self.people.get(kept["person"]), kept["activity"]
            transcript = self.transcripts.get(kept["conversation"])
        except (ValueError, KeyError, TypeError):
            persona = transcript = None
        if persona is None or transcript is None:  # not ours to do (the organisation's people changed)
            log.warning("a playground activity cut off by a restart can't be done: its person or "
                        "conversation is gone", extra={"key": request.key[:60]})
            await self._finished(request.key)
            return
        log.info("finishing a playground activity a restart cut off", extra={"key": request.key[:60]})
        echo = {**echo, "timestamp": self._stamp()}
        transcript.put(echo)
        await self._turn(Session(kept["conversation"], persona), echo, request.key)

    async def _finished(self, key: str) -> None:
        self._live.discard(key)
        await inbox.finish_or_warn(self._core, key)

    def _stamp(self) -> str:
        """A timestamp later than every one given before: Web Chat orders messages by them (and the clock may be
        frozen, or two messages may share a millisecond)."""
        now = self._now()
        if self._last_stamp is not None and now <= self._last_stamp:
            now = self._last_stamp + timedelta(milliseconds=1)
        self._last_stamp = now
        return now.isoformat(timespec="milliseconds")

    async def _turn(self, session: Session, echo: dict[str, Any], key: str) -> None:
        activity = turn_activity(session, echo, self._now())
        try:
            async with self._locks[session.conversation_id]:  # one turn at a time per conversation, as typed
                try:
                    await self.adapter.run_pipeline(TurnContext(self.adapter, activity), self.bot.on_turn)
                except Exception:
                    log.exception("a playground turn failed")
        finally:
            # After the work, whatever came of it; a turn cut off by shutting down is left for the next start.
            if not _cancelling():
                await self._finished(key)

    async def idle(self) -> None:
        """Wait until the bot has answered everything sent so far."""
        while self._turns:
            await asyncio.gather(*list(self._turns), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._turns):
            task.cancel()
        await asyncio.gather(*list(self._turns), return_exceptions=True)

    # --- where the bot can write ------------------------------------------------------------------------------

    def _reference(self, conversation_id: str, kind: str, persona: Persona | None) -> dict[str, Any]:
        reference: dict[str, Any] = {
            "channelId": PLATFORM, "serviceUrl": SERVICE_URL, "bot": {"id": BOT["id"], "name": BOT["name"]},
            "conversation": {"id": conversation_id, "conversationType": kind, "isGroup": kind == "channel"}}
        if persona is not None:
            reference["user"] = {"id": persona.id, "name": persona.name, "aadObjectId": persona.id}
        return reference


def turn_activity(session: Session, echo: dict[str, Any], now: datetime | None) -> Activity:
    """What the person sent, as the Teams bot reads an activity."""
    persona, personal = session.persona, session.conversation_id != COMMS
    return Activity(
        type="message", id=echo["id"], timestamp=now, channel_id=PLATFORM, service_url=SERVICE_URL,
        from_property=ChannelAccount(id=persona.id, name=persona.name, aad_object_id=persona.id),
        recipient=ChannelAccount(id=BOT["id"], name=BOT["name"]),
        conversation=ConversationAccount(id=session.conversation_id, is_group=not personal,
                                         conversation_type="personal" if personal else "channel"),
        text=echo.get("text") if isinstance(echo.get("text"), str) else None,
        value=echo.get("value") if isinstance(echo.get("value"), dict) else None,
        channel_data={} if personal else {"channel": {"id": COMMS}})


def inbox_request(session: Session, echo: dict[str, Any]) -> InboundRequest:
    """A person's message as the inbox keeps it: under the key the bot's work marks done (the Teams bot's
    request_key), with what it takes to run the turn again after a restart."""
    key = request_key(turn_activity(session, echo, None))
    body = {"conversation": session.conversation_id, "person": session.persona.id, "activity": echo}
    return InboundRequest(key, PLATFORM, session.persona.id, json.dumps(body))


def _view_asked(card: dict[str, Any]) -> ActionPayload | None:
    """The view a shared card asks for each person (its Teams refresh action), if it has one."""
    refresh = card.get("refresh")
    action = refresh.get("action") if isinstance(refresh, dict) else None
    view = read_action(action.get("data")) if isinstance(action, dict) else None
    return view if view is not None and view.a == "view" else None


def _client_id(posted: dict[str, Any]) -> str | None:
    """The id the client gave what it sent (Web Chat: channelData.clientActivityID), so a repeat is known."""
    channel_data = posted.get("channelData")
    given = posted.get("id") or (channel_data.get("clientActivityID") if isinstance(channel_data, dict) else None)
    return given[:200] if isinstance(given, str) and given else None


def _activity_id(session: Session, client_id: str) -> str:
    """The same id for the same client activity from the same person in the same conversation."""
    seed = f"{session.conversation_id}\n{session.persona.id}\n{client_id}"
    return hashlib.sha256(seed.encode()).hexdigest()[:16]


def _cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def chat_id(persona_id: str) -> str:
    """A persona's 1:1 chat with the bot (opaque, URL-safe)."""
    return "chat-" + hashlib.sha256(persona_id.lower().encode()).hexdigest()[:16]
