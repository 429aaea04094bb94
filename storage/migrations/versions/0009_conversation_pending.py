"""what a conversation is waiting for on a question: a day given without a time, a deadline guess to check

Create Date: 2026-12-02
"""
import sqlalchemy as sa

from storage.migrations.shapes import add_columns, drop_columns

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    add_columns("conversations", sa.Column("pending", sa.JSON(), nullable=True))


def downgrade() -> None:
    drop_columns("conversations", "pending")
