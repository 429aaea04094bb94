"""Domain objects to neutral cards: one place decides what each message says and offers."""

from __future__ import annotations

from datetime import datetime

from bot.domain import guidance
from bot.domain.conversation import Conversation
from bot.domain.deadline import examples
from bot.domain.enquiry import Enquiry, EnquiryState
from bot.domain.enquiry.permissions import PERMISSIONS
from bot.domain.forms import Context, Form, Kind
from bot.domain.media_call import OUTLET_KINDS
from bot.domain.nudges import FINISHED, Nudge
from bot.domain.people import Directory
from bot.domain.phone import readable
from bot.domain.statement import (
    WRITTEN_ONLY,
    Decision,
    Draft,
    SignOff,
    Slot,
    approvers,
    checklist,
    required_slots,
)
from bot.domain.timefmt import at, describe, due, span, time_left
from cards.model import ActionPayload, Button, Card, Fact, Option, Select, offered
from cards.text import ELLIPSIS, truncate


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


def _contact(enquiry: Enquiry) -> str:
    phone = readable(enquiry.phone) if enquiry.phone else None
    return " · ".join(x for x in (phone, enquiry.email) if x) or "(none given)"


def _outlet_kind(value: str) -> str:
    return next((c.label for c in OUTLET_KINDS if c.value == value), value)


# An enquiry on the channel card and in reminders: its first few lines; "Show full enquiry" has the rest.
EXCERPT_MAX = 300
EXCERPT_LINES = 4
FULL_PART_MAX = 590  # the whole text in parts: even escaped (& is 5 characters), a part and its label fit one
#                      Slack section (3,000)


def excerpt(text: str) -> str:
    """The first few lines of a long text, at most EXCERPT_MAX characters, cut at a word and marked "…"."""
    lines = text.splitlines()
    head = "\n".join(lines[:EXCERPT_LINES])
    cut = truncate(head, EXCERPT_MAX)
    if cut == head and len(lines) > EXCERPT_LINES:
        cut = head.rstrip() + ELLIPSIS
    return cut


def _enquiry_fact(enquiry: Enquiry) -> Fact:
    return Fact(label="Enquiry", value=excerpt(enquiry.summary), long=True)


def _show_full(enquiry: Enquiry) -> list[Button | Select]:
    """The button that shows the whole enquiry privately, when the card shows only its start."""
    if excerpt(enquiry.summary) == enquiry.summary:
        return []
    return [Button(label="Show full enquiry", payload=ActionPayload(a="show", k="enquiry", id=enquiry.ref))]


