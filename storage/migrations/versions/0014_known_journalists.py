"""journalists we know: an index on an enquiry's journalist and outlet (case folded) and when it was logged, so
the latest contact details on record for a journalist at an outlet are one index lookup (issue 14).

Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    op.create_index("ix_enquiries_journalist_outlet", "enquiries",
                    [sa.text("lower(journalist)"), sa.text("lower(outlet)"), "created_at"])


def downgrade() -> None:
    op.drop_index("ix_enquiries_journalist_outlet", table_name="enquiries")
