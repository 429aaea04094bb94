"""Press releases (Appendices D and E): the request, the buttons on their cards, comms' claim, the project
lead's one collated set of amendments per round, and sign-offs bound to versions. The one-screen forms are in
press_release_forms; what each step sends, and the chase, in press_release_effects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.enquiry import Person
from bot.domain.errors import UNKNOWN_BUTTON, DomainError, InvalidTransition, ValidationFailed
from bot.domain.forms import Context
from bot.domain.messages import Outbound, Recipient
from bot.domain.people import Actor
from bot.domain.press_release import (
    DRAFTING,
    PREFIX,
    PRESS_WORKFLOW,
    SIGN_OFF_STAGES,
    STAGE_NAMES,
    STALE_SIGN_OFF,
    PressComment,
    PressRelease,
    PressSlot,
    PressState,
    ReleaseKind,
    parse_partners,
    require,
    slot_label,
    slots_for,
)
from bot.domain.statement import (
    Decision,
    Draft,
    SignOff,
    button_slot,
    check_binding,
    completes_round,
    decided_on,
)
from bot.domain.timefmt import describe
from bot.ports import UnitOfWork
from bot.services.casework import Answer
from bot.services.core import Core, ModalRequest, Reply, record
from bot.services.press_release_effects import PRESS, PressStep, due, schedule_chase, update_channel_card
from cards import press_views as views

P = PressState


def person_of(actor: Actor) -> Person:
    return Person(actor.label, actor.email, actor.platform, actor.user_id)


# --- the request (from the /press-release conversation or its one-screen form) ------------------------------

async def request(uow: UnitOfWork, core: Core, actor: Actor, answers: dict[str, Any], ctx: Context) -> PressRelease:
    year = ctx.now.astimezone(ctx.tz).year
    number = await uow.next_number(f"{PREFIX}-{year}")
    kind = ReleaseKind(answers.get("kind") or ReleaseKind.PROACTIVE.value)
    pr = PressRelease(ref=f"{PREFIX}-{year}-{number:04d}", kind=kind, details=dict(answers),
                      requester=person_of(actor), created_at=ctx.now,
                      project_lead=(answers.get("project_lead") or None),
                      partners=parse_partners(answers.get("partners")))
    pr.embargo = instant(answers.get("embargo"))
    pr.preferred = instant(answers.get("preferred_date"))
    pr.due = due(core, ctx, pr)
    await uow.press_releases.add(pr, ctx.now)
    await uow.history.append(record(pr.ref, ctx.now, "requested", actor, kind=kind.value, details=answers,
                                    state=pr.state.value, due=iso(pr.due)))
    await update_channel_card(uow, core, ctx, pr)
    await uow.outbox.add(Outbound(Recipient.user(actor.platform, actor.user_id),
                                  views.requested_card(pr).to_json(), case_ref=pr.ref), ctx.now)
    await schedule_chase(uow, ctx, pr)
    return pr


def instant(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# The buttons that are only a step of the workflow, and what the person who pressed one is told.
_DONE = {"gathered": "is at the first draft stage.", "close": "is closed.", "stop": "is stopped."}


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
                pr.owner = person_of(actor)
                await PRESS.apply(uow, core, ctx, pr, PressStep(actor, event))
                reply = (f"You have {ref}. Contact the project lead to agree dates, key messages and who is quoted."
                         if event == "claim" else f"You have {ref}: decide how to respond, and in whose name.")
            case "gathered" | "close" | "stop":
                require(core.directory, actor, pr, action)
                await PRESS.apply(uow, core, ctx, pr, PressStep(actor, action))
                reply = f"{ref} {_DONE[action]}"
            case "send":
                require(core.directory, actor, pr, "send")
                event = {P.FIRST_DRAFT: "send_statement" if pr.is_statement else "send_draft",
                         P.AMENDING: "send_amended", P.FINAL_AMENDS: "send_for_sign_off"}.get(pr.state, "send_draft")
                PRESS_WORKFLOW.apply(pr.state, event)
                if draft is None:
                    raise ValidationFailed("Save a version of the draft first.")
                await PRESS.apply(uow, core, ctx, pr, PressStep(actor, event, facts=draft_facts(draft)))
                reply = f"{ref} version {draft.number} sent on: {STAGE_NAMES[pr.state].lower()} stage."
            case "no_amends":
                require(core.directory, actor, pr, "no_amends")
                PRESS_WORKFLOW.apply(pr.state, "no_amends")
                round_ = pr.state
                await collated(uow, ctx, pr, actor, draft, "No changes.")
                await PRESS.apply(uow, core, ctx, pr, PressStep(
                    actor, "no_amends", facts={"round": round_.value, **draft_facts(draft)},
                    headline=f"{actor.label} has no changes to {ref}: it is going for sign-off."))
                reply = f"Thank you: comms know there are no changes to {ref}."
            case "approve":
                reply = await approve(uow, core, ctx, pr, draft, actor, x, version, comment=None)
            case _:
                raise ValidationFailed(UNKNOWN_BUTTON)
        return Reply(text=reply)

    return await PRESS.run(core, ref, request_key, change)


def draft_facts(draft: Draft | None) -> dict[str, Any]:
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
            draft_event(pr)
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
            slot, fp = button_slot(x, PressSlot.parse)
            require(core.directory, actor, pr, action, slot)
            check_stage(pr, slot)
            check_binding(draft, version, fp, STALE_SIGN_OFF)
            meta.update({"slot": slot.value, "v": version, "fp": fp})
        case "embargo":
            require(core.directory, actor, pr, "embargo")
            PRESS_WORKFLOW.apply(pr.state, "lift_embargo")
            if not pr.embargo or pr.embargo <= ctx.now:
                raise ValidationFailed("There is no embargo still to come on this release.")
        case "issue":
            require(core.directory, actor, pr, "issue")
            PRESS_WORKFLOW.apply(pr.state, "issue")
            check_embargo(pr, ctx)
        case "coverage":
            require(core.directory, actor, pr, "coverage")
            PRESS_WORKFLOW.apply(pr.state, "log_coverage")
    return Reply(modal=ModalRequest(_FORM_BUTTONS[action], meta, {k: v for k, v in values.items() if v}))


def _local(when: datetime | None, ctx: Context) -> str | None:
    return when.astimezone(ctx.tz).strftime("%Y-%m-%d %H:%M") if when and when > ctx.now else None


def draft_event(pr: PressRelease) -> str:
    """Saving a version: part of drafting, or (once sign-off has begun) a late change that goes back."""
    event = "save_draft" if pr.state in DRAFTING else "revise" if pr.state in (*SIGN_OFF_STAGES, P.READY) \
        else "save_draft"
    PRESS_WORKFLOW.apply(pr.state, event)
    return event





def check_embargo(pr: PressRelease, ctx: Context) -> None:
    if pr.embargo and ctx.now < pr.embargo and not pr.embargo_override:
        raise ValidationFailed(
            f"{pr.ref} is embargoed until {describe(pr.embargo, ctx.now, ctx.tz)}: it can't be marked as issued "
            "before then unless the Director of Communications overrides the embargo.")


async def collated(uow: UnitOfWork, ctx: Context, pr: PressRelease, actor: Actor, draft: Draft | None,
                    text: str) -> PressComment:
    comment = PressComment(pr.state, "amends", actor.label, actor.email, text, ctx.now,
                           draft.number if draft else None)
    await uow.press_comments.add(pr.ref, comment)  # one set per round
    return comment


# --- sign-offs ------------------------------------------------------------------------------------------------

def check_stage(pr: PressRelease, slot: PressSlot) -> None:
    if pr.state is not slot.stage or slot not in slots_for(pr.state, pr):
        if pr.state in (P.CLOSED, P.ISSUED):
            PRESS_WORKFLOW.apply(pr.state, "approve")
        raise InvalidTransition(f"This release is not waiting for that sign-off: it is at the "
                                f"{STAGE_NAMES[pr.state].lower()} stage.")


async def approve(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                   x: str | None, version: int | None, *, comment: str | None, recording: bool = False) -> str:
    slot, fp = button_slot(x, PressSlot.parse)
    require(core.directory, actor, pr, "record" if recording else "approve", slot)
    check_stage(pr, slot)
    draft = check_binding(draft, version, fp, STALE_SIGN_OFF)
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
        facts={"slot": slot.value, "label": label, "recorded": comment, **draft_facts(draft)}))
    return f"Signed off: {label}, version {draft.number} of {pr.ref}." if not recording else \
        f"Recorded: {label} signed off version {draft.number} of {pr.ref}."
