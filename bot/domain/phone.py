"""Phone numbers as people type them: read any number that could be dialled, keep it as E.164, show it readably."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, ValidationResult

from bot.domain.errors import ValidationFailed

REGION = "GB"  # a number without +44 or 00 in front is read as a UK number
EXAMPLES = "for example 01245 123456, 07911 123456 or +44 20 7946 0958"
UNUSUAL = "Saved. That isn't a usual UK number — check it with the journalist if you can."
UNUSUAL_ABROAD = "Saved. That isn't a usual number for its country — check it with the journalist if you can."

# Only what a number is written with: digits, spaces, + ( ) - . / and an extension ("x12", "ext. 12").
_NUMBER_ONLY = re.compile(r"^\+?[\d\s().\-/]+(?:\s*(?:x|ext\.?|extension)\s*\d+)?$", re.IGNORECASE)
_ABROAD = ("{text} doesn't start with a country code I know. For a number abroad, type + and the country code "
           "first (for example +1 415 555 0100).")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Phone:
    """A number read from what was typed: `stored` is E.164 (with ";ext=" when it has one)."""

    stored: str
    usual: bool  # a number in use in its country's plan (not only the right length)
    uk: bool

    @property
    def remark(self) -> str | None:
        """A gentle word when the number is possible but not one in use."""
        if self.usual:
            return None
        return UNUSUAL if self.uk else UNUSUAL_ABROAD


def looks_like_email(text: str) -> bool:
    """True for something typed that is plainly an email address, not a number."""
    return bool(_EMAIL.match(text.strip()))


def looks_like_number(text: str) -> bool:
    """True when `text` is written only with what numbers are written with (for reading a sentence's parts)."""
    return bool(_NUMBER_ONLY.match(text.strip())) and sum(ch.isdigit() for ch in text) >= 7


def read(text: str) -> Phone:
    """The number in `text`, or ValidationFailed saying what is wrong with it in words."""
    if looks_like_email(text):
        raise ValidationFailed(f"\"{text[:60]}\" is an email address, not a phone number. Please type a number "
                               f"here, {EXAMPLES}.")
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            raise ValidationFailed(_ABROAD.format(text=text[:40])) from None
        raise ValidationFailed(f"I couldn't find a phone number in \"{text[:40]}\". Please type the digits, "
                               f"{EXAMPLES}.") from None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise ValidationFailed(f"{text[:40]} is too short for comms to call back from anywhere: please type the "
                               "whole number with its area code (for example 01245 123456).")
    if reason == ValidationResult.TOO_SHORT or reason == ValidationResult.INVALID_LENGTH:
        raise ValidationFailed(f"{text[:40]} is too short for a phone number: is a digit missing? Please type the "
                               f"whole number, {EXAMPLES}.")
    if reason == ValidationResult.TOO_LONG:
        raise ValidationFailed(f"{text[:40]} has too many digits for a phone number. Please check it and type it "
                               f"again, {EXAMPLES}.")
    if reason != ValidationResult.IS_POSSIBLE:
        raise ValidationFailed(_ABROAD.format(text=text[:40]))
    stored = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    if number.extension:
        stored += f";ext={number.extension}"
    return Phone(stored=stored, usual=phonenumbers.is_valid_number(number), uk=number.country_code == 44)


def readable(stored: str) -> str:
    """A stored number as people read it: UK numbers as dialled here (020 7946 0958), others with their +."""
    try:
        number = phonenumbers.parse(stored, REGION)
    except phonenumbers.NumberParseException:
        return stored  # kept as it was typed, before numbers were stored as E.164
    style = PhoneNumberFormat.NATIONAL if number.country_code == 44 else PhoneNumberFormat.INTERNATIONAL
    shown = phonenumbers.format_number(number, style).replace("-", " ")  # +1 415 555 0100, not 415-555-0100
    return shown.replace(" x", ", extension ") if number.extension else shown
