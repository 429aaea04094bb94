"""Domain objects to neutral cards: one place decides what each message says and offers."""

from __future__ import annotations

from datetime import datetime

from bot.domain import guidance
from bot.domain.conversation import Conversation
from bot.domain.enquiry import Enquiry, EnquiryState
from bot.domain.forms import Context, Form, Kind
from bot.domain.media_call import OUTLET_KINDS
from bot.domain.people import Directory
from bot.domain.timefmt import describe, time_left
from cards.model import ActionPayload, Button, Card, Fact, Option, Select


def _conv(conv: Conversation, action: str, x: str | None = None) -> ActionPayload:
    return ActionPayload(a=action, k="conversation", id=str(conv.id), v=conv.version, x=x)


def question_card(form: Form, conv: Conversation, ctx: Context, *, error: str | None = None,
                  notes: list[str] | None = None, first: bool = False) -> Card:
    """Ask the current question: its help from the policy, choices as buttons, and the ways out."""
    assert conv.step is not None
    field = form.field(conv.step)
    number = form.index(field.name) + 1
    card_notes = list(notes or [])
    if field.help:
        card_notes.append(field.help)
    if field.kind is Kind.DEADLINE:
        card_notes.append('Type it as you would say it: "4pm", "tomorrow 10am", "Friday noon", "in 2 hours".')
    elif field.kind is not Kind.CHOICE:
        card_notes.append("Type your answer as a message here.")
    actions: list[Button | Select] = [
        Button(label=c.label, payload=_conv(conv, "answer", c.value)) for c in field.choices
    ]
    current = conv.answers.get(field.name)
    if current is not None and field.kind is not Kind.CHOICE:
        actions.append(Button(label="Keep current answer", payload=_conv(conv, "keep")))
    if field.optional:
        actions.append(Button(label="Skip", payload=_conv(conv, "skip")))
    if number > 1:
        actions.append(Button(label="Back", payload=_conv(conv, "back")))
    actions.append(Button(label="Use a form instead", payload=_conv(conv, "form")))
    actions.append(Button(label="Cancel", payload=_conv(conv, "cancel"), style="danger",
                          confirm="Cancel this media call log? Nothing will be sent to comms."))
    facts = [Fact(label="Current answer", value=field.display(current, ctx))] if current is not None else []
    return Card(
        title=f"{form.title}: question {number} of {len(form.fields)}",
        text=field.prompt,
        body=(f"⚠️ {error}\n\n" if error else "") + f"*{field.prompt}*",
        subtitle=None,
        facts=facts,
        notes=([form.intro] if first else []) + card_notes,
        actions=actions,
        status="Important: don't answer the journalist's questions yourself" if first else None,
    )


def review_card(form: Form, conv: Conversation, ctx: Context, *, error: str | None = None) -> Card:
    """Everything at once before sending, with a way to change any answer."""
    facts = [Fact(label=f.label, value=f.display(conv.answers.get(f.name), ctx), long=f.kind is Kind.LONG_TEXT)
             for f in form.fields]
    return Card(
        title=f"{form.title}: check and send",
        text="Check the details, then send them to the communications team.",
        body=(f"⚠️ {error}\n\n" if error else "") + "Check the details, then send them to the communications team.",
        facts=facts,
        actions=[
            Button(label=form.submit_label, payload=_conv(conv, "submit"), style="primary"),
            Select(placeholder="Change an answer…",
                   options=[Option(label=f.label, payload=_conv(conv, "edit", f.name)) for f in form.fields]),
            Button(label="Cancel", payload=_conv(conv, "cancel"), style="danger",
                   confirm="Cancel this media call log? Nothing will be sent to comms."),
        ],
    )


def cancelled_card(form: Form) -> Card:
    return Card(title=f"{form.title}: cancelled", text="Cancelled: nothing was sent to comms.",
                body="Cancelled: nothing was sent to comms. Type /media-call to start again.")


