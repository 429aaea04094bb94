"""Domain objects to neutral cards: the media call's conversation, and the enquiry's own cards (the channel
card, approvals and decisions, the owner's brief). Reminders: reminder_views.py; the response: response_views.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain import guidance
from bot.domain.conversation import Conversation
from bot.domain.deadline import examples
from bot.domain.enquiry import Enquiry, EnquiryState
from bot.domain.enquiry.permissions import PERMISSIONS
from bot.domain.forms import Context, Form, Kind
from bot.domain.media_log import EarlierStatement
from bot.domain.nudges import FINISHED
from bot.domain.people import Directory
from bot.domain.statement import (
    WRITTEN_ONLY,
    Decision,
    Draft,
    SignOff,
    Slot,
    approvers,
    button_arg,
    checklist,
    required_slots,
)
from bot.domain.timefmt import describe, due
from cards.enquiry_text import FULL_PART_MAX, contact, enquiry_fact, in_parts, outlet_kind, show_full
from cards.model import ActionPayload, Button, Card, Fact, Option, Select, offered
from cards.response_views import SLOT_NAMES
from cards.sign_off_text import decision_for, said, slot_line
from cards.text import truncate


def _conv(conv: Conversation, action: str, x: str | None = None) -> ActionPayload:
    return ActionPayload(a=action, k="conversation", id=str(conv.id), v=conv.version, x=x)


def question_card(form: Form, conv: Conversation, ctx: Context, *, error: str | None = None,
                  notes: list[str] | None = None, first: bool = False, alert: bool = False) -> Card:
    """Ask the current question: its help from the policy, choices as buttons, and the ways out."""
    assert conv.step is not None
    field = form.field(conv.step)
    number = form.index(field.name) + 1
    card_notes = list(notes or [])
    if field.help:
        card_notes.append(field.help)
    if field.kind is Kind.DEADLINE and conv.asking(field.name):
        card_notes.append('Just the time will do (for example "5", "noon" or "10:30am"), or another day and time.')
    elif field.kind is Kind.DEADLINE:
        card_notes.append(f"Type it as you would say it, for example {examples(ctx.now, ctx.tz)}.")
    elif field.kind is not Kind.CHOICE:
        card_notes.append("Type your answer as a message here.")
    actions: list[Button | Select] = [
        Button(label=form.alert_label, payload=_conv(conv, "alert"), style="danger")
    ] if alert and form.alert_label else []
    actions += [Button(label=c.label, payload=_conv(conv, "answer", c.value)) for c in field.choices]
    if conv.offered(field.name):  # journalists we know: the details on record, one press away
        actions += [Button(label="Use these", payload=_conv(conv, "use_known"), style="primary"),
                    Button(label="No, ask me", payload=_conv(conv, "not_known"))]
    current = conv.answers.get(field.name)
    if current is not None and field.kind is not Kind.CHOICE:
        actions.append(Button(label="Keep current answer", payload=_conv(conv, "keep")))
    if conv.can_skip(form):  # never offered where skipping would be refused
        actions.append(Button(label="Skip", payload=_conv(conv, "skip")))
    if number > 1:
        actions.append(Button(label="Back", payload=_conv(conv, "back")))
    actions.append(Button(label="Use a form instead", payload=_conv(conv, "form")))
    actions.append(Button(label="Cancel", payload=_conv(conv, "cancel"), style="danger",
                          confirm=_cancel_question(form, conv)))
    facts = [Fact(label="Current answer", value=field.display(current, ctx))] if current is not None else []
    prompt = conv.asking(field.name) or field.prompt  # "What time on Monday 30 Nov?" after a day without a time
    return Card(
        title=f"{form.title}: question {number} of {len(form.fields)}",
        text=prompt,
        body=(f"⚠️ {error}\n\n" if error else "") + f"*{prompt}*",
        subtitle=None,
        facts=facts,
        notes=([form.intro] if first else []) + card_notes,
        actions=actions,
        status=(form.first_status if first else None),
    )


def review_card(form: Form, conv: Conversation, ctx: Context, *, error: str | None = None,
                notes: list[str] | None = None) -> Card:
    """Everything at once before sending, with a way to change any answer."""
    facts = [Fact(label=f.label, value=f.display(conv.answers.get(f.name), ctx), long=f.kind is Kind.LONG_TEXT)
             for f in form.fields]
    # A deadline read with a guess is stated plainly, with one tap to change it; sending confirms it.
    checks = {form.field(name): sentence for name, sentence in conv.checks().items() if name in conv.answers}
    asks = "".join(f"⚠️ Please check the {f.label.lower()}: {sentence} If that's right, press {form.submit_label}; "
                   f"if not, press Change the {f.label.lower()}.\n\n" for f, sentence in checks.items())
    return Card(
        title=f"{form.title}: check and send",
        text=("Please check the deadline, then send the details to the communications team." if checks
              else "Check the details, then send them to the communications team."),
        body=(f"⚠️ {error}\n\n" if error else "") + asks
        + "Check the details, then send them to the communications team.",
        facts=facts,
        notes=list(notes or []),
        actions=[
            Button(label=form.submit_label, payload=_conv(conv, "submit"), style="primary"),
            *[Button(label=f"Change the {f.label.lower()}", payload=_conv(conv, "edit", f.name)) for f in checks],
            Select(placeholder="Change an answer…",
                   options=[Option(label=f.label, payload=_conv(conv, "edit", f.name)) for f in form.fields]),
            Button(label="Cancel", payload=_conv(conv, "cancel"), style="danger",
                   confirm=_cancel_question(form, conv)),
        ],
    )


def _cancel_question(form: Form, conv: Conversation) -> str:
    if conv.case_ref:
        return f"Stop answering questions? Comms already have the alert ({conv.case_ref})."
    return f"Cancel this {form.noun}? Nothing will be sent to comms."


def cancelled_card(form: Form, alerted: str | None = None, platform: str = "slack") -> Card:
    if alerted:
        text = f"Stopped. Comms already have the alert ({alerted}) and will call you back."
        return Card(title=f"{form.title}: stopped", text=text, body=text)
    return Card(title=f"{form.title}: cancelled", text="Cancelled: nothing was sent to comms.",
                body=f"Cancelled: nothing was sent to comms. Type {form.command_on(platform)} to start again.")


def logged_card(form: Form, enquiry: Enquiry, ctx: Context) -> Card:
    """What the member of staff sees once the enquiry has reached comms."""
    return Card(
        title=f"Sent to comms: {enquiry.ref}",
        text=f"Your media enquiry is logged as {enquiry.ref}.",
        body=f"Thank you. The enquiry from {enquiry.journalist} ({enquiry.outlet}) is with the communications team.",
        facts=[Fact(label="Deadline", value=f"{describe(enquiry.deadline, ctx.now, ctx.tz)}")],
        notes=[form.outro],
    )


def full_enquiry_card(enquiry: Enquiry, ctx: Context) -> Card:
    """The whole enquiry, shown privately to whoever pressed Show full enquiry."""
    parts = in_parts(enquiry.summary, FULL_PART_MAX)
    facts = [Fact(label="Journalist", value=f"{enquiry.journalist}, {enquiry.outlet}"),
             Fact(label="Deadline", value=due(enquiry.deadline, ctx.now, ctx.tz))]
    facts += [Fact(label="Enquiry" if n == 1 else f"Enquiry, part {n} of {len(parts)}", value=part, long=True)
              for n, part in enumerate(parts, start=1)]
    return Card(title=f"Full enquiry: {enquiry.ref} ({enquiry.outlet})",
                text=f"The full enquiry {enquiry.ref} from {enquiry.outlet}", facts=facts)


def enquiry_key(ref: str) -> str:
    return f"enquiry:{ref}:comms"


_STATUS = {
    EnquiryState.OPEN: "Waiting for a comms officer to claim it",
    EnquiryState.AWAITING_SIGN_OFF: "Waiting for sign-off",
    EnquiryState.CHANGES_REQUESTED: "Changes requested: the owner is editing",
    EnquiryState.REJECTED: "Draft rejected",
    EnquiryState.APPROVED: "Approved: ready to issue",
    EnquiryState.CLOSED: "Closed",
    EnquiryState.WITHDRAWN: "Withdrawn",
}


def _sign_off_lines(enquiry: Enquiry, draft: Draft | None, sign_offs: list[SignOff], directory: Directory) -> str:
    """Where each required sign-off stands, one line each."""
    decided = {s.slot: s for s in sign_offs if draft and s.version == draft.number}
    return "\n".join(slot_line(SLOT_NAMES[slot], decided.get(slot), approvers(slot, enquiry.plan, directory), directory)
                     for slot in required_slots(enquiry.plan))


def _plan_facts(enquiry: Enquiry, directory: Directory) -> list[Fact]:
    plan = enquiry.plan
    facts = []
    if plan.spokesperson:
        who = "Written statement only" if plan.spokesperson == WRITTEN_ONLY else directory.name_of(plan.spokesperson)
        facts.append(Fact(label="Spokesperson", value=who))
    if plan.partner:
        facts.append(Fact(label="Joint statement with", value=plan.partner))
    items = checklist(plan, enquiry.outlet_kind)
    if items and enquiry.state in FINISHED:  # what was done, not what is left to do
        facts.append(Fact(label="What was done", long=True, value="\n".join(
            f"✅ {i.done}" if i.key in plan.ticked else f"☐ Not recorded as done: {i.label}" for i in items)))
    elif items:
        facts.append(Fact(label="Checklist", long=True, value="\n".join(
            f"{'☑' if i.key in plan.ticked else '☐'} {i.label}" for i in items)))
    return facts


def enquiry_card(enquiry: Enquiry, now: datetime, ctx: Context, directory: Directory, *,
                 draft: Draft | None = None, sign_offs: list[SignOff] | None = None,
                 next_reminder: datetime | None = None) -> Card:
    """The card in the comms channel: the facts, where it stands, and the next actions."""
    def pay(action: str, x: str | None = None) -> ActionPayload:
        return ActionPayload(a=action, k="enquiry", id=enquiry.ref, v=enquiry.version, x=x)

    state = enquiry.state
    # A closed case's deadline no longer counts down.
    deadline = describe(enquiry.deadline, now, ctx.tz) if state in FINISHED else due(enquiry.deadline, now, ctx.tz)
    status = _STATUS.get(state, "")
    if state is EnquiryState.CLAIMED and enquiry.owner:
        status = f"Claimed by {enquiry.owner.name}"
    elif enquiry.owner and state not in (EnquiryState.OPEN, EnquiryState.WITHDRAWN):
        status = f"{status} · owner {enquiry.owner.name}"
    if state is EnquiryState.CLOSED and enquiry.plan.issued:
        issued = enquiry.plan.issued
        status = (f"Issued by {issued['method']} by {issued['by']}, "
                  f"{describe(datetime.fromisoformat(issued['at']), now, ctx.tz)}; contact: {issued['contact']}")
    missed = enquiry.deadline <= now and state not in (EnquiryState.CLOSED, EnquiryState.WITHDRAWN)
    if missed:
        status = f"⚠️ Deadline missed · {status}"
        deadline = f"⚠️ {deadline}"
    # Where each button goes is the card's to say; whether it is offered at all, the workflow table's.
    with_owner = state not in (EnquiryState.AWAITING_SIGN_OFF, EnquiryState.APPROVED)  # not with the approvers
    others = [e for e in directory.people_with_comms() if e != (enquiry.owner.email or "").lower()] \
        if enquiry.owner else []
    items = checklist(enquiry.plan, enquiry.outlet_kind) if enquiry.owner else []
    actions = offered(PERMISSIONS, state, [
        Button(label="Claim", payload=pay("claim"), style="primary"),
        Button(label="Draft response" if draft is None else "Edit draft", payload=pay("draft"),
               style=None if draft else "primary") if with_owner else None,
        Button(label="Request sign-off", payload=pay("request_sign_off"), style="primary") if draft else None,
        Button(label="Record partner sign-off", payload=pay("partner", f"{draft.number}:{draft.fingerprint[:16]}"))
        if draft and Slot.PARTNER in required_slots(enquiry.plan) else None,
        None if with_owner else Button(label="Edit draft", payload=pay("draft")),
        Button(label="Mark as issued", payload=pay("issue"), style="primary"),
        Button(label="Release", payload=pay("release")),
        Button(label="Close without response", payload=pay("close"),
               confirm="Close this enquiry without sending a response?")
        if enquiry.outlet_kind != "newspaper" else None,
        Select(placeholder="Hand over to…", options=[
            Option(label=directory.name_of(e), payload=pay("hand_over", e)) for e in others[:100]]),
        Select(placeholder="Tick off…", options=[
            Option(label=("Undo: " if i.key in enquiry.plan.ticked else "") + i.label, payload=pay("tick", i.key))
            for i in items]),
    ])
    facts = [
        Fact(label="Outlet", value=f"{enquiry.outlet} ({outlet_kind(enquiry.outlet_kind)})"),
        Fact(label="Journalist", value=enquiry.journalist),
        Fact(label="Contact", value=contact(enquiry)),
        Fact(label="Deadline", value=deadline),
        Fact(label="Logged by", value=enquiry.reporter.name),
        enquiry_fact(enquiry),
    ]
    actions += show_full(enquiry)
    if draft is not None:
        was_issued = state is EnquiryState.CLOSED and bool(enquiry.plan.issued)
        facts.append(Fact(label=f"Issued response (v{draft.number})" if was_issued else f"Draft v{draft.number}",
                          value=draft.text, long=True))
        facts += _plan_facts(enquiry, directory)
        if state is not EnquiryState.CLAIMED or sign_offs:
            facts.append(Fact(label="Sign-off", value=_sign_off_lines(enquiry, draft, sign_offs or [], directory),
                              long=True))
    notes = [f"Logged {describe(enquiry.created_at, now, ctx.tz)}"]
    routing = enquiry.routing
    if routing.get("out_of_hours"):
        asked = ", ".join(directory.name_of(e) for e in routing.get("asked") or []) or "nobody (no rota)"
        notes.append(f"Logged out of hours ({routing.get('reason', 'office closed')}): sent to the on-call "
                     f"director ({asked})")
        if by := routing.get("acknowledged_by"):
            notes.append(f"Acknowledged by {directory.name_of(by)}")
    if next_reminder is not None and state not in (EnquiryState.CLOSED, EnquiryState.WITHDRAWN):
        notes.append(f"Next reminder: {describe(next_reminder, now, ctx.tz)}")
    return Card(
        title=f"Media enquiry {enquiry.ref}: {enquiry.outlet}",
        text=f"Media enquiry {enquiry.ref} from {enquiry.outlet}: {status}. Deadline {deadline}",
        status=status,
        facts=facts,
        notes=notes,
        actions=actions,
        urgent=missed,
    )


def approval_key(ref: str, version: int, slot: Slot, email: str) -> str:
    return f"approval:{ref}:v{version}:{slot.value}:{email.lower()}"


def approval_card(enquiry: Enquiry, draft: Draft, slot: Slot, email: str, sign_offs: list[SignOff], ctx: Context,
                  directory: Directory, *, superseded_by: Draft | None = None) -> Card:
    """What an approver sees on their phone: the enquiry, the deadline, the exact text, one tap to approve."""
    now = ctx.now
    deadline = due(enquiry.deadline, now, ctx.tz)
    decided = decision_for(sign_offs, slot, draft)
    actions: list[Button | Select] = []
    if superseded_by is not None or (enquiry.state is EnquiryState.CLAIMED and decided is None):
        status = "Replaced by a newer draft: nothing to do on this one"
    elif enquiry.state is EnquiryState.WITHDRAWN:
        status = "The enquiry was withdrawn: nothing to do"
    elif decided is not None:
        status = f"{said(decided.decision).capitalize()} by {decided.by}, {describe(decided.at, now, ctx.tz)}"
    elif enquiry.state is not EnquiryState.AWAITING_SIGN_OFF:
        status = _STATUS.get(enquiry.state, "No longer waiting for sign-off")
    else:
        status = f"Your sign-off is needed ({SLOT_NAMES[slot]})"

        def pay(action: str) -> ActionPayload:
            return ActionPayload(a=action, k="enquiry", id=enquiry.ref, v=draft.number,
                                 x=button_arg(slot, draft))

        actions = [Button(label="Approve", payload=pay("approve"), style="primary"),
                   Button(label="Request changes", payload=pay("changes")),
                   Button(label="Reject", payload=pay("reject"), style="danger")]
    facts = [
        Fact(label="Deadline", value=deadline),
        Fact(label="Journalist", value=f"{enquiry.journalist}, {enquiry.outlet} ({outlet_kind(enquiry.outlet_kind)})"),
        Fact(label="Owner", value=enquiry.owner.name if enquiry.owner else "(none)"),
        Fact(label="Enquiry", value=enquiry.summary, long=True),
        Fact(label=f"Draft response, version {draft.number}", value=draft.text, long=True),
    ]
    if enquiry.plan.background:
        facts.append(Fact(label="Background (not for publication)", value=enquiry.plan.background, long=True))
    facts += _plan_facts(enquiry, directory)
    return Card(
        title=f"Sign-off: {enquiry.ref} ({enquiry.outlet})",
        text=f"{status}: {enquiry.ref}, deadline {deadline}",
        status=status,
        facts=facts,
        notes=[f"Version {draft.number}, fingerprint {draft.short}. " + guidance.SIGN_OFF],
        actions=actions,
    )


def decision_card(enquiry: Enquiry, draft: Draft, decision: SignOff, ctx: Context) -> Card:
    """The owner hears of a decision, with the next step."""
    def pay(action: str) -> ActionPayload:
        return ActionPayload(a=action, k="enquiry", id=enquiry.ref, v=enquiry.version)

    actions: list[Button | Select]
    if enquiry.state is EnquiryState.APPROVED:
        title, body = f"Approved: {enquiry.ref}", (
            f"Every sign-off is in for version {draft.number} (last: {decision.by}). "
            "Issue it to the journalist, then mark it as issued.")
        actions = [Button(label="Mark as issued", payload=pay("issue"), style="primary")]
    elif decision.decision is Decision.APPROVED:
        title, body = f"Signed off: {enquiry.ref}", f"{decision.by} approved version {draft.number}."
        actions = []
    elif decision.decision is Decision.CHANGES:
        title, body = f"Changes requested: {enquiry.ref}", (
            f"{decision.by} asked for changes to version {draft.number}. Edit the draft and ask for sign-off again.")
        actions = [Button(label="Edit draft", payload=pay("draft"), style="primary")]
    else:
        title, body = f"Rejected: {enquiry.ref}", (
            f"{decision.by} rejected version {draft.number}. Write a new draft, or close the enquiry.")
        actions = [Button(label="Edit draft", payload=pay("draft"))]
    facts = [Fact(label="Comment", value=decision.comment, long=True)] if decision.comment else []
    deadline = due(enquiry.deadline, ctx.now, ctx.tz)
    return Card(title=title, text=body, body=body, facts=facts + [Fact(label="Deadline", value=deadline)],
                actions=actions)


SAID_BEFORE_SHOWN = 600  # characters of each earlier statement on the brief; "Start from" brings the whole text


def owner_brief_card(enquiry: Enquiry, now: datetime, ctx: Context,
                     said_before: Sequence[EarlierStatement] = ()) -> Card:
    """The new owner's brief: the enquiry, and the approved statements most like it, each one press from a draft."""
    def pay(action: str, x: str | None = None) -> ActionPayload:
        return ActionPayload(a=action, k="enquiry", id=enquiry.ref, v=enquiry.version, x=x)

    facts = [Fact(label="Journalist", value=f"{enquiry.journalist}, {enquiry.outlet}"),
             Fact(label="Contact", value=contact(enquiry)),
             Fact(label="Enquiry", value=enquiry.summary, long=True)]
    facts += [Fact(label=f"Said before: {s.ref}, approved {_day(s.approved_at or s.logged_at, ctx)}",
                   value=truncate(s.text, SAID_BEFORE_SHOWN), long=True) for s in said_before]
    notes = [guidance.CLAIMED_NEXT_STEPS]
    if said_before:
        notes.append(guidance.SAID_BEFORE)
    return Card(
        actions=[Button(label="Draft response", payload=pay("draft"), style="primary"),
                 *[Button(label=f"Start from {s.ref}", payload=pay("start_from", s.ref)) for s in said_before]],
        title=f"You own {enquiry.ref}",
        text=f"You have claimed media enquiry {enquiry.ref} ({enquiry.outlet}).",
        status=f"Deadline {due(enquiry.deadline, now, ctx.tz)}",
        facts=facts,
        notes=notes,
    )


def _day(when: datetime, ctx: Context) -> str:
    day = when.astimezone(ctx.tz)
    return f"{day.day} {day:%b %Y}"


def reporter_update_card(enquiry: Enquiry, message: str) -> Card:
    return Card(title=f"Update on {enquiry.ref}", text=message, body=message,
                notes=["You don't need to do anything. Please don't respond to the journalist yourself."])


def notice_card(title: str, message: str) -> Card:
    return Card(title=title, text=message, body=message)
