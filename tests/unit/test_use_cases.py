"""The use cases against the in-memory unit of work (tests/fakes/memory_uow.py): no HTTP, no database.

They enter where both platforms' doors do (`services.actions.submit` for a form, `press` for a button) and
read what was committed: the case, its history, and the messages queued for delivery.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.domain.errors import DomainError, NotAllowed
from bot.domain.nudges import NudgePolicy
from bot.domain.people import Actor
from bot.services import actions
from bot.services.core import Core, Reply
from cards.model import ActionPayload
from tests.fakes.memory_uow import MemoryStore
from tests.slack.harness import COMMS_A, COMMS_B, DIRECTOR, EXECUTIVE, STAFF, org_config

T0 = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)  # a Friday morning in London: the office is open


def actor(who: tuple[str, str, str]) -> Actor:
    return Actor("slack", who[0], who[1], who[2])


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def core(store: MemoryStore) -> Core:
    org = org_config()
    return Core(uow=store.uow, clock=FrozenClock(T0), directory=org.directory(), tz=org.tz,
                hours=org.office_hours.hours(org.tz), rota=org.rota(), policy=NudgePolicy())


CALL = {"journalist": "Jane Reporter", "outlet": "Essex Chronicle", "outlet_kind": "newspaper",
        "phone": "01245 123456", "email": "jane@chronicle.example", "summary": "Waiting times at the walk-in centre",
        "deadline": "by 5"}


async def log_call(core: Core, store: MemoryStore) -> str:
    reply = await actions.submit(core, actor(STAFF), "media_call", {}, dict(CALL), "view:call-1")
    assert reply.errors is None, reply.errors
    (enquiry,) = store.rows("enquiries")
    return str(enquiry.ref)


async def press(core: Core, who: tuple[str, str, str], key: str, **payload: Any) -> Reply:
    return await actions.press(core, actor(who), ActionPayload(k="enquiry", **payload), key)


def history(store: MemoryStore, ref: str) -> list[str]:
    return [entry.event for case_ref, entry, _ in store.rows("history") if case_ref == ref]


def queued_titles(store: MemoryStore) -> list[str]:
    return [m.card.get("title", "") for m in store.rows("outbox")]


async def test_logging_a_call_records_the_enquiry_and_queues_the_comms_card_and_the_reporters_receipt(
        core: Core, store: MemoryStore) -> None:
    ref = await log_call(core, store)
    (enquiry,) = store.rows("enquiries")
    assert enquiry.deadline == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)  # "by 5" in London, GMT in November
    assert history(store, ref) == ["logged"]
    recipients = {(m.recipient.kind, m.recipient.address) for m in store.rows("outbox")}
    assert recipients == {("comms_channel", None), ("user", STAFF[0])}


async def test_two_officers_claiming_at_once_one_wins_and_the_other_is_told_who(core: Core,
                                                                                store: MemoryStore) -> None:
    ref = await log_call(core, store)
    results = await asyncio.gather(press(core, COMMS_A, "click-a", a="claim", id=ref),
                                   press(core, COMMS_B, "click-b", a="claim", id=ref), return_exceptions=True)
    won = [r for r in results if isinstance(r, Reply)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == 1, results
    (enquiry,) = store.rows("enquiries")
    assert "has already claimed" in lost[0].message and enquiry.owner.name in lost[0].message
    assert history(store, ref).count("claim") == 1


async def test_a_replayed_click_is_done_once(core: Core, store: MemoryStore) -> None:
    ref = await log_call(core, store)
    assert "You have claimed" in (await press(core, COMMS_A, "click-1", a="claim", id=ref)).text
    assert await press(core, COMMS_A, "click-1", a="claim", id=ref) == Reply()
    assert history(store, ref).count("claim") == 1


async def test_staff_outside_comms_may_not_claim_and_nothing_is_written(core: Core, store: MemoryStore) -> None:
    ref = await log_call(core, store)
    before = store.commits
    with pytest.raises(NotAllowed):
        await press(core, STAFF, "click-staff", a="claim", id=ref)
    assert store.commits == before and store.rows("enquiries")[0].owner is None


async def drafted_and_sent(core: Core, store: MemoryStore, text: str = "We are sorry for the wait.") -> tuple[str, Any]:
    ref = await log_call(core, store)
    await press(core, COMMS_A, "claim-1", a="claim", id=ref)
    reply = await actions.submit(core, actor(COMMS_A), "statement", {"ref": ref},
                                 {"statement": text, "spokesperson": "written"}, "view:draft-1")
    assert reply.errors is None, reply.errors
    await press(core, COMMS_A, "send-1", a="request_sign_off", id=ref)
    drafts = [d for case_ref, d, _ in store.rows("drafts") if case_ref == ref]
    return ref, drafts[-1]


async def test_the_director_approves_the_exact_text_sent_for_sign_off(core: Core, store: MemoryStore) -> None:
    ref, draft = await drafted_and_sent(core, store)
    await press(core, DIRECTOR, "approve-1", a="approve", id=ref, v=draft.number, x=f"comms:{draft.fingerprint}")
    (enquiry,) = store.rows("enquiries")
    assert enquiry.state.value == "approved"
    (decision,) = [s for case_ref, s, _ in store.rows("sign_offs") if case_ref == ref]
    assert (decision.version, decision.fingerprint, decision.by_email) == (draft.number, draft.fingerprint, DIRECTOR[1])


async def test_an_approval_for_other_words_is_refused_and_records_nothing(core: Core, store: MemoryStore) -> None:
    ref, draft = await drafted_and_sent(core, store)
    with pytest.raises(DomainError):
        await press(core, DIRECTOR, "approve-old", a="approve", id=ref, v=draft.number, x="comms:not-these-words")
    assert store.rows("sign_offs") == [] and store.rows("enquiries")[0].state.value == "awaiting_sign_off"


async def test_only_the_people_allowed_to_sign_off_may_approve(core: Core, store: MemoryStore) -> None:
    ref, draft = await drafted_and_sent(core, store)
    for who in (COMMS_B, STAFF, EXECUTIVE):
        with pytest.raises(NotAllowed):
            await press(core, who, f"approve-{who[0]}", a="approve", id=ref, v=draft.number,
                        x=f"comms:{draft.fingerprint}")
    assert store.rows("sign_offs") == []


async def test_two_approvals_of_one_slot_at_once_record_one_decision(core: Core, store: MemoryStore) -> None:
    ref, draft = await drafted_and_sent(core, store)
    click = dict(a="approve", id=ref, v=draft.number, x=f"comms:{draft.fingerprint}")
    results = await asyncio.gather(press(core, DIRECTOR, "approve-phone", **click),
                                   press(core, DIRECTOR, "approve-laptop", **click), return_exceptions=True)
    assert len(store.rows("sign_offs")) == 1
    assert history(store, ref).count("approve_last") == 1
    texts = sorted(r.text if isinstance(r, Reply) else r.message for r in results)
    assert texts == ["This draft has already been approved.", f"You approved version 1 of {ref}."]
