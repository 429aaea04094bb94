"""Who is clicking: a Slack user id resolved to a person (name and email) through users.info, cached."""

from __future__ import annotations

import asyncio
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.people import Actor

_TTL_SECONDS = 600.0


class SlackIdentity:
    def __init__(self, client: AsyncWebClient, ttl: float = _TTL_SECONDS) -> None:
        self._client = client
        self._ttl = ttl
        self._by_id: dict[str, tuple[float, Actor]] = {}
        self._by_email: dict[str, tuple[float, str]] = {}
        self._pending: dict[str, asyncio.Future[Actor]] = {}

    async def actor(self, user_id: str) -> Actor:
        """The person behind a verified request's user id. An unknown email means no roles."""
        hit = self._by_id.get(user_id)
        if hit and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        # Several requests from one person at once share one users.info call.
        pending = self._pending.get(user_id)
        if pending is None:
            pending = asyncio.ensure_future(self._fetch(user_id))
            self._pending[user_id] = pending
            pending.add_done_callback(lambda _: self._pending.pop(user_id, None))
        return await asyncio.shield(pending)

    async def _fetch(self, user_id: str) -> Actor:
        try:
            response = await self._client.users_info(user=user_id)
            user = response["user"]
            profile = user.get("profile", {})
            actor = Actor(platform="slack", user_id=user_id, email=(profile.get("email") or None),
                          name=profile.get("real_name") or user.get("real_name") or user.get("name") or user_id)
        except SlackApiError:
            # Don't cache a failure: the next click tries again.
            return Actor(platform="slack", user_id=user_id, email=None, name=user_id)
        self._by_id[user_id] = (time.monotonic(), actor)
        if actor.email:
            self._by_email[actor.email.lower()] = (time.monotonic(), user_id)
        return actor

    async def user_id_for(self, email: str) -> str | None:
        hit = self._by_email.get(email.lower())
        if hit and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        try:
            response = await self._client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            if exc.response.get("error") == "users_not_found":
                return None
            raise
        user_id = response["user"]["id"]
        self._by_email[email.lower()] = (time.monotonic(), user_id)
        return user_id
