"""Intake: walking a member of staff through a form in chat (or one screen) and logging the enquiry."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from bot.domain import chat_help
from bot.domain.conversation import CONVERSATION, TYPED_COMMANDS, Conversation, ConversationStatus
from bot.domain.crisis import CRISIS_FORM
from bot.domain.deadline import Reading
from bot.domain.enquiry import Enquiry, Person
from bot.domain.errors import ConcurrencyConflict, Duplicate, ValidationFailed
from bot.domain.forms import Context, Form
from bot.domain.media_call import MEDIA_CALL, OFFER_WORDS, prefill
from bot.domain.messages import Outbound, Recipient
from bot.domain.people import Actor
from bot.domain.permissions import Asked
from bot.domain.press_release import INTAKE_FORMS as PRESS_FORMS
from bot.domain.press_release import REACTIVE_FORM, form_for_kind
from bot.domain.text import small_int
from bot.ports import UnitOfWork
from bot.services import crises, enquiries, nudges, press_releases
from bot.services.core import Core, ModalRequest, Reply, record
from cards import views
from cards.model import ActionPayload

FORMS: dict[str, Form] = {MEDIA_CALL.id: MEDIA_CALL, CRISIS_FORM.id: CRISIS_FORM, **PRESS_FORMS}



def _dm(actor: Actor, card: Any, case_ref: str | None = None) -> Outbound:
    return Outbound(recipient=Recipient.user(actor.platform, actor.user_id), card=card.to_json(), case_ref=case_ref)


async def _ask(uow: UnitOfWork, form: Form, conv: Conversation, ctx: Context, *, error: str | None = None,
               notes: list[str] | None = None, first: bool = False) -> None:
    """Queue the current question (or the review screen) as a DM."""
    if conv.step is None:
        card = views.review_card(form, conv, ctx, error=error, notes=notes)
    else:
        card = views.question_card(form, conv, ctx, error=error, notes=notes, first=first,
                                   alert=bool(form.alert_label and not conv.case_ref
                                              and form.fields[0].name in conv.answers))
    await uow.outbox.add(Outbound(recipient=Recipient.user(conv.platform, conv.user_id), card=card.to_json()),
                         ctx.now)


async def start_crisis(core: Core, actor: Actor, text: str, request_key: str) -> Reply:
    """/crisis [what happened | form]: the fastest safe way to raise the alert (Appendix C)."""
    text = (text or "").strip()
    if text.lower() in ("form", "modal", "one screen"):
        return Reply(modal=ModalRequest(CRISIS_FORM.id, {}, {}))
    if text.lower() in ("lines", "library"):
        return await crises.library(core, actor)
    ctx = core.ctx()
    answers: dict[str, Any] = {}
    if text:
        try:
            answers["what"] = CRISIS_FORM.field("what").validate(text, ctx)
        except ValidationFailed:
            answers = {}
    # A crisis never waits behind another form: it starts now, and the other one resumes after.
    return await _start(core, actor, request_key, ctx, CRISIS_FORM, answers)


async def start_media_call(core: Core, actor: Actor, text: str, request_key: str) -> Reply:
    """/media-call [prefill | form]: open the conversation in a DM (or the one-screen form)."""
    text = (text or "").strip()
    if text.lower() in ("form", "modal", "one screen"):
        return Reply(modal=ModalRequest(MEDIA_CALL.id, {}, {}))
    ctx = core.ctx()
    readings: dict[str, Reading] = {}  # "by 9", "deadline Monday": checked or asked about in the chat
    answers, notes = prefill(text, ctx, readings) if text else ({}, [])
    # The questions themselves arrive in the DM; the platform's acknowledgement says where to look.
    return await _start(core, actor, request_key, ctx, MEDIA_CALL, answers, readings=readings, notes=notes,
                        from_message=True, resume="You already had a media call log in progress, so we carry "
                                                  "on from here. Press Cancel if you want to start again.")


async def start_press_release(core: Core, actor: Actor, text: str, request_key: str) -> Reply:
    """/press-release [proactive | reactive] [form]: the request conversation in a DM (Appendices D and E)."""
    words = " ".join((text or "").lower().split())
    kind = "reactive" if "reactive" in words else "proactive" if "proactive" in words else None
    form = form_for_kind(kind)
    if words.removeprefix(kind or "").strip() in ("form", "modal", "one screen"):
        return Reply(modal=ModalRequest(form.id, {}, {"kind": kind} if kind else {}))
    return await _start(core, actor, request_key, core.ctx(), form, {"kind": kind} if kind else {},
                        resume="You already had a form in progress, so we carry on from here. Press Cancel if you "
                               "want to start again.")


async def _start(core: Core, actor: Actor, request_key: str, ctx: Context, form: Form, answers: dict[str, Any], *,
                 readings: Mapping[str, Reading] | None = None, notes: list[str] | None = None,
                 from_message: bool = False, resume: str | None = None) -> Reply:
    """Open `form` in the person's DM, with what is already known filled in (`from_message`: read from what they
    typed after the command, and told so); with `resume`, a form already in progress carries on instead (asked
    again, with that note)."""
    try:
        async with core.uow() as uow:
            await uow.mark_request_seen(request_key, ctx.now)
            if resume is not None and await _resumed(uow, actor, ctx, resume):
                return Reply()
            conv = Conversation(form_id=form.id, platform=actor.platform, user_id=actor.user_id)
            conv.start(form, answers, readings)
            await uow.conversations.add(conv, ctx.now)
            if from_message and conv.answers:
                notes = [f"I've filled in what I could from your message "
                         f"({', '.join(form.field(n).label for n in conv.answers)}); you can check and change "
                         "everything before sending.", *(notes or [])]
            await _ask(uow, form, conv, ctx, notes=notes, first=True)
            await uow.commit()
    except Duplicate:
        pass
    return Reply()


async def _resumed(uow: UnitOfWork, actor: Actor, ctx: Context, note: str) -> bool:
    """A second start while a form is in progress carries on with it (asked again, with `note`): True if so."""
    conv = await uow.conversations.active_for(actor.platform, actor.user_id)
    if conv is None:
        return False
    await _ask(uow, FORMS[conv.form_id], conv, ctx, notes=[note])
    await uow.commit()
    return True


def _follow_kind(conv: Conversation, form: Form) -> Form:
    """A press-release request follows its kind: proactive and reactive releases ask different questions."""
    if form.id not in PRESS_FORMS:
        return form
    target = form_for_kind(conv.answers.get("kind"))
    if target.id == form.id:
        return form
    names = {f.name for f in target.fields}
    conv.form_id = target.id
    conv.answers = {k: v for k, v in conv.answers.items() if k in names}
    pending = [f.name for f in target.fields if f.name not in conv.answers]
    conv.step = pending[0] if pending else None
    return target


async def reply_in_dm(core: Core, actor: Actor, text: str, request_key: str) -> Reply:
    """A message typed in the DM: the answer to the current question, or back/skip/cancel/send."""
    ctx = core.ctx()
    try:
        async with core.uow() as uow:
            await uow.mark_request_seen(request_key, ctx.now)
            conv = await uow.conversations.active_for(actor.platform, actor.user_id)
            typed = " ".join(text.lower().split())
            command = TYPED_COMMANDS.get(typed)
            if command is None and conv is not None and conv.step is not None and conv.offered(conv.step):
                command = OFFER_WORDS.get(typed.strip(".!"))  # "yes" to "use these?"
            if conv is None:
                said = (chat_help.general if command == "help" else chat_help.nothing_in_progress)(actor.platform)
                await uow.outbox.add(_dm(actor, views.notice_card("Media Desk", said)), ctx.now)
                await uow.commit()
                return Reply()
            reply = await _apply(uow, core, conv, actor, command or "answer", text, ctx)
            await uow.commit()
            return reply
    except Duplicate:
        return Reply()


async def conversation_action(core: Core, actor: Actor, payload: ActionPayload, request_key: str) -> Reply:
    """A button pressed on a question or the review screen (a lost race is retried against the fresh state)."""
    try:
        return await _conversation_action(core, actor, payload, request_key)
    except ConcurrencyConflict:
        return await _conversation_action(core, actor, payload, request_key)


async def _conversation_action(core: Core, actor: Actor, payload: ActionPayload, request_key: str) -> Reply:
    ctx = core.ctx()
    try:
        async with core.uow() as uow:
            await uow.mark_request_seen(request_key, ctx.now)
            conv = await uow.conversations.get(conv_id) if (conv_id := small_int(payload.id)) is not None else None
            CONVERSATION.require(Asked(core.directory, actor, conv), payload.a)
            assert conv is not None  # the table's answer: a conversation we don't have is nobody's
            form = FORMS[conv.form_id]
            if conv.status is ConversationStatus.SUBMITTED:
                return Reply(text=f"This {form.noun} has already been sent to comms as {conv.case_ref}.")
            if conv.status is ConversationStatus.CANCELLED:
                return Reply(text=f"This {form.noun} was cancelled. Type {form.command_on(actor.platform)} to "
                                  "start again.")
            if payload.a == "alert" and conv.case_ref:
                return Reply(text=f"Comms have already been alerted ({conv.case_ref}).")
            if payload.v != conv.version:
                return Reply(text="That button belongs to an earlier question; please use the latest message below.")
            reply = await _apply(uow, core, conv, actor, payload.a, payload.x or "", ctx)
            await uow.commit()
            return reply
    except Duplicate:
        return Reply()


async def _apply(uow: UnitOfWork, core: Core, conv: Conversation, actor: Actor, action: str, arg: str,
                 ctx: Context) -> Reply:
    form = FORMS[conv.form_id]
    expected = conv.version
    asked = conv.step
    remark: str | None = None  # a word about the answer just taken, said with the next question
    if action == "form":
        return Reply(modal=ModalRequest(form.id, {"conversation": conv.id}, modal_values(form, conv.answers, ctx)))
    if action == "alert":
        return await _alert_now(uow, core, conv, actor, form, ctx)
    if action == "help":  # the question again, with its hint and the words that work here
        await _ask(uow, form, conv, ctx, notes=[chat_help.while_asked(form, conv)])
        return Reply()
    try:
        match action:
            case "answer":
                remark = conv.answer(form, arg, ctx)
            case "keep":
                conv.keep(form)
            case "skip":
                conv.skip(form)
            case "back":
                conv.back(form)
            case "edit":
                conv.edit(form, arg)
            case "cancel":
                conv.cancel()
            case "submit":
                conv.check_ready(form, ctx)
            case "use_known":
                conv.use_offer(form)
                remark = "I've put in the phone and email on record; you can change them before sending."
            case "not_known":
                conv.decline_offer()
            case _:
                raise ValidationFailed("I didn't understand that button; please use the latest message.")
        form = _follow_kind(conv, form)
    except (ValidationFailed, KeyError) as exc:
        if conv.version != expected:
            await uow.conversations.save(conv, expected, ctx.now)
        message = exc.message if isinstance(exc, ValidationFailed) else "That isn't one of the questions."
        await _ask(uow, form, conv, ctx, error=message)
        return Reply()
    if action == "cancel":
        await uow.conversations.save(conv, expected, ctx.now)
        cancelled = views.cancelled_card(form, alerted=conv.case_ref, platform=actor.platform)
        await uow.outbox.add(_dm(actor, cancelled), ctx.now)
        return Reply()
    if action == "submit":
        ref = await _finish(uow, core, actor, conv, conv.answers, ctx)
        conv.submitted(ref)
        await uow.conversations.save(conv, expected, ctx.now)
        return Reply()
    if form.id == MEDIA_CALL.id and action in ("answer", "keep") and asked in ("journalist", "outlet"):
        await _offer_known(uow, conv)
    await uow.conversations.save(conv, expected, ctx.now)
    if conv.case_ref and form.id == CRISIS_FORM.id:
        await crises.details_arrived(uow, core, actor, conv, ctx)  # the card updates as details arrive
    await _ask(uow, form, conv, ctx, notes=[remark] if remark else None)
    return Reply()


async def _offer_known(uow: UnitOfWork, conv: Conversation) -> None:
    """Journalists we know: with the journalist and outlet given and no contact details yet, offer those on record
    for that journalist at that outlet at the phone question (the one-screen form asks for them as it is)."""
    conv.withdraw("phone")
    journalist, outlet = conv.answers.get("journalist"), conv.answers.get("outlet")
    if not journalist or not outlet or "phone" in conv.answers or "email" in conv.answers:
        return
    if known := await uow.enquiries.known_contact(journalist, outlet):
        conv.offer("phone", known.question(), known.answers())


async def _alert_now(uow: UnitOfWork, core: Core, conv: Conversation, actor: Actor, form: Form, ctx: Context
                     ) -> Reply:
    """ "Alert comms now": raise the crisis with what is known; the questions carry on."""
    if conv.case_ref:
        return Reply(text=f"Comms have already been alerted ({conv.case_ref}).")
    if not form.alert_label or form.fields[0].name not in conv.answers:
        raise ValidationFailed("Say in a sentence what has happened first; then the alert can go.")
    expected = conv.version
    crisis = await crises.alert(uow, core, actor, conv.answers, ctx)
    conv.case_ref = crisis.ref
    conv.version += 1
    await uow.conversations.save(conv, expected, ctx.now)
    await _ask(uow, form, conv, ctx, notes=[f"🚨 Comms have been alerted ({crisis.ref}). Carry on if you can: "
                                            "each answer goes straight to them."])
    return Reply()


async def _finish(uow: UnitOfWork, core: Core, actor: Actor, conv: Conversation | None, values: dict[str, Any],
                  ctx: Context) -> str:
    """What sending a form does: log an enquiry, or raise (or complete) a crisis. Returns the case reference."""
    form_id = conv.form_id if conv is not None else (CRISIS_FORM.id if "what" in values else MEDIA_CALL.id)
    if form_id == CRISIS_FORM.id:
        return await crises.finish(uow, core, actor, conv, values, ctx)
    if form_id in PRESS_FORMS:
        return (await press_releases.request(uow, core, actor, values, ctx)).ref
    return (await log_enquiry(uow, core, actor, values, ctx)).ref


async def submit_form(core: Core, actor: Actor, form_id: str, conversation_id: int | None,
                      values: dict[str, Any], request_key: str, *, unsure: Mapping[str, Reading] | None = None
                      ) -> Reply:
    """The one-screen form was submitted and validated: finish it like the chat does, or, when a deadline was
    read with a guess (`unsure`), show the review screen in the person's chat to confirm it first."""
    ctx = core.ctx()
    try:
        async with core.uow() as uow:
            await uow.mark_request_seen(request_key, ctx.now)
            conv = await uow.conversations.get(conversation_id) if conversation_id else None
            if conv is not None and (conv.status is not ConversationStatus.ACTIVE or conv.user_id != actor.user_id
                                     or conv.form_id != form_id):
                conv = None
            if unsure:
                await _check_first(uow, actor, FORMS[form_id], conv, values, unsure, ctx)
                await uow.commit()
                return Reply(text=CHECK_FIRST)
            ref = await _finish(uow, core, actor, conv, values, ctx) if conv else await _finish_new(
                uow, core, actor, form_id, values, ctx)
            if conv is not None:
                expected = conv.version
                conv.answers = values
                conv.step = None
                conv.submitted(ref)
                await uow.conversations.save(conv, expected, ctx.now)
            await uow.commit()
    except Duplicate:
        pass
    return Reply()


