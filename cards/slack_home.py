"""Slack's App Home tab: a search box, what the last search found, then the desk (cards/desk_views.py)."""

from __future__ import annotations

from typing import Any

from cards.model import ActionPayload, Card
from cards.slack import PLACEHOLDER_MAX, VIEW_BLOCKS_MAX, render_blocks
from cards.text import escape_truncate, truncate

SEARCH_BLOCK = "md_search"  # the search box's block id
SEARCH_ACTION = "md.search"  # its action id (Enter sends it at once); the Search button reads it from the view
SEARCH_MAX = 200  # what can be typed: a search, not an essay (and it travels in a button payload's `x`)
SEARCH_BUTTON = ActionPayload(a="search", k="desk", id="desk")


def render_home(desk: Card, *, found: Card | None = None, notice: str | None = None, words: str = "") -> dict[str, Any]:
    """The Home tab's view for views.publish, within Slack's 100 blocks."""
    element: dict[str, Any] = {
        "type": "plain_text_input", "action_id": SEARCH_ACTION, "max_length": SEARCH_MAX,
        "placeholder": {"type": "plain_text", "text": truncate("Words, an outlet, a journalist or a reference",
                                                               PLACEHOLDER_MAX)},
        "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]},
    }
    if words:
        element["initial_value"] = truncate(words, SEARCH_MAX)
    blocks: list[dict[str, Any]] = [
        {"type": "input", "block_id": SEARCH_BLOCK, "dispatch_action": True, "optional": True,
         "label": {"type": "plain_text", "text": "Search the media log (every case, open or closed)"},
         "element": element},
        {"type": "actions", "elements": [{"type": "button", "action_id": "md.search_button",
                                          "text": {"type": "plain_text", "text": "Search"},
                                          "value": SEARCH_BUTTON.encode()}]},
    ]
    if notice:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": escape_truncate(notice, 3000),
                                                   "verbatim": True}})
    if found is not None:
        blocks += render_blocks(found)
    if notice or found is not None:
        blocks.append({"type": "divider"})
    rest = render_blocks(desk)
    return {"type": "home", "blocks": blocks + rest[:VIEW_BLOCKS_MAX - len(blocks)]}


def typed_in(view: dict[str, Any] | None) -> str:
    """What is in the search box of a Home view sent back with a click."""
    values = ((view or {}).get("state") or {}).get("values") or {}
    box = (values.get(SEARCH_BLOCK) or {}).get(SEARCH_ACTION) or {}
    value = box.get("value") if isinstance(box, dict) else None
    return value if isinstance(value, str) else ""
