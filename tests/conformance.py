"""Offline conformance checks against the platforms' published definitions.

Reusable from any test (``from tests.conformance import assert_block_kit``):

* :func:`validate_slack_manifest` checks an app manifest against Slack's manifest JSON Schema.
* :func:`check_block_kit` / :func:`check_view` list breaches of Slack's Block Kit limits, as compiled in
  ``block-kit-limits.json`` (the source of truth here); :func:`assert_block_kit` / :func:`assert_view`
  raise ``AssertionError`` listing them.

Specs live in ``tests/specs`` (see its PROVENANCE.md; override the folder with ``$MEDIADESK_SPECS``, e.g. to
try a newer schema) and are read lazily, on first use, never at import time. :func:`specs_dir` is the one
place every test finds them.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SPECS_ENV = "MEDIADESK_SPECS"
SPECS_DIR = Path(__file__).resolve().parent / "specs"
MANIFEST_SCHEMA = "slack-manifest.schema.json"
BLOCK_KIT_LIMITS = "block-kit-limits.json"

SURFACES = ("message", "modal", "home")
TEXT_TYPES = ("plain_text", "mrkdwn")
STYLES = ("primary", "danger")

# Which element types each container accepts, among those this checker covers.
ACCESSORY_ELEMENTS = ("button", "static_select", "overflow", "image")
ACTIONS_ELEMENTS = ("button", "static_select", "overflow", "datetimepicker")
INPUT_ELEMENTS = ("plain_text_input", "static_select", "datetimepicker", "checkboxes")
CHECKBOXES_OPTIONS_MAX = 10  # docs: "A maximum of 10 options are allowed" (checkboxes element)
CONTEXT_ELEMENTS = ("plain_text", "mrkdwn", "image")


# --------------------------------------------------------------------------- spec loading


def specs_dir() -> Path:
    """The folder holding the platforms' specs: ``$MEDIADESK_SPECS`` or ``tests/specs`` in this repository."""
    override = os.environ.get(SPECS_ENV)
    return Path(override) if override else SPECS_DIR


@functools.lru_cache(maxsize=16)
def _read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def load_spec(name: str) -> Any:
    """Parse a JSON spec file from :func:`specs_dir` (cached per path)."""
    path = specs_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"spec {name!r} not found in {path.parent} (set ${SPECS_ENV} to override)")
    return _read_json(path)


@functools.lru_cache(maxsize=16)
def _flatten_limits(path: Path) -> dict[str, int]:
    raw = _read_json(path)
    return {
        f"{group}.{key}": entry["value"]
        for group, entries in raw.items()
        if isinstance(entries, dict)
        for key, entry in entries.items()
        if isinstance(entry, dict) and "value" in entry
    }


def block_kit_limits() -> dict[str, int]:
    """All limits from ``block-kit-limits.json``, keyed ``"<group>.<name>"`` (e.g. ``element.button.text_max``)."""
    load_spec(BLOCK_KIT_LIMITS)  # existence check with a readable error
    return _flatten_limits(specs_dir() / BLOCK_KIT_LIMITS)


# --------------------------------------------------------------------------- app manifest


def _regex_keyword(validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]) -> Iterable[Any]:
    """Honour the manifest schema's non-standard ``regex`` keyword (it means ``pattern``)."""
    from jsonschema import ValidationError

    if isinstance(instance, str) and not re.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.lru_cache(maxsize=16)
def _manifest_validator(path: Path) -> Any:
    from jsonschema import Draft7Validator, validators

    schema = _read_json(path)
    Draft7Validator.check_schema(schema)
    cls = validators.extend(Draft7Validator, {"regex": _regex_keyword})
    return cls(schema, format_checker=Draft7Validator.FORMAT_CHECKER)


