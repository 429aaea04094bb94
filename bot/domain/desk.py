"""My desk (issue 14): what is waiting for a person among the open cases, overdue first.

A person's desk: the cases they own with their deadlines, the sign-offs waiting for them, the crises they lead,
the open cases they logged; for the communications team also the team board (every open case, overdue first,
then by state). Who holds what is read from each workflow's own rules (approvers, signers, holders).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import crisis as crisis_rules
from bot.domain import press_release as press_rules
from bot.domain import statement
from bot.domain.crisis import Crisis, CrisisState
from bot.domain.enquiry import Enquiry, EnquiryState, Person
from bot.domain.people import Actor, Directory, Role
from bot.domain.press_release import STAGE_NAMES, PressRelease, PressState
from bot.domain.statement import Draft, SignOff


@dataclass(frozen=True)
class OpenCases:
    """Every case still in progress, with the latest draft of each that has one and the decisions on it."""

    enquiries: list[Enquiry]
    crises: list[Crisis]
    releases: list[PressRelease]
    drafts: dict[str, Draft]  # by case reference
    sign_offs: dict[str, list[SignOff]]  # by case reference: the decisions on its latest draft


@dataclass(frozen=True)
class Line:
    """One case on a desk: what it is, where it stands, when it is due."""

    ref: str
    kind: str  # the button payload's kind: enquiry, crisis, press
    title: str
    state: str  # in words
    due: datetime | None = None
    overdue: bool = False
    note: str = ""  # why it is here, for a sign-off ("your sign-off as Executive")


@dataclass(frozen=True)
class Desk:
    name: str
    mine: list[Line] = field(default_factory=list)
    waiting: list[Line] = field(default_factory=list)  # sign-offs (and a press release's comments) for this person
    crises: list[Line] = field(default_factory=list)  # crises this person leads
    logged: list[Line] = field(default_factory=list)  # open cases this person logged
    board: list[Line] | None = None  # every open case (the comms team only)

    @property
    def empty(self) -> bool:
        return not (self.mine or self.waiting or self.crises or self.logged or self.board)


def _is(person: Person | None, email: str) -> bool:
    return bool(person and person.email and person.email.lower() == email)


def _undecided(sign_offs: Iterable[SignOff], slots: Iterable[str]) -> list[str]:
    decided = {str(s.slot) for s in sign_offs}
    return [str(slot) for slot in slots if str(slot) not in decided]


def _by_urgency(lines: list[Line]) -> list[Line]:
    """Overdue first (the longest overdue first), then by deadline, then the ones with none, oldest reference first."""
    return sorted(lines, key=lambda ln: (not ln.overdue, ln.due is None, ln.due.timestamp() if ln.due else 0.0,
                                         ln.ref))


def _enquiry_line(e: Enquiry, now: datetime, note: str = "") -> Line:
    return Line(e.ref, "enquiry", f"{e.outlet} ({e.journalist})", _words(e.state), e.deadline, e.deadline <= now,
                note)


def _crisis_line(c: Crisis, note: str = "") -> Line:
    return Line(c.ref, "crisis", c.summary.split("\n", 1)[0][:120] or "Crisis", _words(c.state), note=note)


def _release_line(p: PressRelease, now: datetime, note: str = "") -> Line:
    return Line(p.ref, "press", p.title or p.what.capitalize(), STAGE_NAMES[p.state], p.due,
                bool(p.due and p.due <= now), note)


def _words(state: str) -> str:
    return state.replace("_", " ").capitalize()


def build(cases: OpenCases, directory: Directory, actor: Actor, now: datetime) -> Desk:
    """The desk of `actor` from the open cases (no platform, no database: the rules of who holds what)."""
    email = (actor.email or "").lower()
    desk = Desk(actor.label)
    if not email:
        return desk
    for e in cases.enquiries:
        draft = cases.drafts.get(e.ref)
        if _is(e.owner, email):
            desk.mine.append(_enquiry_line(e, now))
        elif _is(e.reporter, email):
            desk.logged.append(_enquiry_line(e, now))
        if e.state is EnquiryState.AWAITING_SIGN_OFF and draft is not None:
            mine = [statement.SLOT_LABELS[statement.Slot(slot)] for slot in
                    _undecided(cases.sign_offs.get(e.ref, []), statement.required_slots(e.plan))
                    if email in statement.approvers(statement.Slot(slot), e.plan, directory)]
            if mine:
                desk.waiting.append(_enquiry_line(e, now, f"your sign-off as {' and '.join(mine)}"))
    for c in cases.crises:
        draft = cases.drafts.get(c.ref)
        if _is(c.lead, email):
            desk.crises.append(_crisis_line(c))
        elif _is(c.reporter, email):
            desk.logged.append(_crisis_line(c))
        if c.state is CrisisState.LINE_DRAFTED and draft is not None:
            mine = [crisis_rules.CRISIS_SLOT_NAMES[crisis_rules.CrisisSlot(slot)] for slot in
                    _undecided(cases.sign_offs.get(c.ref, []), crisis_rules.required_crisis_slots(c))
                    if email in crisis_rules.crisis_approvers(crisis_rules.CrisisSlot(slot), c, directory)]
            if mine:
                desk.waiting.append(_crisis_line(c, f"the holding line needs your sign-off as {' and '.join(mine)}"))
    for p in cases.releases:
        if _is(p.owner, email):
            desk.mine.append(_release_line(p, now))
        elif _is(p.requester, email) or p.lead_email() == email:
            desk.logged.append(_release_line(p, now))
        desk.waiting.extend(_release_waiting(p, cases.drafts.get(p.ref), cases.sign_offs.get(p.ref, []), email,
                                             directory, now))
    if directory.roles_of(email) & {Role.COMMS}:
        board = ([_enquiry_line(e, now) for e in cases.enquiries] + [_crisis_line(c) for c in cases.crises]
                 + [_release_line(p, now) for p in cases.releases])
        order = {state: n for n, state in enumerate(
            [_words(s) for s in (*EnquiryState, *CrisisState)] + list(STAGE_NAMES.values()))}
        board.sort(key=lambda ln: (not ln.overdue, order.get(ln.state, 99), ln.due is None, ln.ref))
        desk = Desk(desk.name, desk.mine, desk.waiting, desk.crises, desk.logged, board)
    return Desk(desk.name, _by_urgency(desk.mine), _by_urgency(desk.waiting), desk.crises, _by_urgency(desk.logged),
                desk.board)


def _release_waiting(p: PressRelease, draft: Draft | None, sign_offs: list[SignOff], email: str,
                     directory: Directory, now: datetime) -> list[Line]:
    if p.state in press_rules.COLLATING and p.lead_email() == email:
        return [_release_line(p, now, "your team's comments, collated")]
    if p.state not in (PressState.LEAD_SIGN_OFF, PressState.QUOTE_APPROVAL, PressState.DIRECTOR_SIGN_OFF) \
            or draft is None:
        return []
    decided = {str(s.slot) for s in sign_offs}
    mine = [press_rules.slot_label(slot, p, directory) for slot in press_rules.slots_for(p.state, p)
            if slot.value not in decided and email in press_rules.signers(slot, p, directory)]
    return [_release_line(p, now, f"your sign-off: {', '.join(mine)}")] if mine else []


def logged_by_or_owns(case: Enquiry | Crisis | PressRelease, actor: Actor) -> bool:
    """Whether `actor` logged (asked for) the case, or owns or leads it."""
    email = (actor.email or "").lower()
    if isinstance(case, PressRelease):
        return _is(case.requester, email) or _is(case.owner, email) or case.lead_email() == email
    if isinstance(case, Crisis):
        return _is(case.reporter, email) or _is(case.lead, email)
    return _is(case.reporter, email) or _is(case.owner, email)
