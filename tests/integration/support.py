"""Small helpers shared by the integration tests."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from bot.domain.messages import Outbound, Recipient
from storage.db import Database
from storage.models import Base
from storage.uow import SqlUnitOfWork

# Every table the models define, dependants first (so TRUNCATE and counts keep up with new migrations).
ALL_TABLES = [table.name for table in reversed(Base.metadata.sorted_tables)]


def message(title: str, *, key: str | None = None, platform: str = "slack", case_ref: str | None = None,
            update_only: bool = False) -> Outbound:
    """A message for the comms channel whose card is just a title (enough to tell messages apart)."""
    return Outbound(recipient=Recipient.comms(platform), card={"title": title}, key=key, case_ref=case_ref,
                    update_only=update_only)


async def queue(db: Database, now: Any, *messages: Outbound) -> None:
    """Put messages into the outbox the way the services do: in a unit of work, then commit."""
    async with SqlUnitOfWork(db) as uow:
        for m in messages:
            await uow.outbox.add(m, now)
        await uow.commit()


def titles(messages: list[Outbound]) -> list[str]:
    return [m.card["title"] for m in messages]


async def count_rows(db: Database, table: str) -> int:
    async with db.engine.connect() as conn:
        return (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()


async def outbox_column(db: Database, column: str, title: str) -> Any:
    """One column of the outbox row whose card has this title (for things the store's API doesn't expose)."""
    async with db.engine.connect() as conn:
        rows = (await conn.execute(text(f"SELECT {column}, card FROM outbox ORDER BY id"))).all()
    [value] = [value for value, card in rows if _card(card)["title"] == title]
    return value


def _card(raw: str | dict[str, Any]) -> dict[str, Any]:
    return json.loads(raw) if isinstance(raw, str) else raw
