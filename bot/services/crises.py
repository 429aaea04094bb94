"""Crises (Appendix C): the alert, the comms lead, holding lines and their two-step sign-off, circulation."""

from __future__ import annotations

from typing import Any

from bot.domain.conversation import Conversation
from bot.domain.crisis import (
    CRISIS_WORKFLOW,
    STALE_SIGN_OFF,
    Crisis,
    CrisisSlot,
    CrisisState,
    alert_list,
    require,
    require_library,
    required_crisis_slots,
)
from bot.domain.enquiry import Person
from bot.domain.errors import UNKNOWN_BUTTON, DomainError, ValidationFailed
from bot.domain.forms import Context
from bot.domain.messages import Outbound, Recipient
from bot.domain.nudges import Nudge, NudgeKind
from bot.domain.people import Actor
from bot.domain.statement import (
    Decision,
    Draft,
    SignOff,
    button_slot,
    check_binding,
    completes_round,
    decided_on,
    fingerprint,
)
from bot.domain.text import ending, small_int
from bot.ports import UnitOfWork
from bot.services.casework import Answer, Step, Unchanged, perform
from bot.services.core import Core, ModalRequest, Reply, record
from bot.services.crisis_effects import CRISES, update_card
from cards import crisis_views as views

PREFIX = "CR"


# --- raising the alert (from the /crisis conversation) ------------------------------------------------------

async def alert(uow: UnitOfWork, core: Core, actor: Actor, answers: dict[str, Any], ctx: Context) -> Crisis:
    """Create the crisis from what is known so far and alert comms at once."""
    year = ctx.now.astimezone(ctx.tz).year
    number = await uow.next_number(f"{PREFIX}-{year}")
    crisis = Crisis(ref=f"{PREFIX}-{year}-{number:04d}", details=dict(answers), created_at=ctx.now,
                    reporter=Person(actor.label, actor.email, actor.platform, actor.user_id))
    out_of_hours = not core.is_open(ctx.now)
    people = alert_list(core.directory)
    if out_of_hours and core.rota is not None and (chain := core.rota.chain(ctx.now)):
        crisis.routing = {"out_of_hours": True, "on_call": chain[0]}
        people = list(dict.fromkeys([chain[0], *people]))
    await uow.crises.add(crisis, ctx.now)
    await uow.history.append(record(crisis.ref, ctx.now, "reported", actor, details=answers,
                                    routing=crisis.routing or None))
    await update_card(uow, core, ctx, crisis)
    for email in people:
        await uow.outbox.add(Outbound(Recipient("email", actor.platform, email),
                                      views.alert_dm_card(crisis, ctx, on_call=email == crisis.routing.get("on_call"))
                                      .to_json(), case_ref=crisis.ref), ctx.now)
    await uow.nudges.add(Nudge(crisis.ref, NudgeKind.CRISIS_UNACKNOWLEDGED, ctx.now + core.crisis_ack), ctx.now)
    return crisis


async def details_arrived(uow: UnitOfWork, core: Core, actor: Actor, conv: Conversation, ctx: Context) -> None:
    """Another answer after the alert: the card updates as details arrive."""
    crisis = await CRISES.load(uow, conv.case_ref or "")
    crisis.details = {**crisis.details, **conv.answers}
    await CRISES.apply(uow, core, ctx, crisis, Step(actor, "details"))


async def finish(uow: UnitOfWork, core: Core, actor: Actor, conv: Conversation | None, answers: dict[str, Any],
                 ctx: Context) -> str:
    """The reporter sent the form: alert now if not yet done, and give them the guidance for what follows."""
    if conv is not None and conv.case_ref:
        crisis = await CRISES.load(uow, conv.case_ref)
        crisis.details = {**crisis.details, **answers}
        await CRISES.apply(uow, core, ctx, crisis, Step(actor, "details", facts={"complete": True}))
    else:
        crisis = await alert(uow, core, actor, answers, ctx)
    await uow.outbox.add(Outbound(Recipient.user(actor.platform, actor.user_id),
                                  views.reported_card(crisis).to_json(), case_ref=crisis.ref), ctx.now)
    return crisis.ref


# --- the comms side ----------------------------------------------------------------------------------------

