"""What several migrations build alike: a case's table, a table of records about a case, the columns that name a
person or a moment, and the history's append-only guard as revision 0001 made it.

The revisions import this by its full name (Alembic loads a revision from its file, not as part of a package).
Every revision that uses a shape has built it since it was written, so a shape does not change: a new one is
added beside it instead.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

Column = sa.Column[Any]

# The record the policy asks for must not be rewritten: revision 0001 refuses UPDATE and DELETE on case_history
# (revision 0011 lets a redaction through, and puts this back on its way down).
APPEND_ONLY_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION case_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'case_history is append-only';
END;
$$ LANGUAGE plpgsql
"""


def sqlite_append_only_trigger(verb: str, when: str = "") -> str:
    """SQLite's guard on case_history for `verb` (UPDATE or DELETE), refusing it unless `when` says otherwise."""
    return (f"CREATE TRIGGER case_history_no_{verb.lower()} BEFORE {verb} ON case_history {when}"
            "BEGIN SELECT RAISE(ABORT, 'case_history is append-only'); END")


def add_columns(table: str, *columns: Column) -> None:
    """Add `columns` to `table`, in one batch (SQLite rebuilds a table for some changes)."""
    with op.batch_alter_table(table) as batch:
        for column in columns:
            batch.add_column(column)


def drop_columns(table: str, *names: str) -> None:
    """Drop the columns `names` from `table`, in this order, in one batch (SQLite rebuilds the table once)."""
    with op.batch_alter_table(table) as batch:
        for name in names:
            batch.drop_column(name)


def when(name: str, *, nullable: bool = True) -> Column:
    """A moment, kept with its time zone."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def person(role: str) -> list[Column]:
    """Who did something: their name (always there) and their email (`<role>_email`, when known)."""
    return [sa.Column(role, sa.String(length=200), nullable=False),
            sa.Column(f"{role}_email", sa.String(length=254), nullable=True)]


def timestamps() -> list[Column]:
    """When the row was made and when it last changed."""
    return [when("created_at", nullable=False), when("updated_at", nullable=False)]


def state_and_version(state_length: int = 20) -> list[Column]:
    """Where a case is in its workflow, and the version a save must find unchanged."""
    return [sa.Column("state", sa.String(length=state_length), nullable=False),
            sa.Column("version", sa.Integer(), nullable=False)]


def create_case_table(name: str, *columns: SchemaItem) -> None:
    """A kind of case, one row each: its id and unique reference, `columns`, its timestamps; indexed by state."""
    op.create_table(name, sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("ref", sa.String(length=20), nullable=False), *columns, *timestamps(),
                    sa.PrimaryKeyConstraint("id"), sa.UniqueConstraint("ref"))
    op.create_index(f"ix_{name}_state", name, ["state"])


def drop_case_table(name: str) -> None:
    op.drop_index(f"ix_{name}_state", table_name=name)
    op.drop_table(name)


def create_case_records(name: str, *columns: SchemaItem) -> None:
    """Records about a case, many to a case: an id, the case's reference (indexed), `columns`."""
    op.create_table(name, sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("case_ref", sa.String(length=20), nullable=False), *columns,
                    sa.PrimaryKeyConstraint("id"))
    op.create_index(f"ix_{name}_case_ref", name, ["case_ref"])


def drop_case_records(name: str) -> None:
    op.drop_index(f"ix_{name}_case_ref", table_name=name)
    op.drop_table(name)
