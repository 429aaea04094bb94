"""What the repositories share: each kind of case's table, people kept as JSON, counting the rows a statement
changed, the versioned save, and the repository of a kind of case."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Delete, Update

from bot.domain.errors import ConcurrencyConflict
from bot.domain.media_log import CaseKind
from bot.domain.people import Person
from storage.models import ConversationRow, CrisisRow, EnquiryRow, PressReleaseRow

CaseTable = type[EnquiryRow] | type[CrisisRow] | type[PressReleaseRow]
CASE_TABLES: dict[CaseKind, CaseTable] = {CaseKind.ENQUIRY: EnquiryRow, CaseKind.CRISIS: CrisisRow,
                                          CaseKind.PRESS_RELEASE: PressReleaseRow}
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


class StoredCase(Protocol):
    id: int | None
    ref: str
    version: int


K = TypeVar("K", bound=StoredCase)  # the case, as the domain has it
R = TypeVar("R", EnquiryRow, CrisisRow, PressReleaseRow)  # its row


class CaseRows(Generic[K, R]):
    """A kind of case kept one row each: found by reference, listed while in progress, saved against the version
    it was loaded at. A kind says which row, which states are finished, and how a case and its row map."""

    row: type[R]
    finished: tuple[str, ...]  # the states of cases no longer in progress

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    def _case(self, row: R) -> K:
        raise NotImplementedError

    def _changes(self, case: K, now: datetime) -> dict[str, Any]:
        """The columns a save writes."""
        raise NotImplementedError

    async def _insert(self, case: K, row: R) -> K:
        self.s.add(row)
        await self.s.flush()
        case.id = row.id
        return case

    async def get(self, ref: str) -> K | None:
        row = (await self.s.execute(select(self.row).where(self.row.ref == ref))).scalar_one_or_none()
        return None if row is None else self._case(row)

    async def open_refs(self) -> list[str]:
        """Cases still in progress, oldest first."""
        query = select(self.row.ref).where(self.row.state.not_in(self.finished)).order_by(self.row.id)
        return list((await self.s.execute(query)).scalars())

    async def save(self, case: K, expected_version: int, now: datetime) -> None:
        case.version = await save_versioned(self.s, self.row, case.id, expected_version, self._changes(case, now),
                                            case.ref)
