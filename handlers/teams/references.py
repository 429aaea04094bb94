"""Remembering where Teams conversations are, so the bot can post to them later (nudges, the comms channel).

A small service over the ReferenceStore port: handlers call these, never the database.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from bot.ports import ReferenceStore

PLATFORM = "teams"
LAST_SERVICE = "service:last"  # the last serviceUrl seen, to reach a configured channel not seen yet


def conversation_key(conversation_id: str) -> str:
    """A short, stable key for one conversation (Teams ids are long): what a MessageRef's channel holds."""
    return "conv:" + hashlib.sha256(conversation_id.encode()).hexdigest()[:40]


def user_key(aad_object_id: str) -> str:
    return f"user:{aad_object_id.lower()}"


def email_key(email: str) -> str:
    return f"email:{email.strip().lower()}"


def channel_key(channel_id: str) -> str:
    return f"channel:{channel_id}"


def base_channel_id(conversation_id: str) -> str:
    """A channel thread's conversation id without its ";messageid=…" suffix: the channel itself."""
    return conversation_id.split(";", 1)[0]


async def remember(store: ReferenceStore, reference: dict[str, Any], *, now: datetime, kind: str | None,
                   aad_object_id: str | None = None, email: str | None = None,
                   channel_id: str | None = None) -> None:
    """Store a conversation reference under the conversation, and: a personal chat under its person (AAD object
    id and email); a channel under the channel id (as a reference that posts a new thread in it)."""
    conversation = dict(reference.get("conversation") or {})
    conversation_id = conversation.get("id")
    if not conversation_id:
        return
    keys = [conversation_key(conversation_id)]
    if kind == "personal":
        if aad_object_id:
            keys.append(user_key(aad_object_id))
        if email:
            keys.append(email_key(email))
    await store.remember(PLATFORM, keys, reference, now)
    if kind == "channel":
        channel = channel_id or base_channel_id(conversation_id)
        top = {**reference, "conversation": {**conversation, "id": channel}, "activityId": None}
        await store.remember(PLATFORM, [channel_key(channel), conversation_key(channel)], top, now)
    if reference.get("serviceUrl"):
        await store.remember(PLATFORM, [LAST_SERVICE], {"serviceUrl": reference["serviceUrl"],
                                                        "tenantId": conversation.get("tenantId")}, now)


async def find(store: ReferenceStore, key: str) -> dict[str, Any] | None:
    return await store.find(PLATFORM, key)
