"""Slack renderer: the neutral card as Block Kit, and a form declaration as a Slack modal."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks import Option as SlackOption
from slack_sdk.models.views import View

from bot.domain.forms import Context, Field, Form, Kind
from cards.model import Button, Card, Fact, Select
from cards.text import escape_truncate, truncate

# Limits from tests/specs/block-kit-limits.json (characters unless noted).
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
HEADER_MAX = 150
SECTION_TEXT_MAX = 3000
FIELD_TEXT_MAX = 2000
FIELDS_PER_SECTION = 10
CONTEXT_ELEMENTS_MAX = 10
CONTEXT_TEXT_MAX = 3000  # a text object's own limit
ACTIONS_PER_BLOCK = 25
ACTION_ID_MAX = 255
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2000
PLACEHOLDER_MAX = 150
OPTIONS_MAX = 100
CHANNEL_MENTION = "<!channel> "
CHECKBOXES_MAX = 10  # Slack: at most 10 options in a checkboxes element
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
CONFIRM_TITLE = "Are you sure?"
CONFIRM_TEXT_MAX = 300
MESSAGE_TEXT_MAX = 3000
VIEW_TITLE_MAX = 24
VIEW_SUBMIT_MAX = 24
VIEW_CLOSE = "Cancel"
CALLBACK_ID_MAX = 255
PRIVATE_METADATA_MAX = 3000
INPUT_LABEL_MAX = 2000
INPUT_HINT_MAX = 2000
INPUT_MAX_LENGTH = 3000  # plain_text_input max_length ceiling
LABEL_MAX = 300  # a fact's label: ours, short; bounded so the value keeps its room
ERROR_MAX = 300  # an inline modal error: Slack shows it under the input
INPUT_ACTION_ID = "value"
MORE_NOT_SHOWN = "… (more not shown)"
URGENT_PREFIX = "🚨 "


def _mrkdwn(text: str) -> MarkdownTextObject:
    """A mrkdwn text object that Slack will not auto-link or auto-mention (the text is already escaped)."""
    return MarkdownTextObject(text=text, verbatim=True)


def _plain(text: str, limit: int) -> PlainTextObject:
    """A plain_text object cut to `limit` (plain text cannot mention or link, so it is not escaped)."""
    return PlainTextObject(text=truncate(text, limit) or " ", emoji=True)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _labelled(label: str, value: str, limit: int) -> str:
    """`*Label*` and a newline, then the escaped value, within `limit` characters."""
    head = f"*{escape_truncate(label.strip(), LABEL_MAX)}*"
    if not value.strip():
        return head
    head += "\n"
    return head + escape_truncate(value, limit - len(head))


def _fact_blocks(facts: Sequence[Fact]) -> list[Block]:
    """Runs of short facts as section fields (≤ 10 per section); each long fact in its own section."""
    blocks: list[Block] = []
    run: list[Fact] = []

    def flush() -> None:
        for chunk in _chunks(run, FIELDS_PER_SECTION):
            blocks.append(
                SectionBlock(fields=[_mrkdwn(_labelled(f.label, f.value, FIELD_TEXT_MAX)) for f in chunk])
            )
        run.clear()

    for fact in facts:
        if fact.long:
            flush()
            blocks.append(SectionBlock(text=_mrkdwn(_labelled(fact.label, fact.value, SECTION_TEXT_MAX))))
        else:
            run.append(fact)
    flush()
    return blocks


def _button(button: Button, index: int) -> ButtonElement:
    """A Button as a ButtonElement whose value is the encoded payload."""
    value = button.payload.encode()
    if len(value) > BUTTON_VALUE_MAX:
        raise ValueError(f"button payload is {len(value)} characters; Slack allows {BUTTON_VALUE_MAX}")
    confirm = None
    if button.confirm:
        confirm = ConfirmObject(
            title=_plain(CONFIRM_TITLE, 100),
            text=_plain(button.confirm, CONFIRM_TEXT_MAX),
            confirm=_plain("Yes", 30),
            deny=_plain("Cancel", 30),
        )
    return ButtonElement(
        text=_plain(button.label, BUTTON_TEXT_MAX),
        action_id=f"md.{button.payload.a}.{index}"[:ACTION_ID_MAX],
        value=value,
        style=button.style,
        confirm=confirm,
    )


def _option(label: str, value: str) -> SlackOption:
    """A static-select option; a value over Slack's limit is a programming error, not something to cut."""
    if len(value) > OPTION_VALUE_MAX:
        raise ValueError(
            f"option value is {len(value)} characters; Slack allows {OPTION_VALUE_MAX}: {value[:60]}…"
        )
    return SlackOption(value=value, text=_plain(label, OPTION_TEXT_MAX))


