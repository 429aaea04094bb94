"""Press releases (Appendices D and E): the request, comms' claim and decision, drafts with fingerprints, the
project lead's one collated set of amendments per round, sign-offs bound to versions, late changes, the embargo,
issue and coverage. Every step is one unit of work: state, history, cards (outbox) and the stage's chase."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain.enquiry import Person
from bot.domain.errors import (
    DomainError,
    InvalidTransition,
    StaleAction,
    ValidationFailed,
)
from bot.domain.forms import Context, Form
from bot.domain.messages import Outbound, Recipient
from bot.domain.nudges import Nudge, NudgeKind, NudgeStatus
from bot.domain.people import Actor, Role
from bot.domain.press_release import (
    AFTER_LEAD_SIGN_OFF,
    COLLATING,
    DRAFTING,
    EMAIL,
    PREFIX,
    PRESS_WORKFLOW,
    SIGN_OFF_STAGES,
    STAGE_NAMES,
    Outcome,
    PressComment,
    PressEffect,
    PressRelease,
    PressSlot,
    PressState,
    ReleaseKind,
    draft_fingerprint,
    holders,
    parse_link,
    parse_partners,
    parse_quoted,
    require,
    slot_label,
    slots_for,
    workflow_form,
)
from bot.domain.statement import Decision, Draft, SignOff, binds_to, completes_round, decided_on
from bot.domain.timefmt import describe
from bot.domain.workflow import Transition
from bot.ports import UnitOfWork
from bot.services.casework import Answer, CaseKind, Effect, Step
from bot.services.core import Core, ModalRequest, Reply, record
from cards import press_views as views
from cards.model import ActionPayload, Card

P = PressState
PRESS_NUDGES = (NudgeKind.PRESS_STAGE,)
_SKIPPABLE = (P.EXTERNAL_SIGN_OFF, P.LEAD_SIGN_OFF, P.QUOTE_APPROVAL)
_UNKNOWN = "Sorry, I didn't recognise that button. It may be from an old message."


@dataclass
class PressStep(Step):
    headline: str | None = None  # what the owner hears (TELL_OWNER)
    comment: PressComment | None = None  # what the lead hears (TELL_LEAD), or the text of a comment


def _person(actor: Actor) -> Person:
    return Person(actor.label, actor.email, actor.platform, actor.user_id)


def _platform(pr: PressRelease) -> str:
    return pr.requester.platform or "slack"


# --- the request (from the /press-release conversation or its one-screen form) ------------------------------

async def request(uow: UnitOfWork, core: Core, actor: Actor, answers: dict[str, Any], ctx: Context) -> PressRelease:
    year = ctx.now.astimezone(ctx.tz).year
    number = await uow.next_number(f"{PREFIX}-{year}")
    kind = ReleaseKind(answers.get("kind") or ReleaseKind.PROACTIVE.value)
    pr = PressRelease(ref=f"{PREFIX}-{year}-{number:04d}", kind=kind, details=dict(answers),
                      requester=_person(actor), created_at=ctx.now,
                      project_lead=(answers.get("project_lead") or None),
                      partners=parse_partners(answers.get("partners")))
    pr.embargo = _instant(answers.get("embargo"))
    pr.preferred = _instant(answers.get("preferred_date"))
    pr.due = _due(core, ctx, pr)
    await uow.press_releases.add(pr, ctx.now)
    await uow.history.append(record(pr.ref, ctx.now, "requested", actor, kind=kind.value, details=answers,
                                    state=pr.state.value, due=_iso(pr.due)))
    await _channel_card(uow, core, ctx, pr)
    await uow.outbox.add(Outbound(Recipient.user(actor.platform, actor.user_id),
                                  views.requested_card(pr).to_json(), case_ref=pr.ref), ctx.now)
    await _schedule_chase(uow, ctx, pr)
    return pr


def _instant(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _due(core: Core, ctx: Context, pr: PressRelease) -> datetime | None:
    if pr.state is P.CLOSED:
        return None
    if pr.state is P.READY:
        for planned in (pr.embargo, pr.preferred):
            if planned and planned > ctx.now:
                return planned
    due = ctx.now + core.press.stage(pr.kind, pr.state)
    return due if pr.kind is ReleaseKind.REACTIVE else core.next_open(due)


# --- the workflow -------------------------------------------------------------------------------------------

def _skip(pr: PressRelease) -> str | None:
    """A sign-off stage nobody needs to sign is passed over, saying why."""
    if pr.state in _SKIPPABLE and not slots_for(pr.state, pr):
        return _why_skipped(pr.state, pr)
    return None


async def _prepare(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep,
                   moved: Transition[Any, Any]) -> None:
    """A new stage has a new due date, and the keys of the cards its people are about to get are kept."""
    if moved.source is not moved.target:
        pr.due = _due(core, ctx, pr)
    if PressEffect.NEW_STAGE in moved.effects:
        draft = await uow.drafts.latest(pr.ref)
        for email in await _whose_turn(uow, core, ctx, pr):
            _keep_card(pr, email, _card_key(pr, draft, email))


async def _reschedule(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep,
                      moved: Transition[Any, Any]) -> None:
    """A stage left is no longer chased; a new stage is chased from its due date."""
    if moved.source is not moved.target:
        await uow.nudges.cancel(pr.ref, PRESS_NUDGES, ctx.now)
    if PressEffect.NEW_STAGE in moved.effects:
        await _schedule_chase(uow, ctx, pr)


def _why_skipped(stage: PressState, pr: PressRelease) -> str:
    return {P.EXTERNAL_SIGN_OFF: "no partners to sign off",
            P.LEAD_SIGN_OFF: "a statement has no project lead sign-off",
            P.QUOTE_APPROVAL: "nobody is quoted"}.get(stage, "nothing to sign")


async def act(core: Core, actor: Actor, action: str, ref: str, x: str | None, version: int | None,
              request_key: str) -> Reply:
    """Every button on a press-release card."""
    if action in _FORM_BUTTONS:
        return await _open_form(core, actor, action, ref, x, version)

    async def change(uow: UnitOfWork, ctx: Context, pr: PressRelease) -> Answer:
        draft = await uow.drafts.latest(ref)
        match action:
            case "claim":
                require(core.directory, actor, pr, "claim")
                event = "claim" if pr.kind is ReleaseKind.PROACTIVE else "claim_reactive"
                PRESS_WORKFLOW.apply(pr.state, event)
                pr.owner = _person(actor)
                await PRESS.apply(uow, core, ctx, pr, PressStep(actor, event))
                reply = (f"You have {ref}. Contact the project lead to agree dates, key messages and who is quoted."
                         if event == "claim" else f"You have {ref}: decide how to respond, and in whose name.")
            case "gathered":
                require(core.directory, actor, pr, "gathered")
                await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "gathered"))
                reply = f"{ref} is at the first draft stage."
            case "send":
                require(core.directory, actor, pr, "send")
                event = {P.FIRST_DRAFT: "send_statement" if pr.is_statement else "send_draft",
                         P.AMENDING: "send_amended", P.FINAL_AMENDS: "send_for_sign_off"}.get(pr.state, "send_draft")
                PRESS_WORKFLOW.apply(pr.state, event)
                if draft is None:
                    raise ValidationFailed("Save a version of the draft first.")
                await PRESS.apply(uow, core, ctx, pr, PressStep(actor, event, facts=_draft_facts(draft)))
                reply = f"{ref} version {draft.number} sent on: {STAGE_NAMES[pr.state].lower()} stage."
            case "no_amends":
                require(core.directory, actor, pr, "no_amends")
                PRESS_WORKFLOW.apply(pr.state, "no_amends")
                round_ = pr.state
                await _collated(uow, ctx, pr, actor, draft, "No changes.")
                await PRESS.apply(uow, core, ctx, pr, PressStep(
                    actor, "no_amends", facts={"round": round_.value, **_draft_facts(draft)},
                    headline=f"{actor.label} has no changes to {ref}: it is going for sign-off."))
                reply = f"Thank you: comms know there are no changes to {ref}."
            case "approve":
                reply = await _approve(uow, core, ctx, pr, draft, actor, x, version, comment=None)
            case "close":
                require(core.directory, actor, pr, "close")
                await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "close"))
                reply = f"{ref} is closed."
            case "stop":
                require(core.directory, actor, pr, "stop")
                await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "stop"))
                reply = f"{ref} is stopped."
            case _:
                raise ValidationFailed(_UNKNOWN)
        return Reply(text=reply)

    return await PRESS.run(core, ref, request_key, change)


def _draft_facts(draft: Draft | None) -> dict[str, Any]:
    return {"version": draft.number, "fingerprint": draft.fingerprint} if draft else {}


# --- buttons that open a form: checked first, so a refused person never sees the form ------------------------

_FORM_BUTTONS = {"decide": "press_decide", "details": "press_details", "draft": "press_draft",
                 "amends": "press_amends", "invite": "press_invite", "comment": "press_team_comment",
                 "change": "press_change", "record": "press_record", "embargo": "press_embargo",
                 "issue": "press_issue", "coverage": "press_coverage"}


async def _open_form(core: Core, actor: Actor, action: str, ref: str, x: str | None, version: int | None) -> Reply:
    ctx = core.ctx()
    async with core.uow() as uow:
        pr = await PRESS.load(uow, ref)
        draft = await uow.drafts.latest(ref)
        comments = await uow.press_comments.for_case(ref)
    meta: dict[str, Any] = {"ref": ref}
    values: dict[str, Any] = {}
    match action:
        case "decide":
            require(core.directory, actor, pr, "decide")
            PRESS_WORKFLOW.apply(pr.state, "decide_release")
        case "details":
            require(core.directory, actor, pr, "details")
            PRESS_WORKFLOW.apply(pr.state, "details")
            values = {"project_lead": pr.project_lead, "partners": "\n".join(pr.partners),
                      "quoted": "\n".join(f"{q.name}, {q.email}" if q.email else q.name for q in pr.quoted)
                      or pr.details.get("quoted") or pr.details.get("spokesperson"),
                      "embargo": _local(pr.embargo, ctx), "preferred_date": _local(pr.preferred, ctx)}
        case "draft":
            require(core.directory, actor, pr, "draft")
            _draft_event(pr)
            if draft is not None:
                values = {"text": draft.text, "link": pr.links.get(str(draft.number))}
        case "amends":
            require(core.directory, actor, pr, "amends")
            PRESS_WORKFLOW.apply(pr.state, "send_amends")
            team = [c for c in comments if c.kind == "team" and c.stage is pr.state]
            if team:
                values = {"amends": "\n\n".join(f"{c.by}: {c.text}" for c in team)[:3000]}
        case "invite":
            require(core.directory, actor, pr, "invite")
            PRESS_WORKFLOW.apply(pr.state, "invite_team")
            values = {"emails": "\n".join(pr.team)}
        case "comment":
            require(core.directory, actor, pr, "comment")
            PRESS_WORKFLOW.apply(pr.state, "team_comment")
        case "change" | "record":
            slot, fp = _slot(x)
            require(core.directory, actor, pr, action, slot)
            _check_stage(pr, slot)
            _check_version(draft, version, fp)
            meta.update({"slot": slot.value, "v": version, "fp": fp})
        case "embargo":
            require(core.directory, actor, pr, "embargo")
            PRESS_WORKFLOW.apply(pr.state, "lift_embargo")
            if not pr.embargo or pr.embargo <= ctx.now:
                raise ValidationFailed("There is no embargo still to come on this release.")
        case "issue":
            require(core.directory, actor, pr, "issue")
            PRESS_WORKFLOW.apply(pr.state, "issue")
            _check_embargo(pr, ctx)
        case "coverage":
            require(core.directory, actor, pr, "coverage")
            PRESS_WORKFLOW.apply(pr.state, "log_coverage")
    return Reply(modal=ModalRequest(_FORM_BUTTONS[action], meta, {k: v for k, v in values.items() if v}))


def _local(when: datetime | None, ctx: Context) -> str | None:
    return when.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M") if when and when > ctx.now else None


def _draft_event(pr: PressRelease) -> str:
    """Saving a version: part of drafting, or (once sign-off has begun) a late change that goes back."""
    event = "save_draft" if pr.state in DRAFTING else "revise" if pr.state in (*SIGN_OFF_STAGES, P.READY) \
        else "save_draft"
    PRESS_WORKFLOW.apply(pr.state, event)
    return event





def _check_embargo(pr: PressRelease, ctx: Context) -> None:
    if pr.embargo and ctx.now < pr.embargo and not pr.embargo_override:
        raise ValidationFailed(
            f"{pr.ref} is embargoed until {describe(pr.embargo, ctx.now, ctx.tz)}: it can't be marked as issued "
            "before then unless the Director of Communications overrides the embargo.")


def form_for(core: Core, form_id: str) -> Form | None:
    return workflow_form(form_id, core.directory)


# --- one-screen forms submitted -----------------------------------------------------------------------------

async def submit(core: Core, actor: Actor, form_id: str, meta: dict[str, Any], values: dict[str, Any],
                 request_key: str) -> Reply:
    if form_id not in _SUBMITS:
        return Reply(text="That form is no longer available; please start again.")

    async def change(uow: UnitOfWork, ctx: Context, pr: PressRelease) -> Answer:
        draft = await uow.drafts.latest(pr.ref)
        return Reply(text=await _SUBMITS[form_id](uow, core, ctx, pr, draft, actor, meta, values))

    return await PRESS.run(core, str(meta.get("ref", "")), request_key, change)


Submit = Callable[[UnitOfWork, Core, Context, PressRelease, Draft | None, Actor, dict, dict], Awaitable[str]]


async def _decide(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                  meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "decide")
    outcome = Outcome(values["outcome"])
    event = {Outcome.RELEASE: "decide_release", Outcome.STATEMENT: "decide_statement",
             Outcome.NOTHING: "decide_nothing"}[outcome]
    PRESS_WORKFLOW.apply(pr.state, event)
    pr.outcome, pr.in_name_of = outcome, values.get("in_name_of")
    pr.executive = (values.get("executive") or None) if outcome is not Outcome.NOTHING else None
    if pr.owner is None:
        pr.owner = _person(actor)
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, event, facts={
        "outcome": outcome.value, "in_name_of": pr.in_name_of, "executive": pr.executive,
        "note": values.get("note")}))
    return {Outcome.RELEASE: f"Recorded: a press release for {pr.ref}. Next: the first draft.",
            Outcome.STATEMENT: f"Recorded: a statement only for {pr.ref}. Next: the draft statement.",
            Outcome.NOTHING: f"Recorded: no response needed. {pr.ref} is closed."}[outcome]


async def _details(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                   meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "details")
    PRESS_WORKFLOW.apply(pr.state, "details")
    if pr.state in SIGN_OFF_STAGES or pr.state is P.READY:
        # Who signs is part of what was approved: changing it once sign-off has begun needs a new version.
        partners, quoted = parse_partners(values.get("partners")), parse_quoted(values.get("quoted"))
        if partners != pr.partners or quoted != pr.quoted:
            raise ValidationFailed("Sign-off has begun: partners and people quoted can only change with a new "
                                   "version (a late change), which sends it back to sign-off.")
    before = {"project_lead": pr.project_lead, "partners": pr.partners, "quoted": [q.__dict__ for q in pr.quoted],
              "embargo": _iso(pr.embargo), "preferred": _iso(pr.preferred)}
    pr.project_lead = values.get("project_lead") or None
    pr.partners = parse_partners(values.get("partners"))
    pr.quoted = parse_quoted(values.get("quoted"))
    pr.embargo = _instant(values.get("embargo"))
    pr.preferred = _instant(values.get("preferred_date"))
    after = {"project_lead": pr.project_lead, "partners": pr.partners, "quoted": [q.__dict__ for q in pr.quoted],
             "embargo": _iso(pr.embargo), "preferred": _iso(pr.preferred)}
    changed = {k: v for k, v in after.items() if before[k] != v}
    if pr.state is P.READY and changed.get("embargo") is not None:
        pr.due = _due(core, ctx, pr)
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "details", facts={"changed": changed}))
    return f"Details of {pr.ref} saved."


async def _save_draft(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None,
                      actor: Actor, meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "draft")
    event = _draft_event(pr)
    text, link = values.get("text") or "", parse_link(values.get("link"))
    fp = draft_fingerprint(text, link)
    if draft is not None and draft.fingerprint == fp:
        raise ValidationFailed(f"That is the same as version {draft.number}: nothing has changed.")
    new = Draft((draft.number + 1) if draft else 1, text, fp, actor.label, actor.email, ctx.now)
    await uow.drafts.add(pr.ref, new)
    if link:
        pr.links = {**pr.links, str(new.number): link}
    facts: dict[str, Any] = {**_draft_facts(new), "text": text, "link": link, "note": values.get("note")}
    if event == "revise":
        old = await uow.drafts.sign_offs(pr.ref, draft.number) if draft else []
        cleared = [slot_label(s.slot, pr, core.directory) for s in old
                   if isinstance(s.slot, PressSlot) and s.decision is Decision.APPROVED]
        pr.late_change = {"version": new.number, "replaced": draft.number if draft else None,
                          "from": STAGE_NAMES[pr.state], "cleared": cleared, "by": actor.label,
                          "at": ctx.now.isoformat(), "after_lead_sign_off": pr.state in AFTER_LEAD_SIGN_OFF,
                          "note": values.get("note")}
        facts.update(replaced=pr.late_change["replaced"], from_stage=pr.state.value, cleared=cleared)
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, event, facts=facts))
    if event == "revise":
        return (f"Version {new.number} of {pr.ref} saved. It is back at {STAGE_NAMES[pr.state].lower()}: the "
                "earlier sign-offs no longer count.")
    return f"Version {new.number} of {pr.ref} saved."


async def _collated(uow: UnitOfWork, ctx: Context, pr: PressRelease, actor: Actor, draft: Draft | None,
                    text: str) -> PressComment:
    comment = PressComment(pr.state, "amends", actor.label, actor.email, text, ctx.now,
                           draft.number if draft else None)
    await uow.press_comments.add(pr.ref, comment)  # one set per round
    return comment


async def _amends(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                  meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "amends")
    PRESS_WORKFLOW.apply(pr.state, "send_amends")
    round_ = pr.state
    comment = await _collated(uow, ctx, pr, actor, draft, values["amends"])
    await PRESS.apply(uow, core, ctx, pr, PressStep(
        actor, "send_amends", comment=comment,
        facts={"round": round_.value, "amends": values["amends"], **_draft_facts(draft)},
        headline=f"{actor.label} sent the collated amendments for {pr.ref}."))
    return f"Your amendments for {pr.ref} went to comms as one set."


async def _invite(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                  meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "invite")
    found = [e.lower() for e in _emails(values["emails"])]
    if not found:
        raise ValidationFailed("Give at least one email address.")
    team = [e for e in found if e != pr.lead_email()][:20]
    added = [e for e in team if e not in pr.team]
    pr.team = list(dict.fromkeys([*pr.team, *team]))
    for email in added:
        _keep_card(pr, email, await _post_person_card(uow, core, ctx, pr, email))
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "invite_team", facts={"added": added}))
    return f"Asked {len(added)} team member(s) to send you their comments on {pr.ref}."


def _emails(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(0) for m in EMAIL.finditer(text or "")))


async def _team_comment(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None,
                        actor: Actor, meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "comment")
    PRESS_WORKFLOW.apply(pr.state, "team_comment")
    comment = PressComment(pr.state, "team", actor.label, actor.email, values["comment"], ctx.now,
                           draft.number if draft else None)
    await uow.press_comments.add(pr.ref, comment)
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "team_comment", comment=comment,
                                                    facts={"comment": values["comment"], **_draft_facts(draft)}))
    lead = core.directory.name_of(pr.lead_email() or "")
    return f"Your comments went to {lead}, who will send comms one collated set."


async def _change(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                  meta: dict, values: dict) -> str:
    slot, fp = _slot(f"{meta.get('slot', '')}:{meta.get('fp', '')}")
    require(core.directory, actor, pr, "change", slot)
    _check_stage(pr, slot)
    draft = _check_version(draft, _int(meta.get("v")), fp)
    await PRESS.apply(uow, core, ctx, pr, PressStep(
        actor, "ask_change", facts={"slot": slot.value, "comment": values["comment"], **_draft_facts(draft)},
        headline=f"{actor.label} asked for a change to {pr.ref} ({slot_label(slot, pr, core.directory)}). A new "
                 "version (a late change) sends it back to sign-off.",
        comment=PressComment(pr.state, "change", actor.label, actor.email, values["comment"], ctx.now,
                             draft.number)))
    return f"Your request for a change to {pr.ref} went to comms."


async def _record(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                  meta: dict, values: dict) -> str:
    x = f"{meta.get('slot', '')}:{meta.get('fp', '')}"
    return await _approve(uow, core, ctx, pr, draft, actor, x, _int(meta.get("v")), comment=values["who"],
                          recording=True)


async def _embargo(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                   meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "embargo")
    PRESS_WORKFLOW.apply(pr.state, "lift_embargo")
    if not pr.embargo or pr.embargo <= ctx.now:
        raise ValidationFailed("There is no embargo still to come on this release.")
    pr.embargo_override = {"by": actor.label, "by_email": actor.email, "at": ctx.now.isoformat(),
                           "reason": values["reason"], "embargo": pr.embargo.isoformat()}
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "lift_embargo", facts={
        "embargo": pr.embargo.isoformat(), "reason": values["reason"]}))
    return f"Recorded: {pr.ref} may be issued before its embargo."


async def _issue(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                 meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "issue")
    PRESS_WORKFLOW.apply(pr.state, "issue")
    _check_embargo(pr, ctx)
    if draft is None:
        raise ValidationFailed("There is no signed-off version to issue.")
    early = bool(pr.embargo and ctx.now < pr.embargo)
    pr.issued = {"at": ctx.now.isoformat(), "by": actor.label, "channels": values.get("channels") or [],
                 "note": values.get("note"), "version": draft.number, "fingerprint": draft.fingerprint,
                 "embargo_lifted": _iso(pr.embargo), "before_embargo_by_override": early}
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "issue", facts={
        **_draft_facts(draft), "channels": pr.issued["channels"], "note": values.get("note"),
        "embargo_lifted": _iso(pr.embargo), "before_embargo_by_override": early}))
    return f"{pr.ref} is issued. Log coverage on the card as it appears."


async def _coverage(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None,
                    actor: Actor, meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "coverage")
    link = parse_link(values["link"])
    entry = {"link": link, "outlet": values.get("outlet"), "by": actor.label, "at": ctx.now.isoformat()}
    pr.coverage = [*pr.coverage, entry]
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "log_coverage", facts={"link": link,
                                                                                 "outlet": values.get("outlet")}))
    return f"Coverage logged on {pr.ref}."


_SUBMITS: dict[str, Submit] = {
    "press_decide": _decide, "press_details": _details, "press_draft": _save_draft, "press_amends": _amends,
    "press_invite": _invite, "press_team_comment": _team_comment, "press_change": _change, "press_record": _record,
    "press_embargo": _embargo, "press_issue": _issue, "press_coverage": _coverage,
}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- sign-offs ------------------------------------------------------------------------------------------------

def _slot(x: str | None) -> tuple[PressSlot, str]:
    raw, _, fp = (x or "").rpartition(":")
    slot = PressSlot.parse(raw)
    if slot is None:
        raise ValidationFailed(_UNKNOWN)
    return slot, fp


def _check_stage(pr: PressRelease, slot: PressSlot) -> None:
    if pr.state is not slot.stage or slot not in slots_for(pr.state, pr):
        if pr.state in (P.CLOSED, P.ISSUED):
            PRESS_WORKFLOW.apply(pr.state, "approve")
        raise InvalidTransition(f"This release is not waiting for that sign-off: it is at the "
                                f"{STAGE_NAMES[pr.state].lower()} stage.")


def _check_version(draft: Draft | None, version: int | None, fp: str) -> Draft:
    if not binds_to(draft, version, fp):
        raise StaleAction("This card shows an earlier version of the release, which has since changed, so it "
                          "can't be signed off from here. The latest version comes on a new card.")
    assert draft is not None
    return draft


async def _approve(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                   x: str | None, version: int | None, *, comment: str | None, recording: bool = False) -> str:
    slot, fp = _slot(x)
    require(core.directory, actor, pr, "record" if recording else "approve", slot)
    _check_stage(pr, slot)
    draft = _check_version(draft, version, fp)
    decided = await uow.drafts.sign_offs(pr.ref, draft.number)
    if earlier := decided_on(decided, slot):
        raise DomainError(f"{earlier.by} already signed this version off. Nothing more is needed from you.")
    sign_off = SignOff(draft.number, draft.fingerprint, slot, Decision.APPROVED, actor.label,
                       actor.email, ctx.now, comment)
    await uow.drafts.add_sign_off(pr.ref, sign_off)
    done = completes_round(decided, slot, slots_for(pr.state, pr))
    label = slot_label(slot, pr, core.directory)
    headline = (f"{pr.ref} is signed off by the Director of Communications: ready to issue"
                + (f" (embargoed until {describe(pr.embargo, ctx.now, ctx.tz)})." if pr.embargo else "."))
    await PRESS.apply(uow, core, ctx, pr, PressStep(
        actor, "approve_last" if done else "approve", headline=headline,
        facts={"slot": slot.value, "label": label, "recorded": comment, **_draft_facts(draft)}))
    return f"Signed off: {label}, version {draft.number} of {pr.ref}." if not recording else \
        f"Recorded: {label} signed off version {draft.number} of {pr.ref}."


# --- effects ------------------------------------------------------------------------------------------------

async def _state_of(uow: UnitOfWork, pr: PressRelease) -> tuple[Draft | None, list[SignOff], list[PressComment]]:
    draft = await uow.drafts.latest(pr.ref)
    sign_offs = await uow.drafts.sign_offs(pr.ref, draft.number) if draft else []
    comments = await uow.press_comments.for_case(pr.ref)
    return draft, sign_offs, comments


async def channel_card(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease) -> Card:
    """The comms channel card as the release now stands."""
    draft, sign_offs, comments = await _state_of(uow, pr)
    return views.press_card(pr, ctx, core.directory, draft=draft, sign_offs=sign_offs, comments=comments)


def _viewers(core: Core, pr: PressRelease) -> list[str]:
    """Who may see the release's channel card with only their own buttons."""
    d = core.directory
    people = [*d.people_with(Role.COMMS), *d.people_with(Role.DIRECTOR_OF_COMMS),
              *d.people_with(Role.SIGN_OFF_DELEGATE), _email_of(pr.requester) or "", pr.lead_email() or ""]
    return list(dict.fromkeys(e.lower() for e in people if e))


