"""The /media-call form: what Appendix B asks staff to record about a journalist's call."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain import guidance, phone
from bot.domain.deadline import Reading
from bot.domain.forms import Choice, Field, Form, Kind, Rule

OUTLET_KINDS = (
    Choice("newspaper", "Newspaper"),
    Choice("broadcast", "TV or radio"),
    Choice("online", "Online news"),
    Choice("blogger", "Blogger / citizen journalist"),
)


def _needs_contact(answers: Mapping[str, Any]) -> str | None:
    if not answers.get("phone") and not answers.get("email"):
        return "We need at least a phone number or an email address so comms can get back to the journalist."
    return None


MEDIA_CALL = Form(
    id="media_call",
    title="Log a media call",
    intro=guidance.DONT_ANSWER,
    screen_intro=guidance.DONT_ANSWER_SCREEN,
    noun="media call log",
    outro=guidance.WHAT_HAPPENS_NEXT,
    submit_label="Send to comms",
    command="/media-call",
    first_status="Important: don't answer the journalist's questions yourself",
    fields=(
        Field("journalist", "Journalist", "Who is the journalist? (their name)", placeholder="e.g. Sam Reporter"),
        Field("outlet", "Outlet", "Which outlet are they from?", placeholder="e.g. BBC Essex, Echo, Nursing Times"),
        Field("outlet_kind", "Kind of outlet", "What kind of outlet is it?", Kind.CHOICE, choices=OUTLET_KINDS),
        Field("phone", "Phone", "What's their phone number?", Kind.PHONE, help=guidance.CONTACT_WHY,
              optional=True, max_len=40, placeholder="e.g. 01245 123456"),
        Field("email", "Email", "What's their email address?", Kind.EMAIL, help=guidance.CONTACT_WHY,
              optional=True, max_len=254, placeholder="e.g. sam@example.co.uk"),
        Field("summary", "Enquiry", "What is the enquiry about?", Kind.LONG_TEXT, help=guidance.ENQUIRY_HELP,
              max_len=3000),
        Field("deadline", "Deadline", "When do they need a response by?", Kind.DEADLINE, help=guidance.DEADLINE_WHY,
              max_len=100, placeholder="e.g. 4pm, tomorrow 10am, in 2 hours"),
    ),
    rules=(Rule(("phone", "email"), _needs_contact),),
)


@dataclass(frozen=True)
class KnownContact:
    """The contact details on record for a journalist at an outlet: from the latest enquiry naming them there."""

    ref: str
    journalist: str
    outlet: str
    phone: str | None  # E.164, as kept
    email: str | None
    logged_at: datetime

    def answers(self) -> dict[str, str | None]:
        """What "Use these" fills in."""
        return {"phone": self.phone, "email": self.email}

    def question(self) -> str:
        """Asked instead of the phone question: "Jane Reporter, Essex Chronicle: 01245 123456, jane@… — use these?"."""
        details = ", ".join(d for d in (phone.readable(self.phone) if self.phone else None, self.email) if d)
        return (f"We have {self.journalist}, {self.outlet} on record: {details}. Use these, or type the number to "
                "use instead?")


# Typed instead of pressing Use these / No, ask me (what a person says to "use these?").
OFFER_WORDS = {"yes": "use_known", "y": "use_known", "use these": "use_known", "use them": "use_known",
               "no": "not_known", "n": "not_known", "no thanks": "not_known"}


def prefill(text: str, ctx, readings: dict[str, Reading] | None = None) -> tuple[dict[str, Any], list[str]]:
    """Read what it can from text typed after the command, e.g. "BBC Essex, A&E waiting times, deadline 4pm".

    Returns the answers it could validate and notes about parts it could not use. Given `readings`, a deadline
    read with a guess ("by 9", "deadline Monday") goes there, for the conversation to check or ask about.
    """
    from bot.domain.errors import ValidationFailed

    answers: dict[str, Any] = {}
    notes: list[str] = []
    rest: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        lowered = part.lower()
        if lowered.startswith(("deadline", "by ")):
            try:
                reading = MEDIA_CALL.field("deadline").read(part, ctx) if readings is not None else None
                if reading is None or readings is None:
                    answers["deadline"] = MEDIA_CALL.field("deadline").validate(part, ctx)
                elif reading.certain and reading.when is not None:
                    answers["deadline"] = reading.when.isoformat()
                else:
                    readings["deadline"] = reading
            except ValidationFailed as exc:
                notes.append(exc.message)
            continue
        matched = False
        for name in ("email", "phone"):
            if name in answers or (name == "phone" and not phone.looks_like_number(part)):
                continue  # "Ward 12" is part of the enquiry, not a number to call
            try:
                answers[name] = MEDIA_CALL.field(name).validate(part, ctx)
                matched = True
                break
            except ValidationFailed:
                pass
        if matched:
            if remark := MEDIA_CALL.field(name).remark(answers[name]):
                notes.append(remark)
            continue
        rest.append(part)
    # The first free part is the outlet; everything else is the enquiry (commas and all).
    for name, value in (("outlet", rest[:1]), ("summary", rest[1:])):
        if value:
            try:
                answers[name] = MEDIA_CALL.field(name).validate(", ".join(value), ctx)
            except ValidationFailed as exc:
                notes.append(exc.message)
    return answers, notes
