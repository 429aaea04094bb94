"""Press-release cards: the comms card (stage, holder, next due date, the next step), each person's own card,
the requester's news, and the chase."""

from __future__ import annotations

from datetime import datetime

from bot.domain import press_release as pr_domain
from bot.domain.forms import Context
from bot.domain.people import Directory, Role
from bot.domain.press_release import (
    COLLATING,
    LEAD,
    STAGE_NAMES,
    Outcome,
    PressComment,
    PressRelease,
    PressSlot,
    PressState,
    ReleaseKind,
    holders,
    recorded_by_comms,
    signers,
    slot_label,
    slots_for,
)
from bot.domain.press_release.permissions import PERMISSIONS
from bot.domain.statement import Draft, SignOff, button_arg
from bot.domain.text import ending
from bot.domain.timefmt import describe, time_left
from cards.model import ActionPayload, Button, Card, Fact, Select, offered

P = PressState
_OUTCOMES = {Outcome.RELEASE: "A press release", Outcome.STATEMENT: "A statement only",
             Outcome.NOTHING: "No response needed"}
_CHANNELS = {c.value: c.label for c in pr_domain.CHANNELS}


def press_key(ref: str) -> str:
    return f"press:{ref}:comms"


def person_key(ref: str, state: PressState, draft: int | None, email: str) -> str:
    return f"press:{ref}:{state.value}:v{draft or 0}:{email.lower()}"[:120]


def _pay(pr: PressRelease, action: str, x: str | None = None, v: int | None = None) -> ActionPayload:
    return ActionPayload(a=action, k="press", id=pr.ref, v=pr.version if v is None else v, x=x)


def _sign(pr: PressRelease, action: str, slot: PressSlot, draft: Draft) -> ActionPayload:
    return _pay(pr, action, button_arg(slot, draft), draft.number)


def when(at: datetime | None, ctx: Context) -> str:
    return describe(at, ctx.now, ctx.tz) if at else "(none)"


def embargo_text(pr: PressRelease, ctx: Context) -> str | None:
    if pr.embargo is None:
        return None
    if pr.issued:
        return f"Embargo {when(pr.embargo, ctx)} (lifted when issued)"
    text = f"⏰ EMBARGOED until {when(pr.embargo, ctx)} ({time_left(pr.embargo, ctx.now)})"
    if pr.embargo_override:
        text += f": the Director ({pr.embargo_override.get('by')}) allowed it to go out earlier"
    return text


def holder_names(pr: PressRelease, directory: Directory, decided: set[str]) -> str:
    people = holders(pr, directory, decided)
    if pr.state is P.CLOSED:
        return "nobody"
    if not people:
        return "the communications team (to claim)"
    return ", ".join(directory.name_of(e) for e in people)


def _decided(sign_offs: list[SignOff], draft: Draft | None) -> dict[str, SignOff]:
    if draft is None:
        return {}
    return {s.slot.value: s for s in sign_offs if s.version == draft.number and s.fingerprint == draft.fingerprint}


def stage_line(pr: PressRelease, ctx: Context, directory: Directory, decided: set[str]) -> str:
    line = f"{STAGE_NAMES[pr.state]} · with {holder_names(pr, directory, decided)}"
    if pr.due and pr.state is not P.CLOSED:
        overdue = " ⚠️ overdue" if pr.due <= ctx.now else ""
        line += f" · due {when(pr.due, ctx)}{overdue}"
    return line


def _sign_off_lines(pr: PressRelease, draft: Draft, decided: dict[str, SignOff], directory: Directory) -> str:
    lines = []
    for stage in (P.EXTERNAL_SIGN_OFF, P.LEAD_SIGN_OFF, P.QUOTE_APPROVAL, P.DIRECTOR_SIGN_OFF):
        for slot in slots_for(stage, pr):
            label = slot_label(slot, pr, directory)
            if s := decided.get(slot.value):
                recorded = f" (recorded: {s.comment})" if s.comment else ""
                lines.append(f"✅ {label}: signed off by {s.by}{recorded}")
            else:
                who = ", ".join(directory.name_of(e) for e in signers(slot, pr, directory)) or "recorded by comms"
                lines.append(f"⏳ {label}: waiting ({who})")
    return "\n".join(lines) or "(none needed)"