async def _channel_card(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease) -> None:
    card = (await channel_card(uow, core, ctx, pr)).model_copy(update={
        "view": ActionPayload(a="view", k="press", id=pr.ref), "viewers": _viewers(core, pr)})
    await uow.outbox.add(Outbound(Recipient.comms(_platform(pr)), card.to_json(), key=views.press_key(pr.ref),
                                  case_ref=pr.ref), ctx.now)


async def _update_card(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep) -> None:
    await _channel_card(uow, core, ctx, pr)


def _people(pr: PressRelease) -> dict[str, str]:
    return dict(pr.details.get("_cards") or {})


def _card_key(pr: PressRelease, draft: Draft | None, email: str) -> str:
    return views.person_key(pr.ref, pr.state, draft.number if draft else None, email)


def _keep_card(pr: PressRelease, email: str, key: str) -> None:
    """Remember the card a person was sent, so every later step updates it (kept with the release)."""
    pr.details = {**pr.details, "_cards": {**_people(pr), email: key}}


async def _post_person_card(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, email: str) -> str:
    """A new card for a person whose turn it now is (a fresh message, so they are notified); its key."""
    draft, sign_offs, comments = await _state_of(uow, pr)
    key = _card_key(pr, draft, email)
    card = views.person_card(pr, ctx, core.directory, email, draft=draft, sign_offs=sign_offs, comments=comments)
    await uow.outbox.add(Outbound(Recipient("email", _platform(pr), email), card.to_json(), key=key,
                                  case_ref=pr.ref), ctx.now)
    return key


