"""Drive the real server the way Slack does: signed HTTP in, a fake Web API recording what comes out; and the
waits, forms and first steps the Slack suites share."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from bot.app.config import OrgConfig, PeopleSection, Settings, SlackSection
from bot.app.server import CORE, DATABASE, RELAY, SLACK, create_app
from bot.clock import FrozenClock
from bot.services import nudges
from handlers.slack.listeners import AFTER_ACK
from storage.db import open_database
from storage.models import OutboxRow
from tests.conformance import check_block_kit, check_view
from tests.fakes.slack_api import FakeSlackApi
from tests.slack_requests import SlackRequests

SECRET = "test-signing-secret"
TOKEN = "xoxb-test"
COMMS_CHANNEL = "C0COMMS"

# The cast: Slack user id -> (email, name)
STAFF = ("U_STAFF", "sam.staff@example.nhs.uk", "Sam Staff")
COMMS_A = ("U_CASEY", "casey.comms@example.nhs.uk", "Casey Comms")
COMMS_B = ("U_ALEX", "alex.press@example.nhs.uk", "Alex Press")
DIRECTOR = ("U_DANA", "dana.director@example.nhs.uk", "Dana Director")
HEAD = ("U_HARPER", "harper.head@example.nhs.uk", "Harper Head")  # Head of Comms, delegated sign-off
EXECUTIVE = ("U_EVAN", "evan.exec@example.nhs.uk", "Evan Exec")
OUTSIDER = ("U_OLLIE", "ollie.outsider@example.nhs.uk", "Ollie Outsider")
HOD = ("U_HUGO", "hugo.hod@example.nhs.uk", "Hugo Hod")  # a head of department (urgent care)
CAST = (STAFF, COMMS_A, COMMS_B, DIRECTOR, HEAD, EXECUTIVE, OUTSIDER, HOD)


def org_config() -> OrgConfig:
    return OrgConfig(
        slack=SlackSection(comms_channel=COMMS_CHANNEL),
        people=PeopleSection(
            comms_team=[COMMS_A[1], COMMS_B[1]], director_of_comms=[DIRECTOR[1]], sign_off_delegates=[HEAD[1]],
            executives=[EXECUTIVE[1]], spokespeople=[DIRECTOR[1], EXECUTIVE[1]], media_lead=COMMS_A[1],
            heads_of_department=[HOD[1]],
            names={who[1]: who[2] for who in (COMMS_A, COMMS_B, DIRECTOR, HEAD, EXECUTIVE, HOD)},
        ),
    )


@dataclass
class SlackHarness:
    fake: FakeSlackApi
    database_url: str
    clock: FrozenClock
    requests: SlackRequests = field(init=False)
    server: TestServer | None = None
    session: aiohttp.ClientSession | None = None
    app: web.Application | None = None
    org: OrgConfig | None = None  # None: org_config() below

    def __post_init__(self) -> None:
        self.requests = SlackRequests(SECRET, response_base=self.fake.response_base)

    def settings(self, **overrides: Any) -> Settings:
        values = dict(slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=self.fake.url,
                      database_url=self.database_url, outbox_tick_seconds=0.2, outbox_lease_seconds=2.0,
                      nudge_tick_seconds=0.2)
        values.update(overrides)
        return Settings(**values)

    async def start(self, **overrides: Any) -> SlackHarness:
        self.app = create_app(self.settings(**overrides), org=self.org or org_config(), clock=self.clock)
        self.server = TestServer(self.app, host="127.0.0.1", port=0)
        await self.server.start_server()
        self.session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        if self.session:
            await self.session.close()
        if self.server:
            await self.server.close()
        self.server = self.session = self.app = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    async def __aenter__(self) -> SlackHarness:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/slack/events"))

    async def send(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        assert self.session is not None
        async with self.session.post(self.url, data=body, headers=headers) as response:
            return response.status, await response.text()

    # --- what people do -------------------------------------------------------------------------

    async def command(self, who: tuple[str, str, str], text: str, command: str = "/media-call",
                      **kwargs: Any) -> tuple[int, str]:
        return await self.send(*self.requests.slash_command(who[0], command, text, **kwargs))

    async def say(self, who: tuple[str, str, str], text: str, **kwargs: Any) -> tuple[int, str]:
        return await self.send(*self.requests.message_event(who[0], text, **kwargs))

    async def click(self, who: tuple[str, str, str], message: dict[str, Any], label: str,
                    channel: str, **kwargs: Any) -> tuple[int, str]:
        """Press the button (or pick the select option) with this label on a posted message."""
        action_id, value, is_select = find_action(message, label)
        return await self.send(*self.requests.block_action(
            who[0], action_id, None if is_select else value, message_ts=message["ts"], channel_id=channel,
            selected_option_value=value if is_select else None, message=message, **kwargs))

    # --- what people see -------------------------------------------------------------------------

    def dms(self, who: tuple[str, str, str]) -> list[dict[str, Any]]:
        return self.fake.messages_in("D" + who[0])

    async def next_dm(self, who: tuple[str, str, str], after: int, timeout: float = 5.0) -> dict[str, Any]:
        """Wait until `who` has more than `after` DMs; return the newest."""
        return await self._wait(lambda: self.dms(who), after, timeout, f"a DM to {who[2]}")

    async def dm_saying(self, who: tuple[str, str, str], words: str, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for a DM to `who` whose text contains `words`; return it."""
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            for message in reversed(self.dms(who)):
                if words in text_of(message):
                    return message
            await asyncio.sleep(0.02)
        raise AssertionError(f"no DM to {who[2]} says {words!r}; DMs: {[text_of(m)[-200:] for m in self.dms(who)]}")

    async def next_in_channel(self, channel: str, after: int, timeout: float = 5.0) -> dict[str, Any]:
        return await self._wait(lambda: self.fake.messages_in(channel), after, timeout, f"a message in {channel}")

    async def _wait(self, get, after: int, timeout: float, what: str) -> dict[str, Any]:  # noqa: ANN001
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            messages = get()
            if len(messages) > after:
                return messages[-1]
            await asyncio.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}; calls: {[c.method for c in self.fake.calls]}")

    async def settle(self) -> None:
        """Let every request accepted so far finish its work (Bolt's listeners run on after the ack), then the
        outbox finish what is due now, including a drain already running (a kick after a commit may hold a
        leased message that our own drain would skip)."""
        assert self.app is not None
        door = self.app[SLACK]
        await eventually(lambda: not door.busy, "the requests accepted so far to be finished", timeout=15)
        relay = self.app[RELAY]
        await relay.idle()
        await relay.drain()
        await relay.idle()

    async def tick(self) -> int:
        """Run one nudge tick now (the scheduler also runs it every `nudge_tick_seconds`), then deliver."""
        assert self.app is not None
        sent = await nudges.tick(self.app[CORE])
        await self.settle()
        return sent


