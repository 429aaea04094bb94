"""Unit tests for the crisis workflow table (Appendix C), its refusals, and who signs a holding line off."""

from __future__ import annotations

import itertools
import re
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
ACTIVE = (C.REPORTED, C.ACKNOWLEDGED, C.LINE_DRAFTED, C.SIGNED_OFF, C.CIRCULATED)
TAKEN = (C.ACKNOWLEDGED, C.LINE_DRAFTED, C.SIGNED_OFF, C.CIRCULATED)  # a comms lead has it

# The flow as the issue describes it: reported -> acknowledged (a comms lead takes it) -> line_drafted (a holding
# line goes straight to its approvers) -> signed_off -> circulated -> stood down; a new version of the line may be
# drafted at any point after the lead takes it; updates, details and confirmations never move the crisis.
EXPECTED: dict[tuple[CrisisState, str], CrisisState] = {
    (C.REPORTED, "acknowledge"): C.ACKNOWLEDGED,
    (C.ACKNOWLEDGED, "draft_line"): C.LINE_DRAFTED,
    (C.LINE_DRAFTED, "draft_line"): C.LINE_DRAFTED,
    (C.SIGNED_OFF, "draft_line"): C.LINE_DRAFTED,
    (C.CIRCULATED, "draft_line"): C.LINE_DRAFTED,
    (C.LINE_DRAFTED, "approve"): C.LINE_DRAFTED,
    (C.LINE_DRAFTED, "approve_last"): C.SIGNED_OFF,
    (C.LINE_DRAFTED, "request_changes"): C.ACKNOWLEDGED,
    (C.SIGNED_OFF, "circulate"): C.CIRCULATED,
    **{(s, "add_update"): s for s in ACTIVE},
    **{(s, "details"): s for s in ACTIVE},
    (C.CIRCULATED, "confirm_line"): C.CIRCULATED,  # only once an official line went out
    (C.SIGNED_OFF, "agency_needed"): C.LINE_DRAFTED,  # a lead agency named after sign-off must sign too
    **{(s, "stand_down"): C.STOOD_DOWN for s in TAKEN},
    **{(s, "lead_agency"): s for s in TAKEN},
}
EVENTS = sorted(CRISIS_WORKFLOW.events)
ALL_PAIRS = list(itertools.product(list(CrisisState), EVENTS))
REFUSED = [pair for pair in ALL_PAIRS if pair not in EXPECTED]


def test_the_table_is_exactly_the_expected_one() -> None:
    assert EVENTS == sorted(["acknowledge", "draft_line", "approve", "approve_last", "request_changes", "circulate",
                             "add_update", "details", "confirm_line", "stand_down", "lead_agency",
                             "agency_needed"])
    assert {(t.source, t.event): t.target for t in CRISIS_WORKFLOW.transitions} == EXPECTED
    assert len(ALL_PAIRS) == len(EXPECTED) + len(REFUSED)


@pytest.mark.parametrize(("state", "event"), list(EXPECTED), ids=lambda v: str(v))
def test_allowed_events_go_to_the_tables_target(state: CrisisState, event: str) -> None:
    assert CRISIS_WORKFLOW.allows(state, event)
    transition = CRISIS_WORKFLOW.apply(state, event)
    assert (transition.source, transition.event, transition.target) == (state, event, EXPECTED[(state, event)])
    assert CrisisEffect.UPDATE_CARD in transition.effects  # every step shows on the comms card


@pytest.mark.parametrize(("state", "event"), REFUSED, ids=lambda v: str(v))
def test_every_other_pair_is_refused_with_a_plain_sentence(state: CrisisState, event: str) -> None:
    assert not CRISIS_WORKFLOW.allows(state, event)
    with pytest.raises(InvalidTransition) as caught:
        CRISIS_WORKFLOW.apply(state, event)
    message = caught.value.message
    assert message == str(caught.value)
    assert message[:1].isupper(), message
    assert message.endswith("."), message
    assert "_" not in message, message  # no state or event names leak out
    assert not re.search(r"\b(None|CrisisState|line_drafted|signed_off|stood_down)\b", message), message
    assert len(message.split()) >= 4, message


def test_a_stood_down_crisis_refuses_everything_and_says_so() -> None:
    for event in EVENTS:
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
