"""Unit tests for the crisis workflow (Appendix C): its refusals in words, its effects, and who signs a holding line
off. The table itself, pair by pair, is checked in test_workflow_tables.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.crisis import (
    CRISIS_WORKFLOW,
    Crisis,
    CrisisEffect,
    CrisisSlot,
    CrisisState,
    crisis_approvers,
    required_crisis_slots,
)
from bot.domain.errors import InvalidTransition
from bot.domain.people import Directory, Person, Role

C, F = CrisisState, CrisisEffect


def test_a_stood_down_crisis_refuses_everything_and_says_so() -> None:
    for event in CRISIS_WORKFLOW.events:
        with pytest.raises(InvalidTransition, match="^This crisis has been stood down.$"):
            CRISIS_WORKFLOW.apply(C.STOOD_DOWN, event)
    assert CRISIS_WORKFLOW.events_from(C.STOOD_DOWN) == []


@pytest.mark.parametrize(("state", "event", "words"), [
    (C.ACKNOWLEDGED, "acknowledge", "already taken"),
    (C.CIRCULATED, "acknowledge", "already taken"),
    (C.REPORTED, "draft_line", "must acknowledge"),
    (C.REPORTED, "circulate", "no signed-off line"),
    (C.ACKNOWLEDGED, "circulate", "no signed-off line"),
    (C.LINE_DRAFTED, "circulate", "must be signed off before it is circulated"),
    (C.CIRCULATED, "circulate", "already been circulated"),
    (C.SIGNED_OFF, "approve", "already been signed off"),
    (C.SIGNED_OFF, "approve_last", "already been signed off"),
    (C.SIGNED_OFF, "request_changes", "already been signed off"),
    (C.ACKNOWLEDGED, "approve", "not waiting for sign-off"),
    (C.REPORTED, "approve", "no holding line"),
    (C.CIRCULATED, "approve", "signed off and circulated"),
    (C.REPORTED, "stand_down", "Acknowledge the crisis before"),
    (C.REPORTED, "lead_agency", "while the crisis is reported"),
    (C.ACKNOWLEDGED, "approve_last", "not waiting for sign-off"),
])
def test_refusals_say_what_is_wrong(state: CrisisState, event: str, words: str) -> None:
    with pytest.raises(InvalidTransition) as caught:
        CRISIS_WORKFLOW.apply(state, event)
    assert words in caught.value.message


@pytest.mark.parametrize(("state", "event", "effects"), [
    (C.REPORTED, "acknowledge", {F.UPDATE_CARD, F.TELL_REPORTER}),
    (C.ACKNOWLEDGED, "draft_line", {F.UPDATE_CARD, F.ASK_APPROVERS}),
    (C.LINE_DRAFTED, "draft_line", {F.UPDATE_CARD, F.UPDATE_APPROVER_CARDS, F.ASK_APPROVERS}),
    (C.SIGNED_OFF, "draft_line", {F.UPDATE_CARD, F.UPDATE_APPROVER_CARDS, F.ASK_APPROVERS}),
    (C.LINE_DRAFTED, "approve_last", {F.UPDATE_CARD, F.UPDATE_APPROVER_CARDS, F.TELL_LEAD}),
    (C.LINE_DRAFTED, "request_changes", {F.UPDATE_CARD, F.UPDATE_APPROVER_CARDS, F.TELL_LEAD}),
    (C.SIGNED_OFF, "circulate", {F.UPDATE_CARD, F.CIRCULATE}),
    (C.ACKNOWLEDGED, "stand_down", {F.UPDATE_CARD, F.TELL_REPORTER, F.UPDATE_APPROVER_CARDS}),
    (C.REPORTED, "add_update", {F.UPDATE_CARD}),
])
def test_effects_of_the_main_steps(state: CrisisState, event: str, effects: set[CrisisEffect]) -> None:
    assert set(CRISIS_WORKFLOW.apply(state, event).effects) == effects


# --- who signs a holding line off ---------------------------------------------------------------------------

DIRECTORY = Directory.build({
    Role.COMMS: ["casey.comms@example.nhs.uk"],
    Role.DIRECTOR_OF_COMMS: ["Dana.Director@example.nhs.uk"],
    Role.SIGN_OFF_DELEGATE: ["harper.head@example.nhs.uk", "dana.director@example.nhs.uk"],
    Role.HEAD_OF_DEPARTMENT: ["hugo.hod@example.nhs.uk"],
    Role.EXECUTIVE: ["evan.exec@example.nhs.uk"],
})


def crisis(**kwargs: object) -> Crisis:
    return Crisis(ref="CR-2026-0001", details={"what": "A fire in the car park"},
                  reporter=Person("Sam Staff", "sam.staff@example.nhs.uk", "slack", "U_STAFF"),
                  created_at=datetime(2026, 11, 28, 21, 0, tzinfo=UTC), **kwargs)  # type: ignore[arg-type]


def test_a_line_needs_the_head_of_department_and_the_director_or_delegate() -> None:
    assert required_crisis_slots(crisis()) == [CrisisSlot.HEAD_OF_DEPARTMENT, CrisisSlot.COMMS]
    assert required_crisis_slots(crisis(lead_agency="")) == [CrisisSlot.HEAD_OF_DEPARTMENT, CrisisSlot.COMMS]


def test_a_lead_agency_adds_its_own_sign_off() -> None:
    assert required_crisis_slots(crisis(lead_agency="Essex Police (Gold command)")) == [
        CrisisSlot.HEAD_OF_DEPARTMENT, CrisisSlot.COMMS, CrisisSlot.LEAD_AGENCY]


def test_the_head_of_department_slot_is_the_one_named_with_the_line() -> None:
    assert crisis_approvers(CrisisSlot.HEAD_OF_DEPARTMENT, crisis(), DIRECTORY) == []
    named = crisis(head_of_department="Hugo.Hod@Example.NHS.uk")
    assert crisis_approvers(CrisisSlot.HEAD_OF_DEPARTMENT, named, DIRECTORY) == ["hugo.hod@example.nhs.uk"]


def test_the_comms_slot_is_the_director_then_delegates_each_once() -> None:
    assert crisis_approvers(CrisisSlot.COMMS, crisis(), DIRECTORY) == [
        "dana.director@example.nhs.uk", "harper.head@example.nhs.uk"]
    nobody = Directory.build({Role.COMMS: ["casey.comms@example.nhs.uk"]})
    assert crisis_approvers(CrisisSlot.COMMS, crisis(), nobody) == []


def test_nobody_approves_for_the_lead_agency_through_the_bot() -> None:
    # The agency's sign-off is recorded by comms, not asked of a person in the directory.
    agency = crisis(lead_agency="Essex Police (Gold command)", head_of_department="hugo.hod@example.nhs.uk")
    assert crisis_approvers(CrisisSlot.LEAD_AGENCY, agency, DIRECTORY) == []


def test_patient_safety_follows_the_harm_answer() -> None:
    for harm, expected in (("patients", True), ("both", True), ("staff", False), ("none", False),
                           ("unknown", False), (None, False)):
        c = crisis()
        c.details = {"what": "x", "harm": harm}
        assert c.patient_safety is expected, harm
    assert crisis().summary == "A fire in the car park"