async def _update_people(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep) -> None:
    """Every card a person was sent shows where the release now stands (buttons only for whoever may act)."""
    draft, sign_offs, comments = await _state_of(uow, pr)
    for email, key in _people(pr).items():
        card = views.person_card(pr, ctx, core.directory, email, draft=draft, sign_offs=sign_offs,
                                 comments=comments)
        await uow.outbox.add(Outbound(Recipient("email", _platform(pr), email), card.to_json(), key=key,
                                      case_ref=pr.ref, update_only=True), ctx.now)


async def _whose_turn(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease) -> list[str]:
    """Who gets a card of their own at the stage the release has reached."""
    draft = await uow.drafts.latest(pr.ref)
    decided = {s.slot.value for s in await uow.drafts.sign_offs(pr.ref, draft.number)} if draft else set()
    owner = _email_of(pr.owner)
    # comms work from the channel card, except while they collate
    people = [email for email in holders(pr, core.directory, decided) if email != owner or pr.state in COLLATING]
    if pr.state is P.READY and pr.embargo and pr.embargo > ctx.now:
        people += core.directory.people_with(Role.DIRECTOR_OF_COMMS)  # the override is theirs to give
    return people


async def _new_stage(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep) -> None:
    """The holders of the new stage are asked on a card of their own (chased from its due date: _reschedule)."""
    for email in await _whose_turn(uow, core, ctx, pr):
        await _post_person_card(uow, core, ctx, pr, email)


