"""The real app in playground mode (no credentials, loopback), and a Direct Line client that talks to it the way
Web Chat does: a token per pane, activities posted, then polled by watermark."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from bot.app.config import OrgConfig, Settings, load_org_config
from bot.app.server import create_app
from bot.clock import Clock
from handlers.playground.routes import DOOR
from tests.adaptive import assert_adaptive_card
from tests.teams.harness import card_text, find_action

ROOT = Path(__file__).resolve().parents[2]
STAFF = "sam.staff@example.nhs.uk"
CASEY = "casey.comms@example.nhs.uk"
ALEX = "alex.press@example.nhs.uk"
DANA = "dana.director@example.nhs.uk"
HARPER = "harper.head@example.nhs.uk"


def example_org() -> OrgConfig:
    return load_org_config(ROOT / "mediadesk.example.toml")


class Pane:
    """One Web Chat: a person's view of one conversation."""

    def __init__(self, client: Playground, person: str, token: str, conversation_id: str) -> None:
        self.client, self.person, self.token, self.conversation_id = client, person, token, conversation_id
        self.watermark = 0
        self.seen: dict[str, dict[str, Any]] = {}  # by id, newest version, in the order first seen

    @property
    def url(self) -> str:
        return f"/playground/directline/conversations/{self.conversation_id}/activities"

    async def say(self, text: str) -> str:
        return await self.post({"type": "message", "text": text, "from": {"id": "pg-" + self.person}})

    async def press(self, card: dict[str, Any], title: str, **inputs: Any) -> str:
        """What Web Chat sends for an Action.Submit: a message whose value is the action's data and the inputs."""
        action = find_submit(card, title)
        assert action is not None, f"no {title!r} button on {card_text(card)[:400]}"
        return await self.post({"type": "message", "value": {**action.get("data", {}), **inputs},
                                "channelData": {"postBack": True}})

    async def post(self, activity: dict[str, Any]) -> str:
        status, body = await self.client.request("POST", self.url, json=activity, token=self.token)
        assert status == 200, (status, body)
        await self.client.settle()
        return body["id"]

    async def poll(self) -> list[dict[str, Any]]:
        status, body = await self.client.request("GET", f"{self.url}?watermark={self.watermark}", token=self.token)
        assert status == 200, (status, body)
        self.watermark = int(body["watermark"])
        for activity in body["activities"]:
            self.seen[activity["id"]] = activity
        return body["activities"]

    async def card_saying(self, text: str, timeout: float = 8.0, *, besides: set[str] = frozenset()
                          ) -> dict[str, Any]:
        """The newest bot card that says `text` (after the bot and the outbox have had their turn), leaving out
        the activities in `besides` (those seen before, when the same flow is run again)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            await self.poll()
            for activity in reversed(list(self.seen.values())):
                if activity["id"] in besides:
                    continue
                for card in cards_of(activity):
                    if text in card_text(card):
                        return card
            if asyncio.get_running_loop().time() > deadline:
                shown = " | ".join(card_text(c)[:200] for a in self.seen.values() for c in cards_of(a))
                raise AssertionError(f"no card saying {text!r} for {self.person}; shown: {shown}"[:3000])
            await asyncio.sleep(0.05)

    async def text_saying(self, text: str, timeout: float = 8.0) -> str:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            await self.poll()
            for activity in reversed(list(self.seen.values())):
                said = activity.get("text") or ""
                if activity.get("from", {}).get("role") == "bot" and text in said:
                    return said
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"nobody said {text!r} to {self.person}: "
                                     f"{[a.get('text') for a in self.seen.values()]}")
            await asyncio.sleep(0.05)


class Playground:
    def __init__(self, server: TestServer, session: aiohttp.ClientSession) -> None:
        self.server, self.session = server, session

    async def request(self, method: str, path: str, *, json: Any = None, token: str | None = None,
                      headers: dict[str, str] | None = None, data: bytes | None = None) -> tuple[int, Any]:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        async with self.session.request(method, self.server.make_url(path), json=json, data=data,
                                        headers=sent) as response:
            text = await response.text()
            try:
                import json as _json

                return response.status, _json.loads(text) if text else None
            except ValueError:
                return response.status, text

    async def pane(self, person: str, pane: str) -> Pane:
        status, body = await self.request("POST", "/playground/session", json={"person": person, "pane": pane})
        assert status == 200, (status, body)
        return Pane(self, person, body["token"], body["conversationId"])

    async def settle(self) -> None:
        await self.server.app[DOOR].idle()


def cards_of(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [a["content"] for a in activity.get("attachments") or []
            if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]


def find_submit(card: Any, title: str) -> dict[str, Any] | None:
    """A button as Web Chat runs it: Action.Submit (never Teams' Action.Execute)."""
    action = find_action(card, title)
    assert action is None or action["type"] == "Action.Submit", action
    return action


def every_card_valid(pane: Pane) -> int:
    """Validate every card this pane has been shown (Adaptive Cards 1.5 schema); how many there were."""
    count = 0
    for activity in pane.seen.values():
        for card in cards_of(activity):
            assert_adaptive_card(card)
            count += 1
    return count


async def running_playground(database_url: str, clock: Clock, *, configure: Callable[[Settings], Settings]
                             = lambda s: s, org: OrgConfig | None = None, port: int = 0
                             ) -> AsyncIterator[Playground]:
    """The app in playground mode; `port`: a fixed one, to start it again where a browser left it."""
    settings = configure(Settings(database_url=database_url, host="127.0.0.1", outbox_tick_seconds=0.2,
                                  nudge_tick_seconds=3600))
    server = TestServer(create_app(settings, org=org or example_org(), clock=clock), host="127.0.0.1", port=port)
    await server.start_server()
    session = aiohttp.ClientSession()
    try:
        yield Playground(server, session)
    finally:
        await session.close()
        await server.close()
