"""retention: each case's class, review date and place in the appraisal queue (with any legal hold), the disposal
records of destroyed cases, and the month's card to the Director. Cases closed before this revision get their
class and review date from their close in the history at the first check (the server's, or `mediadesk retention
list`), the same code that sets them for cases closed later.

Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

from storage.migrations.shapes import Column, when

revision = "0013"
down_revision = "0012"


def _schedule(*, settled: bool) -> list[Column]:
    """A case's place in the schedule: its reference, kind, class, when it was logged and closed, its review date
    (`settled`: all known, as on a destroyed case's record; otherwise the class and dates come when it closes)."""
    return [sa.Column("ref", sa.String(20), primary_key=True), sa.Column("kind", sa.String(20), nullable=False),
            sa.Column("retention_class", sa.String(40), nullable=not settled), when("logged_at", nullable=False),
            when("closed_at", nullable=not settled), sa.Column("review_on", sa.Date(), nullable=not settled)]


def upgrade() -> None:
    op.create_table(
        "case_retention",
        *_schedule(settled=False),
        sa.Column("status", sa.String(12), nullable=False),
        when("queued_at"),
        sa.Column("decision", sa.String(12), nullable=True),
        sa.Column("decided_by", sa.String(254), nullable=True),
        when("decided_at"),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("hold_reason", sa.Text(), nullable=True),
        sa.Column("hold_by", sa.String(254), nullable=True),
        when("hold_at"),
    )
    op.create_index("ix_case_retention_queue", "case_retention", ["status", "review_on"])
    op.create_table(
        "disposals",
        *_schedule(settled=True),
        sa.Column("decided_by", sa.String(254), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        when("destroyed_at", nullable=False),
    )
    op.create_table(
        "retention_notices",
        sa.Column("month", sa.String(7), primary_key=True),
        when("at", nullable=False),
        sa.Column("due", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("retention_notices")
    op.drop_table("disposals")
    op.drop_index("ix_case_retention_queue", table_name="case_retention")
    op.drop_table("case_retention")
