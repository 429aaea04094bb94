"""Teams renderer: the neutral card as an Adaptive Card 1.5 (forms, and reading what comes back: teams_inputs.py).

Layout mirrors cards/slack.py: title, status, subtitle, body, facts (short ones in a FactSet, each long one
labelled on its own), notes, then the actions. Buttons are `Action.Execute` (Universal Actions, so a card can be
refreshed in place) carrying the same typed ActionPayload Slack uses, under `data.md`.

Adaptive Card TextBlocks (and Fact values) are read as a markdown subset: links, emphasis, lists. Text a person
typed is backslash-escaped (CommonMark escapes) so it shows as typed and can never become a link or a mention;
the only markup we produce ourselves is a whole `*line*` of a body made bold, as Slack shows it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cards.model import ActionPayload, Button, Card, Fact, Select
from cards.text import truncate

SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
VERB = "md"  # a button or select on a card
DATA_KEY = "md"  # data.md: the button's ActionPayload
SELECT_KEY = "md_select"  # data.md_select: the id of the input that carries the chosen option
SELECT_ID = "md_select_{}"

# Limits (characters unless noted). Teams refuses messages over ~28 KB; we keep the card JSON under 25 KB.
CARD_BYTES_MAX = 25_000
TEXT_MAX = 10_000  # one TextBlock
SHORT_FACT_MAX = 2_000  # a FactSet value
LONG_FACT_MIN = 200  # long facts are shortened down to this before anything else is touched
TEXT_MIN = 100  # then every other text, down to this
TITLE_MAX = 300
LARGE_TITLE_MAX = 40  # longer titles use the Medium size so they fit a phone
LABEL_MAX = 300
NOTE_MAX = 3_000
BUTTON_TITLE_MAX = 60
CHOICE_TITLE_MAX = 150
PLACEHOLDER_MAX = 150
CONFIRM_MAX = 1_000
FALLBACK_MAX = 1_000
OPTIONS_MAX = 100
REFRESH_USERS_MAX = 60  # Teams shows user-specific views to this many people at most
PRIMARY_ACTIONS_MAX = 5  # more buttons than this: the first 5, then "More…" holding the rest
URGENT_PREFIX = "🚨 "
MORE_TITLE = "More…"
GO_TITLE = "Go"
CHOOSE_ONE = "Choose one"
_STYLES = {"primary": "positive", "danger": "destructive"}

# --- escaping ----------------------------------------------------------------------------------------------

# As few escapes as keep typed text inert: a backslash may show as typed where a client's markdown is simpler
# (so "(", ")" stay bare: with "[" and "]" escaped they can't make a link).
_SPECIAL = re.compile(r"([\\`*_\[\]<~])")  # anywhere: emphasis, links, code, `<at>`, strikethrough
_LINE_START = re.compile(r"^(>|[-+](?=\s|$|-)|#(?=#{0,5}(?:\s|$)))")  # "> quote", "- item", "---", "# heading"
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")  # "1. item", "1) item"
_OUR_BOLD = re.compile(r"^\*([^*\n]+)\*$")  # a whole line in Slack's *bold*: written by cards/views.py


def _escape_line(line: str) -> str:
    line = _SPECIAL.sub(r"\\\1", line)
    line = _LINE_START.sub(r"\\\1", line)
    return _ORDERED.sub(r"\1\\\2", line)


def _paragraphs(text: str, line: Callable[[str], str]) -> str:
    """Each non-blank line rendered by `line`, joined by blank lines (a TextBlock needs "\\n\\n" to break)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n\n".join(out for raw in lines if (out := line(raw.strip())))


def escape_markdown(text: str) -> str:
    """Plain text as TextBlock markdown that shows exactly what was typed: no links, emphasis, lists or `<at>`."""
    return _paragraphs(text, _escape_line)


def _body_line(line: str) -> str:
    bold = _OUR_BOLD.match(line)
    if bold and bold.group(1).strip():
        return f"**{_escape_line(bold.group(1).strip())}**"
    return _escape_line(line)


def body_markdown(text: str) -> str:
    """A card body: escaped like user text, except that a whole `*line*` (our emphasis) stays bold."""
    return _paragraphs(text, _body_line)


