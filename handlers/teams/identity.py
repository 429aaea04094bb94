"""Who is acting: the sender's Teams id resolved through the Bot Connector's member lookup (TeamsInfo.get_member)
to a person (email, name), checked against every other id the activity carries, and cached. No email, no roles.

Defence in depth: Microsoft's token makes a forged activity hard to send, but the bot does not depend on every
field of one agreeing. The roster entry for `from.id` (looked up in this conversation, so the conversation must
be theirs) must carry the same AAD object id and tenant as the activity; otherwise the activity is refused and
nothing is stored. The cache is keyed by the pair (from.id, aadObjectId), never by one field, so a mismatched
activity can neither use nor poison the genuine person's entry.
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

from bot.domain.people import Actor

log = logging.getLogger("mediadesk.teams")
_TTL_SECONDS = 600.0


class IdentityRefused(Exception):
    """The activity's ids disagree with the roster: refuse it and change nothing."""

    def __init__(self, reason: str, ids: dict[str, str]) -> None:
        super().__init__(reason)
        self.ids = ids


class IdentityUnavailable(Exception):
    """The roster could not be asked just now: nobody can be vouched for, so nothing is done or stored."""


class Identity(Protocol):
    """Who is acting in a turn: a person we can name and give roles to, or None (a bot, a system event)."""

    async def actor(self, turn_context: TurnContext) -> Actor | None: ...


class TeamsIdentity:
    def __init__(self, ttl: float = _TTL_SECONDS) -> None:
        self._ttl = ttl
        self._cache: dict[tuple[str, str], tuple[float, Actor]] = {}

    async def actor(self, turn_context: TurnContext) -> Actor | None:
        activity = turn_context.activity
        sender = activity.from_property
        given = (getattr(sender, "aad_object_id", None) or "") if sender else ""
        aad = given.lower()
        sender_id = (getattr(sender, "id", None) or "") if sender else ""
        if not aad or not sender_id:
            return None  # not a person in our tenant (a bot, or a channel we don't serve)
        key = (sender_id, aad)
        hit = self._cache.get(key)
        if hit and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        try:
            member = await TeamsInfo.get_member(turn_context, sender_id)
        except Exception as exc:  # noqa: BLE001 - any failure: the sender can't be vouched for just now
            log.warning("could not look up a Teams member", extra={"error": type(exc).__name__})
            raise IdentityUnavailable from exc
        ids = {"from_id": sender_id, "aad_object_id": aad, "roster_aad_object_id": member.aad_object_id or "",
               "conversation": (activity.conversation.id if activity.conversation else "") or ""}
        if (member.aad_object_id or "").lower() != aad:
            raise IdentityRefused("the sender's AAD object id is not the roster's", ids)
        tenant = _tenant_of(activity)
        if member.tenant_id and tenant and member.tenant_id.lower() != tenant:
            raise IdentityRefused("the roster entry is in another tenant", {**ids, "tenant": tenant})
        email = (getattr(member, "email", None) or getattr(member, "user_principal_name", None) or "").strip()
        name = (member.name or (sender.name or "")).strip() or given
        actor = Actor(platform="teams", user_id=given, email=email.lower() or None, name=name)
        self._cache[key] = (time.monotonic(), actor)
        return actor


def _tenant_of(activity: object) -> str:
    channel_data = getattr(activity, "channel_data", None)
    if isinstance(channel_data, dict) and isinstance(channel_data.get("tenant"), dict):
        return str(channel_data["tenant"].get("id") or "").lower()
    conversation = getattr(activity, "conversation", None)
    return str(getattr(conversation, "tenant_id", None) or "").lower()
