"""an index for a case's pending nudges (the card shows the next one; SQLite picked a full scan without it)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_nudges_case_pending", "nudges", ["case_ref", "status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_nudges_case_pending", table_name="nudges")
