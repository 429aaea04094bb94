"""Text helpers shared by the renderers: Slack escaping and length-safe truncation."""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"
# How far back from the cut we look for a space, as a fraction of the limit (capped).
_WORD_WINDOW_FRACTION = 0.2
_WORD_WINDOW_MAX = 30
# Characters that belong to the character before them: cutting in front of one would split a grapheme.
_ZWJ = "\u200d"
_ENTITIES = ("&amp;", "&lt;", "&gt;")


def escape_mrkdwn(text: str) -> str:
    """Escape Slack's control characters (&, <, >) so text can never mention, broadcast or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _joins_previous(ch: str) -> bool:
    """True for marks that attach to the preceding character (combining marks, ZWJ, selectors, skin tones)."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or ch == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin-tone modifiers
    )


def _safe_cut(text: str, cut: int) -> int:
    """Move a cut position back so it does not split a base character from its marks or a ZWJ sequence."""
    while cut > 0 and (_joins_previous(text[cut]) or text[cut - 1] == _ZWJ):
        cut -= 1
    if cut > 0 and _is_regional(text[cut]):  # flags are pairs of regional indicators: keep pairs whole
        start = cut
        while start > 0 and _is_regional(text[start - 1]):
            start -= 1
        cut -= (cut - start) % 2
    return cut


def _is_regional(ch: str) -> bool:
    """True for a regional indicator symbol (half of a flag emoji)."""
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def truncate(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters, ending with "…" when cut; prefer a nearby word boundary."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit == 1:
        return ELLIPSIS
    cut = _safe_cut(text, limit - 1)
    window = min(_WORD_WINDOW_MAX, int(limit * _WORD_WINDOW_FRACTION))
    if window and not text[cut].isspace():
        space = max(text.rfind(" ", 0, cut), text.rfind("\n", 0, cut))
        if space >= cut - window and space > 0:
            cut = space
    head = text[:cut].rstrip()
    return head + ELLIPSIS


def escape_truncate(text: str, limit: int) -> str:
    """Escape for mrkdwn, then truncate without leaving half an entity such as "&am" before the "…"."""
    escaped = escape_mrkdwn(text)
    if len(escaped) <= limit:
        return escaped
    out = truncate(escaped, limit)
    if not out.endswith(ELLIPSIS):
        return out
    head = out[: -len(ELLIPSIS)]
    amp = head.rfind("&")
    if amp != -1 and not any(head.startswith(entity, amp) for entity in _ENTITIES):
        head = head[:amp].rstrip()
    return head + ELLIPSIS