def fit(text: str, limit: int, render: Callable[[str], str] = escape_markdown) -> str:
    """Render `text` within `limit` characters, cutting the source (so never an escape in half) with "…"."""
    out = render(text)
    budget = min(len(text), limit)
    while len(out) > limit and budget > 0:
        out = render(truncate(text, budget))
        budget -= max(len(out) - limit, 1)
    return out if len(out) <= limit else ""


def card_bytes(card: Mapping[str, Any]) -> int:
    """The card's JSON size as sent by a default serializer (ASCII-escaped, so bytes == characters)."""
    return len(json.dumps(card))


# --- cards -------------------------------------------------------------------------------------------------


def text_block(text: str, **props: Any) -> dict:
    return {"type": "TextBlock", "text": text, "wrap": True, **props}


def subtle(text: str, limit: int) -> dict | None:
    fitted = fit(text, limit)
    return text_block(fitted, isSubtle=True, size="Small") if fitted else None


def _execute(title: str, payload: ActionPayload, style: str | None = None) -> dict:
    action = {
        "type": "Action.Execute",
        "title": truncate(title.strip(), BUTTON_TITLE_MAX) or " ",
        "verb": VERB,
        "data": {DATA_KEY: payload.model_dump(exclude_none=True)},
        "associatedInputs": "None",  # a button's payload says it all; selects use their own "Go"
    }
    if style:
        action["style"] = _STYLES[style]
    return action


def _yes(label: str) -> str:
    """ "Withdraw" asks "Yes, withdraw"; "I have consent…" keeps its capital: "Yes, I have consent…"."""
    label = label.strip()
    first = label.split(" ", 1)[0]
    keep = first == "I" or first.startswith("I'") or (len(first) > 1 and first.isupper())  # "I", "I'm", "OK"
    return f"Yes, {label if keep else label[:1].lower() + label[1:]}" if label else "Yes"


def _button(button: Button, text_max: int) -> dict:
    """A Button as Action.Execute; one with a confirm text opens a ShowCard that asks first."""
    if not button.confirm:
        return _execute(button.label, button.payload, button.style)
    show: dict[str, Any] = {
        "type": "Action.ShowCard",
        "title": truncate(button.label.strip(), BUTTON_TITLE_MAX) or " ",
        "card": {
            "type": "AdaptiveCard",
            "body": [text_block(fit(button.confirm, min(CONFIRM_MAX, text_max)) or "Are you sure?")],
            "actions": [_execute(_yes(button.label), button.payload, button.style)],
        },
    }
    if button.style:
        show["style"] = _STYLES[button.style]
    return show


def _select(select: Select, index: int) -> list[dict]:
    """A Select as a compact ChoiceSet (values: encoded payloads) and its own "Go" button."""
    if not select.options:
        raise ValueError(f"select {select.placeholder!r} has no options")
    input_id = SELECT_ID.format(index)
    return [
        {
            "type": "Input.ChoiceSet",
            "id": input_id,
            "style": "compact",
            "placeholder": truncate(select.placeholder.strip(), PLACEHOLDER_MAX) or CHOOSE_ONE,
            "choices": [
                {"title": truncate(o.label.strip(), CHOICE_TITLE_MAX) or " ", "value": o.payload.encode()}
                for o in select.options[:OPTIONS_MAX]
            ],
            "wrap": True,
            "spacing": "Medium",
        },
        {
            "type": "ActionSet",
            "spacing": "Small",
            "actions": [{
                "type": "Action.Execute",
                "title": GO_TITLE,
                "verb": VERB,
                "data": {SELECT_KEY: input_id},
            }],
        },
    ]


def _actions(buttons: Sequence[dict]) -> list[dict]:
    """At most 6 in the action bar: with more than 5 buttons, the 6th is a "More…" ShowCard with the rest."""
    if len(buttons) <= PRIMARY_ACTIONS_MAX:
        return list(buttons)
    more = {
        "type": "Action.ShowCard",
        "title": MORE_TITLE,
        "card": {"type": "AdaptiveCard", "body": [], "actions": list(buttons[PRIMARY_ACTIONS_MAX:])},
    }
    return [*buttons[:PRIMARY_ACTIONS_MAX], more]