def validate_slack_manifest(data: dict) -> None:
    """Validate a Slack app manifest against the draft-07 manifest schema; raise ``AssertionError`` listing every error."""
    load_spec(MANIFEST_SCHEMA)
    validator = _manifest_validator(specs_dir() / MANIFEST_SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        lines = [f"  {'.'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message}" for e in errors]
        raise AssertionError(f"Slack manifest does not conform to {MANIFEST_SCHEMA}:\n" + "\n".join(lines))


# --------------------------------------------------------------------------- Block Kit


class _Checker:
    """Walks blocks and records violations as ``"<path>: <problem>"`` strings."""

    def __init__(self, limits: Mapping[str, int]) -> None:
        self.limits = limits
        self.errors: list[str] = []

    # -- primitives

    def add(self, where: str, problem: str) -> None:
        self.errors.append(f"{where}: {problem}")

    def max_len(self, where: str, value: Any, key: str, what: str) -> None:
        limit = self.limits[key]
        if isinstance(value, str) and len(value) > limit:
            self.add(where, f"{what} is {len(value)} chars, max {limit} [{key}]")

    def max_items(self, where: str, items: list[Any], key: str, what: str) -> None:
        limit = self.limits[key]
        if len(items) > limit:
            self.add(where, f"{len(items)} {what}, max {limit} [{key}]")

    def string(self, where: str, value: Any, key: str, what: str, *, required: bool = False) -> None:
        if value is None:
            if required:
                self.add(where, f"{what} is required")
        elif not isinstance(value, str):
            self.add(where, f"{what} must be a string, got {type(value).__name__}")
        else:
            self.max_len(where, value, key, what)

    def array(self, where: str, value: Any, what: str, *, required: bool = True) -> list[Any]:
        if value is None:
            if required:
                self.add(where, f"{what} is required")
            return []
        if not isinstance(value, list):
            self.add(where, f"{what} must be a list, got {type(value).__name__}")
            return []
        return value

    def text(
        self,
        where: str,
        obj: Any,
        what: str,
        key: str | None = None,
        *,
        plain_only: bool = False,
        required: bool = True,
    ) -> None:
        """A composition text object; ``key`` names the length limit for its ``text``, if any."""
        if obj is None:
            if required:
                self.add(where, f"{what} is required")
            return
        if not isinstance(obj, dict):
            self.add(where, f"{what} must be a text object, got {type(obj).__name__}")
            return
        kind = obj.get("type")
        if kind not in TEXT_TYPES:
            self.add(where, f"{what} has text type {kind!r}, expected one of {TEXT_TYPES}")
        elif plain_only and kind != "plain_text":
            self.add(where, f"{what} must be plain_text, not {kind}")
        value = obj.get("text")
        if not isinstance(value, str) or not value:
            self.add(f"{where}.text", f"{what} must be a non-empty string")
        elif key:
            self.max_len(f"{where}.text", value, key, what)

    def unique(self, where: str, value: Any, i: int, seen: dict[str, int], what: str, among: str,
               within: str = "") -> None:
        """An id (a string `value` at index `i` of `among`) must not repeat one in `seen`; remembers it."""
        if not isinstance(value, str):
            return
        if value in seen:
            self.add(where, f"duplicate {what} {value!r}{within} (also {among}[{seen[value]}])")
        else:
            seen[value] = i

    # -- composition objects

    def option(self, where: str, opt: Any) -> None:
        if not isinstance(opt, dict):
            self.add(where, "option must be an object")
            return
        self.text(f"{where}.text", opt.get("text"), "option text", "composition.option.text_max", plain_only=True)
        self.string(f"{where}.value", opt.get("value"), "composition.option.value_max", "option value", required=True)

    def options(self, where: str, opts: list[Any]) -> None:
        for i, opt in enumerate(opts):
            self.option(f"{where}[{i}]", opt)

    def confirm(self, where: str, obj: Any) -> None:
        if obj is None:
            return
        if not isinstance(obj, dict):
            self.add(where, "confirm must be an object")
            return
        for name, what in (("title", "confirm title"), ("text", "confirm text"), ("confirm", "confirm button"),
                           ("deny", "deny button")):
            self.text(f"{where}.{name}", obj.get(name), what, f"composition.confirm.{name}_max",
                      plain_only=name != "text")  # only the text may be mrkdwn
        if "style" in obj and obj["style"] not in STYLES:
            self.add(f"{where}.style", f"style {obj['style']!r} is not one of {STYLES}")

    # -- elements

    def element(self, where: str, el: Any, allowed: tuple[str, ...], container: str) -> None:
        if not isinstance(el, dict):
            self.add(where, "element must be an object")
            return
        kind = el.get("type")
        if kind not in allowed:
            self.add(where, f"element type {kind!r} is not allowed in {container} (checked types: {allowed})")
            return
        if kind in TEXT_TYPES:
            self.text(where, el, f"{container} text")
            return
        if kind == "image":
            self.image(where, el)
            return
        self.string(f"{where}.action_id", el.get("action_id"), "element.action_id_max", "action_id")
        if kind == "button":
            self.button(where, el)
            return
        if kind in ("static_select", "plain_text_input"):
            self.text(f"{where}.placeholder", el.get("placeholder"), "placeholder", "element.placeholder_max",
                      plain_only=True, required=False)
        if kind == "static_select":
            self.static_select(where, el)
        elif kind == "overflow":
            self.overflow(where, el)
        elif kind == "plain_text_input":
            self.plain_text_input(where, el)
        elif kind == "checkboxes":
            self.checkboxes(where, el)
        elif kind == "datetimepicker":
            value = el.get("initial_date_time")
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                self.add(f"{where}.initial_date_time", "initial_date_time must be an integer UNIX timestamp")
        self.confirm(f"{where}.confirm", el.get("confirm"))

    def button(self, where: str, el: dict) -> None:
        self.text(f"{where}.text", el.get("text"), "button text", "element.button.text_max", plain_only=True)
        self.string(f"{where}.value", el.get("value"), "element.button.value_max", "button value")
        self.string(f"{where}.url", el.get("url"), "element.button.url_max", "button url")
        self.string(
            f"{where}.accessibility_label",
            el.get("accessibility_label"),
            "element.button.accessibility_label_max",
            "button accessibility_label",
        )
        if "style" in el and el["style"] not in STYLES:
            self.add(f"{where}.style", f"style {el['style']!r} is not one of {STYLES}")
        self.confirm(f"{where}.confirm", el.get("confirm"))

    def static_select(self, where: str, el: dict) -> None:
        has_options, has_groups = "options" in el, "option_groups" in el
        if has_options == has_groups:
            self.add(where, "static_select needs exactly one of options / option_groups")
        every: list[Any] = []
        if has_options:
            opts = self.array(f"{where}.options", el["options"], "options")
            self.max_items(f"{where}.options", opts, "element.static_select.options_max", "options")
            self.options(f"{where}.options", opts)
            every += opts
        if has_groups:
            groups = self.array(f"{where}.option_groups", el["option_groups"], "option_groups")
            self.max_items(
                f"{where}.option_groups", groups, "element.static_select.option_groups_max", "option groups"
            )
            for i, group in enumerate(groups):
                gw = f"{where}.option_groups[{i}]"
                if not isinstance(group, dict):
                    self.add(gw, "option group must be an object")
                    continue
                self.text(f"{gw}.label", group.get("label"), "option group label",
                          "composition.option_group.label_max", plain_only=True)
                opts = self.array(f"{gw}.options", group.get("options"), "options")
                self.max_items(f"{gw}.options", opts, "composition.option_group.options_max", "options")
                self.options(f"{gw}.options", opts)
                every += opts
        initial = el.get("initial_option")
        if initial is not None:
            self.option(f"{where}.initial_option", initial)
            if initial not in every:
                self.add(
                    f"{where}.initial_option", "initial_option does not exactly match any of the options"
                )

    def overflow(self, where: str, el: dict) -> None:
        opts = self.array(f"{where}.options", el.get("options"), "options")
        low, high = self.limits["element.overflow.options_min"], self.limits["element.overflow.options_max"]
        if not low <= len(opts) <= high:
            self.add(
                f"{where}.options",
                f"{len(opts)} options, need {low}..{high} [element.overflow.options_min/options_max]",
            )
        self.options(f"{where}.options", opts)

    def checkboxes(self, where: str, el: dict) -> None:
        opts = self.array(f"{where}.options", el.get("options"), "options")
        if not 1 <= len(opts) <= CHECKBOXES_OPTIONS_MAX:
            self.add(f"{where}.options", f"{len(opts)} options, need 1..{CHECKBOXES_OPTIONS_MAX} (checkboxes)")
        self.options(f"{where}.options", opts)
        for i, initial in enumerate(el.get("initial_options") or []):
            if initial not in opts:
                self.add(f"{where}.initial_options[{i}]", "initial option does not exactly match any option")

    def plain_text_input(self, where: str, el: dict) -> None:
        low, high = el.get("min_length"), el.get("max_length")
        if isinstance(low, int) and isinstance(high, int) and low > high:
            self.add(where, f"min_length {low} exceeds max_length {high}")
        if "initial_value" in el and not isinstance(el["initial_value"], str):
            self.add(f"{where}.initial_value", "initial_value must be a string")

    def image(self, where: str, el: dict) -> None:
        if "image_url" not in el and "slack_file" not in el:
            self.add(where, "image needs image_url or slack_file")
        self.string(
            f"{where}.image_url", el.get("image_url"), "element.image_element.image_url_max", "image_url"
        )
        self.string(
            f"{where}.alt_text",
            el.get("alt_text"),
            "element.image_element.alt_text_max",
            "alt_text",
            required=True,
        )

    # -- blocks

    def blocks(self, blocks: Any, surface: str) -> None:
        if not isinstance(blocks, list):
            self.add("blocks", f"must be a list, got {type(blocks).__name__}")
            return
        key = "message.blocks_max" if surface == "message" else "view.blocks_max_modal_or_home"
        self.max_items("blocks", blocks, key, f"blocks in a {surface}")
        seen: dict[str, int] = {}
        for i, block in enumerate(blocks):
            if not isinstance(block, dict):
                self.add(f"blocks[{i}]", "block must be an object")
                continue
            where = f"blocks[{i}]<{block.get('type')}>"
            block_id = block.get("block_id")
            self.string(f"{where}.block_id", block_id, "block.block_id_max", "block_id")
            self.unique(f"{where}.block_id", block_id, i, seen, "block_id", "blocks")
            self.block(where, block)

    def block(self, where: str, block: dict) -> None:
        kind = block.get("type")
        if kind == "divider":
            return
        if kind == "header":
            self.text(
                f"{where}.text", block.get("text"), "header text", "block.header.text_max", plain_only=True
            )
        elif kind == "section":
            self.section(where, block)
        elif kind == "context":
            elements = self.array(f"{where}.elements", block.get("elements"), "elements")
            if not elements:
                self.add(f"{where}.elements", "context needs at least one element")
            self.max_items(f"{where}.elements", elements, "block.context.elements_max", "elements")
            for i, el in enumerate(elements):
                self.element(f"{where}.elements[{i}]", el, CONTEXT_ELEMENTS, "context")
        elif kind == "actions":
            self.actions(where, block)
        elif kind == "input":
            self.text(
                f"{where}.label", block.get("label"), "input label", "block.input.label_max", plain_only=True
            )
            self.text(
                f"{where}.hint",
                block.get("hint"),
                "input hint",
                "block.input.hint_max",
                plain_only=True,
                required=False,
            )
            if block.get("element") is None:
                self.add(f"{where}.element", "input block needs an element")
            else:
                self.element(f"{where}.element", block["element"], INPUT_ELEMENTS, "input")
        else:
            self.add(where, f"block type {kind!r} is not covered by these checks")

    def section(self, where: str, block: dict) -> None:
        if block.get("text") is None and block.get("fields") is None:
            self.add(where, "section needs text or fields")
        self.text(
            f"{where}.text", block.get("text"), "section text", "block.section.text_max", required=False
        )
        fields = self.array(f"{where}.fields", block.get("fields"), "fields", required=False)
        self.max_items(f"{where}.fields", fields, "block.section.fields_max_items", "fields")
        for i, field in enumerate(fields):
            self.text(f"{where}.fields[{i}]", field, "section field", "block.section.fields_item_text_max")
        if block.get("accessory") is not None:
            self.element(f"{where}.accessory", block["accessory"], ACCESSORY_ELEMENTS, "section accessory")

    def actions(self, where: str, block: dict) -> None:
        elements = self.array(f"{where}.elements", block.get("elements"), "elements")
        if not elements:
            self.add(f"{where}.elements", "actions needs at least one element")
        self.max_items(f"{where}.elements", elements, "block.actions.elements_max", "elements")
        seen: dict[str, int] = {}
        for i, el in enumerate(elements):
            self.element(f"{where}.elements[{i}]", el, ACTIONS_ELEMENTS, "actions")
            action_id = el.get("action_id") if isinstance(el, dict) else None
            self.unique(f"{where}.elements[{i}].action_id", action_id, i, seen, "action_id", "elements", " in block")


def check_block_kit(blocks: list[dict], *, surface: str = "message") -> list[str]:
    """Return every breach of Slack's Block Kit limits in ``blocks`` (empty when they conform).

    ``surface`` is ``"message"`` (max 50 blocks), ``"modal"`` or ``"home"`` (max 100).
    """
    if surface not in SURFACES:
        raise ValueError(f"surface must be one of {SURFACES}, not {surface!r}")
    checker = _Checker(block_kit_limits())
    checker.blocks(blocks, surface)
    return checker.errors


def check_view(view: dict) -> list[str]:
    """Return every breach of Slack's limits in a modal (or home tab) view, blocks included."""
    checker = _Checker(block_kit_limits())
    if not isinstance(view, dict):
        return [f"view: must be an object, got {type(view).__name__}"]
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.add("view.type", f"type {kind!r} is not 'modal' or 'home'")
    modal = kind == "modal"
    checker.text("view.title", view.get("title"), "title", "view.title_max", plain_only=True, required=modal)
    checker.text(
        "view.submit", view.get("submit"), "submit", "view.submit_max", plain_only=True, required=False
    )
    checker.text("view.close", view.get("close"), "close", "view.close_max", plain_only=True, required=False)
    checker.string(
        "view.private_metadata", view.get("private_metadata"), "view.private_metadata_max", "private_metadata"
    )
    checker.string("view.callback_id", view.get("callback_id"), "view.callback_id_max", "callback_id")
    blocks = view.get("blocks")
    if blocks is None:
        checker.add("view.blocks", "blocks is required")
    else:
        has_input = isinstance(blocks, list) and any(
            isinstance(b, dict) and b.get("type") == "input" for b in blocks
        )
        if (
            modal
            and has_input
            and view.get("submit") is None
            and checker.limits["view.submit_required_when_input_block_present"]
        ):
            checker.add(
                "view.submit",
                "submit is required when the view has an input block "
                "[view.submit_required_when_input_block_present]",
            )
        checker.blocks(blocks, "modal" if kind != "home" else "home")
    return checker.errors


def _raise(errors: list[str], what: str) -> None:
    if errors:
        raise AssertionError(
            f"{len(errors)} Block Kit violation(s) in {what}:\n" + "\n".join(f"  {e}" for e in errors)
        )


def assert_block_kit(blocks: list[dict], *, surface: str = "message") -> None:
    """Raise ``AssertionError`` listing every violation found by :func:`check_block_kit`."""
    _raise(check_block_kit(blocks, surface=surface), surface)


def assert_view(view: dict) -> None:
    """Raise ``AssertionError`` listing every violation found by :func:`check_view`."""
    _raise(check_view(view), "view")
