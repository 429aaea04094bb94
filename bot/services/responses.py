"""The response path: drafting (versioned), asking for sign-off, decisions, issuing and closing."""

from __future__ import annotations

from typing import Any

from bot.domain import guidance
from bot.domain.enquiry import ENQUIRY_WORKFLOW, STALE_SIGN_OFF, Enquiry, EnquiryState, require
from bot.domain.errors import DomainError, NotAllowed, ValidationFailed
from bot.domain.forms import Context
from bot.domain.people import Actor
from bot.domain.response_forms import ISSUE_FORM
from bot.domain.statement import (
    WRITTEN_ONLY,
    Decision,
    Draft,
    SignOff,
    Slot,
    approvers,
    check_binding,
    checklist,
    completes_round,
    decided_on,
    fingerprint,
    privacy_concerns,
    required_slots,
    ticked_by_issue,
)
from bot.ports import UnitOfWork
from bot.services import media_log
from bot.services.casework import Answer, Unchanged
from bot.services.core import Core, ModalRequest, Reply
from bot.services.enquiries import ENQUIRIES, Step
from cards import response_views as views


def _check_state(enquiry: Enquiry, event: str) -> None:
    """Refuse early (before opening a form) with the table's sentence."""
    ENQUIRY_WORKFLOW.apply(enquiry.state, event)


# --- drafting ---------------------------------------------------------------------------------------------------

async def open_draft_form(core: Core, actor: Actor, ref: str, *, start_from: str | None = None) -> Reply:
    """The draft form, with the latest draft; or, `start_from` a case's reference, with that case's approved
    statement (refused unless this person may see that case)."""
    async with core.uow() as uow:
        enquiry = await ENQUIRIES.load(uow, ref)
        require(core.directory, actor, enquiry, "draft")
        _check_state(enquiry, "draft")
        draft = await uow.drafts.latest(ref)
    text = draft.text if draft else None
    if start_from is not None:
        if core.media_log is None:
            raise ValidationFailed("The media log isn't available on this server.")
        earlier = await media_log.start_from(core.media_log, core.directory, actor, start_from, ref, uow=core.uow,
                                             now=core.clock.now())
        text = earlier.text
    plan = enquiry.plan
    flags = [name for name in ("contentious", "patient_safety", "needs_executive") if getattr(plan, name)]
    values: dict[str, Any] = {"statement": text, "background": plan.background,
                              "spokesperson": plan.spokesperson, "flags": flags, "executive": plan.executive,
                              "partner": plan.partner}
    return Reply(modal=ModalRequest("statement", {"ref": ref}, {k: v for k, v in values.items() if v}))


async def save_draft(core: Core, actor: Actor, ref: str, values: dict[str, Any], request_key: str) -> Reply:
    """Record the draft (a new version when the text changed) and what goes with it."""
    async def change(uow: UnitOfWork, ctx: Context, enquiry: Enquiry) -> Answer:
        require(core.directory, actor, enquiry, "draft")
        latest = await uow.drafts.latest(ref)
        text = values["statement"]
        step = Step(actor, "draft", draft=latest)
        with_approvers = enquiry.state in (EnquiryState.AWAITING_SIGN_OFF, EnquiryState.APPROVED)
        decided = bool(latest and await uow.drafts.sign_offs(ref, latest.number))
        # A new version whenever the text changes, and also when the same words go round again after
        # approvers have seen them: every sign-off round starts on a version nobody has decided on.
        if latest is None or latest.fingerprint != fingerprint(text) or with_approvers or decided:
            draft = await _new_version(uow, ref, latest, text, actor, ctx.now)
            step.draft = draft
            if latest is not None and with_approvers:
                step.superseded = latest
        flags = set(values.get("flags") or [])
        plan = enquiry.plan
        plan.background = values.get("background")
        plan.spokesperson = values.get("spokesperson")
        plan.contentious = "contentious" in flags
        plan.patient_safety = "patient_safety" in flags
        plan.needs_executive = "needs_executive" in flags
        plan.executive = values.get("executive") if plan.needs_executive else None
        plan.partner = values.get("partner")
        step.facts = {"version": step.draft.number if step.draft else None,
                      "fingerprint": step.draft.fingerprint if step.draft else None,
                      "spokesperson": plan.spokesperson, "flags": sorted(flags), "partner": plan.partner,
                      "executive": plan.executive}
        await ENQUIRIES.apply(uow, core, ctx, enquiry, step)
        number = step.draft.number if step.draft else 0
        pulled = " It was waiting for sign-off, so ask for sign-off again." if step.superseded else ""
        text = f"Saved draft version {number} of {ref}.{pulled}"
        return Reply(text=text, card=views.draft_saved_card(enquiry, text))

    return await ENQUIRIES.run(core, ref, request_key, change)


# --- sign-off -------------------------------------------------------------------------------------------------

async def _new_version(uow, ref: str, latest: Draft | None, text: str, actor: Actor, now) -> Draft:  # noqa: ANN001
    draft = Draft(number=(latest.number + 1) if latest else 1, text=text, fingerprint=fingerprint(text),
                  author=actor.label, author_email=actor.email, created_at=now)
    await uow.drafts.add(ref, draft)
    return draft


