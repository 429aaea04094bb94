"""What Teams sends back, read as ours: a form declaration as one Adaptive Card form (with its errors), the values
a submitted form carries, and the payload of a pressed button or a select's "Go"."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from bot.domain.forms import Context, Field, Form, Kind
from cards.model import ActionPayload
from cards.teams import (
    BUTTON_TITLE_MAX,
    CHOICE_TITLE_MAX,
    CHOOSE_ONE,
    DATA_KEY,
    FALLBACK_MAX,
    LABEL_MAX,
    NOTE_MAX,
    OPTIONS_MAX,
    PLACEHOLDER_MAX,
    SCHEMA_URL,
    SELECT_KEY,
    TITLE_MAX,
    VERSION,
    fit,
    subtle,
    text_block,
)
from cards.text import truncate

FORM_VERB = "md_form"  # a form's submit button
FORM_KEY = "md_form"  # data.md_form: the form id and the caller's meta
_SELECT_ID_RE = re.compile(r"md_select_\d{1,3}")
ERROR_MAX = 1_000
_TEXT_STYLES = {Kind.PHONE: "tel", Kind.EMAIL: "email"}


def _initial_text(field: Field, value: Any, ctx: Context | None) -> str | None:
    """A value as the text to pre-fill (see Field.as_typed), within the input's length."""
    text = field.as_typed(value, ctx.tz if ctx else None)
    return None if text is None else truncate(text, field.max_len)


def _flag_values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(v) for v in value]


def _input(field: Field, value: Any, ctx: Context | None) -> dict:
    """One field as an input whose id is the field name."""
    choice = field.kind in (Kind.CHOICE, Kind.FLAGS)
    if choice and not field.choices:
        raise ValueError(f"field {field.name!r} has nothing to choose from (see bot/domain/role_fields.py)")
    element: dict[str, Any] = {
        "type": "Input.ChoiceSet" if choice else "Input.Text",
        "id": field.name,
        "label": truncate(field.label.strip(), LABEL_MAX) or field.name,
        "isRequired": not field.optional,
    }
    if not field.optional:
        element["errorMessage"] = truncate(f"Please answer: {field.prompt}", ERROR_MAX)
    placeholder = truncate(field.placeholder, PLACEHOLDER_MAX) if field.placeholder else None
    choices = [{"title": truncate(c.label, CHOICE_TITLE_MAX) or " ", "value": c.value} for c in field.choices]
    known = {c.value for c in field.choices}
    if field.kind is Kind.FLAGS:
        element.update(isMultiSelect=True, style="expanded", choices=choices, wrap=True)
        chosen = [v for v in _flag_values(value) if v in known]
        if chosen:
            element["value"] = ",".join(chosen)
    elif field.kind is Kind.CHOICE:
        element.update(style="compact", choices=choices[:OPTIONS_MAX], wrap=True,
                       placeholder=placeholder or CHOOSE_ONE)
        if value is not None and str(value) in known:
            element["value"] = str(value)
    else:
        element["maxLength"] = field.max_len
        if field.kind is Kind.LONG_TEXT:
            element["isMultiline"] = True
        if field.kind in _TEXT_STYLES:
            element["style"] = _TEXT_STYLES[field.kind]
        if placeholder:
            element["placeholder"] = placeholder
        if (text := _initial_text(field, value, ctx)) is not None:
            element["value"] = text
    return element


def _error(message: str) -> dict:
    return text_block(fit(f"⚠️ {message}", ERROR_MAX), color="Attention", weight="Bolder", spacing="Medium")


def render_form(
    form: Form,
    *,
    meta: Mapping[str, Any],
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    ctx: Context | None = None,
) -> dict:
    """The form as one Adaptive Card: the guidance, one input per field (id = field name), one submit button.

    Server-side errors show in the Attention colour above their field (errors not keyed by a field: at the top).
    The submit button's data is {"md_form": {"form": form.id, **meta}}; Teams adds each input's value by id.
    """
    values = values or {}
    errors = errors or {}
    names = {f.name for f in form.fields}
    body: list[dict] = []
    if title := fit(form.title, TITLE_MAX):
        body.append(text_block(title, size="Medium", weight="Bolder", style="heading"))
    if form.screen_intro and (intro := subtle(form.screen_intro, NOTE_MAX)):
        body.append(intro)
    body.extend(_error(m) for m in dict.fromkeys(m for k, m in errors.items() if k not in names and m))
    for field in form.fields:
        if errors.get(field.name):
            body.append(_error(errors[field.name]))
        body.append(_input(field, values.get(field.name), ctx))
        if field.help and (help_text := subtle(field.help, NOTE_MAX)):
            help_text["spacing"] = "Small"
            body.append(help_text)
    submit = {
        "type": "Action.Execute",
        "title": truncate(form.submit_label.strip(), BUTTON_TITLE_MAX) or "Send",
        "verb": FORM_VERB,
        "data": {FORM_KEY: {"form": form.id, **meta}},
        "style": "positive",
    }
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA_URL,
        "version": VERSION,
        "fallbackText": truncate(form.title, FALLBACK_MAX),
        "body": body,
        "actions": [submit],
        "msteams": {"width": "Full"},
    }


def read_form_values(form: Form, data: Mapping[str, Any]) -> dict[str, str | None]:
    """A submitted form's action data (input values keyed by input id) as raw strings per field (None when empty)."""
    result: dict[str, str | None] = {}
    source = data if isinstance(data, Mapping) else {}
    for field in form.fields:
        raw = source.get(field.name)
        if raw is None or isinstance(raw, Mapping):
            result[field.name] = None
            continue
        text = ",".join(str(v) for v in raw) if isinstance(raw, list) else str(raw)
        result[field.name] = text if text.strip() else None
    return result


# --- clicks ------------------------------------------------------------------------------------------------


def _payload(raw: Any) -> ActionPayload | None:
    if isinstance(raw, str):
        return ActionPayload.decode(raw)
    if isinstance(raw, Mapping):
        try:
            return ActionPayload.model_validate(dict(raw))
        except ValidationError:
            return None
    return None


def read_action(data: Any) -> ActionPayload | None:
    """The payload of an Action.Execute / Action.Submit data object; None when it is not ours or is malformed.

    `{"md": {...}}` is a button; `{"md_select": "md_select_0", "md_select_0": "<encoded payload>"}` is a
    select's "Go" with the chosen option (Teams merges the inputs' values into the data by input id).
    """
    if not isinstance(data, Mapping):
        return None
    if DATA_KEY in data:
        return _payload(data[DATA_KEY])
    key = data.get(SELECT_KEY)
    if isinstance(key, str) and _SELECT_ID_RE.fullmatch(key):
        raw = data.get(key)
        return ActionPayload.decode(raw) if isinstance(raw, str) else None
    return None
