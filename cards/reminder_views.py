"""Reminders about an enquiry: unclaimed (one, or a digest of several), its deadline, a sign-off still needed, an
escalation, and the out-of-hours call to the on-call director."""

from __future__ import annotations

from bot.domain.enquiry import Enquiry, EnquiryState
from bot.domain.forms import Context
from bot.domain.nudges import Nudge
from bot.domain.statement import Draft, Slot, button_arg
from bot.domain.timefmt import at, due, span, time_left
from cards.enquiry_text import contact, enquiry_fact, outlet_kind, show_full
from cards.model import ActionPayload, Button, Card, Fact, Select


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
                facts=[Fact(label="Deadline", value=_deadline_text(enquiry, ctx)), enquiry_fact(enquiry)],
                actions=[Button(label="Claim", payload=_case(enquiry, "claim"), style="primary"),
                         *show_full(enquiry)])


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
    actions = ([action] if action else []) + [_snooze(enquiry, nudge), *show_full(enquiry)]
    return Card(title=f"Deadline coming: {enquiry.ref}", text=text, body=text, actions=actions,
                facts=[Fact(label="Journalist", value=f"{enquiry.journalist}, {enquiry.outlet}"),
                       enquiry_fact(enquiry)])


def sign_off_reminder_card(enquiry: Enquiry, draft: Draft, nudge: Nudge, ctx: Context) -> Card:
    slot = Slot(nudge.data.get("slot", "comms"))
    text = (f"⏰ Your sign-off is still needed on {enquiry.ref} ({enquiry.outlet}). "
            f"Deadline {_deadline_text(enquiry, ctx)}.")

    def pay(action: str) -> ActionPayload:
        return ActionPayload(a=action, k="enquiry", id=enquiry.ref, v=draft.number,
                             x=button_arg(slot, draft))

    return Card(title=f"Sign-off reminder: {enquiry.ref}", text=text, body=text,
                facts=[enquiry_fact(enquiry),
                       Fact(label=f"Draft response, version {draft.number}", value=draft.text, long=True)],
                actions=[Button(label="Approve", payload=pay("approve"), style="primary"),
                         Button(label="Request changes", payload=pay("changes")),
                         Button(label="Reject", payload=pay("reject"), style="danger"),
                         _snooze(enquiry, nudge), *show_full(enquiry)])


def escalation_card(enquiry: Enquiry, what: str, ctx: Context, *, for_owner: bool = False) -> Card:
    owner = enquiry.owner.name if enquiry.owner else "nobody"
    text = f"⚠️ Media enquiry {enquiry.ref} ({enquiry.outlet}) {what}. Deadline {_deadline_text(enquiry, ctx)}."
    if not for_owner:
        text += f" Owner: {owner}."
    actions: list[Button | Select] = [] if enquiry.owner else [
        Button(label="Claim", payload=_case(enquiry, "claim"), style="primary")]
    return Card(title=f"Escalation: {enquiry.ref}", text=text, body=text, urgent=True,
                actions=actions + show_full(enquiry), facts=[enquiry_fact(enquiry)],
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
        facts=[Fact(label="Outlet", value=f"{enquiry.outlet} ({outlet_kind(enquiry.outlet_kind)})"),
               Fact(label="Journalist", value=enquiry.journalist),
               Fact(label="Contact", value=contact(enquiry)),
               Fact(label="Deadline", value=_deadline_text(enquiry, ctx)),
               Fact(label="Logged by", value=enquiry.reporter.name),
               enquiry_fact(enquiry)],
        notes=notes,
        actions=[Button(label="Acknowledge", payload=_case(enquiry, "ack"), style="primary"),
                 Button(label="Claim", payload=_case(enquiry, "claim")), *show_full(enquiry)],
    )