@asynccontextmanager
async def desks(fake: FakeSlackApi, database_url: str) -> AsyncIterator[Callable[..., Awaitable[SlackHarness]]]:
    """`start(when, org=None)` starts the bot at the instant `when` with the scheduler's nudge tick parked, so that
    the test's own ticks decide what is sent when; every bot started is stopped at the end."""
    started: list[SlackHarness] = []

    async def start(when: str, org: OrgConfig | None = None) -> SlackHarness:
        harness = SlackHarness(fake, database_url, frozen(when), org=org)
        await harness.start(nudge_tick_seconds=3600)
        started.append(harness)
        return harness

    try:
        yield start
    finally:
        for harness in started:
            await harness.stop()


@dataclass(frozen=True)
class Press:
    """An answer given with the button (or select option) of this label on the question, rather than typed."""
    label: str


async def answer(slack: SlackHarness, who: tuple[str, str, str], *answers: str | Press,
                 after: int = 0) -> dict[str, Any]:
    """Answer the questions `who` is asked in their DM in turn, each a new DM (the first after `after` DMs): a
    string is typed, a Press pressed. Returns the DM that follows the last answer."""
    for n, given in enumerate(answers, start=after):
        question = await slack.next_dm(who, n)
        if isinstance(given, Press):
            await slack.click(who, question, given.label, channel="D" + who[0])
        else:
            await slack.say(who, given)
    return await slack.next_dm(who, after + len(answers))


