"""nudges (reminders and escalations with a due time) and out-of-hours routing on enquiries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enquiries") as batch:
        batch.add_column(sa.Column("routing", sa.JSON(), nullable=True))
    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_nudges_case_ref", "nudges", ["case_ref"])
    op.create_index("ix_nudges_due", "nudges", ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_nudges_due", table_name="nudges")
    op.drop_index("ix_nudges_case_ref", table_name="nudges")
    op.drop_table("nudges")
    with op.batch_alter_table("enquiries") as batch:
        batch.drop_column("routing")
