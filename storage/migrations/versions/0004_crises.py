"""crises (Appendix C) and the holding-line library

Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

from storage.migrations.shapes import create_case_table, drop_case_table, state_and_version, when

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    create_case_table(
        "crises",
        *state_and_version(),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("reporter", sa.JSON(), nullable=False),
        sa.Column("lead", sa.JSON(), nullable=True),
        sa.Column("head_of_department", sa.String(length=254), nullable=True),
        sa.Column("lead_agency", sa.String(length=200), nullable=True),
        sa.Column("routing", sa.JSON(), nullable=True),
        sa.Column("confirmations", sa.JSON(), nullable=True),
    )
    op.create_table(
        "holding_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        when("created_at", nullable=False),
        when("retired_at"),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("holding_lines")
    drop_case_table("crises")
