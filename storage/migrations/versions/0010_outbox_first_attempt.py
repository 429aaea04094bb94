"""when a message was first handed to its platform, so a retry looks for an earlier copy from then on

Create Date: 2026-12-03
"""
from storage.migrations.shapes import add_columns, drop_columns, when

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    add_columns("outbox", when("first_attempt_at"))


def downgrade() -> None:
    drop_columns("outbox", "first_attempt_at")
