"""A seeded generator of validly signed Slack requests whose payloads are of the wrong shape.

Each request starts from a real payload (built by SlackRequests, as Slack sends it) and breaks it in one or
more places the way a buggy client or an attacker would: a field of the wrong type, a field missing, an empty
list, a button value that is not ours, numbers far out of range, JSON nested thousands deep. None of them is a
request a person could make from Slack, so none may change anything.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl

from tests.slack_requests import SlackRequests

Request = tuple[bytes, dict[str, str]]

# Never None: None is a valid "absent" for many optional fields, and would leave the request well-formed.
ODD_VALUES: tuple[Any, ...] = (
    0, -1, 10**30, 3.5, True, "", "x", "¹²³⁰", "\u202e\u200b", [], [1, 2], {}, {"id": 5}, {"value": []},
    "x" * 5000, [{"a": None}], {"nested": {"deeper": [None]}},
)
ODD_BUTTON_VALUES: tuple[str, ...] = (
    "not json", "{", "[]", "null", "5", '"text"', '{"a":"claim"}', '{"a":"claim","k":"nope","id":"x"}',
    '{"a":"claim","k":"enquiry","id":"MC-2026-9999","v":1000000000000000000000000000000}',
    '{"a":"answer","k":"conversation","id":"¹²³⁰","v":1}',
    '{"a":"answer","k":"conversation","id":"100000000000000000000000000000","v":0}',
    '{"a":"approve","k":"enquiry","id":"MC-2026-9999","v":-1,"x":"director:abc"}',
    '{"a":"approve","k":"enquiry","id":"MC-2026-9999","v":2,"x":"¹:²"}',
    '{"a":"issue","k":"press","id":"PR-2026-9999","v":"1"}',
    '{"a":"claim","k":"crisis","id":"CR-2026-9999","v":1,"x":' + json.dumps("y" * 300) + "}",
    '{"a":"claim","k":"enquiry","id":"MC-2026-9999","v":1,"extra":1}',
)


def deep(levels: int, bracket: str = "[") -> str:
    """JSON nested `levels` deep: [[[...1...]]] or {"k":{"k":...1...}}."""
    if bracket == "[":
        return "[" * levels + "1" + "]" * levels
    return '{"k":' * levels + "1" + "}" * levels


class MalformedRequests:
    """Wrong-shaped, validly signed requests; `count` of them from `seed`, every kind in turn."""

    def __init__(self, requests: SlackRequests, user: str, channel: str, seed: int = 20261202) -> None:
        self._r = requests
        self._user = user
        self._channel = channel
        self._rng = random.Random(seed)

    def generate(self, count: int) -> Iterator[tuple[str, Request]]:
        kinds: list[tuple[str, Callable[[], Request]]] = [
            ("command", self.command), ("event", self.event), ("action", self.action),
            ("view", self.view), ("button value", self.button_value), ("deep", self.deep_body),
        ]
        for i in range(count):
            name, build = kinds[i % len(kinds)]
            yield name, build()

    # --- one generator per kind ----------------------------------------------------------------------------

    def command(self) -> Request:
        """A slash command missing what identifies it, or naming a command we don't have."""
        body, _ = self._r.slash_command(self._user, "/media-call", self._rng.choice(["", "form", "x" * 3000]))
        fields = dict(parse_qsl(body.decode(), keep_blank_values=True))
        for name in self._rng.sample(["user_id", "trigger_id", "command"], self._rng.randint(1, 3)):
            if self._rng.random() < 0.5:
                fields.pop(name)
            else:
                fields[name] = "" if name != "command" else self._rng.choice(["", "/media-cal", "/nope", "media-call"])
        return self._r._form(fields, None)

    def event(self) -> Request:
        body, _ = self._r.message_event(self._user, "hello")
        payload = json.loads(body)
        self._break(payload, required=[("event", "channel"), ("event", "type"), ("event",), ("event_id",)],
                    typed=[("event", "user"), ("event", "text"), ("event", "channel_type")])
        return self._r._json(payload, None)

    def action(self) -> Request:
        body, _ = self._r.block_action(self._user, "md.claim.0", '{"a":"claim","k":"enquiry","id":"MC-1"}',
                                       channel_id=self._channel)
        payload = self._interactive(body)
        self._break(payload, required=[("user",), ("user", "id"), ("actions",), ("actions", 0, "action_id"),
                                       ("type",)],
                    typed=[("actions", 0), ("actions", 0, "value"), ("channel",), ("container",),
                           ("container", "channel_id"), ("channel", "id")])
        if self._rng.random() < 0.1:
            payload["actions"] = []
        return self._r._interactive(payload, None)

    def view(self) -> Request:
        meta = self._rng.choice(['{"form":"media_call"}', "not json", '{"form":"media_call","conversation":'
                                 '100000000000000000000000000000}', '{"form":"nope"}', "[]", "{" * 200])
        body, _ = self._r.view_submission(self._user, "md.form", {}, private_metadata=meta)
        payload = self._interactive(body)
        self._break(payload, required=[("user",), ("user", "id"), ("view",), ("view", "id"), ("view", "callback_id")],
                    typed=[("view", "state"), ("view", "state", "values"), ("view", "private_metadata"),
                           ("view", "hash")])
        return self._r._interactive(payload, None)

    def button_value(self) -> Request:
        """A well-formed click whose value is not a button of ours (or is ours with impossible numbers)."""
        value = self._rng.choice(ODD_BUTTON_VALUES)
        body, _ = self._r.block_action(self._user, "md.claim.0", value, channel_id=self._channel)
        return body, self._r.sign(body) | {"Content-Type": "application/x-www-form-urlencoded"}

    def deep_body(self) -> Request:
        levels = self._rng.choice([65, 500, 5000, 100_000])
        bracket = self._rng.choice("[{")
        nested = deep(levels, bracket)
        if self._rng.random() < 0.5:
            return self._r._signed(nested.encode(), "application/json", None)
        return self._r._form({"payload": nested}, None)

    # --- breaking a payload ---------------------------------------------------------------------------------

    @staticmethod
    def _interactive(body: bytes) -> dict[str, Any]:
        return json.loads(dict(parse_qsl(body.decode()))["payload"])

    def _break(self, payload: dict[str, Any], *, required: list[tuple[Any, ...]], typed: list[tuple[Any, ...]]
               ) -> None:
        """Break one to three places: a required field deleted or given another type, a typed one another type."""
        paths = required + typed
        for path in self._rng.sample(paths, self._rng.randint(1, 3)):
            parent: Any = payload
            for step in path[:-1]:
                parent = parent[step] if _has(parent, step) else None
            if not _has(parent, path[-1]):
                continue  # an earlier break removed the way here, which already broke the payload
            if path in required and isinstance(parent, dict) and self._rng.random() < 0.4:
                del parent[path[-1]]
            else:
                parent[path[-1]] = self._odd(parent[path[-1]])

    def _odd(self, current: Any) -> Any:
        """An odd value of a different type from `current` (a same-typed one might still be valid)."""
        choices = [v for v in ODD_VALUES if type(v) is not type(current)]
        return copy.deepcopy(self._rng.choice(choices))


def _has(container: Any, step: Any) -> bool:
    if isinstance(container, dict):
        return step in container
    return isinstance(container, list) and isinstance(step, int) and 0 <= step < len(container)
