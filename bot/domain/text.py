"""Cleaning what people type before it is stored: invisible and direction-changing characters go."""

from __future__ import annotations

import unicodedata

# Zero-width characters and bidirectional overrides/isolates: they can hide or reverse text on a card.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
)


def clean(text: str) -> str:
    """NFC-normalise, drop invisible/bidi-override characters and control codes, trim."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    return text.strip()


def ending(text: str) -> str:
    """What someone typed, ending our sentence: a full stop only if it doesn't end with one already ("Police.")."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


ID_MAX = 2**31 - 1  # row ids, versions and counters all fit a 32-bit signed integer column


def small_int(value: object) -> int | None:
    """An id or version a button or form carried back: plain ASCII digits (or an int) from 0 to ID_MAX, else None.

    `str.isdigit()` is not enough: "¹²³⁰" passes it and then fails `int()`, and 10**30 would overflow the
    database's integer columns.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
    else:
        return None
    return number if 0 <= number <= ID_MAX else None
