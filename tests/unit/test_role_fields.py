"""Every one-screen form, for an organisation that names nobody in any role: no choice list is ever empty on
either platform; a question about a person asks for their email and says who has to be added, and where."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain import crisis, press_release, response_forms
from bot.domain.errors import ValidationFailed
from bot.domain.forms import Choice, Context, Field, Form, Kind
from bot.domain.people import Directory, Role
from bot.services import form_registry
from bot.services.intake import FORMS as INTAKE_FORMS
from cards import slack, teams_inputs
from tests.adaptive import assert_adaptive_card
from tests.conformance import assert_view

NOBODY = Directory.build({})
HEADS = Directory.build({Role.HEAD_OF_DEPARTMENT: ["hana.hughes@example.nhs.uk"]},
                        names={"hana.hughes@example.nhs.uk": "Hana Hughes"})
CTX = Context(now=datetime(2026, 12, 1, 10, tzinfo=UTC), tz=ZoneInfo("Europe/London"))


def every_form(directory: Directory) -> list[Form]:
    """Every form in the one registry, as this organisation would see it."""
    return [entry.build(directory) for entry in form_registry.entries().values()]


def test_the_registry_holds_every_form_the_workflows_define() -> None:
    defined = {*(f.id for f in INTAKE_FORMS.values()), crisis.holding_line_form(NOBODY).id, crisis.UPDATE_FORM.id,
               crisis.LIBRARY_FORM.id, crisis.LEAD_AGENCY_FORM.id, response_forms.statement_form(NOBODY).id,
               response_forms.ISSUE_FORM.id, response_forms.CHANGES_FORM.id, response_forms.REJECT_FORM.id,
               response_forms.PARTNER_FORM.id, press_release.decide_form(NOBODY).id,
               *(f.id for f in press_release.STATIC_FORMS.values())}
    assert defined <= {f.id for f in every_form(NOBODY)}
    assert form_registry.form_for(NOBODY, "no_such_form") is None


def _choice_sets(node: object) -> list[dict]:
    if isinstance(node, dict):
        found = [node] if node.get("type") == "Input.ChoiceSet" else []
        return found + [c for v in node.values() for c in _choice_sets(v)]
    if isinstance(node, list):
        return [c for v in node for c in _choice_sets(v)]
    return []


def _selects(view: dict) -> list[dict]:
    return [b["element"] for b in view["blocks"] if b.get("type") == "input"
            and b["element"]["type"] in ("static_select", "checkboxes")]


@pytest.mark.parametrize("form", every_form(NOBODY), ids=lambda f: f.id)
def test_no_form_offers_an_empty_list_when_nobody_holds_a_role(form: Form) -> None:
    card = teams_inputs.render_form(form, meta={}, ctx=CTX)
    assert_adaptive_card(card)
    assert all(choice_set["choices"] for choice_set in _choice_sets(card))
    view = slack.render_modal(form, callback_id="md_form", private_metadata="{}", ctx=CTX)
    assert_view(view)
    assert all(select["options"] for select in _selects(view))


@pytest.mark.parametrize(("form", "field", "role"), [
    (crisis.holding_line_form(NOBODY), "head_of_department", "heads_of_department"),
    (response_forms.statement_form(NOBODY), "executive", "executives"),
    (press_release.decide_form(NOBODY), "executive", "executives"),
])
def test_a_person_nobody_is_named_for_is_typed_as_an_email(form: Form, field: str, role: str) -> None:
    asked = next(f for f in form.fields if f.name == field)
    assert asked.kind is Kind.EMAIL and not asked.choices
    assert f"Add {role} to [people] in mediadesk.toml" in (asked.help or "")
    inputs = {i["id"]: i for i in teams_inputs.render_form(form, meta={}, ctx=CTX)["body"] if i.get("type") == "Input.Text"}
    assert inputs[field]["style"] == "email"
    assert asked.validate("Hana.Hughes@example.nhs.uk", CTX) == "Hana.Hughes@example.nhs.uk"
    with pytest.raises(ValidationFailed):
        asked.validate("Hana from estates", CTX)


def test_named_heads_of_department_are_a_list_to_pick_from() -> None:
    asked = next(f for f in crisis.holding_line_form(HEADS).fields if f.name == "head_of_department")
    assert asked.kind is Kind.CHOICE and asked.choices == (Choice("hana.hughes@example.nhs.uk", "Hana Hughes"),)
    assert "mediadesk.toml" not in (asked.help or "")


@pytest.mark.parametrize("kind", [Kind.CHOICE, Kind.FLAGS])
def test_the_renderers_refuse_a_choice_with_nothing_to_choose(kind: Kind) -> None:
    empty = Form(id="x", title="X", intro="", outro="", submit_label="Go", fields=(Field("who", "Who", "Who?", kind),))
    with pytest.raises(ValueError, match="nothing to choose from"):
        teams_inputs.render_form(empty, meta={}, ctx=CTX)
    with pytest.raises(ValueError, match="nothing to choose from"):
        slack.render_modal(empty, callback_id="md_form", private_metadata="{}", ctx=CTX)
