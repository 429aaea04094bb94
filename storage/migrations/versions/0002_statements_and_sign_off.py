"""statements: draft versions, sign-offs, the response plan on enquiries; where each message was posted

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enquiries") as batch:
        batch.add_column(sa.Column("plan", sa.JSON(), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("update_only", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("sent_channel", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("sent_ts", sa.String(length=64), nullable=True))
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=20), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("author_email", sa.String(length=254), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_ref", "number"),
    )
    op.create_index("ix_drafts_case_ref", "drafts", ["case_ref"])
    op.create_table(
        "sign_offs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("slot", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("by_email", sa.String(length=254), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_ref", "version", "slot"),
    )
    op.create_index("ix_sign_offs_case_ref", "sign_offs", ["case_ref"])


def downgrade() -> None:
    op.drop_index("ix_sign_offs_case_ref", table_name="sign_offs")
    op.drop_table("sign_offs")
    op.drop_index("ix_drafts_case_ref", table_name="drafts")
    op.drop_table("drafts")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("sent_ts")
        batch.drop_column("sent_channel")
        batch.drop_column("update_only")
    with op.batch_alter_table("enquiries") as batch:
        batch.drop_column("plan")
