"""deadline index: the deadline monitor's counts read the index alone again

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 09:00:00

The deadline monitor counts open packages by status and result date, leaving out training
packages (0006 added `training`). `ix_packages_status_due (status, result_date)` did not hold
`training`, so every package counted was looked up in the table: on an encrypted desk of
1,000,000 packages the home screen's counts took a second. The index now holds the three
columns the counts and lists ask for, in the order they ask (two equalities, then a range).
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_packages_status_due", table_name="packages")
    op.create_index(
        "ix_packages_status_due", "packages", ["status", "training", "result_date"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_packages_status_due", table_name="packages")
    op.create_index("ix_packages_status_due", "packages", ["status", "result_date"], unique=False)