def _parts(text: str, size: int) -> list[str]:
    """`text` in consecutive parts of at most `size` characters, cut at a line's end, else at a space."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > size:
        cut = rest.rfind("\n", 0, size + 1)
        if cut <= size // 2:
            cut = rest.rfind(" ", 0, size + 1)
        cut = cut if cut > size // 2 else size
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*parts, rest] if rest else parts


def full_enquiry_card(enquiry: Enquiry, ctx: Context) -> Card:
    """The whole enquiry, shown privately to whoever pressed Show full enquiry."""
    parts = _parts(enquiry.summary, FULL_PART_MAX)
    facts = [Fact(label="Journalist", value=f"{enquiry.journalist}, {enquiry.outlet}"),
             Fact(label="Deadline", value=due(enquiry.deadline, ctx.now, ctx.tz))]
    facts += [Fact(label="Enquiry" if n == 1 else f"Enquiry, part {n} of {len(parts)}", value=part, long=True)
              for n, part in enumerate(parts, start=1)]
    return Card(title=f"Full enquiry: {enquiry.ref} ({enquiry.outlet})",
                text=f"The full enquiry {enquiry.ref} from {enquiry.outlet}", facts=facts)


def enquiry_key(ref: str) -> str:
    return f"enquiry:{ref}:comms"


SLOT_NAMES = {Slot.COMMS: "Director of Communications or delegate", Slot.EXECUTIVE: "Executive",
              Slot.PARTNER: "Partner organisation"}
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
    lines = []
    decided = {s.slot: s for s in sign_offs if draft and s.version == draft.number}
    for slot in required_slots(enquiry.plan):
        if slot in decided:
            s = decided[slot]
            mark = {Decision.APPROVED: "✅", Decision.CHANGES: "✏️", Decision.REJECTED: "⛔"}[s.decision]
            lines.append(f"{mark} {SLOT_NAMES[slot]}: {s.decision.value.replace('_', ' ')} by {s.by}")
        else:
            names = ", ".join(directory.name_of(e) for e in approvers(slot, enquiry.plan, directory)) or "comms records"
            lines.append(f"⏳ {SLOT_NAMES[slot]}: waiting ({names})")
    return "\n".join(lines)


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
        Fact(label="Outlet", value=f"{enquiry.outlet} ({_outlet_kind(enquiry.outlet_kind)})"),
        Fact(label="Journalist", value=enquiry.journalist),
        Fact(label="Contact", value=_contact(enquiry)),
        Fact(label="Deadline", value=deadline),
        Fact(label="Logged by", value=enquiry.reporter.name),
        _enquiry_fact(enquiry),
    ]
    actions += _show_full(enquiry)
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
    mine = next((s for s in sign_offs if s.slot is slot and s.version == draft.number), None)
    actions: list[Button | Select] = []
    if superseded_by is not None or (enquiry.state is EnquiryState.CLAIMED and mine is None):
        status = "Replaced by a newer draft: nothing to do on this one"
    elif enquiry.state is EnquiryState.WITHDRAWN:
        status = "The enquiry was withdrawn: nothing to do"
    elif mine is not None:
        status = f"{mine.decision.value.replace('_', ' ').capitalize()} by {mine.by}, {describe(mine.at, now, ctx.tz)}"
    elif enquiry.state is not EnquiryState.AWAITING_SIGN_OFF:
        status = _STATUS.get(enquiry.state, "No longer waiting for sign-off")
    else:
        status = f"Your sign-off is needed ({SLOT_NAMES[slot]})"

        def pay(action: str) -> ActionPayload:
            return ActionPayload(a=action, k="enquiry", id=enquiry.ref, v=draft.number,
                                 x=f"{slot.value}:{draft.fingerprint[:16]}")

        actions = [Button(label="Approve", payload=pay("approve"), style="primary"),
                   Button(label="Request changes", payload=pay("changes")),
                   Button(label="Reject", payload=pay("reject"), style="danger")]
    facts = [
        Fact(label="Deadline", value=deadline),
        Fact(label="Journalist", value=f"{enquiry.journalist}, {enquiry.outlet} ({_outlet_kind(enquiry.outlet_kind)})"),
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


def draft_saved_card(enquiry: Enquiry, saved: str) -> Card:
    """The owner's own confirmation of a saved draft, with the next step on it."""
    def pay(action: str) -> ActionPayload:
        return ActionPayload(a=action, k="enquiry", id=enquiry.ref, v=enquiry.version)

    body = f"{saved} When it is ready, ask for sign-off."
    return Card(title=f"Draft saved: {enquiry.ref}", text=saved, body=body,
                actions=[Button(label="Request sign-off", payload=pay("request_sign_off"), style="primary"),
                         Button(label="Edit draft", payload=pay("draft"))])


def not_the_approved_text_card(enquiry: Enquiry, draft: Draft, method: str, contact: str | None) -> Card:
    """Issuing refused because the text was edited: the approved words back with one press, or a new draft."""
    again = f"{method}:{contact or ''}"
    text = (f"{enquiry.ref} was not marked as issued: that isn't the approved text (version {draft.number}). "
            "Issue the approved wording, or save the new wording as a draft and ask for sign-off again.")
    return Card(
        title=f"Not issued: {enquiry.ref}", text=text, body=text,
        facts=[Fact(label=f"The approved text, version {draft.number}", value=draft.text, long=True)],
        actions=[Button(label="Use the approved text", style="primary", payload=ActionPayload(
                     a="issue", k="enquiry", id=enquiry.ref, v=enquiry.version,
                     x=again if len(again) <= 200 else method)),
                 Button(label="Edit draft", payload=ActionPayload(a="draft", k="enquiry", id=enquiry.ref,
                                                                  v=enquiry.version))])


def privacy_warning_card(enquiry: Enquiry, draft: Draft, found: list[str]) -> Card:
    text = guidance.PRIVACY_WARNING.format(found="; ".join(found))
    return Card(
        title=f"Check before sign-off: {enquiry.ref}",
        text=text, body=text,
        actions=[
            Button(label="Edit draft", payload=ActionPayload(a="draft", k="enquiry", id=enquiry.ref,
                                                             v=enquiry.version), style="primary"),
            Button(label="I have consent: send anyway",
                   payload=ActionPayload(a="request_sign_off", k="enquiry", id=enquiry.ref, v=enquiry.version,
                                         x=f"privacy_ok:{draft.number}:{draft.fingerprint[:16]}"),
                   confirm="Send for sign-off although it contains staff personal details?"),
        ],
    )