def logged_card(form: Form, enquiry: Enquiry, ctx: Context) -> Card:
    """What the member of staff sees once the enquiry has reached comms."""
    return Card(
        title=f"Sent to comms: {enquiry.ref}",
        text=f"Your media enquiry is logged as {enquiry.ref}.",
        status=f"Reference {enquiry.ref}",
        body=f"Thank you. The enquiry from {enquiry.journalist} ({enquiry.outlet}) is with the communications team.",
        facts=[Fact(label="Deadline", value=f"{describe(enquiry.deadline, ctx.now, ctx.tz)}")],
        notes=[form.outro],
    )


def _contact(enquiry: Enquiry) -> str:
    return " · ".join(x for x in (enquiry.phone, enquiry.email) if x) or "(none given)"


def _outlet_kind(value: str) -> str:
    return next((c.label for c in OUTLET_KINDS if c.value == value), value)


def enquiry_key(ref: str) -> str:
    return f"enquiry:{ref}:comms"


def enquiry_card(enquiry: Enquiry, now: datetime, ctx: Context, directory: Directory) -> Card:
    """The card in the comms channel: the facts, where it stands, and the next action."""
    def pay(action: str, x: str | None = None) -> ActionPayload:
        return ActionPayload(a=action, k="enquiry", id=enquiry.ref, v=enquiry.version, x=x)

    deadline = f"{describe(enquiry.deadline, now, ctx.tz)} ({time_left(enquiry.deadline, now)})"
    actions: list[Button | Select] = []
    if enquiry.state is EnquiryState.OPEN:
        status = "Waiting for a comms officer to claim it"
        actions.append(Button(label="Claim", payload=pay("claim"), style="primary"))
    elif enquiry.state is EnquiryState.CLAIMED and enquiry.owner:
        status = f"Claimed by {enquiry.owner.name}"
        actions.append(Button(label="Release", payload=pay("release")))
        others = [e for e in directory.people_with_comms() if e != (enquiry.owner.email or "").lower()]
        if others:
            actions.append(Select(placeholder="Hand over to…", options=[
                Option(label=directory.name_of(e), payload=pay("hand_over", e)) for e in others[:100]
            ]))
    elif enquiry.state is EnquiryState.WITHDRAWN:
        status = "Withdrawn"
    else:
        status = "Closed"
    return Card(
        title=f"Media enquiry {enquiry.ref}: {enquiry.outlet}",
        text=f"New media enquiry {enquiry.ref} from {enquiry.outlet}, deadline {deadline}",
        status=status,
        facts=[
            Fact(label="Outlet", value=f"{enquiry.outlet} ({_outlet_kind(enquiry.outlet_kind)})"),
            Fact(label="Journalist", value=enquiry.journalist),
            Fact(label="Contact", value=_contact(enquiry)),
            Fact(label="Deadline", value=deadline),
            Fact(label="Logged by", value=enquiry.reporter.name),
            Fact(label="Enquiry", value=enquiry.summary, long=True),
        ],
        notes=[f"Logged {describe(enquiry.created_at, now, ctx.tz)}"],
        actions=actions,
    )


def owner_brief_card(enquiry: Enquiry, now: datetime, ctx: Context) -> Card:
    return Card(
        title=f"You own {enquiry.ref}",
        text=f"You have claimed media enquiry {enquiry.ref} ({enquiry.outlet}).",
        status=f"Deadline {describe(enquiry.deadline, now, ctx.tz)} ({time_left(enquiry.deadline, now)})",
        facts=[Fact(label="Journalist", value=f"{enquiry.journalist}, {enquiry.outlet}"),
               Fact(label="Contact", value=_contact(enquiry)),
               Fact(label="Enquiry", value=enquiry.summary, long=True)],
        notes=[guidance.CLAIMED_NEXT_STEPS],
    )


def reporter_update_card(enquiry: Enquiry, message: str) -> Card:
    return Card(title=f"Update on {enquiry.ref}", text=message, body=message,
                notes=["You don't need to do anything. Please don't respond to the journalist yourself."])


def notice_card(title: str, message: str) -> Card:
    return Card(title=title, text=message, body=message)
