"""The media log (ports.MediaLog): search through the full-text index of migration 0011, and the log's lines.

The index (storage/search_schema.py) is written only by the database's triggers, in the transaction that writes
the case, so nothing here writes. SQLite searches with FTS5 (bm25, snippet), PostgreSQL with a tsvector and its
GIN index (ts_rank, ts_headline), both with English stemming. Reads take a connection of their own.
"""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Iterable, Sequence
from contextlib import aclosing
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    cast,
    func,
    literal,
    literal_column,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.domain.media_log import (
    LOG_EVENTS,
    Approval,
    CaseFacts,
    CaseKind,
    EarlierStatement,
    LogFilter,
    LogRow,
    SearchHit,
    log_row,
)
from bot.domain.messages import HistoryEntry
from storage.db import Database
from storage.models import CrisisRow, DraftRow, EnquiryRow, HistoryRow, PressReleaseRow, SignOffRow
from storage.read_ahead import read_ahead
from storage.repositories.log_halves import Job, Key, in_two_processes
from storage.search_schema import case_search

C = case_search.c
MARK = "**"  # around the matched words in a snippet
ENGLISH: ColumnElement[Any] = literal_column("'english'::regconfig")  # the index's text search configuration (migration 0011)
# Column weights for SQLite's bm25, in the index's column order: the nine UNINDEXED columns count for nothing;
# then reference, outlet, journalist, the enquiry's (or crisis's, or release's) words, the statement.
_BM25 = (0.0,) * 9 + (10.0, 4.0, 4.0, 2.0, 1.0)
# Words too common to tell statements apart (PostgreSQL's English configuration drops these itself).
_STOP = frozenset("a an and are as at be been but by can could do for from had has have he her his how i if in "
                  "into is it its may me my no not of on or our she so that the their them there they this to "
                  "us was we were what when where which who why will with would you your".split())
# The states in which a case has an approved statement (checked against its history before it is offered).
_APPROVED_STATES = ("approved", "closed", "signed_off", "circulated", "stood_down", "ready", "issued")


# From this many cases an export's lines are read in two processes (storage/repositories/log_halves.py); below
# it a helper's start (about half a second) would cost more than it saves.
SPLIT_FROM = 20_000