def _email_of(person: Person | None) -> str | None:
    return (person.email or "").lower() or None if person else None


async def _schedule_chase(uow: UnitOfWork, ctx: Context, pr: PressRelease) -> None:
    if pr.due is not None and pr.state is not P.CLOSED:
        await uow.nudges.add(Nudge(pr.ref, NudgeKind.PRESS_STAGE, pr.due, data={"state": pr.state.value}), ctx.now)


def _to(person: Person) -> Recipient:
    if person.user_id:
        return Recipient.user(person.platform or "slack", person.user_id)
    return Recipient("email", person.platform or "slack", person.email)


async def _tell_requester(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep) -> None:
    card = views.requester_news_card(pr, step.event, ctx)
    await uow.outbox.add(Outbound(_to(pr.requester), card.to_json(), case_ref=pr.ref), ctx.now)


async def _tell_owner(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep) -> None:
    if pr.owner is None or not step.headline:
        return
    card = views.owner_news_card(pr, ctx, step.headline, step.comment.text if step.comment else None)
    await uow.outbox.add(Outbound(_to(pr.owner), card.to_json(), case_ref=pr.ref), ctx.now)


async def _tell_lead(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, step: PressStep) -> None:
    lead = pr.lead_email()
    if lead is None or step.comment is None:
        return
    await uow.outbox.add(Outbound(Recipient("email", _platform(pr), lead),
                                  views.lead_news_card(pr, step.comment).to_json(), case_ref=pr.ref), ctx.now)


