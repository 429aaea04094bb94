"""press releases (Appendices D and E) and the comments on their drafts; drafts, sign-offs, history, nudges and the
outbox are shared with enquiries and crises

Create Date: 2026-11-29
"""
import sqlalchemy as sa

from storage.migrations.shapes import (
    create_case_records,
    create_case_table,
    drop_case_records,
    drop_case_table,
    person,
    state_and_version,
    when,
)

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    create_case_table(
        "press_releases",
        sa.Column("kind", sa.String(length=12), nullable=False),
        *state_and_version(state_length=24),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("requester", sa.JSON(), nullable=False),
        sa.Column("owner", sa.JSON(), nullable=True),
        sa.Column("project_lead", sa.String(length=254), nullable=True),
        when("embargo"),
        when("due_at"),
        sa.Column("plan", sa.JSON(), nullable=False),
    )
    create_case_records(
        "press_comments",
        sa.Column("stage", sa.String(length=24), nullable=False),
        sa.Column("draft_version", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("collated_round", sa.String(length=24), nullable=True),
        *person("by"),
        sa.Column("text", sa.Text(), nullable=False),
        when("at", nullable=False),
        sa.UniqueConstraint("case_ref", "collated_round"),
    )


def downgrade() -> None:
    drop_case_records("press_comments")
    drop_case_table("press_releases")
