"""press releases (Appendices D and E) and the comments on their drafts; drafts, sign-offs, history, nudges and the
outbox are shared with enquiries and crises

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "press_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("requester", sa.JSON(), nullable=False),
        sa.Column("owner", sa.JSON(), nullable=True),
        sa.Column("project_lead", sa.String(length=254), nullable=True),
        sa.Column("embargo", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
    )
    op.create_index("ix_press_releases_state", "press_releases", ["state"])
    op.create_table(
        "press_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("draft_version", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("collated_round", sa.String(length=24), nullable=True),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("by_email", sa.String(length=254), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_ref", "collated_round"),
    )
    op.create_index("ix_press_comments_case_ref", "press_comments", ["case_ref"])


def downgrade() -> None:
    op.drop_index("ix_press_comments_case_ref", table_name="press_comments")
    op.drop_table("press_comments")
    op.drop_index("ix_press_releases_state", table_name="press_releases")
    op.drop_table("press_releases")
