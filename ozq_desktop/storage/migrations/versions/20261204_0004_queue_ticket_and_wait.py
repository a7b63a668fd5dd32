"""queue ticket and wait

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("ticket_number", sa.String(length=20), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("ticket_issued_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("wait_seconds", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.drop_column("wait_seconds")
        batch_op.drop_column("ticket_issued_at")
        batch_op.drop_column("ticket_number")
