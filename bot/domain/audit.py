"""The history as a hash chain: each entry names the one before it, across all cases and within its own.

An entry's hash covers its place (`seq`, gapless), when, what and who, the hash of the entry before it in the
whole history (`prev`) and in the same case (`case_prev`), and its content's *seal*: the SHA-256 of a random
salt and the content (compact JSON, as stored). Changing an entry changes its hash; removing or reordering one breaks
the next entry's `prev`; rewriting everything from some point on changes the chain's head, which an anchor kept
elsewhere (the log, the Director's chat) still shows.

The seal is what lets personal data be removed (a redaction, a case destroyed at the end of its retention)
without breaking the chain: the content is replaced and its salt deleted, the seal stays. Without the salt the
seal says nothing about what was removed, and the chain still holds; a later "redacted" entry of the same case
must name every entry so treated. Only the standard library's SHA-256 is used.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # the `prev` of the first entry ever written
REDACTED = "$redacted"  # the key a redacted entry's content carries (what is left of it, unsealed)
REDACTION_EVENTS = frozenset({"redacted", "destroyed"})  # entries whose data["entries"] names the entries redacted


@dataclass(frozen=True)
class ChainedEntry:
    """One history row as stored, with its place in the chain."""

    seq: int
    case_ref: str
    at: datetime
    event: str
    actor: str
    actor_email: str | None
    content: str  # the content as stored: compact JSON (see `compact`)
    prev: str
    case_prev: str | None
    hash: str
    seal: str = ""
    salt: str | None = None  # None once the content was redacted

    @property
    def data(self) -> dict[str, Any]:
        return dict(json.loads(self.content or "{}"))


def compact(value: Any) -> bytes:
    """Content as JSON without spaces, keys in their own order (a form's answers keep theirs), times in UTC.
    The database keeps JSON in exactly this form (storage.db), so a seal is checked on the stored bytes."""
    return _COMPACT.encode(value).encode()


def _plain(value: Any) -> str:
    if isinstance(value, datetime):
        return _instant(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


# The encoders' settings as objects, made once: json.dumps would build a new encoder for each entry.
_LIST = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=_plain)


def _instant(at: datetime) -> str:
    if at.tzinfo is not UTC:  # SQLite hands times back without a zone: they were written in UTC
        at = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC)
    return at.isoformat(timespec="microseconds")




def new_salt() -> str:
    return secrets.token_hex(32)


def seal(salt: str, data: dict[str, Any]) -> str:
    """The content's seal: without the salt, nothing can be learned from it about the content."""
    return seal_stored(salt, compact(data).decode())


def seal_stored(salt: str, content: str) -> str:
    """The seal of content as stored (the database keeps JSON in compact form: storage.db)."""
    return hashlib.sha256(bytes.fromhex(salt) + content.encode()).hexdigest()


def entry_hash(seq: int, case_ref: str, at: datetime, event: str, actor: str, actor_email: str | None,
               sealed: str, prev: str, case_prev: str | None) -> str:
    # A list, in a fixed order: the same bytes for the same entry, and quicker to write than a sorted object.
    fields = [seq, case_ref, _instant(at), event, actor, actor_email, sealed, prev, case_prev]
    return hashlib.sha256(_LIST.encode(fields).encode()).hexdigest()


def rehash(e: ChainedEntry) -> str:
    return entry_hash(e.seq, e.case_ref, e.at, e.event, e.actor, e.actor_email, e.seal, e.prev, e.case_prev)


@dataclass(frozen=True)
class Anchor:
    """The chain's head at a moment: `seq` entries were written and the last had `hash`."""

    seq: int
    hash: str
    at: datetime | None = None

    def text(self) -> str:
        return f"{self.seq}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Anchor:
        seq, _, digest = text.strip().partition(":")
        if not seq.isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"an anchor looks like 1234:<64 hex digits>, not {text!r}")
        return cls(int(seq), digest)


