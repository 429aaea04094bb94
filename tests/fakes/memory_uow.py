"""An in-memory unit of work (a fake, not a mock): the use cases run against it in milliseconds.

It keeps the promises of `bot.ports.UnitOfWork` that the use cases rely on, the way the SQL one does:
- nothing is visible to others until `commit()`; leaving without it forgets the transaction's writes;
- a versioned save raises ConcurrencyConflict when another transaction saved the case first (checked when
  saving and again at commit, as PostgreSQL would find it after the other transaction's commit);
- a request marked seen twice raises Duplicate; a sign-off slot, or a round's collated amendments, decided
  twice raises ConcurrencyConflict; a savepoint undoes only what happened inside it.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.audit import GENESIS, Anchor
from bot.domain.conversation import Conversation, ConversationStatus
from bot.domain.crisis import CrisisState, HoldingLine
from bot.domain.enquiry import EnquiryState
from bot.domain.errors import ConcurrencyConflict, Duplicate
from bot.domain.media_call import KnownContact
from bot.domain.messages import HistoryEntry, MessageRef, Outbound
from bot.domain.nudges import Nudge, NudgeKind, NudgeStatus
from bot.domain.press_release import PressComment, PressState
from bot.domain.statement import Draft, SignOff

Key = Any


async def round_trip() -> None:
    """Let other tasks run, as a database call does: without it two "concurrent" clicks would never overlap."""
    await asyncio.sleep(0)


@dataclass
class MemoryStore:
    """What has been committed: one dict per table, keyed as the SQL tables' unique keys are."""

    tables: dict[str, dict[Key, Any]] = field(default_factory=dict)
    next_ids: dict[str, int] = field(default_factory=dict)
    commits: int = 0

    def table(self, name: str) -> dict[Key, Any]:
        return self.tables.setdefault(name, {})

    def rows(self, name: str) -> list[Any]:
        """Committed rows of a table, in the order they were written (a copy: changing them changes nothing)."""
        return copy.deepcopy(list(self.table(name).values()))

    def uow(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)


