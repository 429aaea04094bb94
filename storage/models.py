"""Tables, SQLAlchemy 2.0 typed. Times are stored in UTC and always come back timezone-aware."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; SQLite forgets the zone, so it is put back on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


# Columns several tables share, where the migrations put them (storage/migrations/shapes.py): a mixin's columns
# come after the table's own, and a negative sort order puts one before them.


class Timestamps:
    """When the row was made and when it last changed: its last two columns."""

    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CaseColumns(Timestamps):
    """A kind of case, one row each: its id and unique reference come first."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)
    ref: Mapped[str] = mapped_column(String(20), unique=True, sort_order=-1)


class CaseRecordColumns:
    """Records about a case, many to a case: an id and the case's reference (indexed) come first."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)
    case_ref: Mapped[str] = mapped_column(String(20), index=True, sort_order=-1)


class EnquiryRow(CaseColumns, Base):
    __tablename__ = "enquiries"
    # Journalists we know (migration 0014): the latest enquiry naming a journalist at an outlet, case folded.
    __table_args__ = (Index("ix_enquiries_journalist_outlet", func.lower(text("journalist")),
                            func.lower(text("outlet")), "created_at"),)

    state: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    journalist: Mapped[str] = mapped_column(String(200))
    outlet: Mapped[str] = mapped_column(String(200))
    outlet_kind: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    summary: Mapped[str] = mapped_column(Text)
    deadline: Mapped[datetime]
    reporter: Mapped[dict[str, Any]]
    owner: Mapped[dict[str, Any] | None]
    plan: Mapped[dict[str, Any] | None]
    routing: Mapped[dict[str, Any] | None]


class DraftRow(CaseRecordColumns, Base):
    """Every version of a response's text, with its fingerprint: sign-offs bind to one of these."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("case_ref", "number"),)

    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(200))
    author_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime]


class SignOffRow(CaseRecordColumns, Base):
    """One decision per slot per draft version: the unique key makes a second one impossible."""

    __tablename__ = "sign_offs"
    __table_args__ = (UniqueConstraint("case_ref", "version", "slot"),)

    version: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    slot: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(20))
    by: Mapped[str] = mapped_column(String(200))
    by_email: Mapped[str | None] = mapped_column(String(254))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class ConversationRow(Timestamps, Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_owner", "platform", "user_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    form_id: Mapped[str] = mapped_column(String(40))
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    step: Mapped[str | None] = mapped_column(String(40))
    answers: Mapped[dict[str, Any]]
    pending: Mapped[dict[str, Any] | None]  # a day asked about, a deadline guess to check (None: nothing)
    version: Mapped[int] = mapped_column(Integer)
    case_ref: Mapped[str | None] = mapped_column(String(20))


class HistoryRow(CaseRecordColumns, Base):
    """The append-only record of every case: database triggers refuse updates and deletes."""

    __tablename__ = "case_history"

    at: Mapped[datetime]
    event: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200))
    actor_email: Mapped[str | None] = mapped_column(String(254))
    data: Mapped[dict[str, Any]]
    # Its place in the hash chain (bot/domain/audit.py). Written once with the row; empty only on a row put in
    # by hand, which `mediadesk audit verify` reports.
    seq: Mapped[int | None] = mapped_column(Integer, unique=True, index=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    case_prev_hash: Mapped[str | None] = mapped_column(String(64))
    seal: Mapped[str | None] = mapped_column(String(64))  # of the content, with the salt in history_salts
    hash: Mapped[str | None] = mapped_column(String(64))


class HistorySaltRow(Base):
    """The salt of each entry's seal; deleted when the entry's content is redacted, so the seal tells nothing."""

    __tablename__ = "history_salts"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))


class HistoryHeadRow(Base):
    """The chain's last entry (one row): locked while an entry is added, so entries follow one another."""

    __tablename__ = "history_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class HistoryAnchorRow(Base):
    """The chain's head as it was each day, also written to the log and sent to the Director."""

    __tablename__ = "history_anchors"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM-DD in London
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    recipient_kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str | None] = mapped_column(String(254))
    message_key: Mapped[str | None] = mapped_column(String(120), index=True)
    case_ref: Mapped[str | None] = mapped_column(String(20))
    card: Mapped[dict[str, Any]]
    update_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(12))  # pending, sent, dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # When it was first handed to its platform: a retry looks for a copy that arrived from then on.
    first_attempt_at: Mapped[datetime | None]
    # Where the platform put it (Slack channel and ts): every posted message is on record.
    sent_channel: Mapped[str | None] = mapped_column(String(64))
    sent_ts: Mapped[str | None] = mapped_column(String(64))


class MessageRefRow(Base):
    """Where each keyed message lives on its platform, so changes update it in place."""

    __tablename__ = "message_refs"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    message_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    channel: Mapped[str] = mapped_column(String(64))
    ts: Mapped[str] = mapped_column(String(64))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    updated_at: Mapped[datetime]


