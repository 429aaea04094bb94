"""Unit tests for the press-release workflow (Appendices D and E): refusals in words, and who signs which stage.
The table itself, pair by pair, is checked in test_workflow_tables.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.errors import InvalidTransition, ValidationFailed
from bot.domain.people import Directory, Person, Role
from bot.domain.press_release import (
    DIRECTOR,
    EXECUTIVE,
    LEAD,
    PRESS_WORKFLOW,
    Outcome,
    PressRelease,
    PressSlot,
    PressState,
    PressTimings,
    Quoted,
    ReleaseKind,
    holders,
    parse_link,
    parse_partners,
    parse_quoted,
    partner_slot,
    quote_slot,
    signers,
    slots_for,
)

P = PressState


def test_a_second_set_of_amendments_in_a_round_is_refused_in_words() -> None:
    with pytest.raises(InvalidTransition, match="already sent this round's collated amendments"):
        PRESS_WORKFLOW.apply(P.AMENDING, "send_amends")
    with pytest.raises(InvalidTransition, match="already sent the final amendments"):
        PRESS_WORKFLOW.apply(P.FINAL_AMENDS, "send_amends")
    with pytest.raises(InvalidTransition, match="time for amendments has passed"):
        PRESS_WORKFLOW.apply(P.QUOTE_APPROVAL, "send_amends")


def test_issuing_before_final_sign_off_is_refused_in_words() -> None:
    for state in (P.DIRECTOR_SIGN_OFF, P.LEAD_SIGN_OFF, P.FIRST_DRAFT):
        with pytest.raises(InvalidTransition, match="needs every sign-off"):
            PRESS_WORKFLOW.apply(state, "issue")


# --- who signs what --------------------------------------------------------------------------------------------

DIRECTORY = Directory.build({Role.DIRECTOR_OF_COMMS: ["dana@nhs.net"], Role.SIGN_OFF_DELEGATE: ["harper@nhs.net"],
                             Role.EXECUTIVE: ["evan@nhs.net"], Role.COMMS: ["casey@nhs.net"]})


def release(**kw) -> PressRelease:  # noqa: ANN003
    pr = PressRelease(ref="PR-2026-0001", kind=ReleaseKind.PROACTIVE, details={"project": "Harlow CDC"},
                      requester=Person("Sam", "sam@nhs.net", "slack", "U1"),
                      created_at=datetime(2026, 11, 27, tzinfo=UTC))
    for k, v in kw.items():
        setattr(pr, k, v)
    return pr


def test_slots_per_stage_and_skipped_stages() -> None:
    pr = release(partners=["Essex County Council", "Anglia Ruskin University"],
                 quoted=[Quoted("Dana Director", "dana@nhs.net"), Quoted("Prof Ext")])
    assert slots_for(P.EXTERNAL_SIGN_OFF, pr) == [partner_slot(1), partner_slot(2)]
    assert slots_for(P.LEAD_SIGN_OFF, pr) == [LEAD]
    assert slots_for(P.QUOTE_APPROVAL, pr) == [quote_slot(1), quote_slot(2)]
    assert slots_for(P.DIRECTOR_SIGN_OFF, pr) == [DIRECTOR]
    bare = release(outcome=Outcome.STATEMENT, executive="evan@nhs.net")
    assert slots_for(P.EXTERNAL_SIGN_OFF, bare) == [] and slots_for(P.LEAD_SIGN_OFF, bare) == []
    assert slots_for(P.QUOTE_APPROVAL, bare) == [] and slots_for(P.DIRECTOR_SIGN_OFF, bare) == [DIRECTOR, EXECUTIVE]


def test_signers_lead_defaults_to_requester_quotes_sign_themselves_partners_are_recorded() -> None:
    pr = release(quoted=[Quoted("Dana Director", "dana@nhs.net"), Quoted("Prof Ext")], partners=["ECC"])
    assert signers(LEAD, pr, DIRECTORY) == ["sam@nhs.net"]
    pr.project_lead = "Lee@NHS.net"
    assert signers(LEAD, pr, DIRECTORY) == ["lee@nhs.net"]
    assert signers(quote_slot(1), pr, DIRECTORY) == ["dana@nhs.net"]
    assert signers(quote_slot(2), pr, DIRECTORY) == [] and signers(partner_slot(1), pr, DIRECTORY) == []
    assert signers(DIRECTOR, pr, DIRECTORY) == ["dana@nhs.net", "harper@nhs.net"]
    pr.owner = Person("Casey", "casey@nhs.net", "slack", "U2")
    pr.state = P.QUOTE_APPROVAL
    assert holders(pr, DIRECTORY, set()) == ["dana@nhs.net", "casey@nhs.net"]
    assert holders(pr, DIRECTORY, {"pr_quote_1"}) == ["casey@nhs.net"]
    pr.state = P.COMMENTS
    assert holders(pr, DIRECTORY, set()) == ["lee@nhs.net"]


def test_slot_values_fit_the_sign_offs_table_and_parse_back() -> None:
    for slot in (LEAD, DIRECTOR, EXECUTIVE, partner_slot(12), quote_slot(3)):
        assert len(slot.value) <= 20 and PressSlot.parse(slot.value) == slot
    assert PressSlot.parse("comms") is None and PressSlot.parse("pr_partner_") is None
    assert partner_slot(2).stage is P.EXTERNAL_SIGN_OFF and partner_slot(2).number == 2


def test_reading_partners_quoted_and_links() -> None:
    assert parse_partners("Essex County Council\n; Anglia Ruskin University\n\n") == [
        "Essex County Council", "Anglia Ruskin University"]
    assert parse_quoted("Dana Director, Dana.Director@nhs.net\nProf Ext (University)") == [
        Quoted("Dana Director", "dana.director@nhs.net"), Quoted("Prof Ext (University)", None)]
    assert parse_link(" https://docs.example/x ") == "https://docs.example/x"
    for bad in ("http://x", "javascript:alert(1)", "https://a b", "<https://evil|x>"):
        with pytest.raises(ValidationFailed):
            parse_link(bad)


def test_timings_reactive_stages_are_hours_proactive_days() -> None:
    t = PressTimings()
    assert t.stage(ReleaseKind.REACTIVE, P.COMMENTS).total_seconds() <= 4 * 3600
    assert t.stage(ReleaseKind.PROACTIVE, P.COMMENTS).days >= 1