async def answer_asked(slack: SlackHarness, who: tuple[str, str, str], *steps: tuple[str, str | Press]) -> None:
    """For each (words, answer): wait for the DM to `who` whose question says `words`, then answer it (typed, or
    a Press)."""
    for words, given in steps:
        question = copy.deepcopy(await slack.dm_saying(who, words))  # the fake updates its messages in place
        if isinstance(given, Press):
            await slack.click(who, question, given.label, channel="D" + who[0])
        else:
            await slack.say(who, given)


async def log_a_call(slack: SlackHarness, who: tuple[str, str, str] = STAFF) -> dict[str, Any]:
    """`who` logs a call (most answers typed after the command); returns the comms channel card."""
    before = len(slack.dms(who))
    status, _ = await slack.command(who, "BBC Essex, A&E waiting times, 01245 123456, deadline 4pm")
    assert status == 200
    question = await slack.next_dm(who, before)
    assert "Who is the journalist" in text_of(question)
    email = await answer(slack, who, "Sam Reporter", Press("TV or radio"), after=before)
    assert "email" in text_of(email)
    review = await answer(slack, who, Press("Skip"), after=before + 2)
    cards = len(slack.fake.messages_in(COMMS_CHANNEL))
    await slack.click(who, review, "Send to comms", channel="D" + who[0])
    card = await slack.next_in_channel(COMMS_CHANNEL, cards)
    await slack.settle()
    return card


async def the_card_saying(slack: SlackHarness, cards: Callable[[], list[dict]], *words: str, what: str) -> dict:
    """Wait until the one card `cards()` finds says all `words`, let its work settle, and return a copy of it (the
    fake updates its messages in place)."""
    def says() -> bool:
        found = cards()
        return bool(found) and all(w in text_of(only(found)) for w in words)
    await eventually(says, f"{what} to say {words!r}")
    await slack.settle()
    return copy.deepcopy(only(cards()))


def only(found: list[dict]) -> dict:
    [one] = found
    return one


async def eventually(check: Callable[[], Any], what: str, timeout: float = 5.0) -> Any:
    """Wait (briefly, polling) until `check()` gives something truthy, and return it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = check()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def find_action(message: dict[str, Any], label: str) -> tuple[str, str, bool]:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element["type"] == "button" and element["text"]["text"] == label:
                return element["action_id"], element["value"], False
            for option in element.get("options", []) if element["type"] == "static_select" else []:
                if option["text"]["text"] == label:
                    return element["action_id"], option["value"], True
    raise AssertionError(f"no button {label!r} on message; buttons: {labels(message)}")


def labels(message: dict[str, Any]) -> list[str]:
    out = []
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element["type"] == "button":
                out.append(element["text"]["text"])
            else:
                out.extend(o["text"]["text"] for o in element.get("options", []))
    return out


def text_of(message: dict[str, Any]) -> str:
    """Everything a person would read on the message, as one string."""
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")


def frozen(when: str) -> FrozenClock:
    return FrozenClock(datetime.fromisoformat(when))


# --- waiting for everything a request caused, and reading what is stored ------------------------------------

async def rows(database_url: str, model: Any) -> list[Any]:
    db = open_database(database_url)
    try:
        async with db.sessions() as s:
            return list((await s.execute(select(model).order_by(*model.__table__.primary_key.columns))).scalars())
    finally:
        await db.dispose()


async def listeners_done(timeout: float = 5.0) -> None:
    """Wait for the work that runs on after each ack (the HTTP answer comes before it finishes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = [t for t in asyncio.all_tasks() if not t.done() and t.get_name() == AFTER_ACK]
        if not running:
            return
        await asyncio.wait(running, timeout=max(0.0, deadline - time.monotonic()))
    raise AssertionError("Bolt listeners still running")


async def outbox_idle(slack: SlackHarness, timeout: float = 5.0) -> None:
    """Wait until nothing in the outbox is due now (sent, dead, or waiting for a later retry)."""
    assert slack.app is not None
    db, now = slack.app[DATABASE], slack.clock.now()
    due = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == "pending",
                                                             OutboxRow.next_attempt_at <= now)
    deadline = time.monotonic() + timeout
    while True:
        await slack.settle()
        async with db.sessions() as s:
            if (await s.execute(due)).scalar_one() == 0:
                break
        if time.monotonic() > deadline:
            raise AssertionError("the outbox still has messages due")
        await asyncio.sleep(0.02)
    await slack.app[RELAY].idle()