def _common_facts(pr: PressRelease, ctx: Context, directory: Directory, draft: Draft | None,
                  decided: dict[str, SignOff], *, full: bool) -> list[Fact]:
    facts: list[Fact] = []
    if embargo := embargo_text(pr, ctx):
        facts.append(Fact(label="Embargo", value=embargo))
    facts.append(Fact(label="Kind", value="Proactive (we are making news)" if pr.kind is ReleaseKind.PROACTIVE
                      else "Reactive (reacting to news)"))
    lead = pr.lead_email()
    facts.append(Fact(label="Project lead", value=directory.name_of(lead) if lead else pr.requester.name))
    if pr.owner:
        facts.append(Fact(label="Comms owner", value=pr.owner.name))
    if pr.preferred:
        facts.append(Fact(label="Preferred date", value=when(pr.preferred, ctx)))
    if pr.outcome:
        decided_text = _OUTCOMES[pr.outcome] + (f", in the name of {pr.in_name_of}" if pr.in_name_of else "")
        facts.append(Fact(label="Comms decided", value=decided_text))
    if full:
        for name, label in (("what", "What is happening"), ("key_messages", "Key messages"),
                            ("news", "On the news agenda"), ("why", "Why it matters to us"),
                            ("quoted", "Who might be quoted (requester)"), ("spokesperson", "Who could speak")):
            if value := pr.details.get(name):
                facts.append(Fact(label=label, value=str(value), long=len(str(value)) > 80))
    if pr.partners:
        facts.append(Fact(label="Partners", value=", ".join(pr.partners)))
    if pr.quoted:
        facts.append(Fact(label="Quoted", value=", ".join(q.name for q in pr.quoted)))
    if draft is not None:
        label = f"Draft version {draft.number}"
        if draft.text:
            facts.append(Fact(label=label, value=draft.text, long=True))
        if link := pr.links.get(str(draft.number)):
            facts.append(Fact(label="Working document" if draft.text else label, value=link, long=True))
        if pr.state in (*pr_domain.SIGN_OFF_STAGES, P.READY, P.ISSUED, P.CLOSED) and pr.outcome is not Outcome.NOTHING:
            facts.append(Fact(label="Sign-off", value=_sign_off_lines(pr, draft, decided, directory), long=True))
    if pr.issued:
        channels = ", ".join(_CHANNELS.get(c, c) for c in pr.issued.get("channels") or [])
        at = datetime.fromisoformat(pr.issued["at"])
        facts.append(Fact(label="Issued", value=f"{when(at, ctx)} by {pr.issued.get('by')} via {channels}",
                          long=True))
    if pr.coverage:
        facts.append(Fact(label="Coverage", long=True, value="\n".join(
            f"{c.get('outlet') or 'Coverage'}: {c.get('link')}" for c in pr.coverage[-10:])))
    return facts


def _late_change_note(pr: PressRelease, draft: Draft | None) -> str | None:
    change = pr.late_change
    if not change or draft is None or change.get("version") != draft.number:
        return None
    cleared = change.get("cleared") or []
    text = (f"⚠️ Late change: version {change['version']} replaced version {change['replaced']} at the "
            f"{str(change.get('from', '')).lower()} stage, so it went back to sign-off.")
    if cleared:
        text += f" These sign-offs no longer count and are needed again: {', '.join(cleared)}."
    return text


def _notes(pr: PressRelease, ctx: Context, draft: Draft | None) -> list[str]:
    notes = []
    if note := _late_change_note(pr, draft):
        notes.append(note)
    if pr.embargo and not pr.issued and pr.state is not P.CLOSED:
        notes.append(f"Not to be issued before {when(pr.embargo, ctx)} unless the Director of Communications "
                     "overrides the embargo.")
    if draft is not None:
        notes.append(f"Version {draft.number}, fingerprint {draft.short}: sign-offs bind to this exact version.")
    notes.append(f"Requested by {pr.requester.name} {when(pr.created_at, ctx)}")
    return notes


