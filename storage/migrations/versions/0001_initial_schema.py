"""initial schema

Create Date: 2026-11-28 00:36:58.952043
"""
import sqlalchemy as sa
from alembic import op

from storage.migrations.shapes import (
    APPEND_ONLY_PG_FUNCTION,
    create_case_records,
    create_case_table,
    drop_case_records,
    drop_case_table,
    person,
    sqlite_append_only_trigger,
    state_and_version,
    timestamps,
    when,
)

revision = "0001"
down_revision = None


def upgrade() -> None:
    create_case_records(
        "case_history",
        when("at", nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        *person("actor"),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.String(length=40), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=20), nullable=True),
        *timestamps(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_conversations_owner", "conversations", ["platform", "user_id", "status"])
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    create_case_table(
        "enquiries",
        *state_and_version(),
        sa.Column("journalist", sa.String(length=200), nullable=False),
        sa.Column("outlet", sa.String(length=200), nullable=False),
        sa.Column("outlet_kind", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        when("deadline", nullable=False),
        sa.Column("reporter", sa.JSON(), nullable=False),
        sa.Column("owner", sa.JSON(), nullable=True),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("recipient_kind", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=True),
        sa.Column("message_key", sa.String(length=120), nullable=True),
        sa.Column("case_ref", sa.String(length=20), nullable=True),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        when("next_attempt_at", nullable=False),
        when("lease_until"),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        when("created_at", nullable=False),
        when("sent_at"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_message_key", "outbox", ["message_key"])
    op.create_table(
        "seen_requests",
        sa.Column("key", sa.String(length=200), nullable=False),
        when("at", nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_seen_requests_at", "seen_requests", ["at"])
    op.create_table(
        "message_refs",
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("message_key", sa.String(length=120), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("ts", sa.String(length=64), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        when("updated_at", nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"]),
        sa.PrimaryKeyConstraint("platform", "message_key"),
    )
    _make_history_append_only()


def _make_history_append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_PG_FUNCTION)
        op.execute("CREATE TRIGGER case_history_no_update BEFORE UPDATE OR DELETE ON case_history "
                   "FOR EACH ROW EXECUTE FUNCTION case_history_append_only()")
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(sqlite_append_only_trigger(verb))


def downgrade() -> None:
    op.drop_table("message_refs")
    op.drop_index("ix_seen_requests_at", table_name="seen_requests")
    op.drop_table("seen_requests")
    op.drop_index("ix_outbox_message_key", table_name="outbox")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    drop_case_table("enquiries")
    op.drop_table("counters")
    op.drop_index("ix_conversations_owner", table_name="conversations")
    op.drop_table("conversations")
    drop_case_records("case_history")
