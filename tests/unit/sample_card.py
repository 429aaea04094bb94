"""The neutral card both renderers' unit tests start from (tests/unit/test_cards_slack.py and test_cards_teams.py)."""

from __future__ import annotations

from typing import Any

from cards.model import ActionPayload, Button, Card, Fact, Option, Select


def payload(action: str = "claim", **extra: Any) -> ActionPayload:
    return ActionPayload(a=action, k="enquiry", id="MC-2026-0001", v=3, **extra)


def sample_card(**overrides: Any) -> Card:
    """A new enquiry's card with a fact of each kind, a note, two buttons and a select; `overrides` replace parts."""
    base: dict[str, Any] = {
        "title": "Media enquiry MC-2026-0001",
        "text": "New media enquiry from BBC Essex",
        "subtitle": "Logged by Jane Smith",
        "status": "Waiting for comms",
        "body": "A&E waiting times",
        "facts": [Fact(label="Outlet", value="BBC Essex"), Fact(label="Enquiry", value="Long text", long=True)],
        "notes": ["Don't answer the journalist yourself."],
        "actions": [
            Button(label="Claim", payload=payload(), style="primary"),
            Button(label="Withdraw", payload=payload("withdraw"), style="danger", confirm="Withdraw it?"),
            Select(placeholder="Change outlet kind", options=[
                Option(label="Online", payload=payload("set", x="online")),
                Option(label="Newspaper", payload=payload("set", x="newspaper")),
            ]),
        ],
    }
    base.update(overrides)
    return Card(**base)
