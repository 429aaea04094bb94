"""Crisis cards: the urgent alert, the comms card with its timeline, approvals and the official line."""

from __future__ import annotations

from bot.domain import guidance
from bot.domain.crisis import (
    CRISIS_FORM,
    CRISIS_SLOT_NAMES,
    Crisis,
    CrisisSlot,
    CrisisState,
    HoldingLine,
    comms_label,
    crisis_approvers,
    required_crisis_slots,
)
from bot.domain.crisis.permissions import PERMISSIONS
from bot.domain.forms import Context
from bot.domain.messages import HistoryEntry
from bot.domain.people import Directory
from bot.domain.statement import Draft, SignOff, button_arg
from bot.domain.timefmt import describe
from cards.model import ActionPayload, Button, Card, Fact, Option, Select, offered
from cards.sign_off_text import decision_for, said, slot_line

_STATUS = {
    CrisisState.REPORTED: "🚨 Reported: waiting for a comms lead",
    CrisisState.ACKNOWLEDGED: "Comms lead on it",
    CrisisState.LINE_DRAFTED: "Holding line waiting for sign-off",
    CrisisState.SIGNED_OFF: "Holding line signed off: ready to circulate",
    CrisisState.CIRCULATED: "Official line circulated",
    CrisisState.STOOD_DOWN: "Stood down",
}
PATIENT_SAFETY = ("Patient safety incident: inform NHS England, report under PSIRF, and protect patient "
                  "confidentiality in anything said.")


def crisis_key(ref: str) -> str:
    return f"crisis:{ref}:comms"


def crisis_approval_key(ref: str, version: int, slot: CrisisSlot, email: str) -> str:
    return f"crisis-approval:{ref}:v{version}:{slot.value}:{email.lower()}"


def _pay(crisis: Crisis, action: str, x: str | None = None, v: int | None = None) -> ActionPayload:
    return ActionPayload(a=action, k="crisis", id=crisis.ref, v=crisis.version if v is None else v, x=x)


def _detail_facts(crisis: Crisis) -> list[Fact]:
    facts = []
    for field in CRISIS_FORM.fields:
        value = crisis.details.get(field.name)
        if value is None or field.name == "what":
            continue
        shown = field.shown(value)
        facts.append(Fact(label=comms_label(field), value=shown, long=len(shown) > 120))
    return facts


def crisis_card(crisis: Crisis, ctx: Context, directory: Directory, *, draft: Draft | None,
                sign_offs: list[SignOff], timeline: list[HistoryEntry], library: list[HoldingLine]) -> Card:
    state = crisis.state
    status = _STATUS[state]
    if crisis.lead and state not in (CrisisState.REPORTED, CrisisState.STOOD_DOWN):
        status = f"{status} · lead {crisis.lead.name}"
    facts = [Fact(label="What happened", value=crisis.summary, long=True),
             Fact(label="Reported by", value=crisis.reporter.name), *_detail_facts(crisis)]
    if crisis.lead_agency:
        facts.append(Fact(label="Lead agency", value=crisis.lead_agency))
    if draft is not None:
        facts.append(Fact(label=f"Holding line v{draft.number}", value=draft.text, long=True))
        facts.append(Fact(label="Sign-off", value=_sign_off_lines(crisis, draft, sign_offs, directory), long=True))
    if timeline:
        facts.append(Fact(label="Latest updates", long=True, value="\n".join(
            f"{describe(h.at, ctx.now, ctx.tz)} {h.actor}: {h.data.get('text', '')}" for h in timeline[-3:])))
    if crisis.confirmations:
        facts.append(Fact(label="Have the official line", value=", ".join(crisis.confirmations)))
    notes = [f"Reported {describe(crisis.created_at, ctx.now, ctx.tz)}"]
    if crisis.patient_safety:
        notes.insert(0, PATIENT_SAFETY)
    if crisis.routing.get("out_of_hours"):
        notes.append(f"Out of hours: on-call director {directory.name_of(crisis.routing.get('on_call', ''))} alerted")
    no_line_pending = state in (CrisisState.ACKNOWLEDGED, CrisisState.CIRCULATED)
    actions = offered(PERMISSIONS, state, [
        Button(label="I'll lead this", payload=_pay(crisis, "ack"), style="primary"),
        Button(label="Draft holding line" if draft is None else "New version of the line", payload=_pay(crisis, "line"),
               style="primary" if state is CrisisState.ACKNOWLEDGED else None),
        Select(placeholder="Start from a holding line…", options=[
            Option(label=line.title, payload=_pay(crisis, "line_from", str(line.id))) for line in library[:100]])
        if no_line_pending else None,
        Button(label="Record lead agency sign-off", payload=_pay(
            crisis, "approve", button_arg(CrisisSlot.LEAD_AGENCY, draft), draft.number))
        if crisis.lead_agency and draft is not None else None,
        Button(label="Circulate the official line", payload=_pay(crisis, "circulate"), style="primary"),
        Button(label="Add update", payload=_pay(crisis, "update")),
        Button(label="Lead agency…", payload=_pay(crisis, "agency")),
        Button(label="Stand down", payload=_pay(crisis, "stand_down"), style="danger",
               confirm="Stand this crisis down? Reminders stop and the reporter is told."),
    ])
    return Card(title=f"Crisis {crisis.ref}", text=f"🚨 Crisis {crisis.ref}: {crisis.summary[:200]}",
                status=status, facts=facts, notes=notes, actions=actions,
                urgent=state is not CrisisState.STOOD_DOWN, notify_channel=state is CrisisState.REPORTED)


