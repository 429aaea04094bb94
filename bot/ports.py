"""What the core needs from the outside world: storage (a unit of work) and chat platforms (delivery)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol, TypeVar

from bot.domain.access_log import IndexedCase
from bot.domain.audit import Anchor
from bot.domain.conversation import Conversation
from bot.domain.crisis import Crisis, HoldingLine
from bot.domain.desk import OpenCases
from bot.domain.enquiry import Enquiry
from bot.domain.media_call import KnownContact
from bot.domain.media_log import CaseKind, EarlierStatement, LogFilter, LogRow, SearchHit
from bot.domain.messages import HistoryEntry, MessageRef, Outbound, Recipient
from bot.domain.nudges import Nudge, NudgeKind, NudgeStatus
from bot.domain.press_release import PressComment, PressRelease
from bot.domain.retention import CaseFile, Disposal, Retention
from bot.domain.statement import Draft, SignOff
from bot.domain.subject_access import HeldRecord, RecordKind

Case = TypeVar("Case")


class CaseRepository(Protocol[Case]):
    """What every kind of case is kept with: found by reference, saved against the version it was loaded at."""

    async def get(self, ref: str) -> Case | None: ...
    async def open_refs(self) -> list[str]:
        """The cases still in progress, oldest first."""
        ...
    async def save(self, case: Case, expected_version: int, now: datetime) -> None:
        """Write changes; raise ConcurrencyConflict if someone else saved first."""
        ...


class EnquiryRepository(CaseRepository[Enquiry], Protocol):
    async def add(self, enquiry: Enquiry) -> Enquiry: ...
    async def known_contact(self, journalist: str, outlet: str) -> KnownContact | None:
        """The phone and email of the latest enquiry naming this journalist at this outlet (case folded) that has
        either; never someone of that name at another outlet."""
        ...


class CrisisRepository(CaseRepository[Crisis], Protocol):
    async def add(self, crisis: Crisis, now: datetime) -> Crisis: ...


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


class PressReleaseRepository(CaseRepository[PressRelease], Protocol):
    async def add(self, release: PressRelease, now: datetime) -> PressRelease: ...


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
    async def erase(self, case_ref: str, keep: frozenset[str]) -> list[int]:
        """Remove the content of the case's entries (except events in `keep`), keeping the chain verifiable;
        the entries changed (the "destroyed" entry must name them)."""
        ...


class RetentionRepository(Protocol):
    """Each case's place in the retention schedule, the disposal records, and the removal of a case's content."""

    async def unregistered(self, limit: int) -> list[tuple[CaseFile, Retention | None]]:
        """Closed cases whose retention is not yet set, each with its record if it has one (a hold placed while
        it was open)."""
        ...
    async def case_file(self, ref: str) -> CaseFile | None: ...
    async def get(self, ref: str) -> Retention | None:
        """The record, locked until the unit of work ends (two decisions on one case follow one another)."""
        ...
    async def put(self, *records: Retention) -> None:
        """Add or replace the records."""
        ...
    async def due(self, today: date, limit: int) -> list[Retention]:
        """Retained cases, not on hold, whose review date has come."""
        ...
    async def listing(self, which: Literal["all", "due", "held"] = "all") -> list[Retention]:
        """The records (all, those queued for a decision, or those on hold), by review date, open cases last."""
        ...
    async def destroy_content(self, ref: str, now: datetime, placeholder: dict[str, Any]
                              ) -> list[tuple[Recipient, str]]:
        """Remove the case's content and personal data everywhere but its history: the case row, its drafts,
        sign-offs, comments, reminders, conversation answers, and the outbox's copies of its cards (replaced by
        `placeholder`). Returns the keyed messages that were posted for it (recipient, key), so that they can be
        replaced in chat."""
        ...
    async def add_disposal(self, disposal: Disposal) -> None: ...
    async def disposal(self, ref: str) -> Disposal | None: ...
    async def add_notice(self, month: str, at: datetime, due: int) -> bool:
        """Record the month's card to the Director; False when the month has one already."""
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


class RecordsRepository(Protocol):
    """Everything kept about one case, for removing personal data from all of it."""

    async def scrub_case(self, ref: str, values: list[str], cleared: dict[str, Any]
                         ) -> tuple[dict[str, int], list[int]]:
        """Replace `values` wherever they are kept about `ref` and set the case row's `cleared` columns;
        (rows changed per table, history entries redacted)."""
        ...
    async def update_posted(self, ref: str, now: datetime) -> int:
        """Queue the case's posted messages again, as stored now, to be changed in place; how many."""
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
    @property
    def records(self) -> RecordsRepository: ...
    @property
    def retention(self) -> RetentionRepository: ...

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

    async def approved_statement(self, ref: str, where: LogFilter) -> EarlierStatement | None:
        """Case `ref`'s approved statement, if it has one and the case is within `where` (who may see it)."""
        ...

    async def count(self, where: LogFilter) -> int: ...

    def rows(self, where: LogFilter, now: datetime, batch: int = 1000) -> AsyncGenerator[LogRow, None]:
        """The log's lines, oldest first, read from the database `batch` cases at a time."""
        ...


SearchRepository = MediaLog  # the name issue 14's plan gives it


class PersonalData(Protocol):
    """Everything kept that may name a person, read a batch at a time (subject access, UK GDPR Art. 15)."""

    def candidates(self, kind: RecordKind, terms: Sequence[str], batch: int = 500) -> AsyncIterator[HeldRecord]:
        """The records of `kind` holding any of `terms` (lower case) in any of their text, oldest first; a
        substring test only: the caller checks each for a real match."""
        ...

    async def cases(self, refs: Sequence[str]) -> dict[str, tuple[CaseKind, datetime]]:
        """The kind and logging time of each of these cases that the media log's index holds."""
        ...


class AccessLog(Protocol):
    """Who looked at the record: the history of searches, exports and subject access exports, and a case's own
    redactions (`mediadesk audit who-saw`)."""

    async def case(self, ref: str) -> IndexedCase | None:
        """What the index says of the case now (kind, state, owner, who logged it, when), if it holds it."""
        ...

    async def known(self, ref: str) -> bool:
        """Whether the history holds anything under `ref` (a destroyed case keeps its disposal record)."""
        ...

    def entries(self, ref: str, batch: int = 500) -> AsyncIterator[HistoryEntry]:
        """Oldest first: every search entry naming `ref` among its hits, every export and subject access export
        entry, and the case's own redaction entries."""
        ...


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