def _fact_blocks(facts: Sequence[Fact], long_max: int, text_max: int) -> list[dict]:
    """Runs of short facts as FactSets; each long fact as a bold label and its own TextBlock."""
    blocks: list[dict] = []
    run: list[dict] = []

    def flush() -> None:
        if run:
            blocks.append({"type": "FactSet", "facts": list(run), "spacing": "Medium"})
            run.clear()

    for fact in facts:
        label = fit(fact.label, LABEL_MAX) or " "
        if fact.long:
            flush()
            blocks.append(text_block(label, weight="Bolder", spacing="Medium"))
            if value := fit(fact.value, long_max):
                blocks.append(text_block(value, spacing="Small"))
        else:
            run.append({"title": label, "value": fit(fact.value, min(SHORT_FACT_MAX, text_max))})
    flush()
    return blocks


def _render(card: Card, viewer_actions: bool, *, long_max: int, text_max: int) -> dict:
    body: list[dict] = []
    title = fit((URGENT_PREFIX if card.urgent else "") + card.title.strip(), TITLE_MAX)
    if title:
        heading = text_block(title, size="Large" if len(title) <= LARGE_TITLE_MAX else "Medium",
                              weight="Bolder", style="heading")
        if card.urgent:
            heading["color"] = "Attention"
        body.append(heading)
    if card.status and (status := fit(card.status.strip(), min(TITLE_MAX, text_max))):
        body.append(text_block(status, weight="Bolder"))
    if card.subtitle and (subtitle := subtle(card.subtitle, min(NOTE_MAX, text_max))):
        body.append(subtitle)
    if card.body and (text := fit(card.body, min(TEXT_MAX, text_max), body_markdown)):
        body.append(text_block(text))
    body.extend(_fact_blocks(card.facts, long_max, text_max))
    body.extend(block for note in card.notes if (block := subtle(note, min(NOTE_MAX, text_max))))
    buttons: list[dict] = []
    if viewer_actions:
        for index, action in enumerate(card.actions):
            if isinstance(action, Button):
                buttons.append(_button(action, text_max))
            else:
                body.extend(_select(action, index))
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA_URL,
        "version": VERSION,
        "fallbackText": truncate((card.text.strip() or card.title).strip(), FALLBACK_MAX),
        "body": body,
        "actions": _actions(buttons),
        "msteams": {"width": "Full"},
    }


def _largest_fitting(render: Callable[[int], dict], low: int, high: int) -> dict | None:
    """The render with the largest limit in [low, high] whose JSON is within CARD_BYTES_MAX, or None."""
    best = render(low)
    if card_bytes(best) > CARD_BYTES_MAX:
        return None
    while low < high:
        mid = (low + high + 1) // 2
        candidate = render(mid)
        if card_bytes(candidate) <= CARD_BYTES_MAX:
            best, low = candidate, mid
        else:
            high = mid - 1
    return best


def render_card(card: Card, *, viewer_actions: bool = True, refresh_for: Sequence[str] = ()) -> dict:
    """The card as an Adaptive Card 1.5 dict, under 25 KB of JSON.

    `viewer_actions=False` leaves out the buttons and selects: a read-only copy for people who may not act.
    `refresh_for`: Teams user ids who each see the card as they may act on it (a card with a `view`): Teams asks
    the bot for their view when they look at it (Universal Actions' user-specific views, 60 people at most).
    Too big a card loses text from its long facts first (the longest are cut first), then from everything else.
    """
    card_json = _fitted(card, viewer_actions)
    if card.view is not None and refresh_for:
        card_json["refresh"] = {"action": _execute("Refresh", card.view),
                                "userIds": list(dict.fromkeys(refresh_for))[:REFRESH_USERS_MAX]}
        if card_bytes(card_json) > CARD_BYTES_MAX:
            del card_json["refresh"]  # everyone sees the shared card: still right, only less tailored
    return card_json


def _fitted(card: Card, viewer_actions: bool) -> dict:
    card_json = _render(card, viewer_actions, long_max=TEXT_MAX, text_max=TEXT_MAX)
    if card_bytes(card_json) <= CARD_BYTES_MAX:
        return card_json
    fitted = _largest_fitting(
        lambda n: _render(card, viewer_actions, long_max=n, text_max=TEXT_MAX), LONG_FACT_MIN, TEXT_MAX
    ) or _largest_fitting(
        lambda n: _render(card, viewer_actions, long_max=min(n, LONG_FACT_MIN), text_max=n), TEXT_MIN, TEXT_MAX
    )
    if fitted is None:
        raise ValueError(f"card {card.title!r} is over {CARD_BYTES_MAX:,} bytes even with its text cut: "
                         "too many actions or options")
    return fitted