class _Tx:
    """One transaction's view: its own writes over copies of what is committed."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.writes: dict[str, dict[Key, Any]] = {}
        self.versions: dict[tuple[str, Key], int] = {}  # (table, key) -> the version this transaction saved over
        self.uniques: list[tuple[str, Key]] = []  # (table, unique key) this transaction's rows claim

    def get(self, table: str, key: Key) -> Any:
        if key in self.writes.get(table, {}):
            return copy.deepcopy(self.writes[table][key])
        return copy.deepcopy(self.store.table(table).get(key))

    def put(self, table: str, key: Key, row: Any) -> None:
        self.writes.setdefault(table, {})[key] = copy.deepcopy(row)

    def rows(self, table: str) -> list[Any]:
        merged = {**self.store.table(table), **self.writes.get(table, {})}
        return [copy.deepcopy(r) for r in merged.values()]

    def new_id(self, table: str) -> int:
        # Ids are handed out at once, as a database sequence does (a rolled-back id is never reused).
        n = self.store.next_ids.get(table, 0) + 1
        self.store.next_ids[table] = n
        return n

    def save_versioned(self, table: str, key: Key, row: Any, expected: int, what: str) -> None:
        committed = self.store.table(table).get(key)
        if committed is None or committed.version != expected:
            raise ConcurrencyConflict(what)
        self.versions.setdefault((table, key), expected)
        self.put(table, key, row)

    def taken(self, table: str, unique: Key) -> bool:
        return any(u == unique for _, _, u in self.store.table(table).values())

    def commit(self) -> None:
        for (table, key), expected in self.versions.items():
            if self.store.table(table)[key].version != expected:
                raise ConcurrencyConflict(f"{table} {key}")
        for key in self.writes.get("seen_requests", {}):
            if key in self.store.table("seen_requests"):  # another transaction did this request meanwhile
                raise Duplicate(key)
        for table, unique in self.uniques:
            if self.taken(table, unique):
                raise ConcurrencyConflict(f"{table} {unique}")
        for table, rows in self.writes.items():
            self.store.table(table).update(rows)
        self.store.commits += 1
        self.forget()

    def forget(self) -> None:
        self.writes, self.versions, self.uniques = {}, {}, []


class _Cases:
    """Enquiries, crises or press releases: keyed by reference, saved against the version they were read at."""

    def __init__(self, tx: _Tx, table: str, open_: Callable[[Any], bool]) -> None:
        self.tx, self.table, self.is_open = tx, table, open_

    async def add(self, case: Any, now: datetime | None = None) -> Any:
        case.id = self.tx.new_id(self.table)
        self.tx.put(self.table, case.ref, case)
        return case

    async def get(self, ref: str) -> Any:
        await round_trip()
        return self.tx.get(self.table, ref)

    async def open_refs(self) -> list[str]:
        return [c.ref for c in sorted(self.tx.rows(self.table), key=lambda c: c.id) if self.is_open(c)]

    async def save(self, case: Any, expected_version: int, now: datetime) -> None:
        await round_trip()
        case.version = expected_version + 1
        self.tx.save_versioned(self.table, case.ref, case, expected_version, case.ref)


class _Enquiries(_Cases):
    async def known_contact(self, journalist: str, outlet: str) -> KnownContact | None:
        named = [e for e in self.tx.rows(self.table) if (e.journalist.strip().lower(), e.outlet.strip().lower())
                 == (journalist.strip().lower(), outlet.strip().lower()) and (e.phone or e.email)]
        latest = max(named, key=lambda e: e.created_at, default=None)
        return None if latest is None else KnownContact(latest.ref, latest.journalist, latest.outlet, latest.phone,
                                                        latest.email, latest.created_at)


class _HoldingLines:
    def __init__(self, tx: _Tx) -> None:
        self.tx = tx

    async def add(self, title: str, text: str, by: str, now: datetime) -> HoldingLine:
        line = HoldingLine(self.tx.new_id("holding_lines"), title, text, by)
        self.tx.put("holding_lines", line.id, (line, None))
        return line

    async def active(self) -> list[HoldingLine]:
        return sorted((line for line, retired in self.tx.rows("holding_lines") if retired is None),
                      key=lambda line: line.title)

    async def get(self, line_id: int) -> HoldingLine | None:
        found = self.tx.get("holding_lines", line_id)
        return found[0] if found and found[1] is None else None

    async def retire(self, line_id: int, now: datetime) -> bool:
        found = self.tx.get("holding_lines", line_id)
        if not found or found[1] is not None:
            return False
        self.tx.put("holding_lines", line_id, (found[0], now))
        return True


class _Appended:
    """Rows only ever added (history, comments, drafts, sign-offs), each with the case it belongs to."""

    def __init__(self, tx: _Tx, table: str) -> None:
        self.tx, self.table = tx, table

    def append(self, case_ref: str, row: Any, unique: Key | None = None) -> None:
        if unique is not None:
            if any(u == unique for _, _, u in self.tx.rows(self.table)):
                raise ConcurrencyConflict(f"{case_ref} {unique}")
            self.tx.uniques.append((self.table, unique))
        self.tx.put(self.table, self.tx.new_id(self.table), (case_ref, row, unique))

    def of(self, case_ref: str) -> list[Any]:
        return [row for ref, row, _ in self.tx.rows(self.table) if ref == case_ref]


class _PressComments(_Appended):
    def __init__(self, tx: _Tx) -> None:
        super().__init__(tx, "press_comments")

    async def add(self, case_ref: str, comment: PressComment) -> None:
        collated = (case_ref, comment.stage.value) if comment.kind == "amends" else None
        self.append(case_ref, comment, collated)

    async def for_case(self, case_ref: str) -> list[PressComment]:
        return self.of(case_ref)


class _Drafts:
    def __init__(self, tx: _Tx) -> None:
        self.drafts, self.decisions = _Appended(tx, "drafts"), _Appended(tx, "sign_offs")

    async def add(self, case_ref: str, draft: Draft) -> None:
        self.drafts.append(case_ref, draft, (case_ref, draft.number))

    async def latest(self, case_ref: str) -> Draft | None:
        await round_trip()
        return max(self.drafts.of(case_ref), key=lambda d: d.number, default=None)

    async def add_sign_off(self, case_ref: str, sign_off: SignOff) -> None:
        await round_trip()
        self.decisions.append(case_ref, sign_off, (case_ref, sign_off.version, sign_off.slot.value))

    async def sign_offs(self, case_ref: str, version: int | None = None) -> list[SignOff]:
        return [s for s in self.decisions.of(case_ref) if version is None or s.version == version]


class _History:
    def __init__(self, tx: _Tx) -> None:
        self.rows = _Appended(tx, "history")

    async def append(self, entry: HistoryEntry) -> None:
        self.rows.append(entry.case_ref, entry)

    async def for_case(self, case_ref: str) -> list[HistoryEntry]:
        return self.rows.of(case_ref)

    async def head(self) -> Anchor:
        """The fake keeps no hashes (the chain is storage's, tested there): only how many entries there are."""
        return Anchor(len(self.rows.tx.store.table("history")), GENESIS)

    async def add_anchor(self, day: str, anchor: Anchor, at: datetime) -> bool:
        if self.rows.tx.get("anchors", day) is not None:
            return False
        self.rows.tx.put("anchors", day, anchor)
        return True


class _Nudges:
    def __init__(self, tx: _Tx) -> None:
        self.tx = tx

    def _all(self) -> list[Nudge]:
        return sorted(self.tx.rows("nudges"), key=lambda n: n.id)

    async def add(self, nudge: Nudge, now: datetime) -> None:
        row = copy.copy(nudge)
        row.id, row.status = self.tx.new_id("nudges"), NudgeStatus.PENDING
        self.tx.put("nudges", row.id, row)

    async def cancel(self, case_ref: str, kinds: Iterable[NudgeKind], now: datetime,
                     recipient: str | None = None) -> int:
        kinds = set(kinds)
        hit = [n for n in self._all() if n.case_ref == case_ref and n.status is NudgeStatus.PENDING
               and n.kind in kinds and (recipient is None or n.recipient == recipient)]
        for n in hit:
            n.status = NudgeStatus.CANCELLED
            self.tx.put("nudges", n.id, n)
        return len(hit)

    async def claim_due(self, now: datetime, limit: int) -> list[Nudge]:
        due = [n for n in self._all() if n.status is NudgeStatus.PENDING and n.due_at <= now]
        return sorted(due, key=lambda n: (n.due_at, n.id))[:limit]

    async def retry_later(self, nudge: Nudge, when: datetime, data: dict[str, Any]) -> None:
        row = self.tx.get("nudges", nudge.id)
        row.due_at, row.data = when, data
        self.tx.put("nudges", row.id, row)

    async def finish(self, nudge: Nudge, status: NudgeStatus, now: datetime) -> None:
        row = self.tx.get("nudges", nudge.id)
        row.status = status
        self.tx.put("nudges", row.id, row)

    async def pending_for(self, case_ref: str) -> list[Nudge]:
        return sorted((n for n in self._all() if n.case_ref == case_ref and n.status is NudgeStatus.PENDING),
                      key=lambda n: n.due_at)

    async def all_for(self, case_ref: str) -> list[Nudge]:
        return [n for n in self._all() if n.case_ref == case_ref]

    async def pending(self, limit: int = 500) -> list[Nudge]:
        return sorted((n for n in self._all() if n.status is NudgeStatus.PENDING), key=lambda n: n.due_at)[:limit]


class _Conversations:
    def __init__(self, tx: _Tx) -> None:
        self.tx = tx

    async def add(self, c: Conversation, now: datetime) -> Conversation:
        c.id = self.tx.new_id("conversations")
        self.tx.put("conversations", c.id, c)
        return c

    async def get(self, conversation_id: int) -> Conversation | None:
        await round_trip()
        return self.tx.get("conversations", conversation_id)

    async def active_for(self, platform: str, user_id: str) -> Conversation | None:
        mine = [c for c in self.tx.rows("conversations") if c.platform == platform and c.user_id == user_id
                and c.status is ConversationStatus.ACTIVE]
        return max(mine, key=lambda c: c.id, default=None)

    async def save(self, c: Conversation, expected_version: int, now: datetime) -> None:
        # The conversation counts its own changes (its buttons carry the version), as in the SQL repository.
        self.tx.save_versioned("conversations", c.id, c, expected_version, f"conversation {c.id}")


class _Outbox:
    def __init__(self, tx: _Tx) -> None:
        self.tx = tx

    async def add(self, message: Outbound, now: datetime) -> None:
        self.tx.put("outbox", self.tx.new_id("outbox"), message)

    async def ref_for(self, platform: str, key: str) -> MessageRef | None:
        return self.tx.get("message_refs", (platform, key))

    async def replace_copy(self, copy_ref: MessageRef, message: Outbound, now: datetime) -> bool:
        key = f"copy:{copy_ref.ts}"[:120]
        if self.tx.get("message_refs", (copy_ref.platform, key)) is not None:
            return False
        self.tx.put("message_refs", (copy_ref.platform, key), copy_ref)
        await self.add(Outbound(message.recipient, message.card, key=key, case_ref=message.case_ref,
                                update_only=True), now)
        return True


_DONE_ENQUIRY = (EnquiryState.CLOSED, EnquiryState.WITHDRAWN)


class MemoryUnitOfWork:
    """`async with uow:` begins; `commit()` makes the writes visible; leaving without it forgets them."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    async def __aenter__(self) -> MemoryUnitOfWork:
        self._tx = tx = _Tx(self.store)
        self.enquiries = _Enquiries(tx, "enquiries", lambda e: e.state not in _DONE_ENQUIRY)
        self.crises = _Cases(tx, "crises", lambda c: c.state is not CrisisState.STOOD_DOWN)
        self.press_releases = _Cases(tx, "press_releases", lambda p: p.state is not PressState.CLOSED)
        self.holding_lines = _HoldingLines(tx)
        self.press_comments = _PressComments(tx)
        self.drafts = _Drafts(tx)
        self.nudges = _Nudges(tx)
        self.conversations = _Conversations(tx)
        self.history = _History(tx)
        self.outbox = _Outbox(tx)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._tx.forget()

    async def commit(self) -> None:
        await round_trip()
        self._tx.commit()

    def savepoint(self) -> AbstractAsyncContextManager[object]:
        return self._savepoint()

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[object]:
        before = copy.deepcopy((self._tx.writes, self._tx.versions, self._tx.uniques))
        try:
            yield self
        except BaseException:
            self._tx.writes, self._tx.versions, self._tx.uniques = before
            raise

    async def mark_request_seen(self, key: str, now: datetime) -> None:
        await round_trip()
        if self._tx.get("seen_requests", key) is not None:
            raise Duplicate(key)
        self._tx.put("seen_requests", key, now)

    async def next_number(self, name: str) -> int:
        # Like a sequence: taken at once, never handed out twice, a rolled-back number left as a gap.
        counters = self.store.table("counters")
        counters[name] = counters.get(name, 0) + 1
        return int(counters[name])
