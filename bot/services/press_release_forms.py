"""Press releases' one-screen forms, submitted: comms' decision, the details, drafts and late changes, the
lead's collated amendments, the team's comments, a sign-off recorded by comms, the embargo, issue and coverage."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.domain.errors import ValidationFailed
from bot.domain.forms import Context
from bot.domain.people import Actor
from bot.domain.press_release import (
    AFTER_LEAD_SIGN_OFF,
    EMAIL,
    PRESS_WORKFLOW,
    SIGN_OFF_STAGES,
    STAGE_NAMES,
    STALE_SIGN_OFF,
    Outcome,
    PressComment,
    PressRelease,
    PressSlot,
    PressState,
    draft_fingerprint,
    parse_link,
    parse_partners,
    parse_quoted,
    require,
    slot_label,
)
from bot.domain.statement import Decision, Draft, button_slot, check_binding
from bot.ports import UnitOfWork
from bot.services.casework import Answer
from bot.services.core import Core, Reply
from bot.services.press_release_effects import PRESS, PressStep, due, keep_card, post_person_card
from bot.services.press_releases import (
    approve,
    check_embargo,
    check_stage,
    collated,
    draft_event,
    draft_facts,
    instant,
    iso,
    person_of,
)

P = PressState


# --- one-screen forms submitted -----------------------------------------------------------------------------

async def submit(core: Core, actor: Actor, form_id: str, meta: dict[str, Any], values: dict[str, Any],
                 request_key: str) -> Reply:
    if form_id not in _SUBMITS:
        return Reply(text="That form is no longer available; please start again.")

    async def change(uow: UnitOfWork, ctx: Context, pr: PressRelease) -> Answer:
        draft = await uow.drafts.latest(pr.ref)
        return Reply(text=await _SUBMITS[form_id](uow, core, ctx, pr, draft, actor, meta, values))

    return await PRESS.run(core, str(meta.get("ref", "")), request_key, change)


Submit = Callable[[UnitOfWork, Core, Context, PressRelease, Draft | None, Actor, dict, dict], Awaitable[str]]


async def _decide(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                  meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "decide")
    outcome = Outcome(values["outcome"])
    event = {Outcome.RELEASE: "decide_release", Outcome.STATEMENT: "decide_statement",
             Outcome.NOTHING: "decide_nothing"}[outcome]
    PRESS_WORKFLOW.apply(pr.state, event)
    pr.outcome, pr.in_name_of = outcome, values.get("in_name_of")
    pr.executive = (values.get("executive") or None) if outcome is not Outcome.NOTHING else None
    if pr.owner is None:
        pr.owner = person_of(actor)
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, event, facts={
        "outcome": outcome.value, "in_name_of": pr.in_name_of, "executive": pr.executive,
        "note": values.get("note")}))
    return {Outcome.RELEASE: f"Recorded: a press release for {pr.ref}. Next: the first draft.",
            Outcome.STATEMENT: f"Recorded: a statement only for {pr.ref}. Next: the draft statement.",
            Outcome.NOTHING: f"Recorded: no response needed. {pr.ref} is closed."}[outcome]


async def _details(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                   meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "details")
    PRESS_WORKFLOW.apply(pr.state, "details")
    if pr.state in SIGN_OFF_STAGES or pr.state is P.READY:
        # Who signs is part of what was approved: changing it once sign-off has begun needs a new version.
        partners, quoted = parse_partners(values.get("partners")), parse_quoted(values.get("quoted"))
        if partners != pr.partners or quoted != pr.quoted:
            raise ValidationFailed("Sign-off has begun: partners and people quoted can only change with a new "
                                   "version (a late change), which sends it back to sign-off.")
    before = {"project_lead": pr.project_lead, "partners": pr.partners, "quoted": [q.__dict__ for q in pr.quoted],
              "embargo": iso(pr.embargo), "preferred": iso(pr.preferred)}
    pr.project_lead = values.get("project_lead") or None
    pr.partners = parse_partners(values.get("partners"))
    pr.quoted = parse_quoted(values.get("quoted"))
    pr.embargo = instant(values.get("embargo"))
    pr.preferred = instant(values.get("preferred_date"))
    after = {"project_lead": pr.project_lead, "partners": pr.partners, "quoted": [q.__dict__ for q in pr.quoted],
             "embargo": iso(pr.embargo), "preferred": iso(pr.preferred)}
    changed = {k: v for k, v in after.items() if before[k] != v}
    if pr.state is P.READY and changed.get("embargo") is not None:
        pr.due = due(core, ctx, pr)
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "details", facts={"changed": changed}))
    return f"Details of {pr.ref} saved."


async def _save_draft(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None,
                      actor: Actor, meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "draft")
    event = draft_event(pr)
    text, link = values.get("text") or "", parse_link(values.get("link"))
    fp = draft_fingerprint(text, link)
    if draft is not None and draft.fingerprint == fp:
        raise ValidationFailed(f"That is the same as version {draft.number}: nothing has changed.")
    new = Draft((draft.number + 1) if draft else 1, text, fp, actor.label, actor.email, ctx.now)
    await uow.drafts.add(pr.ref, new)
    if link:
        pr.links = {**pr.links, str(new.number): link}
    facts: dict[str, Any] = {**draft_facts(new), "text": text, "link": link, "note": values.get("note")}
    if event == "revise":
        old = await uow.drafts.sign_offs(pr.ref, draft.number) if draft else []
        cleared = [slot_label(s.slot, pr, core.directory) for s in old
                   if isinstance(s.slot, PressSlot) and s.decision is Decision.APPROVED]
        pr.late_change = {"version": new.number, "replaced": draft.number if draft else None,
                          "from": STAGE_NAMES[pr.state], "cleared": cleared, "by": actor.label,
                          "at": ctx.now.isoformat(), "after_lead_sign_off": pr.state in AFTER_LEAD_SIGN_OFF,
                          "note": values.get("note")}
        facts.update(replaced=pr.late_change["replaced"], from_stage=pr.state.value, cleared=cleared)
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, event, facts=facts))
    if event == "revise":
        return (f"Version {new.number} of {pr.ref} saved. It is back at {STAGE_NAMES[pr.state].lower()}: the "
                "earlier sign-offs no longer count.")
    return f"Version {new.number} of {pr.ref} saved."


async def _amends(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                  meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "amends")
    PRESS_WORKFLOW.apply(pr.state, "send_amends")
    round_ = pr.state
    comment = await collated(uow, ctx, pr, actor, draft, values["amends"])
    await PRESS.apply(uow, core, ctx, pr, PressStep(
        actor, "send_amends", comment=comment,
        facts={"round": round_.value, "amends": values["amends"], **draft_facts(draft)},
        headline=f"{actor.label} sent the collated amendments for {pr.ref}."))
    return f"Your amendments for {pr.ref} went to comms as one set."


async def _invite(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                  meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "invite")
    found = [e.lower() for e in _emails(values["emails"])]
    if not found:
        raise ValidationFailed("Give at least one email address.")
    team = [e for e in found if e != pr.lead_email()][:20]
    added = [e for e in team if e not in pr.team]
    pr.team = list(dict.fromkeys([*pr.team, *team]))
    for email in added:
        keep_card(pr, email, await post_person_card(uow, core, ctx, pr, email))
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "invite_team", facts={"added": added}))
    return f"Asked {len(added)} team member(s) to send you their comments on {pr.ref}."


def _emails(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(0) for m in EMAIL.finditer(text or "")))


async def _team_comment(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None,
                        actor: Actor, meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "comment")
    PRESS_WORKFLOW.apply(pr.state, "team_comment")
    comment = PressComment(pr.state, "team", actor.label, actor.email, values["comment"], ctx.now,
                           draft.number if draft else None)
    await uow.press_comments.add(pr.ref, comment)
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "team_comment", comment=comment,
                                                    facts={"comment": values["comment"], **draft_facts(draft)}))
    lead = core.directory.name_of(pr.lead_email() or "")
    return f"Your comments went to {lead}, who will send comms one collated set."


async def _change(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                  meta: dict, values: dict) -> str:
    slot, fp = button_slot(f"{meta.get('slot', '')}:{meta.get('fp', '')}", PressSlot.parse)
    require(core.directory, actor, pr, "change", slot)
    check_stage(pr, slot)
    draft = check_binding(draft, _int(meta.get("v")), fp, STALE_SIGN_OFF)
    await PRESS.apply(uow, core, ctx, pr, PressStep(
        actor, "ask_change", facts={"slot": slot.value, "comment": values["comment"], **draft_facts(draft)},
        headline=f"{actor.label} asked for a change to {pr.ref} ({slot_label(slot, pr, core.directory)}). A new "
                 "version (a late change) sends it back to sign-off.",
        comment=PressComment(pr.state, "change", actor.label, actor.email, values["comment"], ctx.now,
                             draft.number)))
    return f"Your request for a change to {pr.ref} went to comms."


async def _record(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                  meta: dict, values: dict) -> str:
    x = f"{meta.get('slot', '')}:{meta.get('fp', '')}"
    return await approve(uow, core, ctx, pr, draft, actor, x, _int(meta.get("v")), comment=values["who"],
                          recording=True)


async def _embargo(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                   meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "embargo")
    PRESS_WORKFLOW.apply(pr.state, "lift_embargo")
    if not pr.embargo or pr.embargo <= ctx.now:
        raise ValidationFailed("There is no embargo still to come on this release.")
    pr.embargo_override = {"by": actor.label, "by_email": actor.email, "at": ctx.now.isoformat(),
                           "reason": values["reason"], "embargo": pr.embargo.isoformat()}
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "lift_embargo", facts={
        "embargo": pr.embargo.isoformat(), "reason": values["reason"]}))
    return f"Recorded: {pr.ref} may be issued before its embargo."


async def _issue(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None, actor: Actor,
                 meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "issue")
    PRESS_WORKFLOW.apply(pr.state, "issue")
    check_embargo(pr, ctx)
    if draft is None:
        raise ValidationFailed("There is no signed-off version to issue.")
    early = bool(pr.embargo and ctx.now < pr.embargo)
    pr.issued = {"at": ctx.now.isoformat(), "by": actor.label, "channels": values.get("channels") or [],
                 "note": values.get("note"), "version": draft.number, "fingerprint": draft.fingerprint,
                 "embargo_lifted": iso(pr.embargo), "before_embargo_by_override": early}
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "issue", facts={
        **draft_facts(draft), "channels": pr.issued["channels"], "note": values.get("note"),
        "embargo_lifted": iso(pr.embargo), "before_embargo_by_override": early}))
    return f"{pr.ref} is issued. Log coverage on the card as it appears."


async def _coverage(uow: UnitOfWork, core: Core, ctx: Context, pr: PressRelease, draft: Draft | None,
                    actor: Actor, meta: dict, values: dict) -> str:
    require(core.directory, actor, pr, "coverage")
    link = parse_link(values["link"])
    entry = {"link": link, "outlet": values.get("outlet"), "by": actor.label, "at": ctx.now.isoformat()}
    pr.coverage = [*pr.coverage, entry]
    await PRESS.apply(uow, core, ctx, pr, PressStep(actor, "log_coverage", facts={"link": link,
                                                                                 "outlet": values.get("outlet")}))
    return f"Coverage logged on {pr.ref}."


_SUBMITS: dict[str, Submit] = {
    "press_decide": _decide, "press_details": _details, "press_draft": _save_draft, "press_amends": _amends,
    "press_invite": _invite, "press_team_comment": _team_comment, "press_change": _change, "press_record": _record,
    "press_embargo": _embargo, "press_issue": _issue, "press_coverage": _coverage,
}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
