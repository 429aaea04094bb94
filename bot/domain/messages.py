"""Outbound messages as the core sees them: to whom, what card, and which message it replaces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

RecipientKind = Literal["comms_channel", "user", "email"]


@dataclass(frozen=True)
class Recipient:
    kind: RecipientKind
    platform: str
    address: str | None = None  # platform user id, or email

    @classmethod
    def comms(cls, platform: str) -> Recipient:
        return cls("comms_channel", platform)

    @classmethod
    def user(cls, platform: str, user_id: str) -> Recipient:
        return cls("user", platform, user_id)


@dataclass
class Outbound:
    """One message to deliver. `key` names a message that later changes update in place."""

    recipient: Recipient
    card: dict[str, Any]  # cards.model.Card as JSON
    key: str | None = None
    case_ref: str | None = None
    update_only: bool = False  # change the keyed message if it was posted; never post it afresh
    id: int | None = None
    attempts: int = 0  # counting this one: more than 1 means an earlier attempt may have reached the platform
    first_attempt_at: datetime | None = None


@dataclass(frozen=True)
class MessageRef:
    """Where a delivered message lives on its platform (Slack: channel and ts)."""

    platform: str
    channel: str
    ts: str


@dataclass(frozen=True)
class HistoryEntry:
    case_ref: str
    at: datetime
    event: str
    actor: str
    actor_email: str | None
    data: dict[str, Any]
