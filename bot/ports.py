"""What the core needs from the outside world: storage (a unit of work) and chat platforms (delivery)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.domain.audit import Anchor
from bot.domain.conversation import Conversation
from bot.domain.crisis import Crisis, HoldingLine
from bot.domain.desk import OpenCases
from bot.domain.enquiry import Enquiry
from bot.domain.media_log import CaseKind, EarlierStatement, LogFilter, LogRow, SearchHit
from bot.domain.messages import HistoryEntry, MessageRef, Outbound
from bot.domain.nudges import Nudge, NudgeKind, NudgeStatus
from bot.domain.press_release import PressComment, PressRelease
from bot.domain.statement import Draft, SignOff


class EnquiryRepository(Protocol):
    async def add(self, enquiry: Enquiry) -> Enquiry: ...
    async def get(self, ref: str) -> Enquiry | None: ...
    async def open_refs(self) -> list[str]: ...
    async def save(self, enquiry: Enquiry, expected_version: int, now: datetime) -> None:
        """Write changes; raise ConcurrencyConflict if someone else saved first."""
        ...


class CrisisRepository(Protocol):
    async def add(self, crisis: Crisis, now: datetime) -> Crisis: ...
    async def get(self, ref: str) -> Crisis | None: ...
    async def open_refs(self) -> list[str]: ...
    async def save(self, crisis: Crisis, expected_version: int, now: datetime) -> None:
        """Write changes; raise ConcurrencyConflict if someone else saved first."""
        ...


class HoldingLineRepository(Protocol):
    """The library of approved holding lines a crisis can start from."""

    async def add(self, title: str, text: str, by: str, now: datetime) -> HoldingLine: ...
    async def active(self) -> list[HoldingLine]: ...
    async def get(self, line_id: int) -> HoldingLine | None:
        """The line, unless it was retired."""
        ...
    async def retire(self, line_id: int, now: datetime) -> bool:
        """False when there was no such line in use."""
        ...


class PressReleaseRepository(Protocol):
    async def add(self, release: PressRelease, now: datetime) -> PressRelease: ...
    async def get(self, ref: str) -> PressRelease | None: ...
    async def open_refs(self) -> list[str]: ...
    async def save(self, release: PressRelease, expected_version: int, now: datetime) -> None:
        """Write changes; raise ConcurrencyConflict if someone else saved first."""
        ...


class PressCommentRepository(Protocol):
    async def add(self, case_ref: str, comment: PressComment) -> None:
        """Add a comment; raise ConcurrencyConflict for a second collated set of amendments in one round."""
        ...
    async def for_case(self, case_ref: str) -> list[PressComment]: ...


class DraftRepository(Protocol):
    async def add(self, case_ref: str, draft: Draft) -> None: ...
    async def latest(self, case_ref: str) -> Draft | None: ...
    async def add_sign_off(self, case_ref: str, sign_off: SignOff) -> None:
        """Record a decision; raise ConcurrencyConflict if that slot of that version is already decided."""
        ...
    async def sign_offs(self, case_ref: str, version: int | None = None) -> list[SignOff]: ...


class NudgeRepository(Protocol):
    async def add(self, nudge: Nudge, now: datetime) -> None: ...
    async def cancel(self, case_ref: str, kinds: Iterable[NudgeKind], now: datetime,
                     recipient: str | None = None) -> int: ...
    async def claim_due(self, now: datetime, limit: int) -> list[Nudge]:
        """Due nudges, held by this unit of work until it ends; another process never gets the same ones."""
        ...
    async def retry_later(self, nudge: Nudge, when: datetime, data: dict) -> None: ...
    async def finish(self, nudge: Nudge, status: NudgeStatus, now: datetime) -> None: ...
    async def pending_for(self, case_ref: str) -> list[Nudge]: ...
    async def all_for(self, case_ref: str) -> list[Nudge]: ...
    async def pending(self, limit: int = 500) -> list[Nudge]: ...


class ConversationRepository(Protocol):
    async def add(self, conversation: Conversation, now: datetime) -> Conversation: ...
    async def get(self, conversation_id: int) -> Conversation | None: ...
    async def active_for(self, platform: str, user_id: str) -> Conversation | None: ...
    async def save(self, conversation: Conversation, expected_version: int, now: datetime) -> None: ...


class HistoryRepository(Protocol):
    async def append(self, entry: HistoryEntry) -> None:
        """Add an entry; it takes its place in the hash chain when the unit of work commits."""
        ...
    async def for_case(self, case_ref: str) -> list[HistoryEntry]: ...
    async def head(self) -> Anchor:
        """The chain's last entry as committed."""
        ...
    async def add_anchor(self, day: str, anchor: Anchor, at: datetime) -> bool:
        """Record the day's anchor; False if the day has one already."""
        ...


