"""Press releases (Appendices D and E): proactive ("we are making news") and reactive ("reacting to other people's
news"), as one staged workflow table with an owner and a due date for every stage.

Proactive: requested -> information gathering -> first draft -> comments and amends (the project lead sends one
collated set) -> amended draft -> final comments (the last time changes can be made) -> [final amends] ->
external sign-off (each named partner, recorded by comms) -> project lead's sign-off -> quote approval (each
person quoted) -> Director of Communications' final sign-off -> ready -> issued (coverage follow-up) -> closed.

Reactive: requested -> comms decide (a release, a statement only, or nothing; and in whose name) -> the same
stages from the first draft (a statement goes from its draft straight to the quote and final sign-offs), with
executives signing alongside the Director where comms name one (Appendix E).

A new version of the text once the sign-offs have begun ("a late change") sends the release back to external
sign-off: every sign-off binds to the version it approved (statement.binds_to), so the later ones no longer count.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.domain.enquiry import Person
from bot.domain.errors import ValidationFailed
from bot.domain.forms import Choice, Field, Form, Kind, Rule
from bot.domain.people import Directory, Role
from bot.domain.role_fields import person_field
from bot.domain.statement import fingerprint
from bot.domain.text import small_int
from bot.domain.workflow import Transition, Workflow

PREFIX = "PR"


class ReleaseKind(StrEnum):
    PROACTIVE = "proactive"  # Appendix D: we are making news
    REACTIVE = "reactive"  # Appendix E: reacting to other people's news


class Outcome(StrEnum):
    """What comms decide for a reactive request (Appendix E, "Deciding on how to respond")."""

    RELEASE = "release"
    STATEMENT = "statement"  # a statement only, no press release
    NOTHING = "nothing"  # no response needed


class PressState(StrEnum):
    REQUESTED = "requested"  # with the comms team, waiting to be claimed
    DECIDING = "deciding"  # reactive: comms decide whether a release is needed, and in whose name
    GATHERING = "gathering"  # proactive: comms gather dates, key messages, who is quoted, partners
    FIRST_DRAFT = "first_draft"  # comms write the first draft
    COMMENTS = "comments"  # the project lead collates one set of comments and amends from their team
    AMENDING = "amending"  # comms make the amendments
    FINAL_COMMENTS = "final_comments"  # the project lead's final check: the last time changes can be made
    FINAL_AMENDS = "final_amends"  # comms make the final amendments
    EXTERNAL_SIGN_OFF = "external_sign_off"  # each named partner, through comms
    LEAD_SIGN_OFF = "lead_sign_off"  # the project lead signs off: no more amends after this
    QUOTE_APPROVAL = "quote_approval"  # each person quoted approves their quote
    DIRECTOR_SIGN_OFF = "director_sign_off"  # the Director of Communications (and executives, reactive)
    READY = "ready"  # signed off: comms issue it (not before the embargo)
    ISSUED = "issued"  # out: comms follow up coverage
    CLOSED = "closed"


class PressEffect(StrEnum):
    UPDATE_CARD = "update_card"  # the comms channel card, in place
    NEW_STAGE = "new_stage"  # the next holder is asked (a DM card) and chased from the stage's due date
    UPDATE_PEOPLE = "update_people"  # everyone's DM card shows where it now stands
    TELL_REQUESTER = "tell_requester"
    TELL_OWNER = "tell_owner"  # the comms owner hears of amendments, comments and asks for a change
    TELL_LEAD = "tell_lead"  # the project lead hears of a team member's comments


P, F = PressState, PressEffect
SIGN_OFF_STAGES = (P.EXTERNAL_SIGN_OFF, P.LEAD_SIGN_OFF, P.QUOTE_APPROVAL, P.DIRECTOR_SIGN_OFF)
AFTER_LEAD_SIGN_OFF = (P.QUOTE_APPROVAL, P.DIRECTOR_SIGN_OFF, P.READY)
DRAFTING = (P.FIRST_DRAFT, P.AMENDING, P.FINAL_AMENDS)  # comms hold the text and may save versions
COLLATING = (P.COMMENTS, P.FINAL_COMMENTS)  # the project lead holds it: one collated set per round
BEFORE_ISSUE = (P.REQUESTED, P.DECIDING, P.GATHERING, *DRAFTING, *COLLATING, *SIGN_OFF_STAGES, P.READY)
OPEN = (*BEFORE_ISSUE, P.ISSUED)

_MOVE = (F.UPDATE_CARD, F.UPDATE_PEOPLE, F.NEW_STAGE)  # old cards updated, then the new holders asked


def _transitions() -> list[Transition[PressState, PressEffect]]:
    t = [
        Transition(P.REQUESTED, "claim", P.GATHERING, (*_MOVE, F.TELL_REQUESTER)),
        Transition(P.REQUESTED, "claim_reactive", P.DECIDING, (*_MOVE, F.TELL_REQUESTER)),
        Transition(P.DECIDING, "decide_release", P.FIRST_DRAFT, (*_MOVE, F.TELL_REQUESTER)),
        Transition(P.DECIDING, "decide_statement", P.FIRST_DRAFT, (*_MOVE, F.TELL_REQUESTER)),
        Transition(P.DECIDING, "decide_nothing", P.CLOSED, (*_MOVE, F.TELL_REQUESTER)),
        Transition(P.GATHERING, "gathered", P.FIRST_DRAFT, _MOVE),
        Transition(P.FIRST_DRAFT, "send_draft", P.COMMENTS, _MOVE),
        Transition(P.FIRST_DRAFT, "send_statement", P.QUOTE_APPROVAL, _MOVE),
        Transition(P.COMMENTS, "send_amends", P.AMENDING, (*_MOVE, F.TELL_OWNER)),
        Transition(P.COMMENTS, "no_amends", P.EXTERNAL_SIGN_OFF, (*_MOVE, F.TELL_OWNER)),
        Transition(P.AMENDING, "send_amended", P.FINAL_COMMENTS, _MOVE),
        Transition(P.FINAL_COMMENTS, "send_amends", P.FINAL_AMENDS, (*_MOVE, F.TELL_OWNER)),
        Transition(P.FINAL_COMMENTS, "no_amends", P.EXTERNAL_SIGN_OFF, (*_MOVE, F.TELL_OWNER)),
        Transition(P.FINAL_AMENDS, "send_for_sign_off", P.EXTERNAL_SIGN_OFF, _MOVE),
        # Each sign-off stage: one approval of several, the approval that completes it, or nothing to sign.
        Transition(P.EXTERNAL_SIGN_OFF, "approve", P.EXTERNAL_SIGN_OFF, (F.UPDATE_CARD, F.UPDATE_PEOPLE)),
        Transition(P.EXTERNAL_SIGN_OFF, "approve_last", P.LEAD_SIGN_OFF, _MOVE),
        Transition(P.EXTERNAL_SIGN_OFF, "skip", P.LEAD_SIGN_OFF, _MOVE),
        Transition(P.LEAD_SIGN_OFF, "approve_last", P.QUOTE_APPROVAL, _MOVE),
        Transition(P.LEAD_SIGN_OFF, "skip", P.QUOTE_APPROVAL, _MOVE),
        Transition(P.QUOTE_APPROVAL, "approve", P.QUOTE_APPROVAL, (F.UPDATE_CARD, F.UPDATE_PEOPLE)),
        Transition(P.QUOTE_APPROVAL, "approve_last", P.DIRECTOR_SIGN_OFF, _MOVE),
        Transition(P.QUOTE_APPROVAL, "skip", P.DIRECTOR_SIGN_OFF, _MOVE),
        Transition(P.DIRECTOR_SIGN_OFF, "approve", P.DIRECTOR_SIGN_OFF, (F.UPDATE_CARD, F.UPDATE_PEOPLE)),
        Transition(P.DIRECTOR_SIGN_OFF, "approve_last", P.READY, (*_MOVE, F.TELL_OWNER)),
        Transition(P.READY, "lift_embargo", P.READY, (F.UPDATE_CARD, F.UPDATE_PEOPLE)),
        Transition(P.READY, "issue", P.ISSUED, (*_MOVE, F.TELL_REQUESTER)),
        Transition(P.ISSUED, "log_coverage", P.ISSUED, (F.UPDATE_CARD,)),
        Transition(P.ISSUED, "close", P.CLOSED, _MOVE),
    ]
    for state in DRAFTING:
        t.append(Transition(state, "save_draft", state, (F.UPDATE_CARD,)))
    for state in COLLATING:
        t.append(Transition(state, "invite_team", state, (F.UPDATE_CARD, F.UPDATE_PEOPLE)))
        t.append(Transition(state, "team_comment", state, (F.UPDATE_CARD, F.UPDATE_PEOPLE, F.TELL_LEAD)))
    for state in SIGN_OFF_STAGES:
        t.append(Transition(state, "ask_change", state, (F.UPDATE_CARD, F.UPDATE_PEOPLE, F.TELL_OWNER)))
    # A new version once sign-off has begun: back to external sign-off; earlier sign-offs no longer count.
    for state in (*SIGN_OFF_STAGES, P.READY):
        t.append(Transition(state, "revise", P.EXTERNAL_SIGN_OFF, _MOVE))
    for state in BEFORE_ISSUE:
        if state is not P.REQUESTED:
            t.append(Transition(state, "details", state, (F.UPDATE_CARD, F.UPDATE_PEOPLE)))
        t.append(Transition(state, "stop", P.CLOSED, (*_MOVE, F.TELL_REQUESTER)))
    return t


_NOT_YET = "Someone from the communications team must claim this press release first."
_EXPLAIN_EVENT: Mapping[str, Mapping[PressState, str]] = {
    "claim": {s: "Someone from the communications team has already claimed this press release." for s in OPEN
              if s is not P.REQUESTED},
    "send_amends": {
        P.AMENDING: "The project lead has already sent this round's collated amendments; comms are making them.",
        P.FINAL_AMENDS: "The project lead has already sent the final amendments; comms are making them.",
        P.FIRST_DRAFT: "There is no draft with the project lead for comments yet.",
        **{s: "The time for amendments has passed: the release is being signed off. Ask comms if something "
              "must change." for s in (*SIGN_OFF_STAGES, P.READY)},
    },
    "save_draft": {
        **{s: "The draft is with the project lead for comments: the next version follows their collated "
              "amendments." for s in COLLATING},
        **{s: "Sign-off has begun: a new version is a late change (use \"Late change\" on the card)."
           for s in (*SIGN_OFF_STAGES, P.READY)},
    },
    "approve": {
        **{s: "This release is not waiting for that sign-off (it may have moved on or changed since)."
           for s in OPEN},
    },
    "issue": {
        **{s: "The release can't be issued yet: it needs every sign-off, ending with the Director of "
              "Communications." for s in BEFORE_ISSUE if s is not P.READY},
        P.ISSUED: "This press release has already been issued.",
    },
    "revise": {s: "There is nothing to revise at this stage: save a new draft instead." for s in DRAFTING},
}
for _event in ("approve_last", "ask_change"):
    _EXPLAIN_EVENT = {**_EXPLAIN_EVENT, _event: _EXPLAIN_EVENT["approve"]}
_EXPLAIN_EVENT = {**_EXPLAIN_EVENT, "no_amends": _EXPLAIN_EVENT["send_amends"]}


def _explain(state: PressState, event: str) -> str:
    if message := _EXPLAIN_EVENT.get(event, {}).get(state):
        return message
    if state is P.CLOSED:
        return "This press release is closed."
    if state is P.REQUESTED:
        return _NOT_YET
    if state is P.ISSUED and event != "log_coverage":
        return "This press release has already been issued; only coverage can be logged now."
    return f"That can't be done while the press release is at the {STAGE_NAMES[state].lower()} stage."


PRESS_WORKFLOW: Workflow[PressState, PressEffect] = Workflow("press_release", _transitions(),
                                                              explain=_explain)

STAGE_NAMES: Mapping[PressState, str] = {
    P.REQUESTED: "Requested",
    P.DECIDING: "Comms deciding how to respond",
    P.GATHERING: "Information gathering",
    P.FIRST_DRAFT: "First draft",
    P.COMMENTS: "Comments and amends",
    P.AMENDING: "Amended draft",
    P.FINAL_COMMENTS: "Final comments",
    P.FINAL_AMENDS: "Final amends",
    P.EXTERNAL_SIGN_OFF: "External sign-off",
    P.LEAD_SIGN_OFF: "Project lead sign-off",
    P.QUOTE_APPROVAL: "Quote approval",
    P.DIRECTOR_SIGN_OFF: "Final sign-off",
    P.READY: "Ready to issue",
    P.ISSUED: "Issued: coverage follow-up",
    P.CLOSED: "Closed",
}


# --- how long each stage may take, before its holder is chased ------------------------------------------------

_PROACTIVE_DAYS: Mapping[PressState, float] = {
    P.REQUESTED: 1, P.GATHERING: 3, P.FIRST_DRAFT: 2, P.COMMENTS: 2, P.AMENDING: 1, P.FINAL_COMMENTS: 1,
    P.FINAL_AMENDS: 1, P.EXTERNAL_SIGN_OFF: 3, P.LEAD_SIGN_OFF: 1, P.QUOTE_APPROVAL: 1, P.DIRECTOR_SIGN_OFF: 1,
    P.READY: 1, P.ISSUED: 5, P.DECIDING: 1,
}
_REACTIVE_HOURS: Mapping[PressState, float] = {
    P.REQUESTED: 1, P.DECIDING: 2, P.FIRST_DRAFT: 3, P.COMMENTS: 2, P.AMENDING: 2, P.FINAL_COMMENTS: 2,
    P.FINAL_AMENDS: 2, P.EXTERNAL_SIGN_OFF: 4, P.LEAD_SIGN_OFF: 2, P.QUOTE_APPROVAL: 2, P.DIRECTOR_SIGN_OFF: 2,
    P.READY: 2, P.ISSUED: 48, P.GATHERING: 2,
}


@dataclass(frozen=True)
class PressTimings:
    """How long each stage may take (then its holder is chased, and again every `chase_repeat`)."""

    proactive: Mapping[PressState, timedelta] = field(default_factory=lambda: {
        s: timedelta(days=d) for s, d in _PROACTIVE_DAYS.items()})
    reactive: Mapping[PressState, timedelta] = field(default_factory=lambda: {
        s: timedelta(hours=h) for s, h in _REACTIVE_HOURS.items()})
    proactive_repeat: timedelta = timedelta(days=1)
    reactive_repeat: timedelta = timedelta(hours=2)

    def stage(self, kind: ReleaseKind, state: PressState) -> timedelta:
        table = self.proactive if kind is ReleaseKind.PROACTIVE else self.reactive
        return table.get(state, timedelta(days=1))

    def repeat(self, kind: ReleaseKind) -> timedelta:
        return self.proactive_repeat if kind is ReleaseKind.PROACTIVE else self.reactive_repeat


# --- sign-off slots -----------------------------------------------------------------------------------------

class PressSlot(str):
    """A press release's sign-off slot, stored in the shared sign_offs table: "pr_partner_<n>" (a named partner,
    recorded by comms), "pr_lead" (the project lead), "pr_quote_<n>" (a person quoted), "pr_director" (the
    Director of Communications or delegate), "pr_exec" (a named executive, reactive releases)."""

    _PATTERN = re.compile(r"^pr_(?:lead|director|exec|partner_\d{1,3}|quote_\d{1,3})$")

    @property
    def value(self) -> str:
        return str(self)

    @classmethod
    def parse(cls, raw: str) -> PressSlot | None:
        return cls(raw) if cls._PATTERN.match(raw or "") else None

    @property
    def stage(self) -> PressState:
        if self.startswith("pr_partner_"):
            return P.EXTERNAL_SIGN_OFF
        if self == "pr_lead":
            return P.LEAD_SIGN_OFF
        if self.startswith("pr_quote_"):
            return P.QUOTE_APPROVAL
        return P.DIRECTOR_SIGN_OFF

    @property
    def number(self) -> int:
        """The partner's or quote's number, 1-based (not `index`, which would hide str.index)."""
        tail = self.rsplit("_", 1)[-1]
        return small_int(tail) or 0


LEAD = PressSlot("pr_lead")
DIRECTOR = PressSlot("pr_director")
EXECUTIVE = PressSlot("pr_exec")


def partner_slot(i: int) -> PressSlot:
    return PressSlot(f"pr_partner_{i}")


def quote_slot(i: int) -> PressSlot:
    return PressSlot(f"pr_quote_{i}")


@dataclass(frozen=True)
class Quoted:
    name: str
    email: str | None = None  # someone in the organisation approves their own quote; otherwise comms record it


@dataclass
class PressRelease:
    ref: str
    kind: ReleaseKind
    details: dict[str, Any]  # the requester's answers
    requester: Person
    created_at: datetime
    state: PressState = PressState.REQUESTED
    owner: Person | None = None  # the comms officer who claimed it
    project_lead: str | None = None  # email; the requester unless someone else is named
    partners: list[str] = field(default_factory=list)  # partner organisations to sign off (recorded by comms)
    quoted: list[Quoted] = field(default_factory=list)
    embargo: datetime | None = None
    preferred: datetime | None = None  # the preferred date to issue
    due: datetime | None = None  # when the current stage should be done
    outcome: Outcome | None = None  # reactive: release, statement only, or nothing
    in_name_of: str | None = None
    executive: str | None = None  # email: signs alongside the Director (reactive releases)
    team: list[str] = field(default_factory=list)  # the project lead's team members asked to comment
    links: dict[str, str] = field(default_factory=dict)  # draft number -> link to the working document
    issued: dict[str, Any] | None = None  # at, channels, by, embargo lifted
    coverage: list[dict[str, Any]] = field(default_factory=list)
    embargo_override: dict[str, Any] | None = None  # the Director's override: by, at, reason
    late_change: dict[str, Any] | None = None  # the latest change after the project lead's sign-off
    version: int = 1
    id: int | None = None

    @property
    def title(self) -> str:
        text = self.details.get("project") or self.details.get("news") or ""
        return str(text).split("\n", 1)[0][:120]

    @property
    def is_statement(self) -> bool:
        return self.outcome is Outcome.STATEMENT

    @property
    def what(self) -> str:
        return "statement" if self.is_statement else "press release"

    def lead_email(self) -> str | None:
        return (self.project_lead or self.requester.email or "").lower() or None

    def plan_json(self) -> dict[str, Any]:
        return {
            "partners": self.partners, "quoted": [q.__dict__ for q in self.quoted],
            "preferred": self.preferred.isoformat() if self.preferred else None,
            "outcome": self.outcome.value if self.outcome else None, "in_name_of": self.in_name_of,
            "executive": self.executive, "team": self.team, "links": self.links, "issued": self.issued,
            "coverage": self.coverage, "embargo_override": self.embargo_override, "late_change": self.late_change,
        }

    def load_plan(self, data: dict[str, Any] | None) -> None:
        data = data or {}
        self.partners = list(data.get("partners") or [])
        self.quoted = [Quoted(**q) for q in data.get("quoted") or []]
        self.preferred = datetime.fromisoformat(data["preferred"]) if data.get("preferred") else None
        self.outcome = Outcome(data["outcome"]) if data.get("outcome") else None
        self.in_name_of = data.get("in_name_of")
        self.executive = data.get("executive")
        self.team = list(data.get("team") or [])
        self.links = dict(data.get("links") or {})
        self.issued = data.get("issued")
        self.coverage = list(data.get("coverage") or [])
        self.embargo_override = data.get("embargo_override")
        self.late_change = data.get("late_change")


def draft_fingerprint(text: str, link: str | None) -> str:
    """A version is its text and its document link together: a sign-off binds to both."""
    return fingerprint(f"{text or ''}\n{link or ''}")


# --- who must sign what -------------------------------------------------------------------------------------

def slots_for(stage: PressState, pr: PressRelease) -> list[PressSlot]:
    """The sign-offs a stage needs; an empty list means the stage is skipped."""
    if stage is P.EXTERNAL_SIGN_OFF:
        return [partner_slot(i + 1) for i in range(len(pr.partners))]
    if stage is P.LEAD_SIGN_OFF:
        return [] if pr.is_statement else [LEAD]
    if stage is P.QUOTE_APPROVAL:
        return [quote_slot(i + 1) for i in range(len(pr.quoted))]
    if stage is P.DIRECTOR_SIGN_OFF:
        return [DIRECTOR, EXECUTIVE] if pr.executive else [DIRECTOR]
    return []


def slot_label(slot: PressSlot, pr: PressRelease, directory: Directory) -> str:
    if slot.stage is P.EXTERNAL_SIGN_OFF:
        return pr.partners[slot.number - 1] if 0 < slot.number <= len(pr.partners) else "A partner"
    if slot.stage is P.QUOTE_APPROVAL:
        return f"Quote: {pr.quoted[slot.number - 1].name}" if 0 < slot.number <= len(pr.quoted) else "A quote"
    if slot == LEAD:
        lead = pr.lead_email()
        return f"Project lead ({directory.name_of(lead)})" if lead else "Project lead"
    if slot == EXECUTIVE:
        return f"Executive ({directory.name_of(pr.executive)})" if pr.executive else "Executive"
    return "Director of Communications"


def signers(slot: PressSlot, pr: PressRelease, directory: Directory) -> list[str]:
    """The emails who may sign a slot themselves; empty when comms record it (partners, people outside)."""
    if slot == LEAD:
        lead = pr.lead_email()
        return [lead] if lead else []
    if slot == DIRECTOR:
        directors = directory.people_with(Role.DIRECTOR_OF_COMMS)
        return directors + [e for e in directory.people_with(Role.SIGN_OFF_DELEGATE) if e not in directors]
    if slot == EXECUTIVE:
        return [pr.executive.lower()] if pr.executive else []
    if slot.stage is P.QUOTE_APPROVAL and 0 < slot.number <= len(pr.quoted):
        email = pr.quoted[slot.number - 1].email
        return [email.lower()] if email else []
    return []


def recorded_by_comms(slot: PressSlot, pr: PressRelease) -> bool:
    return slot.stage is P.EXTERNAL_SIGN_OFF or (slot.stage is P.QUOTE_APPROVAL and not signers(slot, pr,
                                                                                                 Directory()))


def holders(pr: PressRelease, directory: Directory, decided: set[str]) -> list[str]:
    """Who holds the current stage (emails); [] means the comms team as a whole (nobody has claimed it)."""
    owner = [pr.owner.email.lower()] if pr.owner and pr.owner.email else []
    if pr.state in COLLATING:
        lead = pr.lead_email()
        return [lead] if lead else owner
    if pr.state in (P.LEAD_SIGN_OFF, P.QUOTE_APPROVAL, P.DIRECTOR_SIGN_OFF):
        people: list[str] = []
        for slot in slots_for(pr.state, pr):
            if slot.value in decided:
                continue
            people += signers(slot, pr, directory) or owner
        return list(dict.fromkeys(people))
    if pr.state in (P.REQUESTED, P.CLOSED):
        return []
    return owner


# --- reading what comms type --------------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def parse_partners(text: str | None) -> list[str]:
    """One partner per line (or separated by semicolons)."""
    parts = re.split(r"[\n;]", text or "")
    return list(dict.fromkeys(p.strip(" ,-•*") for p in parts if p.strip(" ,-•*")))[:20]


def parse_quoted(text: str | None) -> list[Quoted]:
    """One person per line: "Dr Jo Bloggs, jo.bloggs@nhs.net" (the email when they are to approve it themselves)."""
    people: list[Quoted] = []
    for line in re.split(r"[\n;]", text or ""):
        line = line.strip(" -•*")
        if not line:
            continue
        match = EMAIL.search(line)
        email = match.group(0).lower() if match else None
        name = (EMAIL.sub("", line).strip(" ,<>()-") if match else line) or (email or "")
        people.append(Quoted(name=name[:120], email=email))
    return people[:20]


def parse_link(text: str | None) -> str | None:
    link = (text or "").strip()
    if not link:
        return None
    if not re.match(r"^https://[^\s<>|]+$", link):
        raise ValidationFailed("The document link must be a web address starting with https:// (no spaces).")
    return link


# --- the intake conversation --------------------------------------------------------------------------------

_FIRST = (
    "Please don't agree to provide or issue a press release with anyone outside the ICB (a partner, another "
    "business, a local authority) until you have spoken to the communications team. All press releases are "
    "written by the communications team: "
)
FIRST = _FIRST + "I'll collect what they need, one question at a time."
FIRST_SCREEN = _FIRST + "this form collects what they need."
ONE_SET = (
    "If more than one member of your team needs to check the release, it is the project lead's job to collate "
    "their responses: please send comms one collated set of amends, to avoid duplication and confusion."
)
FINAL_CHECK = "Check the release for the final time for accuracy: this is the last time changes can be made."
LEAD_SIGN_OFF_NOTE = "Once you sign off, no more amends should be made."
PARTNERS_HELP = (
    "Where another organisation is involved or mentioned, comms contact and liaise with them. All contact with "
    "other organisations' communications teams goes through our comms team."
)
END = (
    "The communications team will contact you (or the project lead) for what the release needs: dates, key "
    "messages, who is quoted. Drafts come back to the project lead for comments: " + ONE_SET
)
REACTIVE_URGENT = "Reactive releases are time sensitive: comms need fast responses from everyone involved."

KINDS = (Choice(ReleaseKind.PROACTIVE.value, "We are making news (proactive)"),
         Choice(ReleaseKind.REACTIVE.value, "Reacting to news (reactive)"))
URGENCY = (Choice("today", "Today (within hours)"), Choice("days", "In the next day or two"),
           Choice("week", "This week or later"))

_KIND = Field("kind", "Kind of release", "Are we making news, or reacting to other people's news?", Kind.CHOICE,
              choices=KINDS, help="Proactive: we have news to share (a project, a service, an event). Reactive: "
                                  "something on the news agenda we need to respond to.")
_LEAD = Field("project_lead", "Project lead", "Who is the project lead? (their email; skip if it is you)",
              Kind.EMAIL, optional=True, max_len=254,
              help="Drafts go to the project lead, who collates their team's comments into one set.")
_PARTNERS = Field("partners", "Partners or third parties", "Which partners or third parties are involved or "
                  "mentioned?", Kind.LONG_TEXT, optional=True, max_len=1000, help=PARTNERS_HELP)

PROACTIVE_FORM = Form(
    id="press_release", title="Request a press release", intro=FIRST, outro=END, submit_label="Send to comms",
    noun="press release request", screen_intro=FIRST_SCREEN,
    command="/press-release", first_status="Please don't agree a release with anyone outside before speaking to comms",
    fields=(
        _KIND,
        Field("project", "Project", "Which project or programme is it about?", max_len=200,
              placeholder="e.g. New community diagnostic centre in Harlow"),
        Field("what", "What is happening", "What is happening, and why is it news?", Kind.LONG_TEXT, max_len=3000,
              help="Please give comms as much background context and detail as you can."),
        Field("key_messages", "Key messages", "What are the key messages?", Kind.LONG_TEXT, max_len=2000,
              help="Bullet points are fine: comms write the release."),
        Field("quoted", "Who might be quoted", "Who might be quoted?", optional=True, max_len=500,
              help="Comms agree the name of the person quoted with you. Each person quoted approves their quote "
                   "before it is issued."),
        _PARTNERS,
        Field("preferred_date", "Preferred date", "When would you like it to go out?", Kind.DEADLINE, optional=True,
              max_len=100, placeholder="e.g. next Tuesday 10am"),
        Field("embargo", "Embargo", "Is there an embargo (not to be published before when)?", Kind.DEADLINE,
              optional=True, max_len=100, help="The release will not be issued before the embargo time."),
        _LEAD,
    ),
)

REACTIVE_FORM = Form(
    id="press_release_reactive", title="Request a reactive press release", intro=FIRST, outro=END,
    noun="press release request", screen_intro=FIRST_SCREEN,
    submit_label="Send to comms", command="/press-release",
    first_status="Please don't agree a release with anyone outside before speaking to comms",
    fields=(
        _KIND,
        Field("news", "On the news agenda", "What is on the news agenda?", Kind.LONG_TEXT, max_len=3000,
              help="Tell comms about anything likely to generate media interest, especially a reputational issue."),
        Field("why", "Why it matters to us", "Why does it matter to us?", Kind.LONG_TEXT, max_len=2000),
        Field("urgency", "How urgent", "How urgent is it?", Kind.CHOICE, choices=URGENCY, help=REACTIVE_URGENT),
        Field("spokesperson", "Who could speak", "Who could be quoted or speak to the media?", optional=True,
              max_len=500, help="Comms decide whose name the release goes out in: you, or a senior spokesperson "
                                "such as the Director of Communications or an executive."),
        _PARTNERS,
        _LEAD,
    ),
)

INTAKE_FORMS = {PROACTIVE_FORM.id: PROACTIVE_FORM, REACTIVE_FORM.id: REACTIVE_FORM}


def form_for_kind(kind: str | None) -> Form:
    return REACTIVE_FORM if kind == ReleaseKind.REACTIVE.value else PROACTIVE_FORM


# --- the one-screen forms of the workflow -------------------------------------------------------------------

OUTCOMES = (Choice(Outcome.RELEASE.value, "A press release"), Choice(Outcome.STATEMENT.value, "A statement only"),
            Choice(Outcome.NOTHING.value, "Nothing: no response needed"))


def _named_unless_nothing(answers: Mapping[str, Any]) -> str | None:
    if answers.get("outcome") in (Outcome.RELEASE.value, Outcome.STATEMENT.value) and not answers.get("in_name_of"):
        return "Say whose name it goes out in."
    return None


def _text_or_link(answers: Mapping[str, Any]) -> str | None:
    if not answers.get("text") and not answers.get("link"):
        return "Give the text, a link to the working document, or both."
    return None


def decide_form(directory: Directory) -> Form:
    fields = [
        Field("outcome", "Response", "Is a release needed?", Kind.CHOICE, choices=OUTCOMES,
              help="Appendix E: comms assess whether a release is required."),
        Field("in_name_of", "In whose name", "Whose name does it go out in?", optional=True, max_len=200,
              placeholder="e.g. Dana Director, Director of Communications",
              help="The person providing the information, or a senior spokesperson such as the Director of "
                   "Communications or an executive."),
    ]
    fields.append(person_field(directory, Role.EXECUTIVE, "executive", "Executive sign-off",
                               "Which executive signs it off with the Director?", optional=True,
                               help="Escalated to executives as appropriate (Appendix E)."))
    fields.append(Field("note", "Why", "Anything to record about the decision", Kind.LONG_TEXT, optional=True,
                        max_len=1000))
    return Form(id="press_decide", title="How to respond", intro="Record how comms will respond.", outro="",
                submit_label="Record decision", fields=tuple(fields),
                rules=(Rule(("in_name_of",), _named_unless_nothing),))


DETAILS_FORM = Form(
    id="press_details", title="Release details", submit_label="Save", outro="",
    intro="What comms agreed with the project lead. Partners sign off through comms; people quoted with an email "
          "approve their own quote in Media Desk.",
    fields=(
        Field("project_lead", "Project lead", "Project lead's email", Kind.EMAIL, optional=True, max_len=254),
        Field("partners", "Partners to sign off", "Partner organisations, one per line", Kind.LONG_TEXT,
              optional=True, max_len=1000, placeholder="Essex County Council"),
        Field("quoted", "People quoted", "People quoted, one per line: name, email", Kind.LONG_TEXT, optional=True,
              max_len=1000, placeholder="Dana Director, dana.director@nhs.net"),
        Field("preferred_date", "Preferred date", "Planned date to issue", Kind.DEADLINE, optional=True,
              max_len=100),
        Field("embargo", "Embargo", "Embargoed until", Kind.DEADLINE, optional=True, max_len=100,
              help="It can't be marked as issued before this unless the Director of Communications overrides."),
    ),
)

DRAFT_FORM = Form(
    id="press_draft", title="Save a version", submit_label="Save version", outro="",
    intro="Each version gets a fingerprint; every sign-off binds to the version it approved.",
    fields=(
        Field("text", "Text", "The release", Kind.LONG_TEXT, optional=True, max_len=3000),
        Field("link", "Working document", "Link to the working document", optional=True, max_len=500,
              placeholder="https://…"),
        Field("note", "What changed", "What changed in this version", optional=True, max_len=500),
    ),
    rules=(Rule(("text", "link"), _text_or_link),),
)

AMENDS_FORM = Form(
    id="press_amends", title="Send amendments", submit_label="Send to comms", outro="",
    intro=ONE_SET + " Once sent, this round's amendments are closed.",
    fields=(Field("amends", "Collated amendments", "Your team's amendments, in one set", Kind.LONG_TEXT,
                  max_len=3000),),
)

INVITE_FORM = Form(
    id="press_invite", title="Ask your team to comment", submit_label="Ask them", outro="",
    intro="They will see the draft and can send their comments to you (not to comms): you collate them into one set.",
    fields=(Field("emails", "Team members", "Their emails, one per line", Kind.LONG_TEXT, max_len=2000),),
)

TEAM_COMMENT_FORM = Form(
    id="press_team_comment", title="Comments for the project lead", submit_label="Send to the project lead",
    outro="", intro="Your comments go to the project lead, who sends comms one collated set.",
    fields=(Field("comment", "Comments", "Your comments on the draft", Kind.LONG_TEXT, max_len=3000),),
)

CHANGE_FORM = Form(
    id="press_change", title="Ask for a change", submit_label="Send to comms", outro="",
    intro="Comms will make a new version; every sign-off after a change starts again on the new version.",
    fields=(Field("comment", "What should change", "What should change?", Kind.LONG_TEXT, max_len=3000),),
)

RECORD_FORM = Form(
    id="press_record", title="Record a sign-off", submit_label="Record sign-off", outro="",
    intro="Record that they agreed this exact version (comms liaise with partners' comms teams).",
    fields=(Field("who", "Who agreed it", "Name and role of who agreed it", max_len=300),),
)

EMBARGO_FORM = Form(
    id="press_embargo", title="Override the embargo", submit_label="Override", outro="",
    intro="Only the Director of Communications can allow issuing before the embargo. It is recorded.",
    fields=(Field("reason", "Reason", "Why may it go out before the embargo?", Kind.LONG_TEXT, max_len=1000),),
)

CHANNELS = (Choice("media", "Media distribution list"), Choice("website", "ICB website"),
            Choice("social", "Social media"), Choice("partners", "Partners and stakeholders"),
            Choice("staff", "Staff bulletin"))

ISSUE_FORM = Form(
    id="press_issue", title="Mark as issued", submit_label="Mark as issued", outro="",
    intro="Record where it went. It can't be issued before the embargo unless the Director has overridden it.",
    fields=(Field("channels", "Channels", "Where did it go?", Kind.FLAGS, choices=CHANNELS),
            Field("note", "Note", "Anything else (follow-up advised, interviews offered)", Kind.LONG_TEXT,
                  optional=True, max_len=1000)),
)

COVERAGE_FORM = Form(
    id="press_coverage", title="Log coverage", submit_label="Log it", outro="",
    intro="A link to each piece of coverage, so the follow-up is on record.",
    fields=(Field("link", "Link", "Link to the coverage", max_len=500, placeholder="https://…"),
            Field("outlet", "Outlet", "Outlet", optional=True, max_len=200)),
)

STATIC_FORMS = {f.id: f for f in (DETAILS_FORM, DRAFT_FORM, AMENDS_FORM, INVITE_FORM, TEAM_COMMENT_FORM, CHANGE_FORM,
                                  RECORD_FORM, EMBARGO_FORM, ISSUE_FORM, COVERAGE_FORM)}


def workflow_form(form_id: str, directory: Directory) -> Form | None:
    if form_id == "press_decide":
        return decide_form(directory)
    return STATIC_FORMS.get(form_id)


@dataclass(frozen=True)
class PressComment:
    """A team member's comment to the project lead ("team"), or the lead's collated set for a round ("amends")."""

    stage: PressState
    kind: str
    by: str
    by_email: str | None
    text: str
    at: datetime
    draft_version: int | None = None


# --- who may press what ------------------------------------------------------------------------------------

_COMMS_ONLY = {"claim": "claim a press release", "gathered": "move a press release on", "send": "send a draft on",
               "close": "close a press release", "stop": "stop a press release", "decide": "decide how to respond",
               "details": "change a press release's details", "draft": "write a press release",
               "issue": "issue a press release", "coverage": "log coverage"}
_LEAD_ONLY = {"no_amends": "say there are no changes", "amends": "send the collated amendments",
              "invite": "ask their team to comment"}


def is_comms(directory: Directory, actor: Any) -> bool:
    """The communications team, with the Director of Communications and their delegates."""
    return directory.has(actor, Role.COMMS, Role.DIRECTOR_OF_COMMS, Role.SIGN_OFF_DELEGATE)


def require_comms(directory: Directory, actor: Any, what: str) -> None:
    from bot.domain.errors import NotAllowed

    if not is_comms(directory, actor):
        raise NotAllowed(f"Only the communications team can {what}. All press releases are written and managed "
                         "by the communications team.")


def require(directory: Directory, actor: Any, pr: PressRelease, action: str, slot: PressSlot | None = None
            ) -> None:
    """Who may press which button of a press release; raises NotAllowed with the reason in plain English.
    `slot`: the sign-off a decision ("approve", "change") or a recording by comms ("record") is for."""
    from bot.domain.errors import NotAllowed

    email = (actor.email or "").lower()
    if action in _COMMS_ONLY:
        require_comms(directory, actor, _COMMS_ONLY[action])
    elif action in _LEAD_ONLY:
        lead = pr.lead_email()
        if not lead or email != lead:
            name = directory.name_of(lead) if lead else "the project lead"
            what = _LEAD_ONLY[action]
            hint = (f" If you are on their team, send your comments to {name} instead: they collate one set for "
                    "comms." if what.startswith("send") else "")
            raise NotAllowed(f"Only the project lead ({name}) can {what}.{hint}")
    elif action == "comment":
        if email not in pr.team:
            lead = directory.name_of(pr.lead_email() or "") if pr.lead_email() else "the project lead"
            raise NotAllowed(f"Only the team members {lead} asked to comment can send comments on this draft.")
    elif action == "embargo":
        if not directory.has(actor, Role.DIRECTOR_OF_COMMS):
            raise NotAllowed("Only the Director of Communications can override an embargo.")
    elif slot is not None:
        label = slot_label(slot, pr, directory)
        if action == "record" or recorded_by_comms(slot, pr):
            if not recorded_by_comms(slot, pr):
                who = " or ".join(directory.name_of(e) for e in signers(slot, pr, directory))
                raise NotAllowed(f"{label} is signed off by {who} in person, not recorded by comms.")
            require_comms(directory, actor, f"record {label}'s sign-off")
            return
        allowed = signers(slot, pr, directory)
        if email not in allowed:
            who = " or ".join(directory.name_of(e) for e in allowed) or "nobody configured"
            raise NotAllowed(f"Only {who} can sign this off ({label}). Your click has not been counted.")


def may(directory: Directory, actor: Any, pr: PressRelease, action: str, x: str | None = None) -> bool:
    """Whether `actor` may press a button for `action` (with its argument `x`) on this press release."""
    from bot.domain.errors import NotAllowed

    slot = None
    if action in ("approve", "change", "record"):
        slot = PressSlot.parse((x or "").rpartition(":")[0])
        if slot is None:
            return False
    try:
        require(directory, actor, pr, action, slot)
    except NotAllowed:
        return False
    return True
