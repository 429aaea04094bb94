"""An enquiry's words on a card: its first lines (and the button to read it all), its text in parts, the contact."""

from __future__ import annotations

from bot.domain.enquiry import Enquiry
from bot.domain.media_call import OUTLET_KINDS
from bot.domain.phone import readable
from cards.model import ActionPayload, Button, Fact, Select
from cards.text import ELLIPSIS, truncate


def contact(enquiry: Enquiry) -> str:
    phone = readable(enquiry.phone) if enquiry.phone else None
    return " · ".join(x for x in (phone, enquiry.email) if x) or "(none given)"


def outlet_kind(value: str) -> str:
    return next((c.label for c in OUTLET_KINDS if c.value == value), value)


# An enquiry on the channel card and in reminders: its first few lines; "Show full enquiry" has the rest.
EXCERPT_MAX = 300
EXCERPT_LINES = 4
FULL_PART_MAX = 590  # the whole text in parts: even escaped (& is 5 characters), a part and its label fit one
#                      Slack section (3,000)


def excerpt(text: str) -> str:
    """The first few lines of a long text, at most EXCERPT_MAX characters, cut at a word and marked "…"."""
    lines = text.splitlines()
    head = "\n".join(lines[:EXCERPT_LINES])
    cut = truncate(head, EXCERPT_MAX)
    if cut == head and len(lines) > EXCERPT_LINES:
        cut = head.rstrip() + ELLIPSIS
    return cut


def enquiry_fact(enquiry: Enquiry) -> Fact:
    return Fact(label="Enquiry", value=excerpt(enquiry.summary), long=True)


def show_full(enquiry: Enquiry) -> list[Button | Select]:
    """The button that shows the whole enquiry privately, when the card shows only its start."""
    if excerpt(enquiry.summary) == enquiry.summary:
        return []
    return [Button(label="Show full enquiry", payload=ActionPayload(a="show", k="enquiry", id=enquiry.ref))]


def in_parts(text: str, size: int) -> list[str]:
    """`text` in consecutive parts of at most `size` characters, cut at a line's end, else at a space."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > size:
        cut = rest.rfind("\n", 0, size + 1)
        if cut <= size // 2:
            cut = rest.rfind(" ", 0, size + 1)
        cut = cut if cut > size // 2 else size
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*parts, rest] if rest else parts