async def act(core: Core, actor: Actor, action: str, ref: str, x: str | None, version: int | None,
              request_key: str) -> Reply:
    """Every button on a crisis card."""
    match action:
        case "line" | "line_from":
            return await _open_line_form(core, actor, ref, x if action == "line_from" else None)
        case "update":
            async with core.uow() as uow:
                CRISIS_WORKFLOW.apply((await CRISES.load(uow, ref)).state, "add_update")
            return Reply(modal=ModalRequest("crisis_update", {"ref": ref}, {}))
        case "agency":
            return await _open_agency_form(core, actor, ref)
        case "changes":
            return await _open_changes(core, actor, ref, x, version)

    async def change(uow: UnitOfWork, ctx: Context, crisis: Crisis) -> Answer:
        draft = await uow.drafts.latest(ref)
        match action:
            case "ack":
                require(core.directory, actor, crisis, "ack")
                if crisis.lead is not None:
                    raise ValidationFailed(f"{crisis.lead.name} has already taken {ref} on.")
                CRISIS_WORKFLOW.apply(crisis.state, "acknowledge")
                crisis.lead = Person(actor.label, actor.email, actor.platform, actor.user_id)
                await CRISES.apply(uow, core, ctx, crisis, Step(actor, "acknowledge"))
                reply = f"You are leading {ref}. The reporter has been told you will call them."
            case "approve":
                reply = await _decide(uow, core, ctx, crisis, draft, actor, x, version, Decision.APPROVED, None)
            case "circulate":
                require(core.directory, actor, crisis, "circulate")
                crisis.confirmations = []  # who has *this* line: a new line asks everyone again
                await CRISES.apply(uow, core, ctx, crisis, Step(actor, "circulate", draft=draft, facts={
                    "version": draft.number if draft else None, "text": draft.text if draft else None}))
                reply = f"The official line for {ref} has been circulated."
            case "confirm":
                require(core.directory, actor, crisis, "confirm")
                if actor.label in crisis.confirmations:
                    return Unchanged(Reply(text="You have already confirmed you have the official line."))
                crisis.confirmations = [*crisis.confirmations, actor.label]
                await CRISES.apply(uow, core, ctx, crisis, Step(actor, "confirm_line",
                                                                    facts={"version": draft.number if draft else None}))
                reply = "Thank you: use only the official line, and send anything new to comms."
            case "stand_down":
                require(core.directory, actor, crisis, "stand_down")
                await CRISES.apply(uow, core, ctx, crisis, Step(actor, "stand_down", draft=draft))
                reply = f"{ref} is stood down."
            case _:
                raise ValidationFailed(UNKNOWN_BUTTON)
        return Reply(text=reply)

    return await CRISES.run(core, ref, request_key, change)


async def _open_line_form(core: Core, actor: Actor, ref: str, library_id: str | None) -> Reply:
    async with core.uow() as uow:
        crisis = await CRISES.load(uow, ref)
        require(core.directory, actor, crisis, "line")
        CRISIS_WORKFLOW.apply(crisis.state, "draft_line")
        text = None
        if library_id:
            line = await uow.holding_lines.get(line_id) if (line_id := small_int(library_id)) is not None else None
            if line is None:
                raise ValidationFailed("That holding line is no longer in the library.")
            text = line.text
        else:
            latest = await uow.drafts.latest(ref)
            text = latest.text if latest else None
    values = {"text": text, "head_of_department": crisis.head_of_department}
    return Reply(modal=ModalRequest("holding_line", {"ref": ref}, {k: v for k, v in values.items() if v}))


async def save_line(core: Core, actor: Actor, ref: str, values: dict[str, Any], request_key: str) -> Reply:
    async def change(uow: UnitOfWork, ctx: Context, crisis: Crisis) -> Answer:
        require(core.directory, actor, crisis, "line")
        latest = await uow.drafts.latest(ref)
        draft = Draft((latest.number + 1) if latest else 1, values["text"], fingerprint(values["text"]),
                      actor.label, actor.email, ctx.now)
        await uow.drafts.add(ref, draft)
        crisis.head_of_department = values["head_of_department"]
        superseded = latest if crisis.state in (CrisisState.LINE_DRAFTED, CrisisState.SIGNED_OFF) else None
        await CRISES.apply(uow, core, ctx, crisis, Step(
            actor, "draft_line", draft=draft, superseded=superseded,
            facts={"version": draft.number, "fingerprint": draft.fingerprint, "text": draft.text,
                   "head_of_department": crisis.head_of_department}))
        return Reply(text=f"Holding line version {draft.number} of {ref} is waiting for sign-off.")

    return await CRISES.run(core, ref, request_key, change)


async def _open_changes(core: Core, actor: Actor, ref: str, x: str | None, version: int | None) -> Reply:
    async with core.uow() as uow:
        crisis = await CRISES.load(uow, ref)
        slot, fp = button_slot(x, CrisisSlot)
        require(core.directory, actor, crisis, "approve", slot)
        CRISIS_WORKFLOW.apply(crisis.state, "request_changes")
        check_binding(await uow.drafts.latest(ref), version, fp, STALE_SIGN_OFF)
    return Reply(modal=ModalRequest("crisis_changes", {"ref": ref, "slot": slot.value, "v": version, "fp": fp}, {}))


async def decide(core: Core, actor: Actor, ref: str, slot: str, version: int, fp: str, decision: Decision,
                 comment: str | None, request_key: str) -> Reply:
    async def change(uow: UnitOfWork, ctx: Context, crisis: Crisis) -> Answer:
        text = await _decide(uow, core, ctx, crisis, await uow.drafts.latest(ref), actor, f"{slot}:{fp}",
                             version, decision, comment)
        return Reply(text=text)

    return await CRISES.run(core, ref, request_key, change)


