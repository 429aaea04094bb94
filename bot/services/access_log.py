"""Who saw a case (`mediadesk audit who-saw REF`): every search that returned it, every export and subject access
export that included it, and its redactions (bot/domain/access_log.py says how each is told)."""

from __future__ import annotations

from bot.domain.access_log import Access, IndexedCase, accesses
from bot.domain.errors import NotFound, ValidationFailed
from bot.ports import AccessLog


async def who_saw(log: AccessLog, ref: str) -> tuple[IndexedCase | None, list[Access]]:
    """The case as the index has it (None once destroyed) and its accesses, oldest first."""
    ref = (ref or "").strip().upper()
    if not ref:
        raise ValidationFailed("Say which case: its reference, e.g. MC-2026-0042.")
    case = await log.case(ref)
    if case is None and not await log.known(ref):
        raise NotFound(f"There is no case {ref}: check the reference (e.g. MC-2026-0042).")
    return case, accesses(ref, case, [entry async for entry in log.entries(ref)])
