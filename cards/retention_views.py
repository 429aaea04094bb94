"""Cards about retention: the month's list of cases due for appraisal, and what replaces a destroyed case's cards."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.retention import CLASSES, Retention
from cards.model import Card, Fact

SHOWN = 20  # cases listed on the card; the rest are counted, and `mediadesk retention list --due` shows them all


def due_card(due: Sequence[Retention], held: int, at: datetime, tz: ZoneInfo) -> Card:
    """Sent to the Director of Communications (and records managers) once a month when cases are due."""
    month = f"{at.astimezone(tz):%B %Y}"
    n = len(due)
    cases = f"{n} case{'s' if n != 1 else ''}"
    facts = [Fact(label=r.ref, value=_line(r)) for r in due[:SHOWN]]
    if n > SHOWN:
        facts.append(Fact(label="And more", value=f"{n - SHOWN} further cases: mediadesk retention list --due"))
    on_hold = (f" {held} other case{'s are' if held != 1 else ' is'} on legal hold and cannot be destroyed."
               if held else "")
    return Card(
        title=f"Records due for review, {month}",
        text=f"{cases} reached the end of {'their' if n != 1 else 'its'} retention period",
        body=(f"{cases} reached the end of the retention period the Records Management Code of Practice sets for "
              f"{'them' if n != 1 else 'it'}. Nothing is destroyed until you decide: keep, extend to a later review "
              f"date, or destroy (removes its content and personal data; a disposal record remains).{on_hold}"),
        facts=facts,
        notes=["To decide: mediadesk retention decide REF keep|extend|destroy --reason TEXT --by YOUR-EMAIL "
               "(extend needs --until YYYY-MM-DD)",
               "Litigation or an inquiry in prospect? mediadesk retention hold REF --reason TEXT --by YOUR-EMAIL"],
    )


def _line(r: Retention) -> str:
    cls = CLASSES[r.retention_class].label if r.retention_class else "unclassed"
    closed = f"closed {r.closed_at:%d %b %Y}" if r.closed_at else "open"
    review = f"review date {r.review_on:%d %b %Y}" if r.review_on else ""
    return " · ".join(p for p in (r.kind.value.replace("_", " "), cls, closed, review) if p)


def destroyed_card(ref: str, at: datetime, tz: ZoneInfo) -> Card:
    """What a destroyed case's messages in chat, and the bot's copies of them, become."""
    return Card(
        title=f"{ref}: record destroyed",
        text=f"{ref}: record destroyed under the retention schedule",
        body=(f"This case's content and personal data were destroyed on {at.astimezone(tz):%d %B %Y} under the "
              "retention schedule, by a recorded decision. A disposal record shows that it existed."),
    )