class SqlMediaLog:
    def __init__(self, db: Database, *, split_from: int | None = SPLIT_FROM) -> None:
        self._db = db
        self._split_from = split_from

    # ---- search

    async def search(self, words: str, where: LogFilter, limit: int = 20) -> list[SearchHit]:
        if self._db.is_sqlite:
            match = fts5_query(words)
            query = (select(C.ref, C.kind, C.state, C.title, C.logged_at, C.updated_at,
                            func.snippet(literal_column("case_search"), -1, MARK, MARK, "…", 16).label("snippet"))
                     .where(text("case_search MATCH :match").bindparams(match=match), *conditions(where))
                     .order_by(func.bm25(literal_column("case_search"), *_BM25), C.logged_at.desc()).limit(limit))
        else:
            tsquery = func.websearch_to_tsquery(ENGLISH, pg_words(words))
            query = self._pg_ranked(tsquery, where, limit, func.ts_rank(literal_column("document"), tsquery))
        async with self._db.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [SearchHit(r.ref, CaseKind(r.kind), r.state, r.title or "", r.logged_at, r.updated_at,
                          r.snippet or "") for r in rows]

    @staticmethod
    def _pg_ranked(tsquery: Any, where: LogFilter, limit: int, rank: Any) -> Select[Any]:
        """PostgreSQL: the best `limit` matches by rank, then a headline for those only (ts_headline is slow)."""
        best = (select(C.ref, C.kind, C.state, C.title, C.logged_at, C.updated_at, C.reference, C.outlet,
                       C.journalist, C.words, C.statement, rank.label("rank"))
                .where(literal_column("document").op("@@")(tsquery), *conditions(where))
                .order_by(rank.desc(), C.logged_at.desc()).limit(limit).subquery())
        passage = func.concat_ws(" … ", best.c.words, best.c.statement, best.c.outlet, best.c.journalist,
                                 best.c.reference)
        headline = func.ts_headline(ENGLISH, passage, tsquery,
                                    f"StartSel={MARK}, StopSel={MARK}, MaxWords=24, MinWords=8, MaxFragments=2, "
                                    "FragmentDelimiter=\" … \"")
        return (select(best.c.ref, best.c.kind, best.c.state, best.c.title, best.c.logged_at, best.c.updated_at,
                       headline.label("snippet"))
                .order_by(best.c.rank.desc(), best.c.logged_at.desc()))

    async def approved_like(self, text_: str, *, limit: int = 3, kinds: Iterable[CaseKind] = (),
                            exclude: str | None = None, before: datetime | None = None) -> list[EarlierStatement]:
        where = LogFilter(kinds=tuple(kinds), states=_APPROVED_STATES, logged_before=before)
        extra = [C.statement.is_not(None)] + ([C.ref != exclude] if exclude else [])
        pool = max(limit * 5, 15)  # some candidates turn out never to have been approved
        async with self._db.engine.connect() as conn:
            if self._db.is_sqlite:
                terms = similar_terms(text_)
                if not terms:
                    return []
                match = "{words statement} : (" + " OR ".join(_quoted(t) for t in terms) + ")"
                query = (select(C.ref, C.kind, C.logged_at)
                         .where(text("case_search MATCH :match").bindparams(match=match), *conditions(where), *extra)
                         .order_by(func.bm25(literal_column("case_search"), *_BM25), C.logged_at.desc()).limit(pool))
            else:
                # Any of the text's lexemes (stemmed once, here, so they go into the query as they are).
                lexemes = (await conn.execute(text(
                    "SELECT array_to_string(ARRAY(SELECT quote_literal(lexeme) FROM unnest(to_tsvector('english', "
                    "translate(:words, '-', ' '))) LIMIT 60), ' | ')").bindparams(words=text_))).scalar_one()
                if not lexemes:
                    return []
                tsquery = cast(literal(lexemes), TSQUERY)
                # The enquiry's and the statement's words count (weights B and C), not the reference (A).
                rank = func.ts_rank(literal_column("'{0, 0.6, 1, 0}'::float4[]"), literal_column("document"), tsquery)
                query = (select(C.ref, C.kind, C.logged_at)
                         .where(literal_column("document").op("@@")(tsquery), *conditions(where), *extra)
                         .order_by(rank.desc(), C.logged_at.desc()).limit(pool))
            candidates = (await conn.execute(query)).all()
            found = await _approved(conn, candidates)
        return found[:limit]

    async def approved_statement(self, ref: str, where: LogFilter) -> EarlierStatement | None:
        query = (select(C.ref, C.kind, C.logged_at)
                 .where(self._row_of(ref), C.state.in_(_APPROVED_STATES), C.statement.is_not(None),
                        *conditions(where)))
        async with self._db.engine.connect() as conn:
            found = await _approved(conn, (await conn.execute(query)).all())
        return found[0] if found else None

    def _row_of(self, ref: str) -> ColumnElement[bool]:
        """The index row of case `ref`, found by key (SQLite: FTS5's rowid is the case's id * 4 + its kind, as
        migration 0012 writes it; an UNINDEXED column would be read row by row)."""
        if not self._db.is_sqlite:
            return C.ref == ref
        ids = union_all(*(select(row.id * 4 + kind).where(row.ref == ref) for row, kind in
                          ((EnquiryRow, 1), (CrisisRow, 2), (PressReleaseRow, 3))))
        return literal_column("case_search.rowid").in_(ids)

    # ---- the log's lines

    async def count(self, where: LogFilter) -> int:
        async with self._db.engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(case_search)
                                           .where(*conditions(where)))).scalar_one())

    async def rows(self, where: LogFilter, now: datetime, batch: int = 1000) -> AsyncGenerator[LogRow, None]:
        async with aclosing(read_ahead(self._every_batch(where, now, batch))) as batches:
            async for lines in batches:
                for line in lines:
                    yield line

    async def _every_batch(self, where: LogFilter, now: datetime, batch: int) -> AsyncGenerator[list[LogRow], None]:
        total = await self.count(where) if self._split_from is not None else 0
        if self._split_from is None or total < self._split_from:
            async with aclosing(self.batches(where, now, batch)) as alone:
                async for lines in alone:
                    yield lines
            return
        boundary = await self._key_at(where, total // 2)
        job = Job(self._db.engine.url.render_as_string(hide_password=False), where, now, batch)

        def first_half(start: Key | None, before: Key | None) -> AsyncGenerator[list[LogRow], None]:
            return self.batches(where, now, batch, start=start, before=before)

        async with aclosing(in_two_processes(first_half, boundary, job)) as halves:
            async for lines in halves:
                yield lines

    async def _key_at(self, where: LogFilter, position: int) -> Key:
        async with self._db.engine.connect() as conn:
            found = (await conn.execute(select(C.logged_at, C.ref).where(*conditions(where))
                                        .order_by(C.logged_at, C.ref).offset(position).limit(1))).one()
        return found.logged_at, found.ref

    async def batches(self, where: LogFilter, now: datetime, batch: int, *, start: Key | None = None,
                      before: Key | None = None) -> AsyncGenerator[list[LogRow], None]:
        """The lines of the cases in `where` (from key `start`, before key `before`), a batch at a time."""
        keys = (select(C.kind, C.ref).where(*conditions(where), *_between(start, before))
                .order_by(C.logged_at, C.ref).execution_options(yield_per=batch))
        # One connection walks the index in order (a server-side cursor on PostgreSQL); another reads each batch's
        # cases, history, drafts and sign-offs, so memory holds two batches whatever the number of cases.
        async with self._db.engine.connect() as walk, self._db.engine.connect() as read:
            result = await walk.stream(keys)
            async for part in result.partitions(batch):
                yield await _lines(read, [(CaseKind(k), ref) for k, ref in part], now)


def _between(start: Key | None, before: Key | None) -> list[ColumnElement[bool]]:
    key = tuple_(C.logged_at, C.ref)
    return [*([key >= tuple_(*start)] if start else []), *([key < tuple_(*before)] if before else [])]


def conditions(where: LogFilter) -> list[ColumnElement[bool]]:
    """The filter over the index's columns (the same on both databases)."""
    found: list[ColumnElement[bool]] = []
    if where.kinds:
        found.append(C.kind.in_([k.value for k in where.kinds]))
    if where.states:
        found.append(C.state.in_(list(where.states)))
    if where.owner:
        found.append(C.owner == where.owner)
    if where.outlet_kind:
        found.append(C.outlet_kind == where.outlet_kind)
    if where.logged_from:
        found.append(C.logged_at >= where.logged_from)
    if where.logged_before:
        found.append(C.logged_at < where.logged_before)
    if where.logged_by:
        found.append(C.logged_by == where.logged_by)
    return found


async def _approved(conn: AsyncConnection, candidates: Sequence[Any]) -> list[EarlierStatement]:
    """Of these index rows (ref, kind, logged_at), those with an approved version, with its text, in order."""
    if not candidates:
        return []
    refs = [c.ref for c in candidates]
    history = await _history(conn, refs, {"approve_last"})
    approved = {ref: entries[-1] for ref, entries in history.items()}
    wanted = [(ref, v) for ref in refs if (entry := approved.get(ref))
              and isinstance(v := entry.data.get("version"), int)]
    texts = await _draft_texts(conn, wanted)
    found: list[EarlierStatement] = []
    for c in candidates:
        entry = approved.get(c.ref)
        version = entry.data.get("version") if entry else None
        body = texts.get((c.ref, version)) if entry and isinstance(version, int) else None
        if entry and body:
            found.append(EarlierStatement(c.ref, CaseKind(c.kind), body, c.logged_at, entry.at))
    return found


# ---- turning what people type into each engine's query

_TOKEN = re.compile(r'-?"[^"]*"?|\S+')
_WORD = re.compile(r"\w+")


def fts5_query(words: str) -> str:
    """FTS5's syntax from a search box: every word must match (AND), "a phrase" as written, -word excluded,
    OR between two alternatives. Everything is quoted, so no character typed can break the query."""
    groups: list[list[str]] = []
    excluded: list[str] = []
    joining = False
    for token in _TOKEN.findall(words):
        if token.upper() == "OR" and groups:
            joining = True
            continue
        negative = token.startswith("-") and len(token) > 1
        term = token[1:] if negative else token
        term = term.strip('"')
        if not _WORD.search(term):
            continue
        if negative:
            excluded.append(_quoted(term))
        elif joining:
            groups[-1].append(_quoted(term))
        else:
            groups.append([_quoted(term)])
        joining = False
    if not groups:
        return '""'  # matches nothing: a search of only excluded words (or none) finds nothing, as on PostgreSQL
    query = " AND ".join(g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups)
    return query + "".join(f" NOT {term}" for term in excluded)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', "") + '"'


def pg_words(words: str) -> str:
    """websearch_to_tsquery's input, hyphens inside words made spaces as the index makes them (migration 0011)."""
    return re.sub(r"(?<=\w)-(?=\w)", " ", words)


def similar_terms(text_: str, most: int = 40) -> list[str]:
    """The distinctive words of a text (SQLite: PostgreSQL's English configuration does this itself)."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text_.lower()):
        if len(word) > 2 and word not in _STOP and not word.isdigit():
            seen.setdefault(word)
    return list(seen)[:most]


# ---- reading a batch of cases for the log


# What the log reads of an entry's content, taken out by the database (JSON is not decoded row by row in Python).
_LOG_FIELDS = {"version": HistoryRow.data["version"].as_integer(), "text": HistoryRow.data["text"].as_string(),
               "method": HistoryRow.data["method"].as_string(), "state": HistoryRow.data["state"].as_string()}


async def _history(conn: AsyncConnection, refs: Sequence[str], events: Iterable[str]) -> dict[str, list[HistoryEntry]]:
    """The entries of these events for these cases, oldest first, each with only the fields the log reads."""
    rows = await conn.execute(
        select(HistoryRow.case_ref, HistoryRow.at, HistoryRow.event, HistoryRow.actor, HistoryRow.actor_email,
               *(value.label(name) for name, value in _LOG_FIELDS.items()))
        .where(HistoryRow.case_ref.in_(refs), HistoryRow.event.in_(sorted(events))).order_by(HistoryRow.id))
    found: dict[str, list[HistoryEntry]] = {}
    for r in rows:
        data = {name: value for name, value in zip(_LOG_FIELDS, r[5:], strict=True) if value is not None}
        found.setdefault(r.case_ref, []).append(HistoryEntry(r.case_ref, r.at, r.event, r.actor, r.actor_email,
                                                             data))
    return found


async def _draft_texts(conn: AsyncConnection, wanted: Sequence[tuple[str, int]]) -> dict[tuple[str, int], str]:
    if not wanted:
        return {}
    numbers = {number for _, number in wanted}
    rows = await conn.execute(select(DraftRow.case_ref, DraftRow.number, DraftRow.text)
                              .where(DraftRow.case_ref.in_({ref for ref, _ in wanted}), DraftRow.number.in_(numbers)))
    pairs = set(wanted)
    return {(r.case_ref, r.number): r.text for r in rows if (r.case_ref, r.number) in pairs}


async def _lines(conn: AsyncConnection, keys: Sequence[tuple[CaseKind, str]], now: datetime) -> list[LogRow]:
    refs = [ref for _, ref in keys]
    facts: dict[str, CaseFacts] = {}
    by_kind = {kind: [ref for k, ref in keys if k is kind] for kind in CaseKind}
    if by_kind[CaseKind.ENQUIRY]:
        E = EnquiryRow
        for e in await conn.execute(
                select(E.ref, E.state, E.created_at, E.reporter["name"].as_string().label("logged_by"),
                       E.owner["name"].as_string().label("owner"), E.outlet, E.outlet_kind, E.journalist,
                       E.summary, E.deadline, E.plan["spokesperson"].as_string().label("spokesperson"),
                       E.plan[("issued", "method")].as_string().label("method"),
                       E.reporter["email"].as_string().label("email"))
                .where(E.ref.in_(by_kind[CaseKind.ENQUIRY]))):
            facts[e.ref] = CaseFacts(
                CaseKind.ENQUIRY, e.ref, e.state, e.created_at, e.logged_by or "", e.owner or "", e.outlet,
                e.outlet_kind, e.journalist, e.summary, e.deadline, e.spokesperson, e.method,
                e.email.lower() if e.email else None)
    if by_kind[CaseKind.CRISIS]:
        for c in await conn.execute(select(CrisisRow.__table__).where(CrisisRow.ref.in_(by_kind[CaseKind.CRISIS]))):
            facts[c.ref] = CaseFacts(CaseKind.CRISIS, c.ref, c.state, c.created_at, _name(c.reporter), _name(c.lead),
                                     enquiry=str((c.details or {}).get("what") or ""),
                                     logged_by_email=_email(c.reporter))
    if by_kind[CaseKind.PRESS_RELEASE]:
        for p in await conn.execute(select(PressReleaseRow.__table__)
                                    .where(PressReleaseRow.ref.in_(by_kind[CaseKind.PRESS_RELEASE]))):
            details, plan = p.details or {}, p.plan or {}
            what = " — ".join(str(details[k]) for k in ("project", "what", "news") if details.get(k))
            channels = (plan.get("issued") or {}).get("channels") or []
            facts[p.ref] = CaseFacts(CaseKind.PRESS_RELEASE, p.ref, p.state, p.created_at, _name(p.requester),
                                     _name(p.owner), enquiry=what, spokesperson=details.get("spokesperson"),
                                     issued_how=", ".join(channels) or None, logged_by_email=_email(p.requester))
    history = await _history(conn, refs, LOG_EVENTS)
    versions = [(ref, v) for ref, entries in history.items() for h in entries
                if h.event in ("issue", "circulate") and isinstance(v := h.data.get("version"), int)]
    texts = await _draft_texts(conn, versions)
    approvals: dict[str, list[Approval]] = {}
    for s in await conn.execute(select(SignOffRow.case_ref, SignOffRow.version, SignOffRow.by, SignOffRow.at,
                                       SignOffRow.by_email)
                                .where(SignOffRow.case_ref.in_(refs), SignOffRow.decision == "approved")
                                .order_by(SignOffRow.id)):
        approvals.setdefault(s.case_ref, []).append(Approval(s.version, s.by, s.at, s.by_email))
    drafts: dict[str, dict[int, str]] = {}
    for (ref, number), body in texts.items():
        drafts.setdefault(ref, {})[number] = body
    return [log_row(case, history.get(ref, []), drafts.get(ref, {}), approvals.get(ref, []), now)
            for ref in refs if (case := facts.get(ref)) is not None]  # (one deleted since the index was read)


def _name(person: dict[str, Any] | None) -> str:
    return str((person or {}).get("name") or "")


def _email(person: dict[str, Any] | None) -> str | None:
    return str(email).lower() if (email := (person or {}).get("email")) else None
