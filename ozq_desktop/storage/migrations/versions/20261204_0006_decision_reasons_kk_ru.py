"""a refusal's reasons in Kazakh and Russian, as the committee's console sends them

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_reason_kk", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("decision_reason_ru", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.drop_column("decision_reason_ru")
        batch_op.drop_column("decision_reason_kk")
