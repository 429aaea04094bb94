"""an index for a case's pending nudges (the card shows the next one; SQLite picked a full scan without it)

Create Date: 2026-11-28
"""
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_index("ix_nudges_case_pending", "nudges", ["case_ref", "status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_nudges_case_pending", table_name="nudges")
