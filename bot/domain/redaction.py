"""What can be redacted from a case, and the forms a value takes where it may have been copied."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.domain import phone
from bot.domain.errors import ValidationFailed

MARK = "[redacted]"
_SHORTEST = 3  # a shorter value would be found inside unrelated words


@dataclass(frozen=True)
class Redaction:
    """One personal detail to remove: the field, every form of its value, and the case row's new value."""

    field: str
    forms: list[str]
    cleared: dict[str, Any]


# An enquiry's own columns that hold personal detail, and what each becomes (None: empty).
ENQUIRY_FIELDS: dict[str, str | None] = {"journalist": MARK, "phone": None, "email": None, "summary": MARK}


def for_enquiry(field: str, row: dict[str, Any]) -> Redaction:
    if field not in ENQUIRY_FIELDS:
        raise ValidationFailed(f"An enquiry has no field “{field}” to redact; choose one of "
                               f"{', '.join(ENQUIRY_FIELDS)}.")
    return _redaction(field, row.get(field), {field: ENQUIRY_FIELDS[field]})


def for_details(field: str, details: dict[str, Any], column: str = "details") -> Redaction:
    """A crisis's or a press release's answers, kept as one set of details."""
    if field not in details:
        raise ValidationFailed(f"This case has no field “{field}” to redact; it has "
                               f"{', '.join(sorted(details)) or 'no details'}.")
    return _redaction(field, details[field], {column: {**details, field: MARK}})


def _redaction(field: str, value: Any, cleared: dict[str, Any]) -> Redaction:
    text = "" if value is None else str(value).strip()
    if not text or text == MARK:
        raise ValidationFailed(f"There is nothing in “{field}” to redact.")
    if len(text) < _SHORTEST:
        raise ValidationFailed(f"“{field}” holds too short a value to find safely in the copies; "
                               "ask the database administrator.")
    forms = {text, text.lower()}
    if field == "phone":
        shown = phone.readable(text)
        forms |= {shown, shown.replace(" ", "")}
    return Redaction(field, sorted(forms, key=len, reverse=True), cleared)  # longest first: no partial leftovers