def press_card(pr: PressRelease, ctx: Context, directory: Directory, *, draft: Draft | None,
               sign_offs: list[SignOff], comments: list[PressComment]) -> Card:
    """The comms channel card, updated in place at every step."""
    decided = _decided(sign_offs, draft)
    status = stage_line(pr, ctx, directory, set(decided))
    facts = _common_facts(pr, ctx, directory, draft, decided, full=True)
    latest_set = next((c for c in reversed(comments) if c.kind == "amends"), None)
    if latest_set and pr.state in (P.AMENDING, P.FINAL_AMENDS):
        facts.append(Fact(label=f"Amendments from {latest_set.by}", value=latest_set.text, long=True))
    s = pr.state
    drafting = s in pr_domain.DRAFTING  # comms hold the text; after this a new version is a late change
    send = {P.FIRST_DRAFT: "Send statement for sign-off" if pr.is_statement else "Send draft to the project lead",
            P.AMENDING: "Send amended draft to the project lead", P.FINAL_AMENDS: "Send for sign-off"}
    to_record = [slot for slot in slots_for(s, pr) if recorded_by_comms(slot, pr) and slot.value not in decided]
    actions = offered(PERMISSIONS, s, [
        Button(label="Claim", payload=_pay(pr, "claim"), style="primary"),
        Button(label="Decide how to respond…", payload=_pay(pr, "decide"), style="primary"),
        Button(label="Information gathered: start drafting", payload=_pay(pr, "gathered"), style="primary"),
        Button(label="Save a version…", payload=_pay(pr, "draft"), style=None if draft else "primary")
        if drafting else None,
        Button(label=send[s], payload=_pay(pr, "send"), style="primary") if s in send and draft else None,
        *[Button(label=f"Record sign-off: {slot_label(slot, pr, directory)}"[:75],
                 payload=_sign(pr, "record", slot, draft)) for slot in to_record if draft],
        Button(label="Mark as issued…", payload=_pay(pr, "issue"), style="primary") if draft else None,
        Button(label="Late change…", payload=_pay(pr, "draft"),
               confirm="A new version sends the release back to sign-off: sign-offs already given no longer count.")
        if draft and not drafting else None,
        Button(label="Log coverage…", payload=_pay(pr, "coverage"), style="primary"),
        Button(label="Close", payload=_pay(pr, "close")),
        Button(label="Release details…", payload=_pay(pr, "details")),
        Button(label="Stop this release", payload=_pay(pr, "stop"), style="danger",
               confirm="Stop this press release? Reminders stop and the requester is told."),
    ])
    title = f"Press release {pr.ref}" if not pr.is_statement else f"Statement {pr.ref}"
    return Card(title=title, text=f"📰 {title}: {pr.title}"[:300], subtitle=pr.title, status=status,
                facts=facts, notes=_notes(pr, ctx, draft), actions=actions)


def person_card(pr: PressRelease, ctx: Context, directory: Directory, email: str, *, draft: Draft | None,
                sign_offs: list[SignOff], comments: list[PressComment]) -> Card:
    """One person's card (project lead, team member, person quoted, Director, executive): where it stands, and the
    button for their step when it is theirs."""
    me = email.lower()
    decided = _decided(sign_offs, draft)
    lead = pr.lead_email()
    actions: list[Button | Select] = []
    notes: list[str] = []
    yours = None
    s = pr.state
    if s in COLLATING and me == lead:
        yours = "Your turn: send comms one collated set of comments and amends"
        actions = [Button(label="Send amendments (one set)…", payload=_pay(pr, "amends"), style="primary"),
                   Button(label="No changes", payload=_pay(pr, "no_amends"),
                          confirm="Tell comms there are no changes? This round's amendments then close."),
                   Button(label="Ask my team to comment…", payload=_pay(pr, "invite"))]
        notes.append(pr_domain.ONE_SET if s is P.COMMENTS else pr_domain.FINAL_CHECK)
    elif s in COLLATING and me in pr.team:
        yours = f"{directory.name_of(lead or '')} asked for your comments"
        actions = [Button(label=f"Send my comments to {directory.name_of(lead or '')}"[:75],
                          payload=_pay(pr, "comment"), style="primary")]
        notes.append("Your comments go to the project lead, who sends comms one collated set.")
    elif s in (P.LEAD_SIGN_OFF, P.QUOTE_APPROVAL, P.DIRECTOR_SIGN_OFF) and draft is not None:
        for slot in slots_for(s, pr):
            if me in signers(slot, pr, directory) and slot.value not in decided:
                label = {P.LEAD_SIGN_OFF: "Sign off", P.QUOTE_APPROVAL: "Approve my quote",
                         P.DIRECTOR_SIGN_OFF: "Sign off"}[s]
                yours = f"Your sign-off is needed: {slot_label(slot, pr, directory)}"
                actions = [Button(label=label, payload=_sign(pr, "approve", slot, draft), style="primary"),
                           Button(label="Ask for a change…", payload=_sign(pr, "change", slot, draft))]
                if slot == LEAD:
                    notes.append(pr_domain.LEAD_SIGN_OFF_NOTE)
                break
    elif (s is P.READY and pr.embargo and pr.embargo > ctx.now and not pr.embargo_override
          and me in directory.people_with(Role.DIRECTOR_OF_COMMS)):
        yours = "Signed off: embargoed"
        actions = [Button(label="Override the embargo…", payload=_pay(pr, "embargo"), style="danger")]
    actions = offered(PERMISSIONS, s, actions)
    status = yours or stage_line(pr, ctx, directory, set(decided))
    facts = [Fact(label="Stage", value=stage_line(pr, ctx, directory, set(decided)), long=True)] if yours else []
    facts += _common_facts(pr, ctx, directory, draft, decided, full=False)
    if me == lead and s in COLLATING:
        team = [c for c in comments if c.kind == "team" and c.stage is s]
        if team:
            facts.append(Fact(label="Comments from your team", long=True,
                              value="\n\n".join(f"{c.by}: {c.text}" for c in team[-10:])))
    title = f"{'Statement' if pr.is_statement else 'Press release'} {pr.ref}: {pr.title}"
    return Card(title=title[:150], text=f"{status}: {pr.ref}"[:300], status=status, facts=facts,
                notes=notes + _notes(pr, ctx, draft), actions=actions)


