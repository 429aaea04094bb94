"""Removing personal data from everything kept about one case: its row, drafts, decisions, comments, forms in
progress, reminders, the messages' stored copies, the search index and (sealed) the history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, String, Table, Text, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.messages import MessageRef
from storage.models import (
    ConversationRow,
    CrisisRow,
    DraftRow,
    EnquiryRow,
    MessageRefRow,
    NudgeRow,
    OutboxRow,
    PressCommentRow,
    PressReleaseRow,
    SignOffRow,
)
from storage.repositories.history import SqlHistory, scrub
from storage.search_schema import case_search

_BY_REF = (EnquiryRow, CrisisRow, PressReleaseRow)
_BY_CASE_REF = (DraftRow, SignOffRow, PressCommentRow, ConversationRow, NudgeRow, OutboxRow)
_KEYS = frozenset({"id", "ref", "case_ref", "state", "kind", "status", "platform", "message_key", "fingerprint",
                   "recipient_kind", "form_id", "slot", "decision", "stage", "collated_round", "user_id"})


class SqlRecords:
    def __init__(self, session: AsyncSession, history: SqlHistory) -> None:
        self.s, self.history = session, history

    async def scrub_case(self, ref: str, values: list[str], cleared: dict[str, Any]) -> tuple[dict[str, int], list[int]]:
        """Replace every occurrence of `values` in what is kept about `ref`, and set the case row's `cleared`
        columns; (rows changed per table, history entries redacted)."""
        changed: dict[str, int] = {}
        for model in (*_BY_REF, *_BY_CASE_REF):
            table = cast(Table, model.__table__)
            key = table.c.ref if model in _BY_REF else table.c.case_ref
            texts = [c for c in table.c if c.name not in _KEYS and isinstance(c.type, (String, Text, JSON))]
            for row in (await self.s.execute(select(table.c.id, *texts).where(key == ref))).all():
                values_now = {c.name: getattr(row, c.name) for c in texts}
                cleaned = {name: scrub(v, values) for name, v in values_now.items()}
                if model in _BY_REF:
                    cleaned.update({k: v for k, v in cleared.items() if k in table.c})
                if cleaned != values_now:
                    await self.s.execute(update(table).where(table.c.id == row.id).values(**cleaned)
                                         .execution_options(synchronize_session=False))
                    changed[table.name] = changed.get(table.name, 0) + 1
        # The index follows the case row by trigger, but its statement comes from the drafts as they were.
        c = case_search.c
        for row in (await self.s.execute(select(c.ref, c.statement, c.words).where(c.ref == ref))).all():
            if (statement := scrub(row.statement, values)) != row.statement or scrub(row.words, values) != row.words:
                await self.s.execute(update(case_search).where(c.ref == ref)
                                     .values(statement=statement, words=scrub(row.words, values)))
                changed["case_search"] = changed.get("case_search", 0) + 1
        return changed, await self.history.redact(ref, values)

    async def posted(self, ref: str) -> list[tuple[MessageRef, dict[str, Any]]]:
        """The case's messages that are on a platform and can be changed there: where each is, and the last card
        stored for it (with the recipient), oldest first."""
        rows = (await self.s.execute(
            select(OutboxRow, MessageRefRow).join(MessageRefRow, (MessageRefRow.platform == OutboxRow.platform)
                                                  & (MessageRefRow.message_key == OutboxRow.message_key))
            .where(OutboxRow.case_ref == ref).order_by(OutboxRow.id))).all()
        latest: dict[tuple[str, str], tuple[MessageRef, dict[str, Any]]] = {}
        for outbox, where in rows:
            latest[(where.platform, where.message_key)] = (
                MessageRef(where.platform, where.channel, where.ts),
                {"recipient_kind": outbox.recipient_kind, "recipient": outbox.recipient, "key": outbox.message_key,
                 "card": outbox.card})
        return list(latest.values())

    async def update_posted(self, ref: str, now: datetime) -> int:
        """Queue each posted message of the case again, as it is stored now, to be changed in place."""
        queued = 0
        for where, message in await self.posted(ref):
            await self.s.execute(insert(OutboxRow).values(
                platform=where.platform, recipient_kind=message["recipient_kind"], recipient=message["recipient"],
                message_key=message["key"], case_ref=ref, card=message["card"], update_only=True, status="pending",
                attempts=0, next_attempt_at=now, created_at=now))
            queued += 1
        return queued
