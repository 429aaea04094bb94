"""Unit tests for the enquiry workflow's refusals and effects, the generic Workflow, and who may act (`authorise`).
The table itself, pair by pair, is checked in test_workflow_tables.py."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

import pytest

from bot.domain import guidance
from bot.domain.enquiry import ENQUIRY_WORKFLOW, Effect, Enquiry, EnquiryState, authorise
from bot.domain.errors import InvalidTransition, NotAllowed
from bot.domain.people import Actor, Directory, Person, Role
from bot.domain.workflow import Transition, Workflow

S = EnquiryState


@pytest.mark.parametrize(
    ("state", "event", "message"),
    [
        (S.CLAIMED, "claim", "Someone has already claimed this enquiry."),
        (S.OPEN, "release", "Nobody has claimed this enquiry, so there is nothing to release."),
        (S.OPEN, "hand_over", "Claim the enquiry first; then you can hand it over."),
        (S.OPEN, "close", "Claim the enquiry first."),
        (S.CLOSED, "claim", "This enquiry is already closed."),
        (S.CLOSED, "approve", "This enquiry is already closed."),
        (S.WITHDRAWN, "claim", "This enquiry was withdrawn."),
        (S.APPROVED, "approve", "This draft has already been approved."),
        (S.CLAIMED, "approve", "This draft is not waiting for sign-off (it may have been edited since)."),
        (S.CLAIMED, "issue", "The response needs sign-off before it can be issued."),
        (S.AWAITING_SIGN_OFF, "issue", "The response is still waiting for sign-off."),
        (S.APPROVED, "close", "The response is approved: mark it as issued to close the enquiry."),
        (S.REJECTED, "request_sign_off",
         "The draft was rejected: save a new draft before asking for sign-off again."),
    ],
)
def test_refusal_sentences(state: EnquiryState, event: str, message: str) -> None:
    with pytest.raises(InvalidTransition) as caught:
        ENQUIRY_WORKFLOW.apply(state, event)
    assert caught.value.message == message


def test_closed_and_withdrawn_are_final() -> None:
    assert ENQUIRY_WORKFLOW.events_from(S.CLOSED) == []
    assert ENQUIRY_WORKFLOW.events_from(S.WITHDRAWN) == []


def test_events_from_each_state() -> None:
    assert sorted(ENQUIRY_WORKFLOW.events_from(S.OPEN)) == ["acknowledge", "claim", "withdraw"]
    assert sorted(ENQUIRY_WORKFLOW.events_from(S.APPROVED)) == ["draft", "hand_over", "issue", "tick", "withdraw"]


@pytest.mark.parametrize(
    ("state", "event", "effects"),
    [
        (S.OPEN, "claim", (Effect.UPDATE_CARD, Effect.BRIEF_OWNER, Effect.NOTIFY_REPORTER)),
        (S.CLAIMED, "release", (Effect.UPDATE_CARD, Effect.NOTIFY_PREVIOUS_OWNER)),
        (S.CLAIMED, "hand_over", (Effect.UPDATE_CARD, Effect.BRIEF_OWNER, Effect.NOTIFY_PREVIOUS_OWNER)),
        (S.CLAIMED, "request_sign_off", (Effect.UPDATE_CARD, Effect.ASK_APPROVERS)),
        (S.AWAITING_SIGN_OFF, "approve_last", (Effect.UPDATE_CARD, Effect.UPDATE_APPROVER_CARDS, Effect.TELL_OWNER)),
        (S.APPROVED, "issue", (Effect.UPDATE_CARD, Effect.REPORTER_CLOSED)),
    ],
)
def test_effects(state: EnquiryState, event: str, effects: tuple[Effect, ...]) -> None:
    assert ENQUIRY_WORKFLOW.apply(state, event).effects == effects


def test_an_unknown_event_is_refused() -> None:
    with pytest.raises(InvalidTransition) as caught:
        ENQUIRY_WORKFLOW.apply(S.OPEN, "explode")
    assert caught.value.message == "Claim the enquiry first."


# --- the generic Workflow ------------------------------------------------------------------------------------


class Light(StrEnum):
    RED = "red"
    GREEN = "green"


def test_duplicate_transitions_raise_value_error() -> None:
    with pytest.raises(ValueError, match=r"lights: duplicate transition"):
        Workflow("lights", [Transition(Light.RED, "go", Light.GREEN), Transition(Light.RED, "go", Light.RED)])


def test_the_same_event_from_different_states_is_not_a_duplicate() -> None:
    flow = Workflow("lights", [Transition(Light.RED, "toggle", Light.GREEN),
                               Transition(Light.GREEN, "toggle", Light.RED)])
    assert flow.apply(Light.RED, "toggle").target is Light.GREEN
    assert flow.apply(Light.GREEN, "toggle").target is Light.RED


def test_default_refusal_names_the_state() -> None:
    flow = Workflow("lights", [Transition(Light.RED, "go", Light.GREEN)])
    with pytest.raises(InvalidTransition) as caught:
        flow.apply(Light.GREEN, "go")
    assert caught.value.message == "That can't be done while the case is green."


# --- who may act ---------------------------------------------------------------------------------------------

DIRECTORY = Directory.build(
    {
        Role.COMMS: ["Casey.Comms@Example.nhs.uk", " alex.press@example.nhs.uk "],
        Role.DIRECTOR_OF_COMMS: ["dana.director@example.nhs.uk"],
    },
    names={"Casey.Comms@Example.nhs.uk": "Casey Comms"},
)
CASEY = Actor("slack", "UCASEY", "casey.comms@example.nhs.uk", "Casey Comms")
CASEY_SHOUTING = Actor("slack", "UCASEY", "CASEY.COMMS@EXAMPLE.NHS.UK", "Casey Comms")
ALEX = Actor("teams", "29:alex", "Alex.Press@example.nhs.uk", "Alex Press")
REPORTER = Actor("slack", "UREP", "rory.reporter@example.nhs.uk", "Rory Ward")
STRANGER = Actor("slack", "USTRANGE", "someone.else@example.nhs.uk", "Someone Else")
DIRECTOR = Actor("slack", "UDANA", "dana.director@example.nhs.uk", "Dana Director")
NO_EMAIL = Actor("slack", "UNOMAIL", None, "No Email")
REPORTER_ON_TEAMS = Actor("teams", "UREP", "rory.reporter@example.nhs.uk", "Rory Ward")


def enquiry(owner: Person | None = None, state: EnquiryState = S.OPEN) -> Enquiry:
    return Enquiry(
        ref="MC-2026-0001",
        journalist="Sam Reporter",
        outlet="BBC Essex",
        outlet_kind="broadcast",
        phone="01245 123456",
        email=None,
        summary="A&E waiting times",
        deadline=datetime(2026, 11, 27, 16, 0, tzinfo=UTC),
        reporter=Person("Rory Ward", "rory.reporter@example.nhs.uk", "slack", "UREP"),
        created_at=datetime(2026, 11, 27, 14, 5, tzinfo=UTC),
        state=state,
        owner=owner,
    )


CASEY_OWNS = Person("Casey Comms", "casey.comms@example.nhs.uk", "slack", "UCASEY")


def refusal(actor: Actor, action: str, target: str | None = None, case: Enquiry | None = None) -> str:
    with pytest.raises(NotAllowed) as caught:
        authorise(DIRECTORY, actor, case or enquiry(), action, target)
    return caught.value.message


@pytest.mark.parametrize("actor", [CASEY, CASEY_SHOUTING, ALEX], ids=["casey", "casey-upper", "alex-mixed"])
@pytest.mark.parametrize("action", ["claim", "release", "close", "withdraw"])
def test_comms_may_act_whatever_the_email_case(actor: Actor, action: str) -> None:
    assert authorise(DIRECTORY, actor, enquiry(CASEY_OWNS, S.CLAIMED), action) is None


@pytest.mark.parametrize("actor", [REPORTER, STRANGER, DIRECTOR, NO_EMAIL], ids=["reporter", "stranger", "director",
                                                                               "no-email"])
def test_claim_by_someone_outside_comms_gets_the_polite_guidance(actor: Actor) -> None:
    message = refusal(actor, "claim")
    assert message == guidance.NOT_COMMS
    assert message.startswith("Only members of the communications team can claim media enquiries.")
    assert "ask the Director of Communications to add you" in message


@pytest.mark.parametrize("action", ["release", "hand_over", "close"])
@pytest.mark.parametrize("actor", [REPORTER, STRANGER, DIRECTOR], ids=["reporter", "stranger", "director"])
def test_other_ownership_changes_by_non_comms_are_refused(actor: Actor, action: str) -> None:
    message = refusal(actor, action, "alex.press@example.nhs.uk", enquiry(CASEY_OWNS, S.CLAIMED))
    assert message == "Only members of the communications team can change who owns a media enquiry."


@pytest.mark.parametrize("target", ["alex.press@example.nhs.uk", "ALEX.PRESS@example.NHS.uk"])
def test_hand_over_to_another_comms_member_is_allowed(target: str) -> None:
    assert authorise(DIRECTORY, CASEY, enquiry(CASEY_OWNS, S.CLAIMED), "hand_over", target) is None


@pytest.mark.parametrize(
    "target",
    [None, "", "rory.reporter@example.nhs.uk", "dana.director@example.nhs.uk", "nobody@example.nhs.uk"],
)
def test_hand_over_to_someone_outside_comms_is_refused(target: str | None) -> None:
    message = refusal(CASEY, "hand_over", target, enquiry(CASEY_OWNS, S.CLAIMED))
    assert message == "Enquiries can only be handed over to a member of the communications team."


@pytest.mark.parametrize("target", ["casey.comms@example.nhs.uk", "Casey.Comms@Example.NHS.UK"])
def test_hand_over_to_the_current_owner_is_refused(target: str) -> None:
    message = refusal(ALEX, "hand_over", target, enquiry(CASEY_OWNS, S.CLAIMED))
    assert message == "Casey Comms already owns this enquiry."


@pytest.mark.parametrize("actor", [REPORTER, CASEY, ALEX], ids=["reporter", "comms", "comms-on-teams"])
def test_withdraw_is_allowed_for_the_reporter_and_comms(actor: Actor) -> None:
    assert authorise(DIRECTORY, actor, enquiry(), "withdraw") is None


@pytest.mark.parametrize("actor", [STRANGER, DIRECTOR, NO_EMAIL, REPORTER_ON_TEAMS],
                         ids=["stranger", "director", "no-email", "same-id-other-platform"])
def test_withdraw_is_refused_for_everyone_else(actor: Actor) -> None:
    message = refusal(actor, "withdraw")
    assert message == "Only the person who logged this enquiry or the communications team can withdraw it."


def test_directory_matches_emails_ignoring_case_and_spaces() -> None:
    assert DIRECTORY.roles_of("CASEY.COMMS@example.nhs.uk") == frozenset({Role.COMMS})
    assert DIRECTORY.roles_of("alex.press@EXAMPLE.nhs.uk") == frozenset({Role.COMMS})
    assert DIRECTORY.roles_of("rory.reporter@example.nhs.uk") == frozenset()
    assert DIRECTORY.roles_of(None) == frozenset()
    assert DIRECTORY.roles_of("") == frozenset()
    assert DIRECTORY.has(CASEY_SHOUTING, Role.COMMS)
    assert not DIRECTORY.has(CASEY, Role.DIRECTOR_OF_COMMS)
    assert DIRECTORY.people_with_comms() == ["alex.press@example.nhs.uk", "casey.comms@example.nhs.uk"]
    assert DIRECTORY.name_of("CASEY.comms@example.nhs.uk") == "Casey Comms"
    assert DIRECTORY.name_of("alex.press@example.nhs.uk") == "alex.press@example.nhs.uk"
