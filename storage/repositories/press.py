"""Press releases (saved against the version they were loaded at) and the comments on their drafts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.errors import ConcurrencyConflict
from bot.domain.press_release import PressComment, PressRelease, PressState, ReleaseKind
from storage.models import PressCommentRow, PressReleaseRow
from storage.repositories.common import CaseRows, maybe_person, person, person_json


def release_from(row: PressReleaseRow) -> PressRelease:
    pr = PressRelease(id=row.id, ref=row.ref, kind=ReleaseKind(row.kind), state=PressState(row.state),
                      version=row.version, details=dict(row.details), requester=person(row.requester),
                      owner=maybe_person(row.owner), project_lead=row.project_lead, embargo=row.embargo,
                      due=row.due_at, created_at=row.created_at)
    pr.load_plan(row.plan)
    return pr


class SqlPressReleases(CaseRows[PressRelease, PressReleaseRow]):
    row = PressReleaseRow
    finished = (PressState.CLOSED.value,)

    async def add(self, pr: PressRelease, now: datetime) -> PressRelease:
        return await self._insert(pr, PressReleaseRow(
            ref=pr.ref, kind=pr.kind.value, state=pr.state.value, version=pr.version, details=pr.details,
            requester=person_json(pr.requester), owner=person_json(pr.owner), project_lead=pr.project_lead,
            embargo=pr.embargo, due_at=pr.due, plan=pr.plan_json(), created_at=pr.created_at, updated_at=now))

    def _case(self, row: PressReleaseRow) -> PressRelease:
        return release_from(row)

    def _changes(self, pr: PressRelease, now: datetime) -> dict[str, Any]:
        return dict(state=pr.state.value, details=pr.details, owner=person_json(pr.owner),
                    project_lead=pr.project_lead, embargo=pr.embargo, due_at=pr.due, plan=pr.plan_json(),
                    updated_at=now)


class SqlPressComments:
    """Comments on a press release's drafts; one collated set of amendments per round (a unique key)."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, case_ref: str, comment: PressComment) -> None:
        """Add a comment; a second collated set for the same round raises ConcurrencyConflict."""
        collated = comment.stage.value if comment.kind == "amends" else None
        try:
            async with self.s.begin_nested():
                self.s.add(PressCommentRow(
                    case_ref=case_ref, stage=comment.stage.value, draft_version=comment.draft_version,
                    kind=comment.kind, collated_round=collated, by=comment.by, by_email=comment.by_email,
                    text=comment.text, at=comment.at))
        except IntegrityError:
            raise ConcurrencyConflict(f"{case_ref} amendments for {collated}") from None

    async def for_case(self, case_ref: str) -> list[PressComment]:
        rows = (await self.s.execute(select(PressCommentRow).where(PressCommentRow.case_ref == case_ref)
                                     .order_by(PressCommentRow.id))).scalars()
        return [PressComment(PressState(r.stage), r.kind, r.by, r.by_email, r.text, r.at, r.draft_version)
                for r in rows]
