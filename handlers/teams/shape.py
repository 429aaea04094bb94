"""A Bot Framework activity's shape, checked at the door before botbuilder or the bot reads it.

botbuilder deserialises leniently (a `from` that is a string becomes None, a list of entities that is a string
stays a string), and the turn then fails deep inside it. Only the fields the door and the bot read are
modelled; Teams' many others pass through untouched. A wrong shape is a 400.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

Id = Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class Account(_Model):
    id: Id
    name: str | None = None
    aadObjectId: str | None = None  # noqa: N815 - Bot Framework's own name


class Conversation(_Model):
    id: Id
    conversationType: str | None = None  # noqa: N815
    tenantId: str | None = None  # noqa: N815


class Entity(_Model):
    type: str  # botbuilder reads every entity's type (mentions)


class Activity(_Model):
    type: Id
    id: Id | None = None
    serviceUrl: Id  # noqa: N815
    conversation: Conversation
    recipient: Account
    from_: Account | None = None
    name: str | None = None
    text: str | None = None
    value: Any = None
    channelData: dict[str, Any] | None = None  # noqa: N815
    entities: list[Entity] | None = None
    attachments: list[dict[str, Any]] | None = None


class WrongShape(ValueError):
    """Not an activity of the shape Teams sends; the text says where, never what was there."""


def check(body: dict[str, Any]) -> None:
    """Raise WrongShape unless `body` has the shape of an activity the bot can read."""
    data = dict(body)
    if "from" in data:
        data["from_"] = data.pop("from")
    try:
        activity = Activity.model_validate(data)
    except ValidationError as exc:
        where = ", ".join(".".join(str(p) for p in e["loc"]).replace("from_", "from") or "<root>"
                          for e in exc.errors()[:3])
        raise WrongShape(f"an activity of the wrong shape ({where})") from None
    if activity.type in ("message", "invoke") and (activity.id is None or activity.from_ is None):
        raise WrongShape("a message or invoke without its id or sender")
