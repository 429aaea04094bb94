"""The neutral card: what every message the bot sends is made of, before any platform renders it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.domain.permissions import Permissions
from bot.domain.text import ID_MAX

S = TypeVar("S", bound=StrEnum)


class ActionPayload(BaseModel):
    """What a button carries back when clicked: one typed model for Slack and Teams."""

    model_config = ConfigDict(extra="forbid")
    a: str = Field(max_length=40)  # the action: claim, release, answer, skip, ...
    k: Literal["enquiry", "conversation", "crisis", "library", "press", "desk"]  # what it acts on
    id: str = Field(max_length=40)  # case reference or conversation id
    v: int | None = Field(default=None, ge=0, le=ID_MAX)  # the version the card was made for
    x: str | None = Field(default=None, max_length=200)  # an argument (a choice's value, a field name)

    def encode(self) -> str:
        return json.dumps(self.model_dump(exclude_none=True), separators=(",", ":"))

    @classmethod
    def decode(cls, raw: str | None) -> ActionPayload | None:
        """Parse a button value; None when it is not ours or is malformed."""
        if not raw:
            return None
        try:
            return cls.model_validate_json(raw)
        except ValidationError:
            return None


class Fact(BaseModel):
    label: str
    value: str  # text a person typed: always rendered as plain text
    long: bool = False  # long values get a row of their own


class Button(BaseModel):
    kind: Literal["button"] = "button"
    label: str
    payload: ActionPayload
    style: Literal["primary", "danger"] | None = None
    confirm: str | None = None  # ask "are you sure?" with this text


class Option(BaseModel):
    label: str
    payload: ActionPayload


class Select(BaseModel):
    kind: Literal["select"] = "select"
    placeholder: str
    options: list[Option]


class Card(BaseModel):
    """Title, facts, text, notes and actions; `text` is the notification fallback."""

    title: str
    text: str  # one-line summary: the push notification and screen-reader text
    subtitle: str | None = None
    body: str | None = None  # a paragraph written by us (may name user values already cleaned)
    facts: list[Fact] = []
    notes: list[str] = []  # policy guidance and hints, shown small
    actions: list[Button | Select] = []
    urgent: bool = False
    notify_channel: bool = False  # urgent alerts: notify everyone in the channel (our text, never user text)
    status: str | None = None  # e.g. "Claimed by Jane Smith", shown prominently
    # A shared card that can show each viewer only what they may do (Teams: user-specific views): `view` asks
    # for it as one person sees it; `viewers` are the emails of those who get their own view.
    view: ActionPayload | None = None
    viewers: list[str] = []

    def for_viewer(self, may: Callable[[ActionPayload], bool]) -> Card:
        """The same card with only the buttons and select options `may` allows."""
        return self.model_copy(update={"actions": kept(self.actions, may)})

    def to_json(self) -> dict:
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_json(cls, data: dict) -> Card:
        return cls.model_validate(data)


def kept(actions: Iterable[Button | Select | None], allowed: Callable[[ActionPayload], bool]
         ) -> list[Button | Select]:
    """The buttons and select options `allowed` lets through (a select left with none goes; None: left off)."""
    out: list[Button | Select] = []
    for action in actions:
        if isinstance(action, Button):
            if allowed(action.payload):
                out.append(action)
        elif action is not None and (options := [o for o in action.options if allowed(o.payload)]):
            out.append(action.model_copy(update={"options": options}))
    return out


def offered(permissions: Permissions[Any, S], state: S, actions: Iterable[Button | Select | None]
            ) -> list[Button | Select]:
    """The buttons a card in `state` offers: those whose workflow events the table allows there. Who may press
    them is the same table's answer, asked for each viewer (`Card.for_viewer`) and again when pressed."""
    return kept(actions, lambda payload: permissions.offered(state, payload.a))
