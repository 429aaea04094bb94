"""The owner's cards while writing the response: a saved draft, the approved text kept to, a privacy check; and
what each sign-off is called."""

from __future__ import annotations

from bot.domain import guidance
from bot.domain.enquiry import Enquiry
from bot.domain.statement import Draft, Slot
from cards.model import ActionPayload, Button, Card, Fact

SLOT_NAMES = {Slot.COMMS: "Director of Communications or delegate", Slot.EXECUTIVE: "Executive",
              Slot.PARTNER: "Partner organisation"}


def draft_saved_card(enquiry: Enquiry, saved: str) -> Card:
    """The owner's own confirmation of a saved draft, with the next step on it."""
    def pay(action: str) -> ActionPayload:
        return ActionPayload(a=action, k="enquiry", id=enquiry.ref, v=enquiry.version)

    body = f"{saved} When it is ready, ask for sign-off."
    return Card(title=f"Draft saved: {enquiry.ref}", text=saved, body=body,
                actions=[Button(label="Request sign-off", payload=pay("request_sign_off"), style="primary"),
                         Button(label="Edit draft", payload=pay("draft"))])


def not_the_approved_text_card(enquiry: Enquiry, draft: Draft, method: str, contact: str | None) -> Card:
    """Issuing refused because the text was edited: the approved words back with one press, or a new draft."""
    again = f"{method}:{contact or ''}"
    text = (f"{enquiry.ref} was not marked as issued: that isn't the approved text (version {draft.number}). "
            "Issue the approved wording, or save the new wording as a draft and ask for sign-off again.")
    return Card(
        title=f"Not issued: {enquiry.ref}", text=text, body=text,
        facts=[Fact(label=f"The approved text, version {draft.number}", value=draft.text, long=True)],
        actions=[Button(label="Use the approved text", style="primary", payload=ActionPayload(
                     a="issue", k="enquiry", id=enquiry.ref, v=enquiry.version,
                     x=again if len(again) <= 200 else method)),
                 Button(label="Edit draft", payload=ActionPayload(a="draft", k="enquiry", id=enquiry.ref,
                                                                  v=enquiry.version))])


def privacy_warning_card(enquiry: Enquiry, draft: Draft, found: list[str]) -> Card:
    text = guidance.PRIVACY_WARNING.format(found="; ".join(found))
    return Card(
        title=f"Check before sign-off: {enquiry.ref}",
        text=text, body=text,
        actions=[
            Button(label="Edit draft", payload=ActionPayload(a="draft", k="enquiry", id=enquiry.ref,
                                                             v=enquiry.version), style="primary"),
            Button(label="I have consent: send anyway",
                   payload=ActionPayload(a="request_sign_off", k="enquiry", id=enquiry.ref, v=enquiry.version,
                                         x=f"privacy_ok:{draft.number}:{draft.fingerprint[:16]}"),
                   confirm="Send for sign-off although it contains staff personal details?"),
        ],
    )
