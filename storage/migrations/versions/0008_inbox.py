"""seen_requests becomes the inbox: a request is kept (its body, who sent it) before the platform is answered,
and marked done by the work it caused, so a request answered 200 and then cut off by a crash is finished later

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("seen_requests") as batch:
        # Arrival order (nanoseconds of the receiving server's clock): a person's requests are finished in it.
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("platform", sa.String(20), nullable=True))
        batch.add_column(sa.Column("person", sa.String(200), nullable=True))
        batch.add_column(sa.Column("body", sa.Text(), nullable=True))
        # Rows from before the inbox were replays already applied.
        batch.add_column(sa.Column("status", sa.String(10), nullable=False, server_default="done"))
        batch.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("done_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_seen_requests_pending", ["status", "lease_until"])


def downgrade() -> None:
    with op.batch_alter_table("seen_requests") as batch:
        batch.drop_index("ix_seen_requests_pending")
        for column in ("done_at", "attempts", "lease_until", "status", "body", "person", "platform", "seq"):
            batch.drop_column(column)
