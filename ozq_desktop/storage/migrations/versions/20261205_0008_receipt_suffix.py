"""receipt suffix: packages found by the last digits of their receipt number

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 12:00:00

`receipt_rev` is the receipt number backwards, in lower case, indexed: a clerk's «500001» finds
«ALA01-D1-0500001» through the index instead of the trigram index, whose digit trigrams are
shared by a large part of all packages. Existing packages get theirs here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE ADD COLUMN (no table rebuild): the search triggers of 0007 stay.
    op.add_column(
        "packages",
        sa.Column("receipt_rev", sa.String(length=40), server_default="", nullable=False),
    )
    bind = op.get_bind()
    bind.connection.driver_connection.create_function(
        "ozq_receipt_rev", 1, lambda value: (value or "")[::-1].lower(), deterministic=True
    )
    op.execute("UPDATE packages SET receipt_rev = ozq_receipt_rev(receipt_no)")
    op.create_index("ix_packages_receipt_rev", "packages", ["receipt_rev"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_packages_receipt_rev", table_name="packages")
    op.execute("ALTER TABLE packages DROP COLUMN receipt_rev")  # no rebuild: triggers stay
