"""Reading what comms type into a press release's details: partners, people quoted, a document link."""

from __future__ import annotations

import re

from bot.domain.errors import ValidationFailed
from bot.domain.press_release.model import Quoted

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def parse_partners(text: str | None) -> list[str]:
    """One partner per line (or separated by semicolons)."""
    parts = re.split(r"[\n;]", text or "")
    return list(dict.fromkeys(p.strip(" ,-•*") for p in parts if p.strip(" ,-•*")))[:20]


def parse_quoted(text: str | None) -> list[Quoted]:
    """One person per line: "Dr Jo Bloggs, jo.bloggs@nhs.net" (the email when they are to approve it themselves)."""
    people: list[Quoted] = []
    for line in re.split(r"[\n;]", text or ""):
        line = line.strip(" -•*")
        if not line:
            continue
        match = EMAIL.search(line)
        email = match.group(0).lower() if match else None
        name = (EMAIL.sub("", line).strip(" ,<>()-") if match else line) or (email or "")
        people.append(Quoted(name=name[:120], email=email))
    return people[:20]


def parse_link(text: str | None) -> str | None:
    link = (text or "").strip()
    if not link:
        return None
    if not re.match(r"^https://[^\s<>|]+$", link):
        raise ValidationFailed("The document link must be a web address starting with https:// (no spaces).")
    return link
