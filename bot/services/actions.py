"""One entry point for every button and every one-screen form, whatever the platform."""

from __future__ import annotations

from typing import Any

from bot.domain.crisis import require_library
from bot.domain.errors import UNKNOWN_BUTTON, DomainError, ValidationFailed
from bot.domain.forms import Form
from bot.domain.people import Actor
from bot.domain.statement import Decision, Slot, button_slot
from bot.domain.text import small_int
from bot.services import (
    crises,
    desk,
    enquiries,
    form_registry,
    intake,
    nudges,
    press_releases,
    responses,
    viewing,
)
from bot.services.core import Core, ModalRequest, Reply
from cards.model import ActionPayload

_OWNERSHIP = {"claim", "release", "hand_over", "withdraw"}


async def press(core: Core, actor: Actor, payload: ActionPayload, request_key: str) -> Reply:
    """A button (or a select option) was pressed."""
    if payload.k == "conversation":
        return await intake.conversation_action(core, actor, payload, request_key)
    if payload.k == "desk":
        return await desk.press(core, actor, payload, request_key)
    if payload.k == "crisis":
        return await crises.act(core, actor, payload.a, payload.id, payload.x, payload.v, request_key)
    if payload.k == "press":
        return await press_releases.act(core, actor, payload.a, payload.id, payload.x, payload.v, request_key)
    if payload.k == "library":
        if payload.a == "add":
            require_library(core.directory, actor, "add")
            return Reply(modal=ModalRequest("library_line", {}, {}))
        return await crises.retire_library_line(core, actor, payload.id, request_key)
    ref, action = payload.id, payload.a
    if action in _OWNERSHIP:
        return await enquiries.act_on_enquiry(core, actor, action, ref, request_key, target=payload.x,
                                              version=payload.v)
    match action:
        case "draft":
            return await responses.open_draft_form(core, actor, ref)
        case "start_from":  # "have we said this before?": the draft form with an earlier approved statement
            return await responses.open_draft_form(core, actor, ref, start_from=payload.x or "")
        case "request_sign_off":
            consent = (payload.x or "").removeprefix("privacy_ok:") if (payload.x or "").startswith("privacy_ok:") else None
            return await responses.request_sign_off(core, actor, ref, request_key, privacy_ok_for=consent)
        case "approve":
            slot, fp = button_slot(payload.x, Slot)
            return await responses.decide(core, actor, ref, slot, payload.v or 0, fp, Decision.APPROVED, request_key)
        case "changes" | "reject":
            slot, fp = button_slot(payload.x, Slot)
            return await responses.open_decision_form(core, actor, ref, slot, payload.v or 0, fp, action)
        case "partner":
            version, _, fp = (payload.x or "").partition(":")
            return await responses.open_decision_form(core, actor, ref, Slot.PARTNER,
                                                      small_int(version) or 0, fp, "partner")
        case "issue":
            return await responses.open_issue_form(core, actor, ref, core.media_lead, again=payload.x)
        case "show":
            return await viewing.full_enquiry(core, actor, ref)
        case "close":
            return await responses.close(core, actor, ref, request_key)
        case "tick":
            return await responses.tick(core, actor, ref, payload.x or "", request_key)
        case "ack":
            return await nudges.acknowledge(core, actor, ref, request_key)
        case "snooze":
            return await nudges.snooze(core, actor, ref, payload.x or "", request_key)
    raise ValidationFailed(UNKNOWN_BUTTON)


def form_for(core: Core, form_id: str) -> Form | None:
    return form_registry.form_for(core.directory, form_id)


async def submit(core: Core, actor: Actor, form_id: str, meta: dict[str, Any], raw: dict[str, str | None],
                 request_key: str) -> Reply:
    """A one-screen form was submitted: validate it, then hand it to its use case. Errors come back inline."""
    entry = form_registry.entries().get(form_id)
    if entry is None:
        return Reply(text="That form is no longer available; please start again.")
    form = entry.build(core.directory)
    if entry.confirms_guesses:
        values, errors, unsure = form.read_all(raw, core.ctx())
    else:
        (values, errors), unsure = form.validate_all(raw, core.ctx()), {}
    if errors:
        return Reply(errors=errors)
    try:
        return await entry.submit(core, actor, form_registry.Submitted(form_id, meta, values, request_key, unsure))
    except DomainError as exc:
        return Reply(errors={form.fields[0].name: exc.message})
