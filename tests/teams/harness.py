"""`Teams`, a client that sends signed activities into the real /api/messages the way Teams does and reads what
the fake Bot Connector (tests/fakes/bot_connector.py) got; the cast, their organisation, and story steps.

Every Adaptive Card the fake Connector receives (posts and updates) is checked against the AC 1.5 schema; the
`teams` fixture (tests/teams/conftest.py) fails a test that made the bot send a card that does not conform.
"""

from __future__ import annotations

import asyncio
import itertools
import json as jsonlib
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.app.config import OrgConfig, PeopleSection, TeamsSection
from bot.app.server import CORE, DATABASE, RELAY
from bot.clock import FrozenClock
from bot.services import nudges
from tests.adaptive import validate_adaptive_card
from tests.fakes.bot_connector import APP_ID, CARD, TENANT, FakeConnector, KeyServer, member, personal
from tests.prose import doubled_stops

COMMS_CHANNEL = "19:commschannel0000000000000000000@thread.tacv2"

# The cast (the same people as the Slack stories).
STAFF = member("sam", "Sam Staff")
COMMS = member("casey", "Casey Comms")
COMMS_B = member("alex", "Alex Press")
DIRECTOR = member("dana", "Dana Director")
HEAD = member("harper", "Harper Head")  # Head of Comms, delegated sign-off
EXECUTIVE = member("evan", "Evan Exec")
HOD = member("hugo", "Hugo Hod")  # a head of department (urgent care)
OUTSIDER = member("ollie", "Ollie Outsider")
CAST = (STAFF, COMMS, COMMS_B, DIRECTOR, HEAD, EXECUTIVE, HOD, OUTSIDER)


def org_config() -> OrgConfig:
    return OrgConfig(
        teams=TeamsSection(comms_channel=COMMS_CHANNEL),
        people=PeopleSection(
            comms_team=[COMMS["email"], COMMS_B["email"]], director_of_comms=[DIRECTOR["email"]],
            sign_off_delegates=[HEAD["email"]], media_lead=COMMS["email"],
            executives=[EXECUTIVE["email"]], heads_of_department=[HOD["email"]],
            names={who["email"]: who["name"] for who in (COMMS, COMMS_B, DIRECTOR, HEAD, EXECUTIVE, HOD)}))


_SHOWN = ("text", "title", "value", "label", "placeholder")  # the properties Teams shows a person


def card_text(card: Any) -> str:
    """Every text on a card a person could read (text, titles, fact values, labels), joined."""
    if isinstance(card, dict):
        if "choices" in card:  # a choice's value is what is sent back, not what is shown
            card = {**card, "choices": [{"title": c.get("title")} for c in card["choices"] if isinstance(c, dict)]}
        return " ".join(v if isinstance(v, str) else card_text(v) for k, v in card.items()
                        if k != "data" and (k in _SHOWN or not isinstance(v, str)))
    if isinstance(card, list):
        return " ".join(card_text(v) for v in card)
    return ""


def titles(card: Any) -> list[str]:
    """The titles of the buttons a viewer of the card can press (Execute or ShowCard), in order, top level."""
    out = []
    for element in [*(card.get("body") or []), {"actions": card.get("actions") or []}]:
        for action in element.get("actions") or []:
            out.append(action.get("title", ""))
    return out


def find_action(card: Any, title: str) -> dict[str, Any] | None:
    if isinstance(card, dict):
        if card.get("title") == title and "data" in card:
            return card
        for value in card.values():
            if (found := find_action(value, title)) is not None:
                return found
    if isinstance(card, list):
        for value in card:
            if (found := find_action(value, title)) is not None:
                return found
    return None


_ids = itertools.count(1)

ANSWERS = ["Sam Reporter", "BBC Essex", "TV or radio", "01245 123456", "skip", "A&E waiting times", "5pm"]
DRAFT = "We are working hard to reduce waiting times at Basildon A&E."


