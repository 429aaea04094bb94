"""An in-process Bot Framework adapter: the bot's replies, updates and proactive sends land in the playground's
transcripts instead of going to a Bot Connector."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ConversationReference, ResourceResponse

from handlers.playground.transcript import Transcript

BOT = {"id": "media-desk", "name": "Media Desk", "role": "bot"}


class PlaygroundAdapter(BotAdapter):
    def __init__(self, transcript_for: Callable[[str], Transcript | None], stamp: Callable[[], str]) -> None:
        super().__init__()
        self._transcript_for, self._stamp = transcript_for, stamp

    async def send_activities(self, context: TurnContext, activities: list[Activity]) -> list[ResourceResponse]:
        responses = []
        for activity in activities:
            if activity.type in ("delay", "invokeResponse", "trace"):
                responses.append(ResourceResponse(id=""))
                continue
            transcript = self._transcript(context, activity)
            data = _as_web_chat(activity)
            data.update(id=uuid.uuid4().hex, timestamp=self._stamp(), **{"from": BOT})
            transcript.put(data)
            responses.append(ResourceResponse(id=data["id"]))
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity) -> ResourceResponse:
        """Replace a message where it stands (a card changed for everyone); one we no longer hold is re-posted."""
        transcript = self._transcript(context, activity)
        before = transcript.get(activity.id or "")
        data = _as_web_chat(activity)
        data.update(id=activity.id or uuid.uuid4().hex, **{"from": BOT},
                    timestamp=(before or {}).get("timestamp") or self._stamp())
        transcript.put(data)
        return ResourceResponse(id=data["id"])

    async def delete_activity(self, context: TurnContext, reference: ConversationReference) -> None:
        raise NotImplementedError("the bot never deletes messages")

    def _transcript(self, context: TurnContext, activity: Activity) -> Transcript:
        conversation = activity.conversation or context.activity.conversation
        transcript = self._transcript_for(conversation.id if conversation else "")
        if transcript is None:
            raise LookupError("no such playground conversation")
        return transcript


def _as_web_chat(activity: Activity) -> dict[str, Any]:
    """The activity as Web Chat reads it, but with its cards as Teams would get them: `for_web_chat` finishes
    the job for each person when they are shown it (their own view of a shared card, buttons Web Chat runs)."""
    data = copy.deepcopy(activity.serialize())
    for key in ("serviceUrl", "replyToId", "recipient"):
        data.pop(key, None)
    return data


def cards_of(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in activity.get("attachments") or [] if isinstance(a.get("content"), dict)]


def for_web_chat(activity: dict[str, Any], views: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """A stored activity as one person sees it. `views`: their own view of a card, by its attachment's place.

    Web Chat runs Action.Submit but not Action.Execute (Universal Actions are Teams' own), so buttons become
    Action.Submit (the bot reads both the same way), and the refresh that asks Teams for a person's view goes:
    the person's view is put in its place here instead."""
    data = copy.deepcopy(activity)
    for n, attachment in enumerate(cards_of(data)):
        if n in views:
            attachment["content"] = copy.deepcopy(views[n])
        attachment["content"].pop("refresh", None)
        _submit_instead_of_execute(attachment["content"])
    return data


def _submit_instead_of_execute(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "Action.Execute":
            node["type"] = "Action.Submit"
            node.pop("verb", None)
        for value in node.values():
            _submit_instead_of_execute(value)
    elif isinstance(node, list):
        for value in node:
            _submit_instead_of_execute(value)
