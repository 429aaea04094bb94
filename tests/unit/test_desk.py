"""My desk's rules (bot/domain/desk.py): who holds what among the open cases, overdue first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.crisis import Crisis, CrisisState
from bot.domain.desk import OpenCases, build
from bot.domain.enquiry import Enquiry, EnquiryState, Person
from bot.domain.forms import Context
from bot.domain.people import Actor, Directory, Role
from bot.domain.press_release import PressRelease, PressState, ReleaseKind
from bot.domain.statement import Decision, Draft, SignOff, Slot
from cards.desk_views import SECTION_LINES, desk_card
from cards.slack import render_blocks
from tests.conformance import check_block_kit

NOW = datetime(2026, 12, 3, 11, 0, tzinfo=UTC)
STAFF = Person("Sam Staff", "sam@nhs.net", "slack", "US")
CASEY = Person("Casey Comms", "casey@nhs.net", "slack", "UC")
DIRECTORY = Directory.build({Role.COMMS: ["casey@nhs.net", "alex@nhs.net"], Role.DIRECTOR_OF_COMMS: ["dana@nhs.net"],
                             Role.SIGN_OFF_DELEGATE: ["harper@nhs.net"], Role.HEAD_OF_DEPARTMENT: ["hugo@nhs.net"]})


def actor(email: str, name: str = "") -> Actor:
    return Actor("slack", "U" + email[:2], email, name or email)


def enquiry(n: int, state: EnquiryState = EnquiryState.CLAIMED, *, owner: Person | None = CASEY,
            due: timedelta = timedelta(hours=2)) -> Enquiry:
    return Enquiry(ref=f"MC-2026-{n:04d}", journalist="Jo Reporter", outlet="Essex Chronicle", outlet_kind="newspaper",
                   phone=None, email=None, summary="Ward closures", deadline=NOW + due, reporter=STAFF,
                   created_at=NOW - timedelta(days=1), state=state, owner=owner)


def draft(number: int = 1) -> Draft:
    return Draft(number, "Our statement", "f" * 64, "Casey Comms", "casey@nhs.net", NOW)


def cases(enquiries: list[Enquiry] = (), crises: list[Crisis] = (), releases: list[PressRelease] = (),
          drafts: dict | None = None, sign_offs: dict | None = None) -> OpenCases:
    return OpenCases(list(enquiries), list(crises), list(releases), drafts or {}, sign_offs or {})


def test_what_a_comms_officer_owns_comes_overdue_first_and_the_board_holds_every_open_case() -> None:
    late, soon, later = enquiry(1, due=timedelta(hours=5)), enquiry(2, due=-timedelta(minutes=30)), enquiry(3)
    unclaimed = enquiry(4, EnquiryState.OPEN, owner=None)
    desk = build(cases([late, soon, later, unclaimed]), DIRECTORY, actor("casey@nhs.net"), NOW)
    assert [ln.ref for ln in desk.mine] == ["MC-2026-0002", "MC-2026-0003", "MC-2026-0001"]
    assert desk.mine[0].overdue and not desk.mine[1].overdue
    assert desk.board is not None and len(desk.board) == 4 and desk.board[0].ref == "MC-2026-0002"
    assert desk.waiting == [] and desk.logged == []


def test_a_member_of_staff_sees_what_they_logged_and_no_board() -> None:
    desk = build(cases([enquiry(1), enquiry(2, EnquiryState.OPEN, owner=None)]), DIRECTORY, actor("sam@nhs.net"), NOW)
    assert [ln.ref for ln in desk.logged] == ["MC-2026-0001", "MC-2026-0002"]
    assert desk.board is None and desk.mine == [] and desk.waiting == []


def test_the_director_and_the_delegate_see_the_sign_off_until_one_of_them_decides() -> None:
    waiting = enquiry(1, EnquiryState.AWAITING_SIGN_OFF)
    open_cases = cases([waiting], drafts={waiting.ref: draft()})
    for email in ("dana@nhs.net", "harper@nhs.net"):
        desk = build(open_cases, DIRECTORY, actor(email), NOW)
        assert [ln.ref for ln in desk.waiting] == [waiting.ref]
        assert "Director of Communications" in desk.waiting[0].note
        assert desk.board is None
    decided = SignOff(1, "f" * 64, Slot.COMMS, Decision.APPROVED, "Dana", "dana@nhs.net", NOW)
    after = cases([waiting], drafts={waiting.ref: draft()}, sign_offs={waiting.ref: [decided]})
    assert build(after, DIRECTORY, actor("harper@nhs.net"), NOW).waiting == []


def test_a_crisis_lead_and_the_holding_line_approvers() -> None:
    crisis = Crisis(ref="CR-2026-0001", details={"what": "Fire at the hospital"}, reporter=STAFF,
                    created_at=NOW, state=CrisisState.LINE_DRAFTED, lead=CASEY, head_of_department="hugo@nhs.net")
    open_cases = cases(crises=[crisis], drafts={crisis.ref: draft()})
    assert [ln.ref for ln in build(open_cases, DIRECTORY, actor("casey@nhs.net"), NOW).crises] == [crisis.ref]
    assert "Head of department" in build(open_cases, DIRECTORY, actor("hugo@nhs.net"), NOW).waiting[0].note
    assert build(open_cases, DIRECTORY, actor("dana@nhs.net"), NOW).waiting[0].ref == crisis.ref


def test_a_press_release_at_the_project_leads_sign_off() -> None:
    pr = PressRelease(ref="PR-2026-0001", kind=ReleaseKind.PROACTIVE, details={"project": "Harlow CDC"},
                      requester=STAFF, created_at=NOW, state=PressState.LEAD_SIGN_OFF, owner=CASEY,
                      due=NOW - timedelta(hours=1))
    open_cases = cases(releases=[pr], drafts={pr.ref: draft()})
    staff = build(open_cases, DIRECTORY, actor("sam@nhs.net"), NOW)
    assert [ln.ref for ln in staff.waiting] == [pr.ref] and staff.waiting[0].overdue
    assert [ln.ref for ln in build(open_cases, DIRECTORY, actor("casey@nhs.net"), NOW).mine] == [pr.ref]


def test_a_long_desk_fits_block_kit() -> None:
    many = [enquiry(n, due=timedelta(minutes=n - 30)) for n in range(1, 61)]
    desk = build(cases(many), DIRECTORY, actor("casey@nhs.net"), NOW)
    card = desk_card(desk, Context(now=NOW, tz=ZoneInfo("Europe/London")))
    text = "\n".join(f.value for f in card.facts)
    assert f"and {60 - SECTION_LINES} more" in text
    assert check_block_kit(render_blocks(card)) == []
