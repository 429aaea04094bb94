"""Cards about the record itself: the day's anchor of the history chain."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.audit import Anchor
from cards.model import Card, Fact


def anchor_card(anchor: Anchor, at: datetime, tz: ZoneInfo) -> Card:
    """Sent to the Director of Communications each day: nothing to do but keep it."""
    day = f"{at.astimezone(tz):%A %d %B %Y}"
    return Card(
        title=f"Media log seal for {day}",
        text=f"Today's seal of the media log: {anchor.seq} entries",
        body=("This is the media log's fingerprint as it stands today. There is nothing to do: keep this message. "
              "Because it is kept here, outside Media Desk's database, any later change to what was recorded "
              "before today can be detected."),
        facts=[Fact(label="Entries so far", value=str(anchor.seq)),
               Fact(label="Seal", value=anchor.text(), long=True)],
        notes=[f"To check the record against this seal: mediadesk audit verify --anchor {anchor.text()}"],
    )
