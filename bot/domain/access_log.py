"""Who saw a case (`mediadesk audit who-saw REF`): the searches that returned it, the exports and subject access
exports that included it, and its redactions, from the history.

A search records the references it returned, and a subject access export the cases it took records from, so
those are read as written. An export records its filter in words (`LogFilter.describe`) and when it ran; the
filter is read back and tested against what never changes about the case (its kind, who logged it and when),
and a case logged after the export was not in it. Only what an export may be filtered by is ever tested (kind,
dates, who logged it); a filter on a case's state or owner, which change, is tested against the case as it is now
and said to be so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.domain.audit import REDACTION_EVENTS
from bot.domain.media_log import CaseKind, LogFilter
from bot.domain.messages import HistoryEntry
from bot.domain.subject_access import SAR_EVENT, SAR_REF

MEDIA_LOG_REF = "MEDIA-LOG"  # searches and exports of the media log are recorded under this reference
SEARCH_EVENT = "searched"
EXPORT_EVENT = "exported"
# "Have we said this before?": earlier approved statements shown to the owner of a new enquiry ("hits", "for"),
# and one of them opened to start a draft from ("statement", "for").
OFFERED_EVENT = "said before"
STARTED_FROM_EVENT = "started from"
ACCESS_REFS = (MEDIA_LOG_REF, SAR_REF)
_WHEN = "%Y-%m-%d %H:%M UTC"


@dataclass(frozen=True)
class IndexedCase:
    """What the media log's index says of a case."""

    ref: str
    kind: CaseKind
    state: str
    logged_at: datetime
    logged_by: str | None  # email
    owner: str | None = None  # email
    outlet_kind: str | None = None


@dataclass(frozen=True)
class Access:
    """One time someone saw (or changed what can be seen of) the case."""

    at: datetime
    who: str
    email: str | None
    what: str  # "search", "said before", "export", "FOI export", "subject access export", "redaction", "destruction"
    detail: str
    certain: bool = True  # False: an export whose filter could not be read back, so it may have included the case


def parse_filter(text: str) -> LogFilter | None:
    """The filter `LogFilter.describe()` wrote, read back; None for words it never writes."""
    parts = text.split(", ")
    first, rest = parts[0], parts[1:]
    kinds: tuple[CaseKind, ...] = ()
    if first != "all cases":
        try:
            kinds = tuple(CaseKind(k.replace(" ", "_")) for k in first.split(" or "))
        except ValueError:
            return None
    values: dict[str, object] = {}
    try:
        for part in rest:
            if part.startswith("in state "):
                values["states"] = tuple(s.replace(" ", "_") for s in part.removeprefix("in state ").split(" or "))
            elif part.startswith("owned by "):
                values["owner"] = part.removeprefix("owned by ")
            elif part.startswith("logged from "):
                values["logged_from"] = _instant(part.removeprefix("logged from "))
            elif part.startswith("logged before "):
                values["logged_before"] = _instant(part.removeprefix("logged before "))
            elif part.startswith("logged by "):
                values["logged_by"] = part.removeprefix("logged by ")
            elif part.startswith("from ") and part.endswith(" outlets"):
                values["outlet_kind"] = part.removeprefix("from ").removesuffix(" outlets")
            else:
                return None
    except ValueError:
        return None
    return LogFilter(kinds=kinds, **values)  # type: ignore[arg-type]


def _instant(text: str) -> datetime:
    return datetime.strptime(text, _WHEN).replace(tzinfo=UTC)


def included(where: LogFilter, case: IndexedCase, at: datetime) -> bool:
    """Whether an export made at `at` with filter `where` held the case."""
    return (case.logged_at <= at
            and (not where.kinds or case.kind in where.kinds)
            and (not where.states or case.state in where.states)
            and (not where.owner or case.owner == where.owner)
            and (not where.outlet_kind or case.outlet_kind == where.outlet_kind)
            and (where.logged_from is None or case.logged_at >= where.logged_from)
            and (where.logged_before is None or case.logged_at < where.logged_before)
            and (not where.logged_by or (case.logged_by or "").lower() == where.logged_by))


def accesses(ref: str, case: IndexedCase | None, entries: Iterable[HistoryEntry]) -> list[Access]:
    """The accesses to `ref` among these history entries (searches, exports, subject access exports, and the
    case's own redactions), in the history's order (oldest first). Without the case's index row exports can't be tested, and are left out."""
    found: list[Access] = []
    for e in entries:
        d = e.data
        if e.case_ref == MEDIA_LOG_REF and e.event == SEARCH_EVENT and ref in (d.get("hits") or ()):
            hits = len(d.get("hits") or ())
            found.append(Access(e.at, e.actor, e.actor_email, "search", f"“{d.get('words', '')}”: {hits} result"
                                f"{'s' if hits != 1 else ''} ({d.get('filter', '')})"))
        elif e.case_ref == MEDIA_LOG_REF and e.event == OFFERED_EVENT and ref in (d.get("hits") or ()):
            found.append(Access(e.at, e.actor, e.actor_email, "said before",
                                f"its approved statement shown to the owner of {d.get('for', '')}"))
        elif e.case_ref == MEDIA_LOG_REF and e.event == STARTED_FROM_EVENT and d.get("statement") == ref:
            found.append(Access(e.at, e.actor, e.actor_email, "said before",
                                f"its approved statement opened to start a draft of {d.get('for', '')}"))
        elif e.case_ref == MEDIA_LOG_REF and e.event == EXPORT_EVENT and case is not None:
            where = parse_filter(str(d.get("filter", "")))
            if where is not None and not included(where, case, e.at):
                continue
            found.append(Access(
                e.at, e.actor, e.actor_email, "FOI export" if d.get("foi") else "export",
                f"{d.get('format', '')}, {d.get('filter', '')}: {d.get('rows', '?')} "
                f"{'row' if d.get('rows') == 1 else 'rows'}, file {d.get('file', '')}",
                certain=where is not None))
        elif e.case_ref == SAR_REF and e.event == SAR_EVENT and ref in (d.get("cases") or ()):
            named = d.get("email", "") + (f" ({d['name']})" if d.get("name") else "")
            found.append(Access(e.at, e.actor, e.actor_email, "subject access export",
                                f"for {named}, file {d.get('file', '')}"))
        elif e.case_ref == ref and e.event in REDACTION_EVENTS:
            said = [f"{k}: {d[k]}" for k in ("field", "fields", "reason") if d.get(k)]
            found.append(Access(e.at, e.actor, e.actor_email,
                                "redaction" if e.event == "redacted" else "destruction",
                                "; ".join(str(s) for s in said) or e.event))
    return found
