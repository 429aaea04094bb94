"""The server SIGKILLed at the worst moments, as a separate process on a real database: nothing answered 200 is
lost, nothing is posted twice, and a restart (or, on PostgreSQL, the surviving replica) carries on by itself."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.slack_api import FakeSlackApi
from tests.slack.harness import COMMS_A, COMMS_CHANNEL, STAFF, eventually, text_of
from tests.slack.process import ServerProcess, process_fake

pytestmark = pytest.mark.kill

DM = "D" + STAFF[0]


@pytest.fixture
async def fake() -> Any:
    api = await process_fake()
    try:
        yield api
    finally:
        await api.stop()


@pytest.fixture
async def server(fake: FakeSlackApi, database_url: str, tmp_path: Path) -> Any:
    async with ServerProcess(fake, database_url, tmp_path) as process:
        yield process


def outbox_ids(fake: FakeSlackApi) -> Counter[int]:
    """How many messages Slack holds for each outbox row (every post carries its row's id as metadata)."""
    held = Counter()
    for (_, _), message in fake._messages.items():  # noqa: SLF001 - the fake's own store: what Slack holds
        payload = (message.get("metadata") or {}).get("event_payload") or {}
        if "outbox_id" in payload:
            held[payload["outbox_id"]] += 1
    return held


def cards(fake: FakeSlackApi) -> list[dict[str, Any]]:
    return fake.messages_in(COMMS_CHANNEL)


async def to_review(server: ServerProcess, who: tuple[str, str, str] = STAFF) -> dict[str, Any]:
    dm = "D" + who[0]
    before = len(server.dms(who))
    await server.command(who, "BBC Essex, A&E waiting times, 01245 123456, deadline tomorrow 4pm")
    await server.next_dm(who, before, timeout=20)
    await server.say(who, "Sam Reporter")
    kind = await server.next_dm(who, before + 1, timeout=20)
    await server.click(who, kind, "TV or radio", channel=dm)
    email = await server.next_dm(who, before + 2, timeout=20)
    await server.click(who, email, "Skip", channel=dm)
    return await server.next_dm(who, before + 3, timeout=20)


async def test_killed_while_slack_holds_its_answer_to_the_card_post_one_card_after_restart(
    server: ServerProcess, fake: FakeSlackApi,
) -> None:
    review = await to_review(server)
    fake.hang_next("chat.postMessage", channel=COMMS_CHANNEL, accepted=True)
    await server.click(STAFF, review, "Send to comms", channel=DM)
    await fake.wait_for("chat.postMessage", timeout=20, predicate=lambda c: c.hung)
    await server.killed()  # Slack has the card; its answer never reaches us
    fake.release()

    await server.start()
    await server.settle()
    [card] = cards(fake)
    assert "MC-" in text_of(card)
    confirmations = [m for m in server.dms(STAFF) if "Please don't reply to the journalist yourself" in text_of(m)]
    assert len(confirmations) == 1
    assert max(outbox_ids(fake).values()) == 1

    await server.click(COMMS_A, card, "Claim", channel=COMMS_CHANNEL)
    await eventually(lambda: f"Claimed by {COMMS_A[2]}" in text_of(cards(fake)[0]), "the card claimed", 20)
    assert len(cards(fake)) == 1, "the claim updated the one card in place"


async def test_slack_accepts_a_post_and_answers_500_one_card_one_dm(server: ServerProcess, fake: FakeSlackApi) -> None:
    review = await to_review(server)
    fake.fail_next("chat.postMessage", status=500, channel=COMMS_CHANNEL, accepted=True)
    fake.fail_next("chat.postMessage", status=500, channel=STAFF[0], accepted=True)
    await server.click(STAFF, review, "Send to comms", channel=DM)
    await server.settle(timeout=30)
    assert len(cards(fake)) == 1
    confirmations = [m for m in server.dms(STAFF) if "Please don't reply to the journalist yourself" in text_of(m)]
    assert len(confirmations) == 1
    assert max(outbox_ids(fake).values()) == 1


async def test_an_answer_that_got_its_200_counts_after_a_kill_and_the_next_question_comes_by_itself(
    server: ServerProcess, fake: FakeSlackApi,
) -> None:
    await server.command(STAFF, "BBC Essex, A&E waiting times, 01245 123456, deadline tomorrow 4pm")
    await server.next_dm(STAFF, 0, timeout=20)
    await server.killed()
    await server.start()  # a fresh process: it must look the person up again
    fake.hang_next("users.info")  # ...and that is where the work stops, after the 200
    status, _ = await server.say(STAFF, "Sam Reporter")
    assert status == 200
    await fake.wait_for("users.info", timeout=20, predicate=lambda c: c.hung)
    await server.killed()
    fake.release()
    asked = len(server.dms(STAFF))

    started = time.monotonic()
    await server.start()
    kind = await server.next_dm(STAFF, asked - 1 + 1, timeout=15)  # nobody types anything
    waited = time.monotonic() - started
    assert "TV or radio" in text_of(kind) or "kind of outlet" in text_of(kind).lower(), text_of(kind)
    assert waited < 15, f"the next question took {waited:.1f} s"
    await server.settle()
    assert len([m for m in server.dms(STAFF) if text_of(m) == text_of(kind)]) == 1


async def test_many_staff_logging_at_once_through_three_kills_every_enquiry_one_card(
    fake: FakeSlackApi, database_url: str, tmp_path: Path,
) -> None:
    staff = [(f"U_S{n:02d}", f"staff{n}@example.nhs.uk", f"Staff {n}") for n in range(8)]
    fake.add_people(*staff)
    server = ServerProcess(fake, database_url, tmp_path)
    await server.start()
    fake.delay = 0.02  # Slack takes a little while: kills land mid-send as well as mid-request
    try:
        async def one(who: tuple[str, str, str]) -> None:
            review = await to_review(server, who)
            await server.click(who, review, "Send to comms", channel="D" + who[0])

        logging = asyncio.gather(*(one(who) for who in staff))
        rng = random.Random(12)
        for _ in range(3):
            await asyncio.sleep(rng.uniform(0.3, 1.2))
            await server.killed()
            await server.start()
        await asyncio.wait_for(logging, timeout=120)
        await server.settle(timeout=60)
    finally:
        await server.stop()

    refs = Counter(next(word.strip('"*,.:') for word in text_of(card).split() if word.startswith("MC-"))
                   for card in cards(fake))
    assert len(refs) == len(staff) and set(refs.values()) == {1}, refs
    assert set(outbox_ids(fake).values()) == {1}, "no message of any kind is held twice"
    for who in staff:
        confirmations = [m for m in server.dms(who) if "Please don't reply to the journalist yourself" in text_of(m)]
        assert len(confirmations) == 1, who


class Replicas(ServerProcess):
    """Two server processes on one database behind a balancer that alternates, and fails over to the other."""

    def __init__(self, fake: FakeSlackApi, database_url: str, workdir: Path) -> None:
        super().__init__(fake, database_url, workdir)
        (workdir / "b").mkdir()
        self.replicas = [ServerProcess(fake, database_url, workdir), ServerProcess(fake, database_url, workdir / "b")]
        self._turn = 0

    async def start(self, **overrides: Any) -> Replicas:
        for replica in self.replicas:
            await replica.start(**overrides)
        return self

    async def stop(self) -> None:
        for replica in self.replicas:
            await replica.stop()

    async def send(self, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        self._turn += 1
        for attempt in range(200):
            replica = self.replicas[(self._turn + attempt) % 2]
            if replica.proc is None or replica.proc.returncode is not None or replica.session is None:
                continue
            try:
                async with replica.session.post(replica.url, data=body, headers=headers) as response:
                    return response.status, await response.text()
            except Exception:  # noqa: BLE001 - a replica going away mid-request: the balancer tries the other
                await asyncio.sleep(0.05)
        raise AssertionError("no replica answered")


async def test_two_replicas_one_killed_mid_burst_every_message_once_and_its_work_taken_over_in_15_s(
    fake: FakeSlackApi, database_url: str, tmp_path: Path,
) -> None:
    if database_url.startswith("sqlite"):
        pytest.skip("replicas need PostgreSQL: SQLite allows one process")
    pg_database_url = database_url
    from sqlalchemy import select

    from storage.db import open_database
    from storage.models import OutboxRow

    staff = [(f"U_R{n:02d}", f"replica{n}@example.nhs.uk", f"Replica {n}") for n in range(10)]
    fake.add_people(*staff)
    both = Replicas(fake, pg_database_url, tmp_path)
    await both.start()
    fake.delay = 0.05
    db = open_database(pg_database_url)
    try:
        async def one(who: tuple[str, str, str]) -> None:
            review = await to_review(both, who)
            await both.click(who, review, "Send to comms", channel="D" + who[0])

        burst = asyncio.gather(*(one(who) for who in staff))
        # Kill the second replica once it holds leased messages of its own.
        async def leased() -> list[int]:
            async with db.sessions() as s:
                return list((await s.execute(select(OutboxRow.id).where(
                    OutboxRow.status == "pending", OutboxRow.lease_until.is_not(None)))).scalars())

        deadline = time.monotonic() + 60
        held: list[int] = []
        while time.monotonic() < deadline and len(held) < 3:
            held = await leased()
            await asyncio.sleep(0.01)
        assert held, "the burst never had messages in flight"
        await both.replicas[1].killed()
        killed_at = time.monotonic()

        async def all_sent() -> bool:
            async with db.sessions() as s:
                statuses = (await s.execute(select(OutboxRow.status).where(OutboxRow.id.in_(held)))).scalars()
                return all(status == "sent" for status in statuses)

        while not await all_sent():
            assert time.monotonic() - killed_at < 15, "the dead replica's leased messages were not taken over"
            await asyncio.sleep(0.1)
        await asyncio.wait_for(burst, timeout=120)
        await both.replicas[0].settle(timeout=60)
    finally:
        await db.dispose()
        await both.stop()

    refs = Counter(next(word.strip('"*,.:') for word in text_of(card).split() if word.startswith("MC-"))
                   for card in cards(fake))
    assert len(refs) == len(staff) and set(refs.values()) == {1}, refs
    assert set(outbox_ids(fake).values()) == {1}, "no message of any kind is held twice"
