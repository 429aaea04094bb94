"""One permission table per workflow: the buttons a card offers are steps its workflow table allows in the case's
state, so a card can't offer what the server would refuse as out of turn. The presses that are no step of a
workflow (a reminder's, a conversation's, the holding-line library's) have small tables of their own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import crisis as crisis_rules
from bot.domain import enquiry as enquiry_rules
from bot.domain import press_release as press_rules
from bot.domain.conversation import CONVERSATION, Conversation
from bot.domain.crisis import Crisis, CrisisState, HoldingLine
from bot.domain.crisis.permissions import LIBRARY
from bot.domain.crisis.permissions import PERMISSIONS as CRISIS
from bot.domain.enquiry import Enquiry, EnquiryState
from bot.domain.enquiry.permissions import PERMISSIONS as ENQUIRY
from bot.domain.errors import NotAllowed, StaleAction
from bot.domain.forms import Context
from bot.domain.media_call import MEDIA_CALL
from bot.domain.nudges import REMINDER, Nudge, NudgeKind
from bot.domain.people import Actor, Directory, Person, Role
from bot.domain.permissions import Asked, Permissions, Rule
from bot.domain.press_release import PressRelease, PressState, Quoted, ReleaseKind
from bot.domain.press_release.permissions import PERMISSIONS as PRESS
from bot.domain.statement import Draft, Slot, check_binding, fingerprint
from bot.domain.workflow import Workflow
from cards import crisis_views, press_views, reminder_views, views
from cards.model import Button, Card

NOW = datetime(2026, 11, 27, 14, 20, tzinfo=UTC)
CTX = Context(now=NOW, tz=ZoneInfo("Europe/London"))
CASEY = Person("Casey Comms", "casey.comms@example.nhs.uk", "slack", "UCASEY")
REPORTER = Person("Sam Staff", "sam.staff@example.nhs.uk", "slack", "USAM")
DIRECTORY = Directory.build({Role.COMMS: ["casey.comms@example.nhs.uk", "alex.press@example.nhs.uk"],
                             Role.DIRECTOR_OF_COMMS: ["dana.director@example.nhs.uk"]})
DRAFT = Draft(1, "We are looking into it.", fingerprint("We are looking into it."), "Casey Comms",
              CASEY.email, NOW - timedelta(minutes=5))


def actions_of(card: Card) -> set[str]:
    return {a.payload.a if isinstance(a, Button) else a.options[0].payload.a for a in card.actions}


def test_a_table_naming_an_event_its_workflow_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="permissions name events the table lacks: \\['fly'\\]"):
        Permissions(Workflow("tiny", []), {"go": Rule(lambda q: True, "No.", ("fly",))},
                    default=Rule(lambda q: True, "No."))


@pytest.mark.parametrize("state", list(EnquiryState))
def test_the_enquiry_card_offers_only_steps_its_state_allows(state: EnquiryState) -> None:
    enquiry = Enquiry(ref="MC-2026-0001", journalist="Jo Reporter", outlet="BBC Essex", outlet_kind="broadcast",
                      phone=None, email=None, summary="Waiting times", deadline=NOW + timedelta(hours=3),
                      reporter=REPORTER, created_at=NOW - timedelta(minutes=15), state=state,
                      owner=None if state is EnquiryState.OPEN else CASEY)
    enquiry.plan.partner = "Essex County Council"
    card = views.enquiry_card(enquiry, NOW, CTX, DIRECTORY, draft=DRAFT, sign_offs=[])

    assert all(ENQUIRY.offered(state, a) for a in actions_of(card)), actions_of(card)


@pytest.mark.parametrize("state", list(CrisisState))
def test_the_crisis_card_offers_only_steps_its_state_allows(state: CrisisState) -> None:
    crisis = Crisis(ref="CR-2026-0001", details={"what": "A fire at the clinic"}, reporter=REPORTER,
                    created_at=NOW - timedelta(minutes=15), state=state, lead=CASEY, lead_agency="Essex Police")
    card = crisis_views.crisis_card(crisis, CTX, DIRECTORY, draft=DRAFT, sign_offs=[], timeline=[], library=[])

    assert all(CRISIS.offered(state, a) for a in actions_of(card)), actions_of(card)


@pytest.mark.parametrize("state", list(PressState))
def test_the_press_card_offers_only_steps_its_state_allows(state: PressState) -> None:
    pr = PressRelease(ref="PR-2026-0001", kind=ReleaseKind.PROACTIVE, details={"project": "A new clinic"},
                      requester=REPORTER, created_at=NOW - timedelta(days=1), state=state, owner=CASEY,
                      partners=["Essex County Council"], quoted=[Quoted("Dr Jo Bloggs")])
    card = press_views.press_card(pr, CTX, DIRECTORY, draft=DRAFT, sign_offs=[], comments=[])

    assert all(PRESS.offered(state, a) for a in actions_of(card)), actions_of(card)


# --- the decisions on a draft, and the presses that are no step of a workflow -------------------------------

DANA = Actor("slack", "UDANA", "dana.director@example.nhs.uk", "Dana Director")
CASEY_ACTS = Actor("slack", "UCASEY", CASEY.email, CASEY.name)
SAM_ACTS = Actor("slack", "USAM", REPORTER.email, REPORTER.name)


def _enquiry(state: EnquiryState, **routing: object) -> Enquiry:
    return Enquiry(ref="MC-2026-0001", journalist="Jo Reporter", outlet="BBC Essex", outlet_kind="broadcast",
                   phone=None, email=None, summary="Waiting times", deadline=NOW + timedelta(hours=3),
                   reporter=REPORTER, created_at=NOW - timedelta(minutes=15), state=state,
                   owner=None if state is EnquiryState.OPEN else CASEY, routing=dict(routing))


def _refusal(check: Callable[[], None]) -> str:
    with pytest.raises(NotAllowed) as refused:
        check()
    return refused.value.message


@pytest.mark.parametrize("state", list(EnquiryState))
def test_an_approvers_card_offers_what_the_enquiry_table_lets_that_approver_press(state: EnquiryState) -> None:
    enquiry = _enquiry(state)
    card = views.approval_card(enquiry, DRAFT, Slot.COMMS, DANA.email or "", [], CTX, DIRECTORY)

    for button in card.actions:
        assert isinstance(button, Button)
        assert ENQUIRY.offered(state, button.payload.a)
        assert enquiry_rules.may(DIRECTORY, DANA, enquiry, button.payload.a, button.payload.x)
        assert not enquiry_rules.may(DIRECTORY, CASEY_ACTS, enquiry, button.payload.a, button.payload.x)
    assert bool(card.actions) is (state is EnquiryState.AWAITING_SIGN_OFF)


def test_a_decision_on_an_enquiry_is_refused_in_the_words_it_always_was() -> None:
    enquiry = _enquiry(EnquiryState.AWAITING_SIGN_OFF)
    directory = Directory.build({Role.COMMS: [CASEY.email or ""], Role.DIRECTOR_OF_COMMS: [DANA.email or ""]})

    def refused(actor: Actor, action: str, slot: Slot) -> str:
        return _refusal(lambda: enquiry_rules.require(directory, actor, enquiry, action, slot))

    own = "You can't sign off your own draft: it needs someone else's approval."
    assert refused(CASEY_ACTS, "approve", Slot.COMMS) == own
    assert refused(CASEY_ACTS, "reject", Slot.EXECUTIVE) == own
    assert refused(SAM_ACTS, "changes", Slot.COMMS) == ("Only dana.director@example.nhs.uk can sign this off. "
                                                        "Your click has not been counted.")
    assert refused(SAM_ACTS, "approve", Slot.EXECUTIVE) == ("Only nobody configured can sign this off. Your click "
                                                            "has not been counted.")
    partner = "A partner's sign-off is recorded by the communications team."
    assert refused(DANA, "partner", Slot.PARTNER) == partner
    assert refused(DANA, "approve", Slot.PARTNER) == partner
    enquiry_rules.require(directory, CASEY_ACTS, enquiry, "partner", Slot.PARTNER)  # the owner records it
    enquiry_rules.require(directory, DANA, enquiry, "approve", Slot.COMMS)
    assert not enquiry_rules.may(directory, DANA, enquiry, "approve", "not a button of ours")


def test_the_on_call_acknowledgement_is_the_enquiry_tables_and_only_while_it_is_open() -> None:
    asked = "olly.oncall@example.nhs.uk"
    enquiry = _enquiry(EnquiryState.OPEN, out_of_hours=True, asked=[asked])
    card = reminder_views.on_call_card(enquiry, CTX, training_url=None, contacts=None, minutes=15, first=True)
    olly = Actor("slack", "UOLLY", asked.upper(), "Olly On-call")

    assert "ack" in actions_of(card) and all(ENQUIRY.offered(EnquiryState.OPEN, a) for a in actions_of(card))
    assert not ENQUIRY.offered(EnquiryState.CLAIMED, "ack")
    assert enquiry_rules.may(DIRECTORY, olly, enquiry, "ack")
    assert _refusal(lambda: enquiry_rules.require(DIRECTORY, CASEY_ACTS, enquiry, "ack")) == (
        "This enquiry was sent to the on-call director; only they can acknowledge it.")
    on_call = Directory.build({Role.ON_CALL_DIRECTOR: [CASEY.email or ""]})
    assert enquiry_rules.may(on_call, CASEY_ACTS, enquiry, "ack")


def test_a_reminders_snooze_is_for_the_person_it_reminds() -> None:
    enquiry = _enquiry(EnquiryState.AWAITING_SIGN_OFF)
    nudge = Nudge(enquiry.ref, NudgeKind.SIGN_OFF, NOW, DANA.email, id=4, data={"slot": "comms"})
    card = reminder_views.sign_off_reminder_card(enquiry, DRAFT, nudge, CTX)

    assert "snooze" in actions_of(card)
    assert set(REMINDER.rules) == {"snooze"}
    assert REMINDER.may(Asked(DIRECTORY, DANA, nudge), "snooze")
    assert _refusal(lambda: REMINDER.require(Asked(DIRECTORY, CASEY_ACTS, nudge), "snooze")) == (
        "That reminder was for someone else.")
    channel = Nudge(enquiry.ref, NudgeKind.SIGN_OFF, NOW, None)  # a reminder to the channel: nobody's to snooze
    assert not REMINDER.may(Asked(DIRECTORY, Actor("slack", "UX", None, "No email"), channel), "snooze")


def test_a_conversations_buttons_are_for_the_person_answering_it() -> None:
    conv = Conversation(form_id=MEDIA_CALL.id, platform="slack", user_id="USAM", id=7, version=2)
    conv.step = "outlet_kind"
    review = Conversation(form_id=MEDIA_CALL.id, platform="slack", user_id="USAM", id=8, version=3,
                          answers={"journalist": "Jo", "outlet": "BBC"})
    pressed = actions_of(views.question_card(MEDIA_CALL, conv, CTX)) | actions_of(
        views.review_card(MEDIA_CALL, review, CTX))
    someone_else = Actor("teams", "USAM", REPORTER.email, REPORTER.name)  # the same id on another platform

    assert {"answer", "cancel", "submit", "edit"} <= pressed
    for action in pressed:
        assert CONVERSATION.may(Asked(DIRECTORY, SAM_ACTS, conv), action)
        assert _refusal(lambda a=action: CONVERSATION.require(Asked(DIRECTORY, someone_else, conv), a)) == (
            "This form belongs to someone else, so its buttons won't work for you.")
    assert not CONVERSATION.may(Asked(DIRECTORY, SAM_ACTS, None), "answer")  # one we no longer have


def test_the_holding_line_library_offers_what_its_table_names_and_only_comms_may_press_it() -> None:
    card = crisis_views.library_card([HoldingLine(1, "Fire", "We are aware of a fire.", "Casey Comms")])

    assert actions_of(card) == {"add", "retire"} and actions_of(card) < set(LIBRARY.rules)
    for action in LIBRARY.rules:
        crisis_rules.require_library(DIRECTORY, CASEY_ACTS, action)
        assert _refusal(lambda a=action: crisis_rules.require_library(DIRECTORY, SAM_ACTS, a)) == (
            "Only the communications team can manage the holding-line library.")


def test_a_sign_off_button_for_a_changed_draft_is_refused_in_its_workflows_words() -> None:
    newer = Draft(2, "We are looking into it today.", fingerprint("We are looking into it today."), "Casey Comms",
                  CASEY.email, NOW)
    fp = DRAFT.fingerprint[:16]

    assert check_binding(DRAFT, 1, fp, enquiry_rules.STALE_SIGN_OFF) is DRAFT
    with pytest.raises(StaleAction) as stale:
        check_binding(newer, 1, fp, enquiry_rules.STALE_SIGN_OFF)
    assert stale.value.message == ("This card shows version 1 of the draft, which has since changed, so it can't be "
                                   "signed off from here. The latest is version 2. If it needs you, a new card "
                                   "will come.")
    with pytest.raises(StaleAction) as stale:
        check_binding(None, 1, fp, enquiry_rules.STALE_SIGN_OFF)
    assert "from here. If it needs you" in stale.value.message
    with pytest.raises(StaleAction) as stale:
        check_binding(newer, 1, fp, crisis_rules.STALE_SIGN_OFF)
    assert stale.value.message == ("This card shows an earlier holding line, which has since changed, so it can't "
                                   "be signed off from here. If it needs you, a new card will come.")
    with pytest.raises(StaleAction) as stale:
        check_binding(DRAFT, 1, fp[:8], press_rules.STALE_SIGN_OFF)  # too short a prefix binds to nothing
    assert stale.value.message == ("This card shows an earlier version of the release, which has since changed, "
                                   "so it can't be signed off from here. The latest version comes on a new card.")


@pytest.mark.parametrize("x", [None, "", "nobody:abc", "abc"])
def test_a_sign_off_button_we_did_not_make_is_offered_to_nobody(x: str | None) -> None:
    crisis = Crisis(ref="CR-2026-0001", details={"what": "A fire"}, reporter=REPORTER, created_at=NOW,
                    state=CrisisState.LINE_DRAFTED, lead=CASEY)
    pr = PressRelease(ref="PR-2026-0001", kind=ReleaseKind.PROACTIVE, details={"project": "A new clinic"},
                      requester=REPORTER, created_at=NOW, state=PressState.DIRECTOR_SIGN_OFF, owner=CASEY)

    assert not crisis_rules.may(DIRECTORY, DANA, crisis, "approve", x)
    assert not press_rules.may(DIRECTORY, DANA, pr, "approve", x)
    assert not enquiry_rules.may(DIRECTORY, DANA, _enquiry(EnquiryState.AWAITING_SIGN_OFF), "approve", x)
