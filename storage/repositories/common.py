"""What the repositories share: people kept as JSON, counting the rows a statement changed, the versioned save."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Delete, Update

from bot.domain.errors import ConcurrencyConflict
from bot.domain.people import Person
from storage.models import ConversationRow, CrisisRow, EnquiryRow, PressReleaseRow

# The tables whose rows carry a version that a save must find unchanged.
VersionedTable = type[EnquiryRow] | type[CrisisRow] | type[PressReleaseRow] | type[ConversationRow]


def person(data: dict[str, Any]) -> Person:
    return Person(**data)


def maybe_person(data: dict[str, Any] | None) -> Person | None:
    return Person(**data) if data else None


def person_json(who: Person | None) -> dict[str, Any] | None:
    return asdict(who) if who else None


async def rows_changed(session: AsyncSession, statement: Update | Delete) -> int:
    """Run an UPDATE or DELETE; how many rows it changed."""
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount


async def save_versioned(session: AsyncSession, table: VersionedTable, row_id: int | None, expected_version: int,
                         values: dict[str, Any], what: str, *, new_version: int | None = None) -> int:
    """Write `values` only if the row still has `expected_version`, moving it to `new_version` (the next one
    unless given); raise ConcurrencyConflict(`what`) when someone else saved first. Returns the new version."""
    version = expected_version + 1 if new_version is None else new_version
    statement = (update(table).where(table.id == row_id, table.version == expected_version)
                 .values(version=version, **values).execution_options(synchronize_session=False))
    if await rows_changed(session, statement) != 1:
        raise ConcurrencyConflict(what)
    return version
