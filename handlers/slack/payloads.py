"""Slack's requests as typed models, checked at the door before any listener runs.

A request that is signed but not of a shape we handle (a `user` that is a string, no `actions`, a `channel`
that is a list, a command or event we never subscribed to) is answered 200 with nothing done: Slack must not
retry it, and no listener ever sees it. Only the fields the listeners read are modelled; Slack's many others
pass through untouched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from handlers import bounded_json

FORM_CALLBACK = "md.form"  # the callback id of every one-screen form we open
ACTION_PREFIX = "md."  # every action id on our buttons and selects
COMMANDS = frozenset({"/media-call", "/crisis", "/press-release", "/media-log"})
EVENTS = frozenset({"message", "app_home_opened"})  # the bot events the manifest subscribes to
REPLAY_HEADER = "x-mediadesk-replay"  # on a request kept before a crash and run again after it

M = TypeVar("M", bound=BaseModel)
def command_key(trigger_id: str) -> str:
    return f"cmd:{trigger_id}"


def event_key(event_id: str) -> str:
    return f"event:{event_id}"


def action_key(trigger_id: str | None, action_id: str) -> str:
    return f"action:{trigger_id}:{action_id}"


def view_key(view_id: str, view_hash: str | None) -> str:
    return f"view:{view_id}:{view_hash}"


@dataclass(frozen=True)
class Checked:
    """A request Media Desk acts on: its kind, its platform id (the inbox key) and who sent it."""

    kind: str
    key: str | None = None  # None: changes nothing (url_verification)
    person: str = ""


Id = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class SlashCommand(_Model):
    command: Id
    user_id: Id
    trigger_id: Id
    text: str = ""
    channel_id: str = ""


class User(_Model):
    id: Id


class Option(_Model):
    value: str


class Action(_Model):
    action_id: Id
    value: str | None = None
    selected_option: Option | None = None


class Container(_Model):
    channel_id: str | None = None


class Channel(_Model):
    id: str


class BlockActions(_Model):
    type: Literal["block_actions"]
    user: User
    actions: list[Action] = Field(min_length=1)
    trigger_id: str | None = None
    container: Container | None = None
    channel: Channel | None = None


class ElementState(_Model):
    value: str | None = None
    selected_option: Option | None = None
    selected_options: list[Option] | None = None


class ViewState(_Model):
    values: dict[str, dict[str, ElementState]] = {}


class View(_Model):
    id: Id
    callback_id: str
    hash: str | None = None
    private_metadata: str = ""
    state: ViewState = ViewState()


class ViewSubmission(_Model):
    type: Literal["view_submission"]
    user: User
    view: View


class MessageEvent(_Model):
    type: Literal["message"]
    channel: Id  # every message event names its conversation
    user: str | None = None  # absent on a bot's own messages
    text: str | None = None
    channel_type: str | None = None
    subtype: str | None = None
    bot_id: str | None = None

    @property
    def from_a_person_in_a_dm(self) -> bool:
        """What the bot answers: a person typing in their DM with it (not an edit, a join, a bot's message)."""
        return self.channel_type == "im" and not self.subtype and not self.bot_id and bool(self.user)


class EventCallback(_Model):
    type: Literal["event_callback"]
    event_id: Id
    event: MessageEvent


class AppHomeOpened(_Model):
    type: Literal["app_home_opened"]
    user: Id
    tab: str = "home"


class HomeCallback(_Model):
    type: Literal["event_callback"]
    event_id: Id
    event: AppHomeOpened


class UrlVerification(_Model):
    type: Literal["url_verification"]
    challenge: str


class Malformed(ValueError):
    """Not a Slack request at all (400): the body cannot be decoded."""


class Ignored(ValueError):
    """A Slack request we do not act on (200, nothing done); the text says which part, never its content."""


class WrongShape(Ignored):
    """Signed, decodable, but not of the shape Slack sends (a field missing or of the wrong type)."""


class NotOurs(Ignored):
    """A well-formed request for something Media Desk does not handle (another command, event or view)."""


def check(content_type: str, body: str) -> Checked:
    """What a request is, or raise Malformed (answer 400) or Ignored (answer 200, nothing done)."""
    if content_type == "application/json":
        return _check_json(_decode(body))
    fields = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in fields:
        return _check_interactive(_decode(fields["payload"]))
    if "command" in fields:
        command = _model(SlashCommand, fields, "slash command")
        if command.command not in COMMANDS:
            raise NotOurs("a command Media Desk does not have")
        return Checked("command", command_key(command.trigger_id), command.user_id)
    raise Malformed("neither a command nor an interactive payload")


def _decode(raw: str) -> Any:
    try:
        return bounded_json.loads(raw)
    except bounded_json.BadJson as exc:
        raise Malformed(str(exc)) from None


def _check_json(data: Any) -> Checked:
    if not isinstance(data, dict):
        raise Malformed("not a JSON object")
    if data.get("type") == "url_verification":
        _model(UrlVerification, data, "url_verification")
        return Checked("url_verification")
    if data.get("type") != "event_callback":
        raise NotOurs("not an event we handle")
    event = data.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str) or event["type"] not in EVENTS:
        raise NotOurs("an event Media Desk does not subscribe to")
    if event["type"] == "app_home_opened":
        home = _model(HomeCallback, data, "event").event
        if home.tab != "home":
            raise NotOurs("the Messages tab opened (nothing to publish)")
        return Checked("home", None, home.user)  # changes nothing: not kept in the inbox
    callback = _model(EventCallback, data, "event")
    if not callback.event.from_a_person_in_a_dm:
        raise NotOurs("a message that is not a person writing to Media Desk")
    return Checked("event", event_key(callback.event_id), callback.event.user or "")


def _check_interactive(data: Any) -> Checked:
    if not isinstance(data, dict):
        raise Malformed("the payload is not a JSON object")
    kind = data.get("type")
    if kind == "block_actions":
        actions = _model(BlockActions, data, "block_actions")
        action = actions.actions[0]
        if not action.action_id.startswith(ACTION_PREFIX):
            raise NotOurs("an action that is not on a Media Desk card")
        return Checked("action", action_key(actions.trigger_id, action.action_id), actions.user.id)
    if kind == "view_submission":
        submission = _model(ViewSubmission, data, "view_submission")
        if submission.view.callback_id != FORM_CALLBACK:
            raise NotOurs("a view that is not a Media Desk form")
        return Checked("view", view_key(submission.view.id, submission.view.hash), submission.user.id)
    raise NotOurs("an interaction Media Desk does not handle")


def _model(model: type[M], data: Any, what: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # Where it failed, never what was there (the values are what people typed).
        where = ", ".join(".".join(str(p) for p in error["loc"]) or "<root>" for error in exc.errors()[:3])
        raise WrongShape(f"{what} of the wrong shape ({where})") from None