class OutboxRepository(Protocol):
    async def add(self, message: Outbound, now: datetime) -> None: ...
    async def ref_for(self, platform: str, key: str) -> MessageRef | None:
        """Where the keyed message lives on its platform, once posted."""
        ...
    async def replace_copy(self, copy: MessageRef, message: Outbound, now: datetime) -> bool:
        """Queue `message` as an edit of a stray copy of a card (a second post the platform never told us
        about); False when that copy was dealt with before."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Nothing is written unless `commit()` is called inside the `async with`."""

    # Read-only (properties), so an implementation may hold its own repository classes.
    @property
    def enquiries(self) -> EnquiryRepository: ...
    @property
    def crises(self) -> CrisisRepository: ...
    @property
    def holding_lines(self) -> HoldingLineRepository: ...
    @property
    def press_releases(self) -> PressReleaseRepository: ...
    @property
    def press_comments(self) -> PressCommentRepository: ...
    @property
    def drafts(self) -> DraftRepository: ...
    @property
    def nudges(self) -> NudgeRepository: ...
    @property
    def conversations(self) -> ConversationRepository: ...
    @property
    def history(self) -> HistoryRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...

    async def __aenter__(self) -> UnitOfWork: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def commit(self) -> None: ...
    def savepoint(self) -> AbstractAsyncContextManager[object]:
        """A nested transaction that can fail alone without undoing the rest of the unit of work."""
        ...
    async def mark_request_seen(self, key: str, now: datetime) -> None:
        """The work of this request (event_id, trigger_id, ...) is in this transaction: its inbox entry is done
        when it commits. Raise Duplicate if it was done before (a replay, a retry)."""
        ...
    async def next_number(self, name: str) -> int:
        """The next value of a named counter (reference numbers), safe under concurrency."""
        ...


class MediaLog(Protocol):
    """The media log (issue 14): every case, open and closed, through the database's own full-text index, which
    the database keeps in step with the cases in the same transaction (migration 0011's triggers)."""

    async def search(self, words: str, where: LogFilter, limit: int = 20) -> list[SearchHit]:
        """The cases matching `words` (all of them; "a phrase", -word, OR), most relevant first."""
        ...

    async def approved_like(self, text: str, *, limit: int = 3, kinds: Iterable[CaseKind] = (),
                            exclude: str | None = None, before: datetime | None = None) -> list[EarlierStatement]:
        """The approved statements of the cases whose words are most like `text` (any of its words)."""
        ...

    async def count(self, where: LogFilter) -> int: ...

    def rows(self, where: LogFilter, now: datetime, batch: int = 500) -> AsyncIterator[LogRow]:
        """The log's lines, oldest first, read from the database `batch` cases at a time."""
        ...


SearchRepository = MediaLog  # the name issue 14's plan gives it


class DeskStore(Protocol):
    """What "my desk" reads (issue 14): the open cases, found through the case tables' state indexes."""

    async def open_cases(self) -> OpenCases: ...


class RetryLater(Exception):
    """The platform asked us to wait (429) or failed for now (5xx, network)."""

    def __init__(self, reason: str, after_seconds: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after_seconds = after_seconds


class Undeliverable(Exception):
    """The platform refused the message for good (bad channel, bot removed, invalid payload)."""


class RecipientGone(Undeliverable):
    """The person can no longer be reached on the platform (they removed or blocked the bot)."""


class Delivery(Protocol):
    """A chat platform's outbound side."""

    platform: str

    async def deliver(self, message: Outbound, existing: MessageRef | None) -> MessageRef:
        """Post the message, or update `existing` in place; return where it now lives."""
        ...


class ReferenceStore(Protocol):
    """Where a chat platform's conversations can be reached again (proactive messages): an opaque reference
    (JSON) stored under one or more keys, e.g. "user:<id>", "email:<address>", "channel:<id>"."""

    async def remember(self, platform: str, keys: Iterable[str], reference: dict[str, Any], now: datetime) -> None:
        """Store (or replace) the reference under every key."""
        ...

    async def find(self, platform: str, key: str) -> dict[str, Any] | None: ...


class OutboxStore(Protocol):
    """The relay's view of the outbox: claim due messages under a lease, then record the outcome."""

    async def claim_due(self, now: datetime, limit: int, lease_seconds: float) -> list[Outbound]: ...
    async def ref_for(self, platform: str, key: str) -> MessageRef | None: ...
    async def mark_sent(self, message: Outbound, ref: MessageRef, now: datetime) -> None: ...
    async def retry_at(self, message: Outbound, when: datetime, error: str, *, count_attempt: bool = True
                       ) -> None: ...
    async def skip(self, message: Outbound, reason: str, now: datetime) -> None: ...
    async def give_up(self, message: Outbound, error: str, now: datetime) -> None: ...
    async def next_due(self) -> datetime | None: ...
    async def renew(self, ids: list[int], until: datetime) -> None: ...
    async def release_leases(self) -> None: ...


@dataclass(frozen=True)
class InboundRequest:
    """A request kept in the inbox: its platform id, who sent it, and the body exactly as it arrived."""

    key: str
    platform: str
    person: str
    body: str
    attempts: int = 1


class InboxStore(Protocol):
    """Requests kept before the platform is answered, so that none answered 200 is lost to a crash."""

    async def accept(self, request: InboundRequest, now: datetime, lease_seconds: float) -> bool:
        """Keep it, leased to this process while it works on it; False when it was kept before (a retry)."""
        ...

    async def finish(self, key: str, now: datetime) -> None:
        """Done, whatever came of it (refused, or nothing to do); the body is dropped."""
        ...

    async def claim_unfinished(self, platform: str, now: datetime, lease_seconds: float, limit: int, *,
                               every_lease: bool = False) -> list[InboundRequest]:
        """Requests accepted but never finished whose lease has run out (all of them with `every_lease`: one
        process, just started), oldest first, leased to the caller."""
        ...
