"""nudges (reminders and escalations with a due time) and out-of-hours routing on enquiries

Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

from storage.migrations.shapes import add_columns, create_case_records, drop_case_records, drop_columns, when

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    add_columns("enquiries", sa.Column("routing", sa.JSON(), nullable=True))
    create_case_records(
        "nudges",
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        when("due_at", nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        when("created_at", nullable=False),
        when("done_at"),
    )
    op.create_index("ix_nudges_due", "nudges", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_nudges_due", table_name="nudges")
    drop_case_records("nudges")
    drop_columns("enquiries", "routing")
