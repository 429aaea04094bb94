"""Who is acting: the verified activity's AAD object id, resolved to a person (email, name) through the Bot
Connector's member lookup (TeamsInfo.get_member), cached. No email means no roles."""

from __future__ import annotations

import logging
import time
from typing import Protocol

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

from bot.domain.people import Actor

log = logging.getLogger("mediadesk.teams")
_TTL_SECONDS = 600.0


class Identity(Protocol):
    """Who is acting in a turn: a person we can name and give roles to, or None."""

    async def actor(self, turn_context: TurnContext) -> Actor | None: ...


class TeamsIdentity:
    def __init__(self, ttl: float = _TTL_SECONDS) -> None:
        self._ttl = ttl
        self._by_id: dict[str, tuple[float, Actor]] = {}

    async def actor(self, turn_context: TurnContext) -> Actor | None:
        sender = turn_context.activity.from_property
        aad = getattr(sender, "aad_object_id", None) if sender else None
        if not aad:
            return None  # not a person in our tenant (a bot, or a channel we don't serve)
        hit = self._by_id.get(aad)
        if hit and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        name = (sender.name or "").strip() or aad
        try:
            member = await TeamsInfo.get_member(turn_context, sender.id)
        except Exception as exc:  # noqa: BLE001 - any failure: a person without an email (no roles); not cached
            log.warning("could not look up a Teams member", extra={"error": type(exc).__name__})
            return Actor(platform="teams", user_id=aad, email=None, name=name)
        email = (getattr(member, "email", None) or getattr(member, "user_principal_name", None) or "").strip()
        actor = Actor(platform="teams", user_id=aad, email=email.lower() or None, name=(member.name or name))
        self._by_id[aad] = (time.monotonic(), actor)
        return actor
