"""Forms as data: each question declared once, walked in chat or shown as one screen."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email

from bot.domain import phone
from bot.domain.deadline import Closed, Reading, read_deadline
from bot.domain.errors import ValidationFailed
from bot.domain.text import clean


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    PHONE = "phone"
    EMAIL = "email"
    DEADLINE = "deadline"
    FLAGS = "flags"  # any number of the choices (checkboxes); stored as a list of values


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Context:
    """What validators need to know: the time now, the organisation's zone (and the days its office is shut)."""

    now: datetime
    tz: ZoneInfo
    closed: Closed | None = None


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # short, for review screens and modal labels
    prompt: str  # the question as asked in chat
    kind: Kind = Kind.TEXT
    help: str | None = None  # policy guidance shown with the question
    optional: bool = False
    choices: tuple[Choice, ...] = ()
    max_len: int = 200
    placeholder: str | None = None

    def validate(self, raw: str, ctx: Context) -> Any:
        """Turn what was typed or picked into the stored value, or raise ValidationFailed.

        A deadline must leave no doubt here; where a guess can be confirmed, use `read` instead."""
        text = self._checked(raw)
        return None if text is None else _VALIDATORS[self.kind](self, text, ctx)

    def read(self, raw: str, ctx: Context, day: date | None = None, part: str | None = None) -> Reading | None:
        """A deadline as understood, certain or not (None for an optional one left empty); `day` and `part`: the
        day a question was asked about. Refusals raise ValidationFailed."""
        text = self._checked(raw)
        return None if text is None else read_deadline(text, ctx.now, ctx.tz, day=day, part=part,
                                                       closed=ctx.closed)

    def _checked(self, raw: str) -> str | None:
        text = clean(raw or "")
        if not text:
            if self.optional:
                return None
            raise ValidationFailed(f"Please answer: {self.prompt}")
        if len(text) > self.max_len:
            raise ValidationFailed(
                f"That is {len(text):,} characters; {self.label.lower()} can be at most {self.max_len:,}. "
                "Please shorten it (comms can gather the detail when they call back)."
            )
        return text

    def as_typed(self, value: Any, tz: ZoneInfo | None = None) -> str | None:
        """A stored value as a person would type it again (deadlines in local "YYYY-MM-DD HH:MM")."""
        if value is None or value == "":
            return None
        if isinstance(value, list):
            return ",".join(str(v) for v in value)
        text = str(value)
        if self.kind is Kind.PHONE:
            return phone.readable(text)
        if self.kind is Kind.DEADLINE and tz is not None:
            try:
                when = datetime.fromisoformat(text)
            except ValueError:
                return text
            if when.tzinfo is not None:
                return when.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        return text

    def display(self, value: Any, ctx: Context) -> str:
        """How a stored value reads back to a person."""
        if value is None:
            return "(skipped)"
        if self.kind is Kind.FLAGS:
            return ", ".join(c.label for c in self.choices if c.value in value) or "(none)"
        if self.kind is Kind.DEADLINE:
            from bot.domain.timefmt import describe, time_left

            when = datetime.fromisoformat(value)
            return f"{describe(when, ctx.now, ctx.tz)} ({time_left(when, ctx.now)})"
        return self.shown(value)

    def shown(self, value: Any) -> str:
        """A stored answer (not a deadline) as it reads: a choice's label, a number spaced as people say it."""
        if self.kind is Kind.CHOICE:
            return next((c.label for c in self.choices if c.value == value), str(value))
        if self.kind is Kind.PHONE:
            return phone.readable(str(value))
        return str(value)

    def remark(self, value: Any) -> str | None:
        """A word to say with the next question about an answer that was taken but is unusual."""
        if self.kind is Kind.PHONE and value:
            return phone.read(str(value)).remark
        return None


def _text(field: Field, text: str, ctx: Context) -> str:
    return text


def _choice(field: Field, text: str, ctx: Context) -> str:
    lowered = text.lower()
    for choice in field.choices:
        if lowered in (choice.value.lower(), choice.label.lower()):
            return choice.value
    options = ", ".join(c.label for c in field.choices)
    raise ValidationFailed(f"Please pick one of: {options}.")


def _phone(field: Field, text: str, ctx: Context) -> str:
    return phone.read(text).stored


def _email(field: Field, text: str, ctx: Context) -> str:
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationFailed(f"\"{text[:60]}\" isn't a valid email address ({exc}).") from exc


def _deadline(field: Field, text: str, ctx: Context) -> str:
    reading = read_deadline(text, ctx.now, ctx.tz, closed=ctx.closed)
    if not reading.certain or reading.when is None:
        raise ValidationFailed(reading.refusal)
    return reading.when.isoformat()


def _proposed(reading: Reading | None) -> str | None:
    """A deadline's stored value, guessed or not; ValidationFailed when there is nothing to propose."""
    if reading is None:
        return None
    if reading.when is None:
        raise ValidationFailed(reading.refusal)
    return reading.when.isoformat()


