"""counter rules: training mode, the receipt's promised date, Russian branch details,
non-residents' foreign registration, the committee's reasons in both languages

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 10:00:00

Existing packages get their promised date from their result date as it stands: the date the
receipt printed then is not kept anywhere else (a calendar change since may have moved it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("branch_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("branch_name_ru", sa.String(length=300), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("address_ru", sa.String(length=500), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("training", sa.Boolean(), server_default="0", nullable=False))

    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "applicant_foreign_reg_no", sa.String(length=64), server_default="", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("applicant_country", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("promised_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("training", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("decision_reason_kk", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("decision_reason_ru", sa.String(), nullable=True))

    op.execute("UPDATE packages SET promised_date = result_date WHERE result_date IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.drop_column("decision_reason_ru")
        batch_op.drop_column("decision_reason_kk")
        batch_op.drop_column("training")
        batch_op.drop_column("promised_date")
        batch_op.drop_column("applicant_country")
        batch_op.drop_column("applicant_foreign_reg_no")

    with op.batch_alter_table("branch_settings", schema=None) as batch_op:
        batch_op.drop_column("training")
        batch_op.drop_column("address_ru")
        batch_op.drop_column("branch_name_ru")
