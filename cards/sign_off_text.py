"""How a sign-off reads on an enquiry's or a crisis's cards: a line for each slot, and an approver's own decision."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.people import Directory
from bot.domain.statement import Decision, Draft, SignOff, decided_on

MARKS = {Decision.APPROVED: "✅", Decision.CHANGES: "✏️", Decision.REJECTED: "⛔"}


def said(decision: Decision) -> str:
    """A decision in words: "approved", "changes requested", "rejected"."""
    return decision.value.replace("_", " ")


def slot_line(name: str, decision: SignOff | None, waiting_on: Iterable[str], directory: Directory) -> str:
    """Where one sign-off stands: who decided what, or whom it waits for (emails in `waiting_on`)."""
    if decision is not None:
        return f"{MARKS[decision.decision]} {name}: {said(decision.decision)} by {decision.by}"
    who = ", ".join(directory.name_of(e) for e in waiting_on) or "comms records"
    return f"⏳ {name}: waiting ({who})"


def decision_for(sign_offs: Iterable[SignOff], slot: str, draft: Draft) -> SignOff | None:
    """The decision already made on the approver's slot for this version of the draft."""
    return decided_on((s for s in sign_offs if s.version == draft.number), slot)
