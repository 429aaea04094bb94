"""statements: draft versions, sign-offs, the response plan on enquiries; where each message was posted

Create Date: 2026-11-28
"""
import sqlalchemy as sa

from storage.migrations.shapes import (
    add_columns,
    create_case_records,
    drop_case_records,
    drop_columns,
    person,
    when,
)

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    add_columns("enquiries", sa.Column("plan", sa.JSON(), nullable=True))
    add_columns("outbox", sa.Column("update_only", sa.Boolean(), nullable=False, server_default=sa.false()),
                sa.Column("sent_channel", sa.String(length=64), nullable=True),
                sa.Column("sent_ts", sa.String(length=64), nullable=True))
    create_case_records(
        "drafts",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        *person("author"),
        when("created_at", nullable=False),
        sa.UniqueConstraint("case_ref", "number"),
    )
    create_case_records(
        "sign_offs",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        *person("by"),
        sa.Column("comment", sa.Text(), nullable=True),
        when("at", nullable=False),
        sa.UniqueConstraint("case_ref", "version", "slot"),
    )


def downgrade() -> None:
    drop_case_records("sign_offs")
    drop_case_records("drafts")
    drop_columns("outbox", "sent_ts", "sent_channel", "update_only")
    drop_columns("enquiries", "plan")
