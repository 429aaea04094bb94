"""One engine walks any form one question at a time: answer, back, skip, change, cancel, review."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from bot.domain import phone
from bot.domain.deadline import Reading
from bot.domain.errors import ValidationFailed
from bot.domain.forms import Context, Field, Form, Kind
from bot.domain.permissions import Asked, Rule, Rules


class ConversationStatus(StrEnum):
    ACTIVE = "active"
    SUBMITTED = "submitted"
    CANCELLED = "cancelled"


_USE = "use:"  # in `pending`, an answer on record offered for that question (its key follows)
# Words a person may type instead of pressing a button.
TYPED_COMMANDS = {"back": "back", "skip": "skip", "cancel": "cancel", "send": "submit", "submit": "submit",
                  "help": "help", "/help": "help"}


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
    # Per question, what the bot is waiting for or wants checked (a deadline read with a guess): "ask", the
    # question asked instead of the form's own ("What time on Monday 30 Nov?"), with "day" and "part", the day
    # it is about; "check", the guess stated plainly, shown on the review screen until it is sent or changed;
    # answers on record offered at that question ("use:phone", "use:email": journalists we know), with "ask".
    pending: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def reviewing(self) -> bool:
        return self.status is ConversationStatus.ACTIVE and self.step is None

    def _touch(self) -> None:
        self.version += 1

    def _require_active(self) -> None:
        if self.status is not ConversationStatus.ACTIVE:
            raise ValidationFailed("This form is finished; start a new one if you need to.")

    def asking(self, name: str) -> str | None:
        """The question asked instead of the form's own, while the bot waits for (say) a time on a day."""
        return self.pending.get(name, {}).get("ask")

    def offered(self, name: str) -> dict[str, str | None] | None:
        """Answers on record offered at question `name` (and those after it), to take with one press."""
        offer = {key.removeprefix(_USE): value or None for key, value in self.pending.get(name, {}).items()
                 if key.startswith(_USE)}
        return offer or None

    def offer(self, name: str, question: str, answers: Mapping[str, str | None]) -> None:
        """Offer these answers when question `name` comes, asking `question` instead of the form's own."""
        self.pending[name] = {"ask": question, **{_USE + key: value or "" for key, value in answers.items()}}

    def withdraw(self, name: str) -> None:
        """The offer at question `name` no longer applies (the journalist or outlet changed)."""
        if self.offered(name) is not None:
            self.pending.pop(name, None)

    def use_offer(self, form: Form) -> None:
        """Take the answers offered at the current question (their questions are not asked) and move on."""
        self._require_active()
        offer = self.offered(self.step) if self.step is not None else None
        if offer is None or self.step is None:
            raise ValidationFailed("There is nothing on record to use here: please answer the question.")
        at = self.step
        for name, value in offer.items():
            self.answers[form.field(name).name] = value
            self.pending.pop(name, None)
        self._touch()
        self._advance(form, after=form.index(at))

    def decline_offer(self) -> None:
        """Don't use what was offered: the question is asked as the form asks it."""
        self._require_active()
        if self.step is None or self.offered(self.step) is None:
            raise ValidationFailed("There is nothing on record to turn down here: please answer the question.")
        self.pending.pop(self.step, None)
        self._touch()

    def checks(self) -> dict[str, str]:
        """Guesses to confirm before sending, by question: the reading stated plainly."""
        return {name: p["check"] for name, p in self.pending.items() if "check" in p}

    def start(self, form: Form, prefill: dict[str, Any] | None = None,
              readings: Mapping[str, Reading] | None = None) -> None:
        """Begin, with answers already known and deadlines read with a guess (asked about, or kept to check)."""
        self.answers = dict(prefill or {})
        self.pending = {}
        for name, reading in (readings or {}).items():
            if reading.question:
                self.pending[name] = _asked(reading)
            else:
                self.take(name, reading)
        self.step = None
        self._advance(form, after=-1)

    def review(self, answers: dict[str, Any], guesses: Mapping[str, Reading]) -> None:
        """Everything answered at once (a one-screen form) goes to the review screen, its guesses kept to check."""
        self._require_active()
        self.answers = dict(answers)
        self.pending = {}
        for name, reading in guesses.items():
            self.take(name, reading)
        self.step = None
        self._touch()

    def take(self, name: str, reading: Reading) -> None:
        """Keep a deadline as read; a guess is kept with its sentence (and its question, should it be changed)."""
        assert reading.when is not None
        self.answers[name] = reading.when.isoformat()
        if reading.certain:
            self.pending.pop(name, None)
        else:
            self.pending[name] = {"check": reading.sentence, **_asked(reading)}

    def answer(self, form: Form, raw: str, ctx: Context) -> str | None:
        """Take the answer to the current question and move on; returns a word to say with the next question."""
        self._require_active()
        if self.step is None:
            raise ValidationFailed(f'Everything is filled in. Press "{form.submit_label}", or choose an answer '
                                   "to change.")
        f = form.field(self.step)
        if f.kind is Kind.DEADLINE:
            self._answer_deadline(form, f, raw, ctx)
            return None
        if f.kind is Kind.PHONE and phone.looks_like_email(raw) and (email := _email_field(form)) is not None:
            remark = self._email_for_phone(form, email, raw, ctx)
            self.withdraw(f.name)  # an answer of their own: the details on record are not wanted
            return remark
        value = f.validate(raw, ctx)
        self.withdraw(f.name)
        if value is None:  # an empty optional answer is a skip
            self.skip(form)
            return None
        self.answers[f.name] = value
        self._touch()
        self._advance(form, after=form.index(f.name))
        return f.remark(value)

    def _email_for_phone(self, form: Form, email: Field, raw: str, ctx: Context) -> str:
        """An email address typed where a number was asked for goes in as the email; the number is asked again."""
        value = email.validate(raw, ctx)
        given = self.answers.get(email.name)
        then = ("Type their phone number here too if you have one, or press Skip." if self._skip_refusal(
            form, {**self.answers, email.name: value}) is None else "Please type their phone number here too.")
        if given and given != value:
            raise ValidationFailed(f"That's an email address, and the email is already {given} (you can change "
                                   f"it before sending). {then}")
        self.answers[email.name] = value
        self._touch()
        return f"That's an email address, so I've put it in as the email: {value}. {then}"

    def _answer_deadline(self, form: Form, f: Field, raw: str, ctx: Context) -> None:
        """A day without a time (or "asap") is asked about, remembering the day; a guess moves on, to be checked."""
        waiting = self.pending.get(f.name, {})
        day = date.fromisoformat(waiting["day"]) if "day" in waiting else None
        reading = f.read(raw, ctx, day=day, part=waiting.get("part"))
        if reading is None:
            self.skip(form)
            return
        self._touch()
        if reading.question:
            self.pending[f.name] = _asked(reading)  # the same question again, asked the new way
            return
        self.take(f.name, reading)
        self._advance(form, after=form.index(f.name))

    def can_skip(self, form: Form) -> bool:
        """Whether the current question may be skipped now (so a Skip button is worth showing)."""
        return self.status is ConversationStatus.ACTIVE and self._skip_refusal(form, self.answers) is None

    def _skip_refusal(self, form: Form, answers: Mapping[str, Any]) -> str | None:
        """Why the current question can't be skipped, given these answers; None when it can."""
        if self.step is None:
            return "There is no question to skip: you are reviewing your answers."
        f = form.field(self.step)
        if not f.optional:
            return f"{f.label} is needed, so this question can't be skipped."
        trial = {**answers, f.name: None}
        for rule in form.rules_for(f.name):
            if msg := rule.broken_by_skip(trial):
                return msg
        return None

    def skip(self, form: Form) -> None:
        self._require_active()
        if refusal := self._skip_refusal(form, self.answers):
            raise ValidationFailed(refusal)
        assert self.step is not None  # _skip_refusal refuses while reviewing
        f = form.field(self.step)
        self.answers[f.name] = None
        self.pending.pop(f.name, None)
        self._touch()
        self._advance(form, after=form.index(f.name))

    def keep(self, form: Form) -> None:
        """Keep the answer already given to the current question and move on."""
        self._require_active()
        if self.step is None or self.step not in self.answers:
            raise ValidationFailed("There is no earlier answer to keep; please answer the question.")
        self.pending.pop(self.step, None)  # kept on purpose: the guess is confirmed
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


def _email_field(form: Form) -> Field | None:
    return next((f for f in form.fields if f.kind is Kind.EMAIL), None)


def _asked(reading: Reading) -> dict[str, str]:
    """What to remember about a question asked instead: its words and the day (and part of it) it is about."""
    asked = {"ask": reading.question, "day": reading.day.isoformat() if reading.day else None,
             "part": reading.part}
    return {key: value for key, value in asked.items() if value}


def _answering(q: Asked[Conversation | None]) -> bool:
    return q.case is not None and (q.case.platform, q.case.user_id) == (q.actor.platform, q.actor.user_id)


# Every button of a conversation (a question's, the review screen's) is for the person answering it; one we
# no longer have is nobody's.
CONVERSATION: Rules[Conversation | None] = Rules({}, default=Rule(
    _answering, "This form belongs to someone else, so its buttons won't work for you."))