def _select(select: Select, index: int) -> StaticSelectElement:
    """A Select as a StaticSelectElement whose option values are the encoded payloads."""
    if not select.options:
        raise ValueError(f"select {select.placeholder!r} has no options")
    return StaticSelectElement(
        action_id=f"md.select.{index}",
        placeholder=_plain(select.placeholder, PLACEHOLDER_MAX),
        options=[_option(o.label, o.payload.encode()) for o in select.options[:OPTIONS_MAX]],
    )


def _action_blocks(actions: Sequence[Button | Select]) -> list[Block]:
    """Buttons and selects in ActionsBlocks of at most 25 elements, action ids unique across the card."""
    elements = [
        _button(action, i) if isinstance(action, Button) else _select(action, i)
        for i, action in enumerate(actions)
    ]
    return [ActionsBlock(elements=list(chunk)) for chunk in _chunks(elements, ACTIONS_PER_BLOCK)]


def _context(texts: Sequence[str]) -> list[Block]:
    """Escaped mrkdwn context blocks, at most 10 elements each; empty texts are dropped."""
    texts = [t for t in texts if t.strip()]
    return [
        ContextBlock(elements=[_mrkdwn(escape_truncate(t, CONTEXT_TEXT_MAX)) for t in chunk])
        for chunk in _chunks(texts, CONTEXT_ELEMENTS_MAX)
    ]


def _cap(content: list[Block], actions: list[Block]) -> list[Block]:
    """Keep within 50 blocks: drop trailing content (never the actions) and say that more was not shown."""
    if len(content) + len(actions) <= MESSAGE_BLOCKS_MAX:
        return content + actions
    keep = max(MESSAGE_BLOCKS_MAX - 1 - len(actions), 0)
    return (
        content[:keep]
        + [ContextBlock(elements=[_mrkdwn(MORE_NOT_SHOWN)])]
        + actions[: MESSAGE_BLOCKS_MAX - 1 - keep]
    )


def render_blocks(card: Card) -> list[dict]:
    """The card as Block Kit blocks (dicts), within every Slack limit."""
    content: list[Block] = []
    title = (URGENT_PREFIX if card.urgent else "") + card.title.strip()
    if title.strip():
        content.append(HeaderBlock(text=_plain(title, HEADER_MAX)))
    if card.status and card.status.strip():
        content.append(
            SectionBlock(text=_mrkdwn(f"*{escape_truncate(card.status.strip(), SECTION_TEXT_MAX - 2)}*"))
        )
    if card.subtitle:
        content.extend(_context([card.subtitle]))
    if card.body and card.body.strip():
        content.append(SectionBlock(text=_mrkdwn(escape_truncate(card.body, SECTION_TEXT_MAX))))
    content.extend(_fact_blocks(card.facts))
    content.extend(_context(card.notes))
    blocks = _cap(content, _action_blocks(card.actions))
    return [b.to_dict() for b in blocks]


def render_message(card: Card) -> dict:
    """Keyword arguments for chat.postMessage / chat.update: fallback text and blocks."""
    fallback = card.text.strip() or card.title
    text = escape_truncate(fallback, MESSAGE_TEXT_MAX - len(CHANNEL_MENTION))
    if card.notify_channel:
        text = CHANNEL_MENTION + text  # the only unescaped markup we ever send, and never from user input
    return {"text": text, "blocks": render_blocks(card)}


def _initial_text(field: Field, value: Any, ctx: Context | None) -> str | None:
    """A value as the text to pre-fill (see Field.as_typed), within the input's length."""
    text = field.as_typed(value, ctx.tz if ctx else None)
    return None if text is None else truncate(text, min(field.max_len, INPUT_MAX_LENGTH))


