"""One engine walks any form one question at a time: answer, back, skip, change, cancel, review."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.domain.errors import ValidationFailed
from bot.domain.forms import Context, Form


class ConversationStatus(StrEnum):
    ACTIVE = "active"
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"


# Words a person may type instead of pressing a button.
TYPED_COMMANDS = {"back": "back", "skip": "skip", "cancel": "cancel", "send": "submit", "submit": "submit"}


@dataclass
class Conversation:
    """A person's progress through a form; stored after every step so a restart loses nothing."""

    form_id: str
    platform: str
    user_id: str
    channel: str | None = None  # where the questions are asked (a DM)
    answers: dict[str, Any] = field(default_factory=dict)
    step: str | None = None  # the field being asked; None while reviewing
    status: ConversationStatus = ConversationStatus.ACTIVE
    version: int = 0  # bumped on every change: buttons carry it so an old button does nothing
    case_ref: str | None = None
    id: int | None = None

    @property
    def reviewing(self) -> bool:
        return self.status is ConversationStatus.ACTIVE and self.step is None

    def _touch(self) -> None:
        self.version += 1

    def _require_active(self) -> None:
        if self.status is not ConversationStatus.ACTIVE:
            raise ValidationFailed("This form is finished; start a new one if you need to.")

    def start(self, form: Form, prefill: dict[str, Any] | None = None) -> None:
        self.answers = dict(prefill or {})
        self.step = None
        self._advance(form, after=-1)

    def answer(self, form: Form, raw: str, ctx: Context) -> None:
        self._require_active()
        if self.step is None:
            raise ValidationFailed('Everything is filled in. Press "Send to comms", or choose an answer to change.')
        f = form.field(self.step)
        value = f.validate(raw, ctx)
        if value is None:  # an empty optional answer is a skip
            self.skip(form)
            return
        self.answers[f.name] = value
        self._touch()
        self._advance(form, after=form.index(f.name))

    def skip(self, form: Form) -> None:
        self._require_active()
        if self.step is None:
            raise ValidationFailed("There is no question to skip: you are reviewing your answers.")
        f = form.field(self.step)
        if not f.optional:
            raise ValidationFailed(f"{f.label} is needed, so this question can't be skipped.")
        trial = {**self.answers, f.name: None}
        for rule in form.rules_for(f.name):
            if msg := rule.broken_by_skip(trial):
                raise ValidationFailed(msg)
        self.answers[f.name] = None
        self._touch()
        self._advance(form, after=form.index(f.name))

    def keep(self, form: Form) -> None:
        """Keep the answer already given to the current question and move on."""
        self._require_active()
        if self.step is None or self.step not in self.answers:
            raise ValidationFailed("There is no earlier answer to keep; please answer the question.")
        self._touch()
        self._advance(form, after=form.index(self.step))

    def back(self, form: Form) -> None:
        self._require_active()
        if self.step is None:
            self.step = form.fields[-1].name
        else:
            i = form.index(self.step)
            if i == 0:
                raise ValidationFailed("This is the first question, so there is nothing to go back to.")
            self.step = form.fields[i - 1].name
        self._touch()

    def edit(self, form: Form, name: str) -> None:
        self._require_active()
        self.step = form.field(name).name
        self._touch()

    def cancel(self) -> None:
        self._require_active()
        self.status = ConversationStatus.CANCELLED
        self._touch()

    def check_ready(self, form: Form, ctx: Context) -> None:
        """Before sending: re-check every answer (a deadline may have passed while reviewing)."""
        self._require_active()
        if self.step is not None:
            raise ValidationFailed("There are still questions to answer before this can be sent.")
        for f in form.fields:
            value = self.answers.get(f.name)
            if value is None:
                if not f.optional:
                    self.step = f.name
                    self._touch()
                    raise ValidationFailed(f"{f.label} is still needed.")
                continue
            if f.kind == "deadline":
                try:
                    f.validate(value, ctx)
                except ValidationFailed as exc:
                    self.step = f.name
                    self._touch()
                    raise ValidationFailed(f"The deadline needs another look: {exc.message}") from exc
        if problems := form.check(self.answers):
            raise ValidationFailed(" ".join(problems))

    def submitted(self, case_ref: str) -> None:
        self.status = ConversationStatus.SUBMITTED
        self.case_ref = case_ref
        self._touch()

    def _advance(self, form: Form, after: int) -> None:
        names = [f.name for f in form.fields]
        pending = [n for n in names[after + 1:] + names[: after + 1] if n not in self.answers]
        self.step = pending[0] if pending else None
