"""The media log's full-text index (migration 0011): one row per case, kept by triggers, outside the models.

It is the databases' own engine (SQLite FTS5, PostgreSQL tsvector), not a model: Alembic's comparison leaves it
alone (`include_name`), and the repositories read it through the table described here.
"""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table, Text

from storage.models import UTCDateTime

# The index and, on SQLite, the tables FTS5 keeps it in.
FULL_TEXT_TABLES = frozenset({"case_search", "case_search_data", "case_search_idx", "case_search_content",
                              "case_search_docsize", "case_search_config"})

case_search = Table(
    "case_search", MetaData(),
    Column("ref", String(20)), Column("kind", String(20)), Column("state", String(24)),
    Column("owner", String(254)), Column("logged_by", String(254)), Column("outlet_kind", String(20)),
    Column("logged_at", UTCDateTime()), Column("updated_at", UTCDateTime()), Column("title", Text),
    Column("reference", Text), Column("outlet", Text), Column("journalist", Text), Column("words", Text),
    Column("statement", Text),
)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """For Alembic's comparison: everything but the full-text index."""
    return not (type_ == "table" and name in FULL_TEXT_TABLES)