_EFFECTS: dict[PressEffect, Effect[PressRelease, PressStep]] = {
    PressEffect.UPDATE_CARD: _update_card,
    PressEffect.NEW_STAGE: _new_stage,
    PressEffect.UPDATE_PEOPLE: _update_people,
    PressEffect.TELL_REQUESTER: _tell_requester,
    PressEffect.TELL_OWNER: _tell_owner,
    PressEffect.TELL_LEAD: _tell_lead,
}

# Effects run in PressEffect's order: the new stage's cards are posted before everyone's cards are updated.
PRESS: CaseKind[PressRelease, PressStep] = CaseKind(
    "press release", lambda uow: uow.press_releases, PRESS_WORKFLOW, _EFFECTS, _reschedule, skip=_skip,
    prepare=_prepare, effect_order=tuple(PressEffect))


# --- the chase (called by the nudge tick) -------------------------------------------------------------------

async def fire_nudge(uow: UnitOfWork, core: Core, ctx: Context, nudge: Nudge) -> int:
    """A stage fell due: chase whoever holds it (the channel when nobody has claimed it), then again later."""
    pr = await uow.press_releases.get(nudge.case_ref)
    if pr is None or pr.state is P.CLOSED or pr.state.value != nudge.data.get("state"):
        await uow.nudges.finish(nudge, NudgeStatus.CANCELLED, ctx.now)
        return 0
    if pr.kind is ReleaseKind.PROACTIVE and not core.is_open(ctx.now):
        await uow.nudges.finish(nudge, NudgeStatus.CANCELLED, ctx.now)
        await uow.nudges.add(Nudge(pr.ref, NudgeKind.PRESS_STAGE, core.next_open(ctx.now), seq=nudge.seq,
                                   data=dict(nudge.data)), ctx.now)
        return 0
    draft = await uow.drafts.latest(pr.ref)
    decided = {s.slot.value for s in await uow.drafts.sign_offs(pr.ref, draft.number)} if draft else set()
    card: Card = views.chase_card(pr, ctx, core.directory, decided, nudge.seq)
    people = holders(pr, core.directory, decided)
    if not people:
        await uow.outbox.add(Outbound(Recipient.comms(_platform(pr)), card.to_json(), case_ref=pr.ref), ctx.now)
    for email in people:
        await uow.outbox.add(Outbound(Recipient("email", _platform(pr), email), card.to_json(), case_ref=pr.ref),
                             ctx.now)
    await uow.history.append(record(pr.ref, ctx.now, "chased", _BOT, state=pr.state.value, to=people or ["comms"],
                                    seq=nudge.seq))
    await uow.nudges.add(Nudge(pr.ref, NudgeKind.PRESS_STAGE, ctx.now + core.press.repeat(pr.kind),
                               seq=nudge.seq + 1, data=dict(nudge.data)), ctx.now)
    await uow.nudges.finish(nudge, NudgeStatus.SENT, ctx.now)
    await _channel_card(uow, core, ctx, pr)  # "overdue" on the card
    return 1


_BOT = Actor(platform="mediadesk", user_id="mediadesk", email=None, name="Media Desk")