def requested_card(pr: PressRelease) -> Card:
    body = ("Thank you. Your request is with the communications team. Please don't agree a release with anyone "
            "outside the ICB in the meantime.")
    text = f"Sent to comms as {pr.ref}. {body}"  # the notification: the reference once, as on the card's title
    return Card(title=f"Sent to comms: {pr.ref}", text=text, body=body,
                notes=[pr_domain.END])


def requester_news_card(pr: PressRelease, event: str, ctx: Context) -> Card:
    owner = pr.owner.name if pr.owner else "The communications team"
    texts = {
        "claim": f"{owner} from the communications team has your request {pr.ref} and will contact you.",
        "claim_reactive": f"{owner} from the communications team has your request {pr.ref} and will contact you "
                          "about how to respond.",
        "decide_release": f"Comms will write a press release for {pr.ref}"
                          + (f", in the name of {ending(pr.in_name_of)}" if pr.in_name_of else "."),
        "decide_statement": f"Comms decided a statement only is needed for {pr.ref}"
                            + (f", in the name of {ending(pr.in_name_of)}" if pr.in_name_of else "."),
        "decide_nothing": f"Comms decided no release or statement is needed for {pr.ref}. Thank you for "
                          "letting them know.",
        "issue": f"{pr.ref} has been issued. Comms will advise on any follow-up and coverage.",
        "stop": f"The communications team has stopped {pr.ref}.",
    }
    text = texts.get(event, f"Update on {pr.ref}.")
    return Card(title=f"Update on {pr.ref}", text=text, body=text)


def owner_news_card(pr: PressRelease, ctx: Context, headline: str, comment: str | None) -> Card:
    facts = [Fact(label="Comments", value=comment, long=True)] if comment else []
    actions = offered(PERMISSIONS, pr.state, [
        Button(label="Save a version…" if pr.state in pr_domain.DRAFTING else "Late change…",
               payload=_pay(pr, "draft"), style="primary") if pr.state is not P.READY else None,
        Button(label="Mark as issued…", payload=_pay(pr, "issue"), style="primary"),
    ])
    return Card(title=f"Press release {pr.ref}", text=headline[:300], body=headline, facts=facts, actions=actions,
                status=STAGE_NAMES[pr.state])


def lead_news_card(pr: PressRelease, comment: PressComment) -> Card:
    text = f"{comment.by} sent you comments on {pr.ref}. Collate them into your one set for comms."
    return Card(title=f"Comments on {pr.ref}", text=text, body=text,
                facts=[Fact(label=f"From {comment.by}", value=comment.text, long=True)],
                actions=[Button(label="Send amendments (one set)…", payload=_pay(pr, "amends"), style="primary")])


def chase_card(pr: PressRelease, ctx: Context, directory: Directory, decided: set[str], seq: int) -> Card:
    due = when(pr.due, ctx)
    text = (f"Reminder: {pr.ref} ({pr.title}) is at the {STAGE_NAMES[pr.state].lower()} stage with "
            f"{holder_names(pr, directory, decided)}, due {due}.")
    if embargo := embargo_text(pr, ctx):
        text += f" {embargo}."
    return Card(title=f"Press release waiting: {pr.ref}", text=text[:300], body=text,
                notes=["Open the press release card to take the next step."] if seq == 1 else
                ["This is a repeat reminder: the stage is past its due date."])
