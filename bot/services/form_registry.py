"""Every one-screen form by its id, in one table, and how each is built for this organisation (a few list its
people: who may sign off, who may be named spokesperson)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

from bot.domain.crisis import LEAD_AGENCY_FORM, LIBRARY_FORM, UPDATE_FORM, holding_line_form
from bot.domain.forms import Form
from bot.domain.people import Directory
from bot.domain.press_release import STATIC_FORMS as PRESS_WORKFLOW_FORMS
from bot.domain.press_release import decide_form
from bot.domain.response_forms import CHANGES_FORM, ISSUE_FORM, PARTNER_FORM, REJECT_FORM, statement_form
from bot.services.intake import FORMS as INTAKE_FORMS

Build = Callable[[Directory], Form]


def _as_is(form: Form) -> Build:
    return lambda _directory: form


@cache
def builders() -> Mapping[str, Build]:
    """Form id -> how to build it. Built once, on first use; two forms sharing an id is a mistake caught here."""
    groups: list[Mapping[str, Build]] = [
        {form_id: _as_is(form) for form_id, form in INTAKE_FORMS.items()},  # raising something (the chat's forms)
        {"holding_line": holding_line_form, "crisis_update": _as_is(UPDATE_FORM),
         "crisis_changes": _as_is(CHANGES_FORM), "lead_agency": _as_is(LEAD_AGENCY_FORM),
         "library_line": _as_is(LIBRARY_FORM)},
        {"statement": statement_form, "issue": _as_is(ISSUE_FORM), "changes": _as_is(CHANGES_FORM),
         "reject": _as_is(REJECT_FORM), "partner": _as_is(PARTNER_FORM)},
        {"press_decide": decide_form, **{form_id: _as_is(form) for form_id, form in PRESS_WORKFLOW_FORMS.items()}},
    ]
    table: dict[str, Build] = {}
    for group in groups:
        if clash := table.keys() & group.keys():
            raise ValueError(f"two forms are called {sorted(clash)}")
        table.update(group)
    return table


def form_for(directory: Directory, form_id: str) -> Form | None:
    build = builders().get(form_id)
    return build(directory) if build is not None else None