class Teams:
    """Sends signed activities into the real /api/messages as Teams does; reads what the fake Connector got."""

    def __init__(self, server: TestServer, keys: KeyServer, connector: FakeConnector, session: aiohttp.ClientSession,
                 app: web.Application, clock: FrozenClock) -> None:
        self.server, self.keys, self.connector, self.session, self.app = server, keys, connector, session, app
        self.clock = clock
        self.answers: list[int] = []  # the status of every POST, so a card that never comes says why

    # --- what Teams sends ---------------------------------------------------------------------------------

    def activity(self, kind: str = "message", *, sender: dict = STAFF, conversation: str | None = None,
                 conversation_type: str = "personal", tenant: str = TENANT, **extra: Any) -> dict[str, Any]:
        conversation = conversation or personal(sender)
        channel_data: dict[str, Any] = {"tenant": {"id": tenant}}
        if conversation_type == "channel":
            channel_data["channel"] = {"id": conversation.split(";")[0]}
        return {"type": kind, "id": f"in-{next(_ids)}", "channelId": "msteams", "serviceUrl": self.connector.url,
                "from": {"id": sender["id"], "aadObjectId": sender["aadObjectId"], "name": sender["name"]},
                "recipient": {"id": f"28:{APP_ID}", "name": "Media Desk"},
                "conversation": {"id": conversation, "conversationType": conversation_type, "tenantId": tenant},
                "channelData": channel_data, **extra}

    async def post(self, body: Any, *, token: str | None = "sign", raw: bytes | None = None,
                   content_type: str = "application/json") -> tuple[int, Any]:
        headers = {"Content-Type": content_type}
        if token == "sign":
            token = self.keys.token(self.connector.url)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else jsonlib.dumps(body).encode()
        async with self.session.post(self.server.make_url("/api/messages"), data=data, headers=headers) as response:
            text = await response.text()
            self.answers.append(response.status)
            try:
                return response.status, jsonlib.loads(text) if text else None
            except ValueError:
                return response.status, text

    async def say(self, text: str, **kwargs: Any) -> tuple[int, Any]:
        """Type `text` (by default: Sam, in Sam's 1:1 chat with the bot)."""
        return await self.post(self.activity(text=text, **kwargs))

    async def open_chat(self, who: dict[str, str]) -> None:
        """`who` installs Media Desk: their 1:1 chat is where the bot can reach them later."""
        status, body = await self.post(self.activity("conversationUpdate", sender=who,
                                                     membersAdded=[{"id": f"28:{APP_ID}"}]))
        assert status in (200, 201), (status, body)

    async def add_to_comms_channel(self, by: dict[str, str] = COMMS) -> None:
        """The team adds Media Desk to the comms channel (its reference is stored)."""
        status, body = await self.post(self.activity("conversationUpdate", sender=by, conversation=COMMS_CHANNEL,
                                                     conversation_type="channel",
                                                     membersAdded=[{"id": f"28:{APP_ID}"}]))
        assert status in (200, 201), (status, body)

    async def install(self, *people: dict[str, str]) -> None:
        """`people` open their chats with Media Desk, then the team adds it to the comms channel."""
        for who in people:
            await self.open_chat(who)
        await self.add_to_comms_channel()

    async def press(self, card: dict, title: str, *, by: dict[str, str] = STAFF, on: str | None = None,
                    inputs: dict[str, Any] | None = None, **kwargs: Any) -> tuple[int, Any]:
        """`by` presses the button `title` on `card` (Action.Execute → an adaptiveCard/action invoke).

        `on`: the activity id of the message holding the card, when it is in a channel (Teams sends the
        invoke from the channel's thread); `inputs`: the values of the card's inputs, merged into the data.
        """
        action = find_action(card, title)
        assert action is not None, f"no {title!r} on {card_text(card)[:500]}"
        assert action.get("type") == "Action.Execute", action
        if on is not None:
            kwargs.setdefault("conversation", f"{COMMS_CHANNEL};messageid={on}")
            kwargs.setdefault("conversation_type", "channel")
            kwargs.setdefault("replyToId", on)
        status, body = await self.post(self.activity("invoke", sender=by, name="adaptiveCard/action", value={
            "action": {"type": "Action.Execute", "verb": action.get("verb"),
                       "data": {**action["data"], **(inputs or {})}},
            "trigger": "manual"}, **kwargs))
        assert status == 200, (status, body)
        self.connector.invalid.extend(f"invoke reply to {title!r}: doubled full stop {found}"
                                      for found in doubled_stops(body.get("value") if isinstance(body, dict) else None))
        if isinstance(body, dict) and body.get("type") == CARD:  # a card that replaces the one pressed
            self.connector.invalid.extend(f"invoke reply to {title!r}: {p}"
                                          for p in validate_adaptive_card(body.get("value")))
        return status, body

    async def submit(self, form: dict, values: dict[str, Any], *, by: dict[str, str] = STAFF,
                     **kwargs: Any) -> tuple[int, Any]:
        """Fill in an Adaptive Card form (inputs keep their pre-filled values unless given) and press its submit."""
        filled = {i["id"]: i["value"] for i in inputs_of(form) if "value" in i}
        filled.update(values)
        submit = (form.get("actions") or [{}])[0]
        return await self.press(form, submit.get("title", ""), by=by, inputs=filled, **kwargs)

    async def look(self, card: dict, who: dict[str, str], on: str) -> tuple[int, Any]:
        """`who` looks at `card` (activity `on` in the comms channel): Teams invokes its refresh action for them."""
        refresh = card["refresh"]["action"]
        return await self.post(self.activity(
            "invoke", sender=who, name="adaptiveCard/action", conversation=f"{COMMS_CHANNEL};messageid={on}",
            conversation_type="channel", replyToId=on,
            value={"action": {"type": "Action.Execute", "verb": refresh["verb"], "data": refresh["data"]},
                   "trigger": "automatic"}))

    # --- what people see ----------------------------------------------------------------------------------

    def chat(self, who: dict[str, str]) -> list[dict[str, Any]]:
        """The cards the bot has posted in `who`'s 1:1 chat, in order."""
        return self.connector.cards_in(personal(who))

    async def next_card(self, who: dict[str, str] | str, after: int, timeout: float = 8.0) -> dict[str, Any]:
        """Wait for card number `after` (0-based) in `who`'s 1:1 chat (or a conversation id)."""
        conversation = who if isinstance(who, str) else personal(who)
        try:
            return await self.connector.wait_card(conversation, after, timeout)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; /api/messages answered {self.answers[-10:]}") from None

    async def card_saying(self, who: dict[str, str] | str, words: str, timeout: float = 8.0) -> dict[str, Any]:
        """Wait for a card in `who`'s chat (or a conversation id) that says `words`; return the newest such."""
        conversation = who if isinstance(who, str) else personal(who)
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            for card in reversed(self.connector.cards_in(conversation)):
                if words in card_text(card):
                    return card
            await asyncio.sleep(0.02)
        raise AssertionError(f"no card in {conversation} says {words!r}; cards: "
                             f"{[card_text(c)[:200] for c in self.connector.cards_in(conversation)]}")

    # --- time and the outbox ------------------------------------------------------------------------------

    async def settle(self) -> None:
        """Deliver everything due now, waiting for a drain already running."""
        relay = self.app[RELAY]
        await relay.idle()
        await relay.drain()
        await relay.idle()

    async def tick(self) -> int:
        """Run one nudge tick now, then deliver."""
        sent = await nudges.tick(self.app[CORE])
        await self.settle()
        return sent

    async def count(self, model: Any, *where: Any) -> int:
        async with self.app[DATABASE].sessions() as s:
            return int((await s.execute(select(func.count()).select_from(model).where(*where))).scalar_one())

    # --- story steps shared by the suites -----------------------------------------------------------------

    async def answer_questions(self, question: dict[str, Any], answers: list[str], *, after: int,
                               by: dict[str, str] = STAFF) -> dict[str, Any]:
        """`by` answers the questions in their chat in turn, from `question` (card number `after` there): a choice
        is pressed, the rest typed. Returns the card that follows the last answer."""
        for n, answer in enumerate(answers, start=after + 1):
            if answer in titles(question):
                await self.press(question, answer, by=by)
            else:
                await self.say(answer, sender=by)
            question = await self.next_card(by, n)
        return question

    async def log_a_call(self, answers: list[str] = ANSWERS, *, by: dict[str, str] = STAFF, delivered: bool = True
                         ) -> tuple[str, dict[str, Any]] | None:
        """`by` (Sam unless told) logs a call in a 1:1 chat, one question at a time as in Slack's DM. Returns the
        comms channel card's activity id and the card (None if not `delivered` yet)."""
        start = len(self.chat(by))
        posted = len(self.connector.cards_in(COMMS_CHANNEL))
        await self.say("media call", sender=by)
        question = await self.next_card(by, start)
        assert "Who is the journalist" in card_text(question)
        question = await self.answer_questions(question, answers, after=start, by=by)
        assert "check and send" in card_text(question)
        assert titles(question) == ["Go", "Send to comms", "Cancel"]
        await self.press(question, "Send to comms", by=by)
        if not delivered:
            return None
        await self.next_card(COMMS_CHANNEL, posted)
        return self.connector.posted_cards(COMMS_CHANNEL)[posted]

    async def claim(self, card_id: str, by: dict[str, str] = COMMS) -> dict[str, Any]:
        """`by` presses Claim on the channel card; returns the card as updated in place."""
        updates = len(self.connector.updates_of(card_id))
        await self.press(self._channel_card(card_id), "Claim", by=by, on=card_id)
        return await self.connector.wait_update(card_id, updates + 1)

    async def draft(self, card_id: str, statement: str = DRAFT, by: dict[str, str] = COMMS) -> dict[str, Any]:
        """`by` presses Draft response on the channel card and saves the form sent to their chat."""
        updates = len(self.connector.updates_of(card_id))
        chat = len(self.chat(by))
        _, body = await self.press(self._channel_card(card_id), "Draft response", by=by, on=card_id)
        assert body["value"] == "I've sent you the form in your chat with Media Desk.", body
        form = await self.next_card(by, chat)
        await self.submit(form, {"statement": statement, "spokesperson": "written"}, by=by)
        return await self.connector.wait_update(card_id, updates + 1)

    async def request_sign_off(self, card_id: str, by: dict[str, str] = COMMS) -> dict[str, Any]:
        updates = len(self.connector.updates_of(card_id))
        _, body = await self.press(self._channel_card(card_id), "Request sign-off", by=by, on=card_id)
        assert "has gone for sign-off" in body["value"], body
        return await self.connector.wait_update(card_id, updates + 1)

    async def sent_for_sign_off(self, answers: list[str] = ANSWERS) -> tuple[str, dict[str, Any]]:
        """Sam logs a call; Casey claims it, drafts `DRAFT` and asks for sign-off. The channel card's activity id
        and the card as it now reads."""
        logged = await self.log_a_call(answers)
        assert logged is not None
        card_id, _ = logged
        await self.claim(card_id)
        await self.draft(card_id)
        return card_id, await self.request_sign_off(card_id)

    def _channel_card(self, card_id: str) -> dict[str, Any]:
        """The comms channel card posted as activity `card_id`, as it reads now."""
        index = [aid for aid, _ in self.connector.posted_cards(COMMS_CHANNEL)].index(card_id)
        return self.connector.current(COMMS_CHANNEL, index)


def inputs_of(card: Any) -> list[dict[str, Any]]:
    """Every input on a card (top level and in containers)."""
    if isinstance(card, dict):
        found = [card] if str(card.get("type", "")).startswith("Input.") else []
        return found + [i for v in card.values() for i in inputs_of(v)]
    if isinstance(card, list):
        return [i for v in card for i in inputs_of(v)]
    return []
