"""Removing one personal detail from a case everywhere Media Desk keeps it, and from the messages it posted."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain import redaction
from bot.domain.errors import NotAllowed, NotFound, ValidationFailed
from bot.domain.messages import HistoryEntry
from bot.domain.people import Role
from bot.services.core import Core

# Who may remove data from the record: the Director answers to the Board for it.
REDACTORS = (Role.DIRECTOR_OF_COMMS,)


@dataclass(frozen=True)
class Redacted:
    ref: str
    field: str
    rows: dict[str, int]  # table -> rows changed
    history_entries: list[int]
    messages_updated: int


async def redact(core: Core, ref: str, field: str, reason: str, by: str) -> Redacted:
    """Remove `field` of case `ref`; recorded in the history with who and why, never the value."""
    if not reason.strip():
        raise ValidationFailed("Say why the detail is being removed (--reason): the history keeps the reason.")
    if not core.directory.roles_of(by) & set(REDACTORS):
        raise NotAllowed(f"{by} may not redact the media log: only the Director of Communications may.")
    ctx = core.ctx()
    async with core.uow() as uow:
        if (enquiry := await uow.enquiries.get(ref)) is not None:
            removal = redaction.for_enquiry(field, {"journalist": enquiry.journalist, "phone": enquiry.phone,
                                                     "email": enquiry.email, "summary": enquiry.summary})
        elif (crisis := await uow.crises.get(ref)) is not None:
            removal = redaction.for_details(field, crisis.details)
        elif (release := await uow.press_releases.get(ref)) is not None:
            removal = redaction.for_details(field, release.details)
        else:
            raise NotFound(f"There is no case {ref}.")
        rows, entries = await uow.records.scrub_case(ref, removal.forms, removal.cleared)
        updated = await uow.records.update_posted(ref, ctx.now)
        await uow.history.append(HistoryEntry(
            ref, ctx.now, "redacted", core.directory.name_of(by), by,
            {"field": field, "reason": reason.strip(), "entries": entries, "tables": sorted(rows),
             "messages_updated": updated}))
        await uow.commit()
    return Redacted(ref, field, rows, entries, updated)