def _sign_off_lines(crisis: Crisis, draft: Draft, sign_offs: list[SignOff], directory: Directory) -> str:
    decided = {s.slot.value: s for s in sign_offs if s.version == draft.number}
    return "\n".join(slot_line(CRISIS_SLOT_NAMES[slot], decided.get(slot.value),
                               crisis_approvers(slot, crisis, directory), directory)
                     for slot in required_crisis_slots(crisis))


def alert_dm_card(crisis: Crisis, ctx: Context, *, on_call: bool) -> Card:
    who = "You are the on-call director. " if on_call else ""
    text = f"🚨 {who}Crisis {crisis.ref} reported by {crisis.reporter.name}: {crisis.summary}"
    return Card(title=f"Crisis alert {crisis.ref}", text=text[:300], body=text, urgent=True,
                notes=["The comms channel has the full card; a comms lead takes it from there."],
                actions=[Button(label="I'll lead this", payload=_pay(crisis, "ack"), style="primary")])


def reported_card(crisis: Crisis) -> Card:
    body = "Thank you. The communications team has been alerted and will call you back urgently."
    text = f"Reported as {crisis.ref}. {body}"  # the notification: the reference once, as on the card's title
    return Card(title=f"Reported: {crisis.ref}", text=text, body=body,
                notes=[guidance.CRISIS_END],
                actions=[Button(label="Add an update", payload=_pay(crisis, "update"))])


def reporter_news_card(crisis: Crisis, event: str) -> Card:
    if event == "acknowledge" and crisis.lead:
        text = f"{crisis.lead.name} from the communications team is leading {crisis.ref} and will call you."
    elif event == "stand_down":
        text = f"The communications team has stood {crisis.ref} down. Thank you for raising it."
    else:
        text = f"Update on {crisis.ref}."
    return Card(title=f"Update on {crisis.ref}", text=text, body=text, notes=[guidance.CRISIS_END])