async def _decide(uow: UnitOfWork, core: Core, ctx: Context, crisis: Crisis, draft: Draft | None, actor: Actor,
                  x: str | None, version: int | None, decision: Decision, comment: str | None) -> str:
    slot, fp = button_slot(x, CrisisSlot)
    require(core.directory, actor, crisis, "approve", slot)
    CRISIS_WORKFLOW.apply(crisis.state, "request_changes")  # sentence for a line not awaiting sign-off
    draft = check_binding(draft, version, fp, STALE_SIGN_OFF)
    decided = await uow.drafts.sign_offs(crisis.ref, draft.number)
    if earlier := decided_on(decided, slot):
        raise DomainError(f"{earlier.by} already decided on this holding line. Nothing more is needed from you.")
    sign_off = SignOff(draft.number, draft.fingerprint, slot, decision, actor.label, actor.email, ctx.now,
                       comment)
    await uow.drafts.add_sign_off(crisis.ref, sign_off)
    if decision is Decision.APPROVED:
        event = "approve_last" if completes_round(decided, slot, required_crisis_slots(crisis)) else "approve"
    else:
        event = "request_changes"
    await CRISES.apply(uow, core, ctx, crisis, Step(actor, event, draft=draft, decision=sign_off, facts={
        "version": draft.number, "fingerprint": draft.fingerprint, "slot": slot.value,
        "decision": decision.value, "comment": comment}))
    return {"approve": f"You approved the holding line for {crisis.ref}.",
            "approve_last": f"You approved the holding line for {crisis.ref}: it is signed off.",
            "request_changes": f"Your comments on {crisis.ref}'s holding line went to its lead."}[event]


async def _open_agency_form(core: Core, actor: Actor, ref: str) -> Reply:
    async with core.uow() as uow:
        crisis = await CRISES.load(uow, ref)
        require(core.directory, actor, crisis, "agency")
        CRISIS_WORKFLOW.apply(crisis.state, "lead_agency")
    return Reply(modal=ModalRequest("lead_agency", {"ref": ref}, {"agency": crisis.lead_agency} if crisis.lead_agency
                                    else {}))


async def set_lead_agency(core: Core, actor: Actor, ref: str, agency: str | None, request_key: str) -> Reply:
    async def change(uow: UnitOfWork, ctx: Context, crisis: Crisis) -> Answer:
        require(core.directory, actor, crisis, "agency")
        crisis.lead_agency = agency or None
        draft = await uow.drafts.latest(ref)
        await CRISES.apply(uow, core, ctx, crisis, Step(actor, "lead_agency", draft=draft,
                                                            facts={"lead_agency": crisis.lead_agency}))
        if crisis.state is CrisisState.SIGNED_OFF and crisis.lead_agency:
            # Signed off without the agency: the line waits for the agency's sign-off before it can go out.
            await CRISES.apply(uow, core, ctx, crisis, Step(actor, "agency_needed", draft=draft))
        return Reply(text=f"Lead agency for {ref}: {ending(agency or 'none (the ICB leads)')}")

    return await CRISES.run(core, ref, request_key, change)


async def add_update(core: Core, actor: Actor, ref: str, text: str, request_key: str) -> Reply:
    async def change(uow: UnitOfWork, ctx: Context, crisis: Crisis) -> Answer:
        require(core.directory, actor, crisis, "update")
        await CRISES.apply(uow, core, ctx, crisis, Step(actor, "add_update", draft=await uow.drafts.latest(ref),
                                                            facts={"text": text}))
        return Reply(text=f"Added to the {ref} timeline.")

    return await CRISES.run(core, ref, request_key, change)


# --- the library of holding lines --------------------------------------------------------------------------

async def library(core: Core, actor: Actor) -> Reply:
    require_library(core.directory, actor, "show")
    async with core.uow() as uow:
        lines = await uow.holding_lines.active()
    return Reply(text="Holding-line library", card=views.library_card(lines))


async def add_library_line(core: Core, actor: Actor, title: str, text: str, request_key: str) -> Reply:
    require_library(core.directory, actor, "add")

    async def work(uow: UnitOfWork, ctx: Context) -> Answer:
        line = await uow.holding_lines.add(title, text, actor.label, ctx.now)
        await uow.history.append(record("LIBRARY", ctx.now, "holding_line_added", actor, id=line.id, title=title,
                                        text=text))
        return Reply(text=f"Added \"{title}\" to the holding-line library.")

    return await perform(core, request_key, work)


async def retire_library_line(core: Core, actor: Actor, line_id: str, request_key: str) -> Reply:
    require_library(core.directory, actor, "retire")

    async def work(uow: UnitOfWork, ctx: Context) -> Answer:
        number = small_int(line_id)
        if number is None or not await uow.holding_lines.retire(number, ctx.now):
            return Unchanged(Reply(text="That holding line was already retired."))
        await uow.history.append(record("LIBRARY", ctx.now, "holding_line_retired", actor, id=number))
        return Reply(text="Retired from the library.")

    return await perform(core, request_key, work)