async def request_sign_off(core: Core, actor: Actor, ref: str, request_key: str, *,
                           privacy_ok_for: str | None = None) -> Reply:
    """Send the latest draft to its approvers. `privacy_ok_for` is the "version:fingerprint" the owner
    confirmed consent for after a staff-privacy warning (it covers that exact text only)."""
    async def change(uow: UnitOfWork, ctx: Context, enquiry: Enquiry) -> Answer:
        require(core.directory, actor, enquiry, "request_sign_off")
        _check_state(enquiry, "request_sign_off")
        draft = await uow.drafts.latest(ref)
        if draft is None:
            raise ValidationFailed("Write a draft response first (Draft response), then ask for sign-off.")
        if await uow.drafts.sign_offs(ref, draft.number):
            # Approvers already decided on this version: the same words go round again as a new version.
            draft = await _new_version(uow, ref, draft, draft.text, actor, ctx.now)
        if not enquiry.plan.spokesperson:
            raise ValidationFailed("Say who will speak (or \"Written statement only\") in the draft first.")
        for slot in required_slots(enquiry.plan):
            if slot is not Slot.PARTNER and not [e for e in approvers(slot, enquiry.plan, core.directory)
                                                 if not _is_self(e, enquiry)]:
                raise ValidationFailed(f"Nobody is configured who can sign off as {slot.value}; "
                                       "ask an administrator to check the people in the configuration.")
        found = privacy_concerns(draft.text)
        consented = privacy_ok_for == f"{draft.number}:{draft.fingerprint[:16]}"
        if found and not consented:
            return Unchanged(Reply(text=guidance.PRIVACY_WARNING.format(found="; ".join(found)),
                                   card=views.privacy_warning_card(enquiry, draft, found)))
        await ENQUIRIES.apply(uow, core, ctx, enquiry, Step(
            actor, "request_sign_off", draft=draft,
            facts={"version": draft.number, "fingerprint": draft.fingerprint,
                   "slots": [s.value for s in required_slots(enquiry.plan)],
                   "privacy_warning_overridden": found if found else None}))
        return Reply(text=f"Version {draft.number} of {ref} has gone for sign-off. I'll tell you when it is decided.")

    return await ENQUIRIES.run(core, ref, request_key, change)


def _is_self(email: str, enquiry: Enquiry) -> bool:
    return bool(enquiry.owner and enquiry.owner.email and enquiry.owner.email.lower() == email)


_DECIDING = {Decision.APPROVED: "approve", Decision.CHANGES: "changes", Decision.REJECTED: "reject"}


async def open_decision_form(core: Core, actor: Actor, ref: str, slot: Slot, version: int, fp: str, form_id: str
                             ) -> Reply:
    """Check the approver may act on this version before showing them the comment form."""
    async with core.uow() as uow:
        enquiry = await ENQUIRIES.load(uow, ref)
        require(core.directory, actor, enquiry, form_id, slot)
        _check_state(enquiry, "request_changes")
        check_binding(await uow.drafts.latest(ref), version, fp, STALE_SIGN_OFF)
    return Reply(modal=ModalRequest(form_id, {"ref": ref, "slot": slot.value, "v": version, "fp": fp}, {}))


async def decide(core: Core, actor: Actor, ref: str, slot: Slot, version: int, fp: str, decision: Decision,
                 request_key: str, comment: str | None = None) -> Reply:
    """An approver's decision on one slot of one exact version."""
    async def change(uow: UnitOfWork, ctx: Context, enquiry: Enquiry) -> Answer:
        require(core.directory, actor, enquiry, _DECIDING[decision], slot)
        _check_state(enquiry, "request_changes")
        decided = await uow.drafts.sign_offs(ref, version)
        if earlier := decided_on(decided, slot):
            raise DomainError(f"{earlier.by} already {_verb(earlier.decision)} version {version} "
                              f"({views.SLOT_NAMES[slot]}). Nothing more is needed from you.")
        draft = check_binding(await uow.drafts.latest(ref), version, fp, STALE_SIGN_OFF)
        if slot not in required_slots(enquiry.plan):
            raise NotAllowed("That sign-off is no longer needed for this draft.")
        sign_off = SignOff(version, draft.fingerprint, slot, decision, actor.label, actor.email, ctx.now, comment)
        await uow.drafts.add_sign_off(ref, sign_off)
        if decision is Decision.APPROVED:
            last = completes_round(decided, slot, required_slots(enquiry.plan))
            event = "approve_last" if last else "approve"
        else:
            event = "request_changes" if decision is Decision.CHANGES else "reject"
        await ENQUIRIES.apply(uow, core, ctx, enquiry, Step(
            actor, event, draft=draft, decision=sign_off,
            facts={"version": version, "fingerprint": draft.fingerprint, "slot": slot.value,
                   "decision": decision.value, "comment": comment}))
        return Reply(text=_DECIDED[decision].format(ref=ref, version=version))

    return await ENQUIRIES.run(core, ref, request_key, change)