class SeenRequestRow(Base):
    """The inbox: every request that changes something, by its platform id (Slack event_id, trigger_id, view id
    and hash; Teams activity id), kept before the platform is answered. `pending` until the work it causes is
    committed (`done`, in the same transaction), so a replay or retry is recognised and a request cut off by a
    crash is finished later. The body is dropped once done."""

    __tablename__ = "seen_requests"
    __table_args__ = (Index("ix_seen_requests_pending", "status", "lease_until"),)

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    seq: Mapped[int | None] = mapped_column(BigInteger)
    platform: Mapped[str | None] = mapped_column(String(20))
    person: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="done", server_default="done")
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    done_at: Mapped[datetime | None]


class CounterRow(Base):
    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class NudgeRow(CaseRecordColumns, Base):
    """A reminder or escalation due at a time: the database, not the scheduler, is the source of truth."""

    __tablename__ = "nudges"
    __table_args__ = (Index("ix_nudges_due", "status", "due_at"),
                      Index("ix_nudges_case_pending", "case_ref", "status", "due_at"))

    kind: Mapped[str] = mapped_column(String(30))
    recipient: Mapped[str | None] = mapped_column(String(254))
    seq: Mapped[int] = mapped_column(Integer, default=1)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))
    data: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class CrisisRow(CaseColumns, Base):
    __tablename__ = "crises"

    state: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    details: Mapped[dict[str, Any]]
    reporter: Mapped[dict[str, Any]]
    lead: Mapped[dict[str, Any] | None]
    head_of_department: Mapped[str | None] = mapped_column(String(254))
    lead_agency: Mapped[str | None] = mapped_column(String(200))
    routing: Mapped[dict[str, Any] | None]
    confirmations: Mapped[dict[str, Any] | None]


class HoldingLineRow(Base):
    """The library of pre-approved holding statements, managed by the comms team."""

    __tablename__ = "holding_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]


class ConversationRefRow(Base):
    """Where the bot can post proactively: a chat platform's conversation reference, under several keys
    (Teams: the conversation itself, the person by AAD object id and by email, the channel by its id)."""

    __tablename__ = "conversation_refs"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    ref_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    reference: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class PressReleaseRow(CaseColumns, Base):
    """A press release (Appendices D and E): its stage, who holds it, when the stage is due, and its plan."""

    __tablename__ = "press_releases"

    kind: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(24), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    details: Mapped[dict[str, Any]]
    requester: Mapped[dict[str, Any]]
    owner: Mapped[dict[str, Any] | None]
    project_lead: Mapped[str | None] = mapped_column(String(254))
    embargo: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    plan: Mapped[dict[str, Any]]


class PressCommentRow(CaseRecordColumns, Base):
    """Comments on a press release's draft: team members' comments to the project lead, and the lead's collated
    set for each round. `collated_round` is set only on a collated set, and is unique: one set per round."""

    __tablename__ = "press_comments"
    __table_args__ = (UniqueConstraint("case_ref", "collated_round"),)

    stage: Mapped[str] = mapped_column(String(24))
    draft_version: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))  # "team" (to the lead) or "amends" (the lead's set, to comms)
    collated_round: Mapped[str | None] = mapped_column(String(24))
    by: Mapped[str] = mapped_column(String(200))
    by_email: Mapped[str | None] = mapped_column(String(254))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


class CaseRetentionRow(Base):
    """Each case's place in the retention schedule (bot/domain/retention.py): its class and review date, set when it
    closes; whether it waits in the appraisal queue; the last decision; a legal hold."""

    __tablename__ = "case_retention"
    __table_args__ = (Index("ix_case_retention_queue", "status", "review_on"),)

    ref: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    retention_class: Mapped[str | None] = mapped_column(String(40))
    logged_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    review_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(12))  # retained, due, kept, destroyed
    queued_at: Mapped[datetime | None]
    decision: Mapped[str | None] = mapped_column(String(12))
    decided_by: Mapped[str | None] = mapped_column(String(254))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
    hold_reason: Mapped[str | None] = mapped_column(Text)
    hold_by: Mapped[str | None] = mapped_column(String(254))
    hold_at: Mapped[datetime | None]


class DisposalRow(Base):
    """What is left of a destroyed case, so the record still shows that it existed and who decided its end."""

    __tablename__ = "disposals"

    ref: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    retention_class: Mapped[str] = mapped_column(String(40))
    logged_at: Mapped[datetime]
    closed_at: Mapped[datetime]
    review_on: Mapped[date]
    decided_by: Mapped[str] = mapped_column(String(254))
    reason: Mapped[str] = mapped_column(Text)
    destroyed_at: Mapped[datetime]


class RetentionNoticeRow(Base):
    """The month's card to the Director with what is due for appraisal: one per month, whichever replica sends it."""

    __tablename__ = "retention_notices"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM in London
    at: Mapped[datetime]
    due: Mapped[int] = mapped_column(Integer)
