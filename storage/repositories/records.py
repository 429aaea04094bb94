"""Removing personal data from everything kept about one case: its row, drafts, decisions, comments, forms in
progress, reminders, the messages' stored copies, the search index and (sealed) the history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, String, Table, Text, insert, or_, select, update
from sqlalchemy import cast as sa_cast
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    ConversationRow,
    DraftRow,
    MessageRefRow,
    NudgeRow,
    OutboxRow,
    PressCommentRow,
    SignOffRow,
)
from storage.repositories.common import CASE_TABLES
from storage.repositories.history import SqlHistory, scrub
from storage.search_schema import case_search

_BY_REF = tuple(CASE_TABLES.values())
_BY_CASE_REF = (DraftRow, SignOffRow, PressCommentRow, ConversationRow, NudgeRow, OutboxRow)
_KEYS = frozenset({"id", "ref", "case_ref", "state", "kind", "status", "platform", "message_key", "fingerprint",
                   "recipient_kind", "form_id", "slot", "decision", "stage", "collated_round", "user_id"})


class SqlRecords:
    def __init__(self, session: AsyncSession, history: SqlHistory) -> None:
        self.s, self.history = session, history
        self._outbox_changed: list[int] = []  # the messages the last scrub changed

    async def scrub_case(self, ref: str, values: list[str], cleared: dict[str, Any]) -> tuple[dict[str, int], list[int]]:
        """Replace every occurrence of `values` in what is kept about `ref` (and in any message that repeats them,
        such as the reporter's own check screen), and set the case row's `cleared` columns; (rows changed per
        table, history entries redacted)."""
        changed: dict[str, int] = {}
        self._outbox_changed = []
        for model in (*_BY_REF, *_BY_CASE_REF):
            table = cast(Table, model.__table__)
            key = table.c.ref if model in _BY_REF else table.c.case_ref
            texts = [c for c in table.c if c.name not in _KEYS and isinstance(c.type, (String, Text, JSON))]
            which = key == ref
            if model is OutboxRow:  # messages about the case before it had a reference (the form's screens)
                which = or_(which, *(cast_text(table.c.card).contains(v, autoescape=True) for v in values))
            for row in (await self.s.execute(select(table.c.id, *texts).where(which))).all():
                values_now = {c.name: getattr(row, c.name) for c in texts}
                cleaned = {name: scrub(v, values) for name, v in values_now.items()}
                if model in _BY_REF:
                    cleaned.update({k: v for k, v in cleared.items() if k in table.c})
                if cleaned != values_now:
                    await self.s.execute(update(table).where(table.c.id == row.id).values(**cleaned)
                                         .execution_options(synchronize_session=False))
                    changed[table.name] = changed.get(table.name, 0) + 1
                    if model is OutboxRow:
                        self._outbox_changed.append(row.id)
        # The index follows the case row by trigger, but its statement comes from the drafts as they were.
        c = case_search.c
        for row in (await self.s.execute(select(c.ref, c.statement, c.words).where(c.ref == ref))).all():
            if (statement := scrub(row.statement, values)) != row.statement or scrub(row.words, values) != row.words:
                await self.s.execute(update(case_search).where(c.ref == ref)
                                     .values(statement=statement, words=scrub(row.words, values)))
                changed["case_search"] = changed.get("case_search", 0) + 1
        return changed, await self.history.redact(ref, values)

    async def update_posted(self, ref: str, now: datetime) -> int:
        """Queue again, to be changed in place, each posted message whose current version `scrub_case` changed."""
        o = OutboxRow.__table__.c
        rows = (await self.s.execute(select(OutboxRow).where(o.sent_ts.is_not(None), or_(
            o.id.in_(self._outbox_changed), o.case_ref == ref)).order_by(o.id))).scalars().all()
        latest: dict[tuple[str, str], OutboxRow] = {}
        for row in rows:  # a keyed message shows its last version; an unkeyed one is its own message
            latest[(row.platform, row.message_key or f"row:{row.id}")] = row
        queued = 0
        for row in latest.values():
            if row.id not in self._outbox_changed:
                continue
            key = row.message_key
            if key is None:  # give the message a key of its own, recorded as where it was posted
                key = f"redacted:{row.id}"
                self.s.add(MessageRefRow(platform=row.platform, message_key=key, channel=row.sent_channel,
                                         ts=row.sent_ts, updated_at=now))
            await self.s.execute(insert(OutboxRow).values(
                platform=row.platform, recipient_kind=row.recipient_kind, recipient=row.recipient, message_key=key,
                case_ref=row.case_ref or ref, card=row.card, update_only=True, status="pending", attempts=0,
                next_attempt_at=now, created_at=now))
            queued += 1
        return queued


def cast_text(column: Any) -> Any:
    """A JSON column read as its text, for a LIKE."""
    return sa_cast(column, Text)