CHECK_FIRST = "Not sent yet: please check the deadline in the summary I've sent you in this chat, then send it."


async def _check_first(uow: UnitOfWork, actor: Actor, form: Form, conv: Conversation | None, values: dict[str, Any],
                       unsure: Mapping[str, Reading], ctx: Context) -> None:
    """The answers go to the review screen, the guess stated plainly, with a way to confirm or change it."""
    if conv is None:
        conv = Conversation(form_id=form.id, platform=actor.platform, user_id=actor.user_id)
        conv.review(values, unsure)
        await uow.conversations.add(conv, ctx.now)
    else:
        expected = conv.version
        conv.review(values, unsure)
        await uow.conversations.save(conv, expected, ctx.now)
    await _ask(uow, form, conv, ctx)


async def log_enquiry(uow: UnitOfWork, core: Core, actor: Actor, answers: dict[str, Any], ctx: Context) -> Enquiry:
    """Create the enquiry with its reference, record it, post it to comms and confirm to the reporter."""
    now = ctx.now
    year = now.astimezone(ctx.tz).year
    number = await uow.next_number(f"{core.ref_prefix}-{year}")
    enquiry = Enquiry(
        ref=f"{core.ref_prefix}-{year}-{number:04d}",
        journalist=answers["journalist"], outlet=answers["outlet"], outlet_kind=answers["outlet_kind"],
        phone=answers.get("phone"), email=answers.get("email"), summary=answers["summary"],
        deadline=datetime.fromisoformat(answers["deadline"]),
        reporter=Person(name=actor.label, email=actor.email, platform=actor.platform, user_id=actor.user_id),
        created_at=now,
    )
    await nudges.route_out_of_hours(uow, core, ctx, enquiry)
    await uow.enquiries.add(enquiry)
    await uow.history.append(record(enquiry.ref, now, "logged", actor, answers=answers,
                                    routing=enquiry.routing or None))
    await enquiries.update_card(uow, core, ctx, enquiry, None)  # the comms channel card
    await uow.outbox.add(_dm(actor, views.logged_card(MEDIA_CALL, enquiry, ctx), enquiry.ref), now)
    return enquiry


async def _finish_new(uow: UnitOfWork, core: Core, actor: Actor, form_id: str, values: dict[str, Any],
                      ctx: Context) -> str:
    if form_id == CRISIS_FORM.id:
        return await crises.finish(uow, core, actor, None, values, ctx)
    if form_id in PRESS_FORMS:
        expected = form_for_kind(values.get("kind"))
        if expected.id != form_id:
            raise ValidationFailed(f"This form is for a {'reactive' if form_id == REACTIVE_FORM.id else 'proactive'} "
                                   f"release: for the other kind, type {expected.command_on(actor.platform)} "
                                   f"{'reactive' if expected is REACTIVE_FORM else 'proactive'} form.")
        return (await press_releases.request(uow, core, actor, values, ctx)).ref
    return (await log_enquiry(uow, core, actor, values, ctx)).ref


def modal_values(form: Form, answers: dict[str, Any], ctx: Context) -> dict[str, str]:
    """Answers so far as the text a person would type (deadlines in local time)."""
    typed = {f.name: f.as_typed(answers.get(f.name), ctx.tz) for f in form.fields}
    return {name: text for name, text in typed.items() if text is not None}
