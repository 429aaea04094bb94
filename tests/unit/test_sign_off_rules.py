"""The sign-off rules every kind of case shares: a slot decided once per version, and which approval is last."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.crisis import CrisisSlot
from bot.domain.statement import Decision, SignOff, Slot, completes_round, decided_on

AT = datetime(2026, 11, 27, 14, 5, tzinfo=UTC)


def signed(slot: object, decision: Decision = Decision.APPROVED) -> SignOff:
    return SignOff(1, "f" * 64, slot, decision, "Someone", None, AT)  # type: ignore[arg-type]


def test_a_slot_is_decided_once_whatever_kind_of_case_names_it() -> None:
    decisions = [signed(Slot.COMMS), signed("pr_lead", Decision.CHANGES)]
    assert decided_on(decisions, Slot.COMMS) is decisions[0]
    assert decided_on(decisions, CrisisSlot.COMMS) is decisions[0]  # the same value, another enum
    assert decided_on(decisions, "pr_lead") is decisions[1]
    assert decided_on(decisions, Slot.EXECUTIVE) is None


def test_the_last_approval_is_the_one_that_leaves_every_required_slot_approved() -> None:
    required = [Slot.COMMS, Slot.EXECUTIVE]
    assert not completes_round([], Slot.COMMS, required)
    assert completes_round([signed(Slot.EXECUTIVE)], Slot.COMMS, required)
    assert not completes_round([signed(Slot.EXECUTIVE, Decision.CHANGES)], Slot.COMMS, required)
    assert completes_round([], Slot.COMMS, [Slot.COMMS])
    assert completes_round([], "pr_director", [])  # nothing required: any approval completes it
