"""One permission table per workflow: the buttons a card offers are steps its workflow table allows in the case's
state, so a card can't offer what the server would refuse as out of turn."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.crisis import Crisis, CrisisState
from bot.domain.crisis.permissions import PERMISSIONS as CRISIS
from bot.domain.enquiry import Enquiry, EnquiryState
from bot.domain.enquiry.permissions import PERMISSIONS as ENQUIRY
from bot.domain.forms import Context
from bot.domain.people import Directory, Person, Role
from bot.domain.permissions import Permissions, Rule
from bot.domain.press_release import PressRelease, PressState, Quoted, ReleaseKind
from bot.domain.press_release.permissions import PERMISSIONS as PRESS
from bot.domain.statement import Draft, fingerprint
from bot.domain.workflow import Workflow
from cards import crisis_views, press_views, views
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