_DECIDED = {
    Decision.APPROVED: "You approved version {version} of {ref}.",
    Decision.CHANGES: "Your comments on version {version} of {ref} have gone to its owner.",
    Decision.REJECTED: "You rejected version {version} of {ref}; its owner has been told why.",
}


def _verb(decision: Decision) -> str:
    return {Decision.APPROVED: "approved", Decision.CHANGES: "asked for changes to",
            Decision.REJECTED: "rejected"}[decision]


# --- issuing, closing, the checklist -------------------------------------------------------------------------

async def open_issue_form(core: Core, actor: Actor, ref: str, media_lead: str | None, *,
                          again: str | None = None) -> Reply:
    """The issue form with the approved text. `again`: "method:contact" from a refused attempt, kept for them."""
    async with core.uow() as uow:
        enquiry = await ENQUIRIES.load(uow, ref)
        require(core.directory, actor, enquiry, "issue")
        _check_state(enquiry, "issue")
        draft = await uow.drafts.latest(ref)
    contact = core.directory.name_of(media_lead) if media_lead else (enquiry.owner.name if enquiry.owner else "")
    method = "email" if enquiry.outlet_kind == "newspaper" else None
    if again:
        typed_method, _, typed_contact = again.partition(":")
        method = typed_method if typed_method in {c.value for c in ISSUE_FORM.field("method").choices} else method
        contact = typed_contact or contact
    values = {"method": method, "text": draft.text if draft else None, "contact": contact}
    return Reply(modal=ModalRequest("issue", {"ref": ref}, {k: v for k, v in values.items() if v}))


async def issue(core: Core, actor: Actor, ref: str, values: dict[str, Any], request_key: str) -> Reply:
    async def change(uow: UnitOfWork, ctx: Context, enquiry: Enquiry) -> Answer:
        require(core.directory, actor, enquiry, "issue")
        _check_state(enquiry, "issue")
        draft = await uow.drafts.latest(ref)
        assert draft is not None
        if fingerprint(values["text"]) != draft.fingerprint:
            # Nothing is recorded; the form closes and the approved words are one press away.
            card = views.not_the_approved_text_card(enquiry, draft, values["method"], values.get("contact"))
            return Unchanged(Reply(text=card.text, card=card))
        if enquiry.outlet_kind == "newspaper" and values["method"] != "email":
            return Unchanged(Reply(errors={"method": "Newspaper enquiries need a written response by email."}))
        enquiry.plan.ticked = sorted(set(enquiry.plan.ticked) | ticked_by_issue(enquiry.outlet_kind,
                                                                               values["method"]))
        enquiry.plan.issued = {"method": values["method"], "version": draft.number,
                               "fingerprint": draft.fingerprint, "contact": values["contact"],
                               "at": ctx.now.isoformat(), "by": actor.label}
        await ENQUIRIES.apply(uow, core, ctx, enquiry, Step(actor, "issue", draft=draft, facts={
            "method": values["method"], "version": draft.number, "fingerprint": draft.fingerprint,
            "text": draft.text, "contact": values["contact"]}))
        return Reply(text=f"{ref} is recorded as issued and closed.")

    return await ENQUIRIES.run(core, ref, request_key, change)


async def close(core: Core, actor: Actor, ref: str, request_key: str) -> Reply:
    """Close without a response (journalist satisfied, no comment needed); never for newspapers."""
    async def change(uow: UnitOfWork, ctx: Context, enquiry: Enquiry) -> Answer:
        require(core.directory, actor, enquiry, "close")
        _check_state(enquiry, "close")
        if enquiry.outlet_kind == "newspaper":
            raise ValidationFailed("Newspaper enquiries need a written response by email before they close. "
                                   "If the journalist has dropped it, withdraw the enquiry instead.")
        await ENQUIRIES.apply(uow, core, ctx, enquiry, Step(actor, "close", draft=await uow.drafts.latest(ref)))
        return Reply(text=f"{ref} is closed without a response.")

    return await ENQUIRIES.run(core, ref, request_key, change)


async def tick(core: Core, actor: Actor, ref: str, item: str, request_key: str) -> Reply:
    async def change(uow: UnitOfWork, ctx: Context, enquiry: Enquiry) -> Answer:
        require(core.directory, actor, enquiry, "tick")
        items = {i.key: i.label for i in checklist(enquiry.plan, enquiry.outlet_kind)}
        if item not in items:
            raise ValidationFailed("That checklist item no longer applies.")
        ticked = set(enquiry.plan.ticked)
        ticked ^= {item}
        enquiry.plan.ticked = sorted(ticked)
        await ENQUIRIES.apply(uow, core, ctx, enquiry, Step(actor, "tick", draft=await uow.drafts.latest(ref),
                                                       facts={"item": item, "done": item in ticked}))
        return Reply()

    return await ENQUIRIES.run(core, ref, request_key, change)


__all__ = ["WRITTEN_ONLY", "close", "decide", "issue", "open_decision_form", "open_draft_form", "open_issue_form",
           "request_sign_off", "save_draft", "tick"]