def _flags(field: Field, text: str, ctx: Context) -> list[str]:
    """Comma-separated choice values (as the one-screen forms send them) to a list, in declared order."""
    picked = {part.strip().lower() for part in text.split(",") if part.strip()}
    known = {c.value.lower(): c.value for c in field.choices} | {c.label.lower(): c.value for c in field.choices}
    unknown = picked - set(known)
    if unknown:
        raise ValidationFailed(f"Please pick from: {', '.join(c.label for c in field.choices)}.")
    chosen = {known[p] for p in picked}
    return [c.value for c in field.choices if c.value in chosen]


_VALIDATORS: Mapping[Kind, Callable[[Field, str, Context], Any]] = {
    Kind.TEXT: _text,
    Kind.LONG_TEXT: _text,
    Kind.CHOICE: _choice,
    Kind.PHONE: _phone,
    Kind.EMAIL: _email,
    Kind.DEADLINE: _deadline,
    Kind.FLAGS: _flags,
}

@dataclass(frozen=True)
class Rule:
    """A rule across fields: `check` returns a message when the answers break it, else None."""

    fields: tuple[str, ...]
    check: Callable[[Mapping[str, Any]], str | None]

    def broken_by_skip(self, answers: Mapping[str, Any]) -> str | None:
        """Checked when a question is skipped, once every field of the rule has been answered or skipped."""
        if all(name in answers for name in self.fields):
            return self.check(answers)
        return None


@dataclass(frozen=True)
class Form:
    id: str
    title: str
    intro: str  # guidance shown before the first question
    outro: str  # what happens next, shown after sending
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()
    submit_label: str = "Send"
    alert_label: str | None = None  # an "act now" button offered once the first answer is in (crisis alerts)
    command: str = ""  # how people start it, for "start again" hints
    first_status: str | None = None  # the one line shown boldly with the first question
    noun: str = ""  # what one filled in is called ("Cancel this media call log?"); default: the title
    screen_intro: str = ""  # the guidance on the one-screen form, where nothing is asked in turn; default: intro

    def __post_init__(self) -> None:
        if not self.noun:
            object.__setattr__(self, "noun", self.title.lower())
        if not self.screen_intro:
            object.__setattr__(self, "screen_intro", self.intro)

    def command_on(self, platform: str) -> str:
        """How people start it where they are: a slash command on Slack, typed words in a Teams chat."""
        return self.command if platform == "slack" else self.command.lstrip("/").replace("-", " ")

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def index(self, name: str) -> int:
        return [f.name for f in self.fields].index(name)

    def check(self, answers: Mapping[str, Any]) -> list[str]:
        return [msg for rule in self.rules if (msg := rule.check(answers))]

    def rules_for(self, name: str) -> list[Rule]:
        return [rule for rule in self.rules if name in rule.fields]

    def validate_all(self, raw: Mapping[str, str | None], ctx: Context) -> tuple[dict[str, Any], dict[str, str]]:
        """Validate a one-screen submission: (values, errors by field name). A deadline must leave no doubt."""
        values, errors, _ = self._read(raw, ctx, guesses=False)
        return values, errors

    def read_all(self, raw: Mapping[str, str | None], ctx: Context
                 ) -> tuple[dict[str, Any], dict[str, str], dict[str, Reading]]:
        """Validate a one-screen submission for a form with a check step: (values, errors, and the deadlines read
        with a guess, by field name, which the person confirms before anything is sent)."""
        return self._read(raw, ctx, guesses=True)

    def _read(self, raw: Mapping[str, str | None], ctx: Context, guesses: bool
              ) -> tuple[dict[str, Any], dict[str, str], dict[str, Reading]]:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        unsure: dict[str, Reading] = {}
        for f in self.fields:
            try:
                if guesses and f.kind is Kind.DEADLINE:
                    reading = f.read(raw.get(f.name) or "", ctx)
                    values[f.name] = _proposed(reading)
                    if reading is not None and not reading.certain:
                        unsure[f.name] = reading
                else:
                    values[f.name] = f.validate(raw.get(f.name) or "", ctx)
            except ValidationFailed as exc:
                errors[f.name] = exc.message
        if not errors:
            for rule in self.rules:
                if msg := rule.check(values):
                    for name in rule.fields:
                        errors.setdefault(name, msg)
        return values, errors, unsure


def one_box(form_id: str, title: str, submit_label: str, intro: str, label: str, prompt: str, *,
            name: str = "comment") -> Form:
    """A one-screen form of a single long answer (a comment, a reason, an update)."""
    return Form(id=form_id, title=title, submit_label=submit_label, outro="", intro=intro,
                fields=(Field(name, label, prompt, Kind.LONG_TEXT, max_len=3000),))
