"""seen_requests becomes the inbox: a request is kept (its body, who sent it) before the platform is answered,
and marked done by the work it caused, so a request answered 200 and then cut off by a crash is finished later

Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

from storage.migrations.shapes import add_columns, drop_columns, when

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    add_columns(
        "seen_requests",
        # Arrival order (nanoseconds of the receiving server's clock): a person's requests are finished in it.
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("platform", sa.String(20), nullable=True),
        sa.Column("person", sa.String(200), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        # Rows from before the inbox were replays already applied.
        sa.Column("status", sa.String(10), nullable=False, server_default="done"),
        when("lease_until"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        when("done_at"),
    )
    op.create_index("ix_seen_requests_pending", "seen_requests", ["status", "lease_until"])


def downgrade() -> None:
    op.drop_index("ix_seen_requests_pending", table_name="seen_requests")
    drop_columns("seen_requests", "done_at", "attempts", "lease_until", "status", "body", "person", "platform", "seq")
