"""The one-screen forms of the response path: drafting, issuing, and an approver's comments."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain import guidance
from bot.domain.forms import Choice, Field, Form, Kind, Rule, one_box
from bot.domain.people import Directory, Role
from bot.domain.role_fields import person_field
from bot.domain.statement import WRITTEN_ONLY

FLAG_CHOICES = (
    Choice("contentious", "Contentious, or of regional/national interest (liaise with NHS England)"),
    Choice("patient_safety", "Relates to a patient safety incident (NHS England, PSIRF, confidentiality)"),
    Choice("needs_executive", "Needs executive sign-off"),
)


def _executive_named(answers: Mapping[str, Any]) -> str | None:
    if "needs_executive" in (answers.get("flags") or []) and not answers.get("executive"):
        return "Say which executive should sign it off."
    return None


def statement_form(directory: Directory) -> Form:
    """The draft response: built from the configured spokespeople and executives."""
    spokespeople = [Choice(WRITTEN_ONLY, "Written statement only")] + [
        Choice(e, directory.name_of(e)) for e in directory.people_with(Role.SPOKESPERSON)
    ]
    fields = [
        Field("statement", "Draft response", "The response to send to the journalist", Kind.LONG_TEXT,
              max_len=3000, help="The exact words that will be approved and issued."),
        Field("background", "Background notes", "Background for the approvers (not for publication)",
              Kind.LONG_TEXT, optional=True, max_len=3000),
        Field("spokesperson", "Spokesperson", "Who will speak, if anyone?", Kind.CHOICE,
              choices=tuple(spokespeople), help="Only media-trained people are listed."),
        Field("flags", "This enquiry…", "Does any of this apply?", Kind.FLAGS, optional=True,
              choices=FLAG_CHOICES),
    ]
    fields.append(person_field(directory, Role.EXECUTIVE, "executive", "Executive to sign off", "Which executive?",
                               optional=True))
    fields.append(Field("partner", "Joint statement with", "Partner organisation, for a joint statement",
                        optional=True, placeholder="e.g. Essex County Council"))
    return Form(id="statement", title="Draft response", intro=guidance.DRAFTING, outro="", submit_label="Save draft",
                fields=tuple(fields), rules=(Rule(("executive",), _executive_named),))


ISSUE_METHODS = (
    Choice("email", "Email (written response)"),
    Choice("phone", "Phone"),
    Choice("broadcast", "Broadcast interview"),
)

ISSUE_FORM = Form(
    id="issue", title="Mark as issued", submit_label="Issue and close", outro="",
    intro="Record how the approved response went to the journalist. The text must be the approved text.",
    fields=(
        Field("method", "How it was issued", "How did it go to the journalist?", Kind.CHOICE, choices=ISSUE_METHODS),
        Field("text", "Final text", "The text issued", Kind.LONG_TEXT, max_len=3000),
        Field("contact", "Contact name given", "Contact name for further enquiries", max_len=200,
              help="Statements are issued from the comms team with a contact name: usually the media lead."),
    ),
)

CHANGES_FORM = one_box(
    "changes", "Request changes", "Send to owner",
    "Say what should change; the owner will edit the draft and send a new version for sign-off.",
    "What should change", "What should change?")

REJECT_FORM = one_box(
    "reject", "Reject the draft", "Reject",
    "Say why; the owner will be told. They can write a new draft or close the enquiry.",
    "Reason", "Why is it rejected?")

PARTNER_FORM = Form(
    id="partner", title="Partner sign-off", submit_label="Record sign-off", outro="",
    intro="Record that the partner organisation's comms team agreed this exact version of the joint statement.",
    fields=(Field("who", "Who agreed it", "Name and role at the partner organisation", max_len=300),),
)