@dataclass(frozen=True)
class Verdict:
    """What walking the chain found: how many entries held, and the first that did not (None: all held)."""

    checked: int
    head: Anchor | None
    problem: str | None = None
    at_seq: int | None = None
    case_ref: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class ChainWalk:
    """Walks the entries in `seq` order, one at a time (the history need not fit in memory); stops at the first
    that was changed, removed or put out of order, or at an anchor the chain no longer matches."""

    def __init__(self, anchors: Iterable[Anchor] = ()) -> None:
        self.wanted: dict[int, list[Anchor]] = {}
        for a in anchors:
            self.wanted.setdefault(a.seq, []).append(a)
        self.prev, self.expected_seq, self.checked = GENESIS, 1, 0
        self.case_heads: dict[str, str] = {}
        self.last: ChainedEntry | None = None
        self.verdict: Verdict | None = None  # set at the first problem
        self.unexplained: dict[int, ChainedEntry] = {}  # redacted entries no redaction entry has named yet

    def _broken(self, why: str, e: ChainedEntry | None, seq: int | None = None) -> bool:
        head = Anchor(self.last.seq, self.last.hash) if self.last else None
        self.verdict = Verdict(self.checked, head, why, seq if seq is not None else (e.seq if e else None),
                               e.case_ref if e else None)
        return False

    def step(self, e: ChainedEntry) -> bool:
        """Check the next entry; False once a problem is found (`verdict` says what)."""
        if self.verdict is not None:
            return False
        if e.seq == 0:
            return self._broken(f"an entry for {e.case_ref} ({e.event}) was put in outside Media Desk: it has no "
                                "place in the chain", e)
        if e.seq != self.expected_seq:
            why = (f"entry {self.expected_seq} is missing (the next entry found is {e.seq})"
                   if e.seq > self.expected_seq
                   else f"entry {e.seq} appears again or out of order after entry {self.expected_seq - 1}")
            return self._broken(why, e, self.expected_seq)
        if rehash(e) != e.hash:
            return self._broken(f"entry {e.seq} ({e.case_ref}, {e.event}) was changed after it was written", e)
        if e.salt is not None and seal_stored(e.salt, e.content) != e.seal:
            return self._broken(f"the content of entry {e.seq} ({e.case_ref}, {e.event}) was changed after it was "
                                "written", e)
        if e.salt is None:
            if REDACTED not in e.content or REDACTED not in e.data:
                return self._broken(f"the content of entry {e.seq} ({e.case_ref}, {e.event}) can no longer be "
                                    "checked: its salt was removed without a redaction", e)
            self.unexplained[e.seq] = e
        if e.event in REDACTION_EVENTS and self.unexplained:
            for seq in e.data.get("entries", []):
                if (earlier := self.unexplained.get(seq)) is not None and earlier.case_ref == e.case_ref:
                    del self.unexplained[seq]
        if e.prev != self.prev:
            return self._broken(f"entry {e.seq} ({e.case_ref}) does not follow entry {e.seq - 1}: an entry was "
                                "removed, inserted or replaced before it", e)
        if e.case_prev != self.case_heads.get(e.case_ref):
            return self._broken(f"entry {e.seq} does not follow the previous entry of {e.case_ref}", e)
        for anchor in self.wanted.pop(e.seq, []):
            if anchor.hash != e.hash:
                when = f" on {anchor.at:%d %b %Y}" if anchor.at else ""
                return self._broken(f"entry {e.seq} is not the one anchored{when}: the history was rewritten from "
                                    "there on", e)
        self.prev = self.case_heads[e.case_ref] = e.hash
        self.expected_seq, self.checked, self.last = e.seq + 1, self.checked + 1, e
        return True

    def finish(self) -> Verdict:
        if self.verdict is None and self.unexplained:
            e = self.unexplained[min(self.unexplained)]
            self._broken(f"the content of entry {e.seq} ({e.case_ref}, {e.event}) was removed, but no redaction of "
                         f"{e.case_ref} records it", e)
        if self.verdict is None and self.wanted:
            missing = min(self.wanted)
            self._broken(f"the chain ends at entry {self.expected_seq - 1}, but an anchor names entry {missing}: "
                         "entries were removed from the end", None, missing)
        if self.verdict is not None:
            return self.verdict
        return Verdict(self.checked, Anchor(self.last.seq, self.last.hash) if self.last else None)


def verify(entries: Iterable[ChainedEntry], anchors: Iterable[Anchor] = ()) -> Verdict:
    """Walk a whole chain held in memory (see ChainWalk)."""
    walk = ChainWalk(anchors)
    for e in entries:
        if not walk.step(e):
            break
    return walk.finish()