def crisis_approval_card(crisis: Crisis, draft: Draft, slot: CrisisSlot, email: str, sign_offs: list[SignOff],
                         ctx: Context, *, superseded: bool = False) -> Card:
    decided = decision_for(sign_offs, slot, draft)
    actions: list[Button | Select] = []
    if superseded:
        status = "Replaced by a newer holding line: nothing to do on this one"
    elif crisis.state is CrisisState.STOOD_DOWN:
        status = "The crisis was stood down: nothing to do"
    elif decided is not None:
        status = f"{said(decided.decision).capitalize()} by {decided.by}"
    elif crisis.state is not CrisisState.LINE_DRAFTED:
        status = _STATUS[crisis.state]
    else:
        status = f"Your sign-off is needed ({CRISIS_SLOT_NAMES[slot]})"
        x = button_arg(slot, draft)
        actions = [Button(label="Approve", payload=_pay(crisis, "approve", x, draft.number), style="primary"),
                   Button(label="Request changes", payload=_pay(crisis, "changes", x, draft.number))]
    return Card(title=f"🚨 Holding line: {crisis.ref}", text=f"{status}: crisis {crisis.ref}", status=status,
                urgent=True,
                facts=[Fact(label="What happened", value=crisis.summary, long=True),
                       Fact(label=f"Holding line, version {draft.number}", value=draft.text, long=True)],
                notes=[f"Version {draft.number}, fingerprint {draft.short}. Appendix C: approved by the head of "
                       "department and signed off by the Director of Communications or delegate."],
                actions=actions)


def lead_decision_card(crisis: Crisis, decision: SignOff) -> Card:
    actions: list[Button | Select]
    if crisis.state is CrisisState.SIGNED_OFF:
        text = f"The holding line for {crisis.ref} is signed off. Circulate it from the crisis card."
        actions = [Button(label="Circulate the official line", payload=_pay(crisis, "circulate"), style="primary")]
    else:
        text = f"{decision.by} asked for changes to the holding line for {crisis.ref}."
        actions = [Button(label="New version of the line", payload=_pay(crisis, "line"), style="primary")]
    facts = [Fact(label="Comment", value=decision.comment, long=True)] if decision.comment else []
    return Card(title=f"Holding line: {crisis.ref}", text=text, body=text, facts=facts, actions=actions, urgent=True)


def official_line_card(crisis: Crisis, draft: Draft, *, for_reporter: bool) -> Card:
    actions: list[Button | Select] = [
        Button(label="I have the official line", payload=_pay(crisis, "confirm"), style="primary")
    ] if for_reporter else []
    return Card(title=f"Official line: {crisis.ref}", text=f"Official line for {crisis.ref}: {draft.text[:200]}",
                status="✅ The official line to use", urgent=True,
                facts=[Fact(label="Official line", value=draft.text, long=True)],
                notes=[guidance.CRISIS_CIRCULATED], actions=actions)


def library_card(lines: list[HoldingLine]) -> Card:
    facts = [Fact(label=line.title, value=line.text, long=True) for line in lines[:20]]
    actions: list[Button | Select] = [Button(label="Add a holding line", style="primary",
                                             payload=ActionPayload(a="add", k="library", id="library"))]
    if lines:
        actions.append(Select(placeholder="Retire a line…", options=[
            Option(label=line.title, payload=ActionPayload(a="retire", k="library", id=str(line.id)))
            for line in lines[:100]]))
    body = "Pre-approved holding statements to start a crisis line from." if lines else \
        "The library is empty. Add the holding statements comms has approved in advance."
    return Card(title="Holding-line library", text=body, body=body, facts=facts, actions=actions)


def unacknowledged_card(crisis: Crisis, ctx: Context, seq: int) -> Card:
    waited = describe(crisis.created_at, ctx.now, ctx.tz)
    text = f"🚨 Crisis {crisis.ref} (reported {waited}) still has no comms lead. {crisis.summary[:300]}"
    return Card(title=f"Crisis needs a lead: {crisis.ref}", text=text, body=text, urgent=True,
                notify_channel=seq > 1,
                actions=[Button(label="I'll lead this", payload=_pay(crisis, "ack"), style="primary")])


def sign_off_chase_card(crisis: Crisis, draft: Draft, slot: CrisisSlot) -> Card:
    x = button_arg(slot, draft)
    text = f"🚨 The holding line for crisis {crisis.ref} is waiting for your sign-off ({CRISIS_SLOT_NAMES[slot]})."
    return Card(title=f"Holding line waiting: {crisis.ref}", text=text, body=text, urgent=True,
                facts=[Fact(label=f"Holding line, version {draft.number}", value=draft.text, long=True)],
                actions=[Button(label="Approve", payload=_pay(crisis, "approve", x, draft.number), style="primary"),
                         Button(label="Request changes", payload=_pay(crisis, "changes", x, draft.number))])