def _input_element(
    field: Field, value: Any, ctx: Context | None
) -> PlainTextInputElement | StaticSelectElement | CheckboxesElement:
    """The input element for one field: a text box (one or several lines) or a static select."""
    if field.kind in (Kind.CHOICE, Kind.FLAGS) and not field.choices:
        raise ValueError(f"field {field.name!r} has nothing to choose from (see bot/domain/role_fields.py)")
    placeholder = _plain(field.placeholder, PLACEHOLDER_MAX) if field.placeholder else None
    if field.kind is Kind.FLAGS:
        options = [_option(c.label, c.value) for c in field.choices[:CHECKBOXES_MAX]]
        chosen = set(value or [])
        return CheckboxesElement(action_id=INPUT_ACTION_ID, options=options,
                                 initial_options=[o for o in options if o.value in chosen] or None)
    if field.kind is Kind.CHOICE:
        options = [_option(c.label, c.value) for c in field.choices[:OPTIONS_MAX]]
        initial = next((o for o in options if value is not None and o.value == str(value)), None)
        return StaticSelectElement(
            action_id=INPUT_ACTION_ID,
            placeholder=placeholder or _plain("Choose one", PLACEHOLDER_MAX),
            options=options,
            initial_option=initial,
        )
    return PlainTextInputElement(
        action_id=INPUT_ACTION_ID,
        placeholder=placeholder,
        initial_value=_initial_text(field, value, ctx),
        multiline=True if field.kind is Kind.LONG_TEXT else None,
        max_length=min(field.max_len, INPUT_MAX_LENGTH),
    )


def render_modal(
    form: Form,
    *,
    callback_id: str,
    private_metadata: str,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    ctx: Context | None = None,
) -> dict:
    """The form as a Slack modal view: the policy guidance, then one input block per field."""
    if len(callback_id) > CALLBACK_ID_MAX:
        raise ValueError(f"callback_id is {len(callback_id)} characters; Slack allows {CALLBACK_ID_MAX}")
    if len(private_metadata) > PRIVATE_METADATA_MAX:
        raise ValueError(
            f"private_metadata is {len(private_metadata)} characters; Slack allows {PRIVATE_METADATA_MAX}"
        )
    values = values or {}
    blocks: list[Block] = _context([form.screen_intro])
    if errors:
        blocks.extend(_context([f"⚠️ {message}" for message in dict.fromkeys(errors.values())]))
    for field in form.fields:
        blocks.append(
            InputBlock(
                block_id=field.name,
                label=_plain(field.label, INPUT_LABEL_MAX),
                hint=_plain(field.help, INPUT_HINT_MAX) if field.help else None,
                optional=field.optional,
                element=_input_element(field, values.get(field.name), ctx),
            )
        )
    if len(blocks) > VIEW_BLOCKS_MAX:
        raise ValueError(f"form {form.id!r} needs {len(blocks)} blocks; a modal allows {VIEW_BLOCKS_MAX}")
    view = View(
        type="modal",
        callback_id=callback_id,
        private_metadata=private_metadata,
        title=_plain(form.title, VIEW_TITLE_MAX),
        submit=_plain(form.submit_label, VIEW_SUBMIT_MAX),
        close=_plain(VIEW_CLOSE, VIEW_SUBMIT_MAX),
        blocks=blocks,
    )
    return view.to_dict()


def _state_text(state: Mapping[str, Any]) -> str | None:
    """The raw text of one element's state: a typed value, the selected option's value, or ticked boxes."""
    if isinstance(state.get("selected_options"), list):
        return ",".join(str(o.get("value")) for o in state["selected_options"] if isinstance(o, Mapping))
    option = state.get("selected_option")
    if isinstance(option, Mapping):
        raw = option.get("value")
    else:
        raw = state.get("value")
    if raw is None:
        return None
    text = str(raw)
    return text if text.strip() else None


def read_modal_values(form: Form, state_values: Mapping[str, Any]) -> dict[str, str | None]:
    """A view_submission's `view.state.values` as raw strings per field name (None when empty)."""
    result: dict[str, str | None] = {}
    for field in form.fields:
        block = state_values.get(field.name) or {}
        state = block.get(INPUT_ACTION_ID) or next(iter(block.values()), None)
        result[field.name] = _state_text(state) if isinstance(state, Mapping) else None
    return result


def modal_errors(errors: Mapping[str, str]) -> dict:
    """The view_submission response that shows each message inline under its input (block id = field name)."""
    return {
        "response_action": "errors",
        "errors": {name: truncate(message, ERROR_MAX) for name, message in errors.items()},
    }