def owner_brief_card(enquiry: Enquiry, now: datetime, ctx: Context) -> Card:
    draft = ActionPayload(a="draft", k="enquiry", id=enquiry.ref, v=enquiry.version)
    return Card(
        actions=[Button(label="Draft response", payload=draft, style="primary")],
        title=f"You own {enquiry.ref}",
        text=f"You have claimed media enquiry {enquiry.ref} ({enquiry.outlet}).",
        status=f"Deadline {due(enquiry.deadline, now, ctx.tz)}",
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


# --- nudges ---------------------------------------------------------------------------------------------------

def _deadline_text(enquiry: Enquiry, ctx: Context) -> str:
    return due(enquiry.deadline, ctx.now, ctx.tz)


def _snooze(enquiry: Enquiry, nudge: Nudge) -> Button:
    return Button(label="Remind me in 30 min", payload=ActionPayload(a="snooze", k="enquiry", id=enquiry.ref,
                                                                     x=str(nudge.id)))


def _case(enquiry: Enquiry, action: str, x: str | None = None, v: int | None = None) -> ActionPayload:
    return ActionPayload(a=action, k="enquiry", id=enquiry.ref, v=enquiry.version if v is None else v, x=x)


def unclaimed_reminder_card(enquiry: Enquiry, nudge: Nudge, ctx: Context) -> Card:
    waiting = span(ctx.now - enquiry.created_at)
    text = f"⏰ {enquiry.ref} ({enquiry.outlet}) has been waiting {waiting} for someone to claim it."
    return Card(title=f"Still unclaimed: {enquiry.ref}", text=text, body=text,
                facts=[Fact(label="Deadline", value=_deadline_text(enquiry, ctx)), _enquiry_fact(enquiry)],
                actions=[Button(label="Claim", payload=_case(enquiry, "claim"), style="primary"),
                         *_show_full(enquiry)])


# One digest lists at most this many enquiries: Slack shows 25 buttons to an actions block and 10 fields to a
# section, so 25 lines are 1 actions block and 3 sections, and a Teams card stays well under its size cap.
DIGEST_MAX = 25


def unclaimed_digest_line(enquiry: Enquiry, ctx: Context) -> tuple[Fact, Button]:
    """One enquiry in a digest of reminders: reference, outlet, deadline, how long it has waited, and Claim."""
    waiting = span(ctx.now - enquiry.created_at)
    fact = Fact(label=f"{enquiry.ref}: {enquiry.outlet}",
                value=f"Deadline {_deadline_text(enquiry, ctx)} · waiting {waiting}")
    return fact, Button(label=f"Claim {enquiry.ref}", payload=_case(enquiry, "claim"))


def unclaimed_digest_card(lines: list[tuple[Fact, Button]]) -> Card:
    """Several unclaimed reminders due together, as one channel message instead of one each."""
    assert 1 < len(lines) <= DIGEST_MAX, len(lines)
    listed = ", ".join(fact.label.replace(": ", " (", 1) + ")" for fact, _ in lines)
    return Card(title=f"Still unclaimed: {len(lines)} media enquiries",
                text=f"⏰ {len(lines)} media enquiries are waiting for someone to claim them: {listed}",
                body="These enquiries are waiting for someone to claim them. Each has its card in this channel "
                     "with the details.",
                facts=[fact for fact, _ in lines], actions=[button for _, button in lines])


def deadline_reminder_card(enquiry: Enquiry, draft: Draft | None, nudge: Nudge, ctx: Context) -> Card:
    """The owner's reminder, with the next step for where the case stands."""
    state = enquiry.state
    if state is EnquiryState.APPROVED:
        step, action = "It is approved: issue it and mark it as issued.", Button(
            label="Mark as issued", payload=_case(enquiry, "issue"), style="primary")
    elif state is EnquiryState.AWAITING_SIGN_OFF:
        step, action = "It is waiting for sign-off.", None
    elif draft is None:
        step, action = "No draft yet: write the response.", Button(
            label="Draft response", payload=_case(enquiry, "draft"), style="primary")
    elif state in (EnquiryState.CLAIMED, EnquiryState.CHANGES_REQUESTED):
        step, action = "Ask for sign-off when the draft is ready.", Button(
            label="Request sign-off", payload=_case(enquiry, "request_sign_off"), style="primary")
    else:
        step, action = "Edit the draft or close the enquiry.", Button(label="Edit draft",
                                                                       payload=_case(enquiry, "draft"))
    when = f"{at(enquiry.deadline, ctx.now, ctx.tz)} ({time_left(enquiry.deadline, ctx.now)})"
    text = f"⏰ The deadline for {enquiry.ref} ({enquiry.outlet}) is {when}. {step}"
    actions = ([action] if action else []) + [_snooze(enquiry, nudge), *_show_full(enquiry)]
    return Card(title=f"Deadline coming: {enquiry.ref}", text=text, body=text, actions=actions,
                facts=[Fact(label="Journalist", value=f"{enquiry.journalist}, {enquiry.outlet}"),
                       _enquiry_fact(enquiry)])


def sign_off_reminder_card(enquiry: Enquiry, draft: Draft, nudge: Nudge, ctx: Context) -> Card:
    slot = Slot(nudge.data.get("slot", "comms"))
    text = (f"⏰ Your sign-off is still needed on {enquiry.ref} ({enquiry.outlet}). "
            f"Deadline {_deadline_text(enquiry, ctx)}.")

    def pay(action: str) -> ActionPayload:
        return ActionPayload(a=action, k="enquiry", id=enquiry.ref, v=draft.number,
                             x=f"{slot.value}:{draft.fingerprint[:16]}")

    return Card(title=f"Sign-off reminder: {enquiry.ref}", text=text, body=text,
                facts=[_enquiry_fact(enquiry),
                       Fact(label=f"Draft response, version {draft.number}", value=draft.text, long=True)],
                actions=[Button(label="Approve", payload=pay("approve"), style="primary"),
                         Button(label="Request changes", payload=pay("changes")),
                         Button(label="Reject", payload=pay("reject"), style="danger"),
                         _snooze(enquiry, nudge), *_show_full(enquiry)])


def escalation_card(enquiry: Enquiry, what: str, ctx: Context, *, for_owner: bool = False) -> Card:
    owner = enquiry.owner.name if enquiry.owner else "nobody"
    text = f"⚠️ Media enquiry {enquiry.ref} ({enquiry.outlet}) {what}. Deadline {_deadline_text(enquiry, ctx)}."
    if not for_owner:
        text += f" Owner: {owner}."
    actions: list[Button | Select] = [] if enquiry.owner else [
        Button(label="Claim", payload=_case(enquiry, "claim"), style="primary")]
    return Card(title=f"Escalation: {enquiry.ref}", text=text, body=text, urgent=True,
                actions=actions + _show_full(enquiry), facts=[_enquiry_fact(enquiry)],
                notes=["Journalists' deadlines are tight: a missed one can read as \"unavailable for comment\". "
                       "Please make sure someone responds."])


def on_call_key(ref: str, email: str) -> str:
    return f"oncall:{ref}:{email.lower()}"


def on_call_card(enquiry: Enquiry, ctx: Context, *, training_url: str | None, contacts: str | None, minutes: int,
                 first: bool) -> Card:
    """What the on-call director sees at 9pm: the enquiry, what the policy asks of them, one button."""
    intro = ("A journalist's enquiry came in out of hours and you are the on-call director." if first else
             "A journalist's enquiry came in out of hours and the on-call director has not acknowledged it; "
             "you are next on the rota.")
    notes = [
        "What to do: acknowledge below so the rota stops chasing; call or email the journalist back before their "
        "deadline; don't give an opinion or answer off the cuff. If a statement is needed, the comms team's "
        "sign-off rules still apply (Director of Communications or delegate).",
        f"If nobody acknowledges within {minutes} minutes, the next person on the rota is asked.",
    ]
    if training_url:
        notes.append(f"Media training refresher: {training_url}")
    if contacts:
        notes.append(f"Who to call: {contacts}")
    return Card(
        title=f"Out of hours: media enquiry {enquiry.ref}",
        text=f"Out-of-hours media enquiry {enquiry.ref} from {enquiry.outlet}, deadline {_deadline_text(enquiry, ctx)}",
        body=intro, urgent=True,
        facts=[Fact(label="Outlet", value=f"{enquiry.outlet} ({_outlet_kind(enquiry.outlet_kind)})"),
               Fact(label="Journalist", value=enquiry.journalist),
               Fact(label="Contact", value=_contact(enquiry)),
               Fact(label="Deadline", value=_deadline_text(enquiry, ctx)),
               Fact(label="Logged by", value=enquiry.reporter.name),
               _enquiry_fact(enquiry)],
        notes=notes,
        actions=[Button(label="Acknowledge", payload=_case(enquiry, "ack"), style="primary"),
                 Button(label="Claim", payload=_case(enquiry, "claim")), *_show_full(enquiry)],
    )