async def quiet(slack: SlackHarness) -> None:
    """Everything the requests so far caused has happened: listeners finished, the outbox delivered."""
    await listeners_done()
    await outbox_idle(slack)


def ephemerals_to(slack: SlackHarness, who: tuple[str, str, str]) -> list[str]:
    return [e["text"] for e in slack.fake.ephemerals if e["user"] == who[0]]


# --- forms, the first steps of a media call, and Block Kit conformance ----------------------------------------

async def logged_and_claimed(slack: SlackHarness, outlet: str = "BBC Essex", kind: str = "TV or radio") -> dict:
    """A staff member logs an enquiry; Casey claims it. Returns the comms card."""
    await slack.command(STAFF, f"{outlet}, A&E waiting times, deadline 5pm")
    review = await answer(slack, STAFF, "Sam Reporter", Press(kind), "01245 123456", Press("Skip"))
    await slack.click(STAFF, review, "Send to comms", channel="D" + STAFF[0])
    card = await slack.next_in_channel(COMMS_CHANNEL, 0)
    await slack.click(COMMS_A, card, "Claim", channel=COMMS_CHANNEL)
    await slack.fake.wait_for("chat.update", predicate=lambda c: c.args["channel"] == COMMS_CHANNEL)
    await slack.settle()
    return slack.fake.messages_in(COMMS_CHANNEL)[0]


async def submit_modal(slack: SlackHarness, who: tuple, opened_count: int, values: dict) -> tuple[int, str]:
    """Fill in the latest modal opened for `who` with `values` (field -> text, or list for checkboxes)."""
    calls = await slack.fake.wait_for("views.open", count=opened_count)
    view = calls[-1].args["view"]
    assert check_view(view) == []
    state: dict = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        name, element = block["block_id"], block["element"]
        value = values.get(name)
        if element["type"] == "checkboxes":
            state[name] = {"value": {"type": "checkboxes", "selected_options": [
                {"value": v, "text": {"type": "plain_text", "text": v}} for v in (value or [])]}}
        elif element["type"] == "static_select":
            state[name] = {"value": {"type": "static_select", "selected_option": (
                {"value": value, "text": {"type": "plain_text", "text": value}} if value else None)}}
        else:
            state[name] = {"value": value if value is not None else element.get("initial_value")}
    return await slack.send(*slack.requests.view_submission(who[0], view["callback_id"], state,
                                                            private_metadata=view["private_metadata"]))


async def fill_modal(slack: SlackHarness, who: tuple, open_it: Callable[[], Awaitable[Any]],
                     values: dict) -> tuple[dict, int, str]:
    """Open a modal (by `open_it`), check it, and submit `values`. Returns (the view, status, body)."""
    opened = len(slack.fake.calls_to("views.open")) + 1
    await open_it()
    calls = await slack.fake.wait_for("views.open", count=opened)
    view = calls[-1].args["view"]
    status, body = await submit_modal(slack, who, opened, values)
    return view, status, body


def every_message_sent(slack: SlackHarness) -> list[dict]:
    """Every message the bot posted, updated or showed privately: {"text", "blocks"} as sent."""
    sent = [c.args for c in slack.fake.calls if c.method in ("chat.postMessage", "chat.update", "chat.postEphemeral")]
    return [{"text": a.get("text", ""), "blocks": a.get("blocks") or []} for a in sent]


def assert_all_conformant(slack: SlackHarness) -> None:
    for message in every_message_sent(slack):
        assert check_block_kit(message["blocks"]) == [], message
    for call in slack.fake.calls_to("views.open"):
        assert check_view(call.args["view"]) == [], call.args["view"]
    slack.fake.assert_conformant()


def ephemerals(slack: SlackHarness, who: tuple) -> list[dict]:
    """The private replies (chat.postEphemeral) the bot sent `who`, as called, oldest first."""
    return [c.args for c in slack.fake.calls_to("chat.postEphemeral") if c.args.get("user") == who[0]]


async def next_ephemeral(slack: SlackHarness, who: tuple, after: int) -> dict:
    await eventually(lambda: len(ephemerals(slack, who)) > after, f"a private reply to {who[2]}")
    return ephemerals(slack, who)[-1]
