"""Every one-screen form by its id, in one table: how it is built for this organisation (a few list its people:
who may sign off, who may be named spokesperson), and the use case a submission goes to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.domain.crisis import LEAD_AGENCY_FORM, LIBRARY_FORM, UPDATE_FORM, holding_line_form
from bot.domain.deadline import Reading
from bot.domain.errors import ValidationFailed
from bot.domain.forms import Form
from bot.domain.people import Actor, Directory
from bot.domain.press_release import STATIC_FORMS as PRESS_WORKFLOW_FORMS
from bot.domain.press_release import decide_form
from bot.domain.response_forms import CHANGES_FORM, ISSUE_FORM, PARTNER_FORM, REJECT_FORM, statement_form
from bot.domain.statement import Decision, Slot
from bot.domain.text import small_int
from bot.services import crises, intake, press_release_forms, responses
from bot.services.core import Core, Reply

Build = Callable[[Directory], Form]


@dataclass(frozen=True)
class Submitted:
    """A form as it arrived: its id, what the form carried (`meta`: the case's reference, a version), what was typed."""

    form_id: str
    meta: dict[str, Any]
    values: dict[str, Any]
    request_key: str
    unsure: dict[str, Reading]  # deadlines read with a guess, for the forms that confirm them in the chat

    @property
    def ref(self) -> str:
        return str(self.meta.get("ref", ""))


Submit = Callable[[Core, Actor, Submitted], Awaitable[Reply]]


@dataclass(frozen=True)
class FormEntry:
    build: Build
    submit: Submit
    # The forms people fill in to raise something have a check step in their chat, so a deadline read with a
    # guess ("Monday") is shown there to confirm; the other forms ask for the exact time inline.
    confirms_guesses: bool = False


def _as_is(form: Form) -> Build:
    return lambda _directory: form


async def _raised(core: Core, actor: Actor, s: Submitted) -> Reply:
    return await intake.submit_form(core, actor, s.form_id, small_int(s.meta.get("conversation")), s.values,
                                    s.request_key, unsure=s.unsure)


async def _press(core: Core, actor: Actor, s: Submitted) -> Reply:
    return await press_release_forms.submit(core, actor, s.form_id, s.meta, s.values, s.request_key)


async def _holding_line(core: Core, actor: Actor, s: Submitted) -> Reply:
    return await crises.save_line(core, actor, s.ref, s.values, s.request_key)


async def _crisis_update(core: Core, actor: Actor, s: Submitted) -> Reply:
    return await crises.add_update(core, actor, s.ref, s.values["text"], s.request_key)


async def _crisis_changes(core: Core, actor: Actor, s: Submitted) -> Reply:
    return await crises.decide(core, actor, s.ref, str(s.meta.get("slot", "")), small_int(s.meta.get("v")) or 0,
                               str(s.meta.get("fp", "")), Decision.CHANGES, s.values["comment"], s.request_key)


async def _lead_agency(core: Core, actor: Actor, s: Submitted) -> Reply:
    return await crises.set_lead_agency(core, actor, s.ref, s.values.get("agency"), s.request_key)


async def _library_line(core: Core, actor: Actor, s: Submitted) -> Reply:
    return await crises.add_library_line(core, actor, s.values["title"], s.values["text"], s.request_key)


async def _statement(core: Core, actor: Actor, s: Submitted) -> Reply:
    return await responses.save_draft(core, actor, s.ref, s.values, s.request_key)


async def _issue(core: Core, actor: Actor, s: Submitted) -> Reply:
    return await responses.issue(core, actor, s.ref, s.values, s.request_key)


async def _decision(core: Core, actor: Actor, s: Submitted) -> Reply:
    """Request changes, reject, or record a partner's agreement: a sign-off decision with its comment."""
    decision = {"changes": Decision.CHANGES, "reject": Decision.REJECTED, "partner": Decision.APPROVED}[s.form_id]
    try:
        slot, version = Slot(s.meta.get("slot", "partner")), small_int(s.meta.get("v", 0))
    except (TypeError, ValueError):
        version = None
    if version is None:
        raise ValidationFailed("That form is out of date; please use the latest card.")
    return await responses.decide(core, actor, s.ref, slot, version, str(s.meta.get("fp", "")), decision,
                                  s.request_key, comment=s.values.get("comment") or s.values.get("who"))


@cache
def entries() -> Mapping[str, FormEntry]:
    """Form id -> its entry. Built once, on first use; two forms sharing an id is a mistake caught here."""
    groups: list[Mapping[str, FormEntry]] = [
        {form_id: FormEntry(_as_is(form), _raised, confirms_guesses=True) for form_id, form in intake.FORMS.items()},
        {"holding_line": FormEntry(holding_line_form, _holding_line),
         "crisis_update": FormEntry(_as_is(UPDATE_FORM), _crisis_update),
         "crisis_changes": FormEntry(_as_is(CHANGES_FORM), _crisis_changes),
         "lead_agency": FormEntry(_as_is(LEAD_AGENCY_FORM), _lead_agency),
         "library_line": FormEntry(_as_is(LIBRARY_FORM), _library_line)},
        {"statement": FormEntry(statement_form, _statement), "issue": FormEntry(_as_is(ISSUE_FORM), _issue),
         "changes": FormEntry(_as_is(CHANGES_FORM), _decision), "reject": FormEntry(_as_is(REJECT_FORM), _decision),
         "partner": FormEntry(_as_is(PARTNER_FORM), _decision)},
        {"press_decide": FormEntry(decide_form, _press),
         **{form_id: FormEntry(_as_is(form), _press) for form_id, form in PRESS_WORKFLOW_FORMS.items()}},
    ]
    table: dict[str, FormEntry] = {}
    for group in groups:
        if clash := table.keys() & group.keys():
            raise ValueError(f"two forms are called {sorted(clash)}")
        table.update(group)
    return table


def form_for(directory: Directory, form_id: str) -> Form | None:
    entry = entries().get(form_id)
    return entry.build(directory) if entry is not None else None
