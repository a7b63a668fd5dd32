"""The clerk's EDS on each package: the signature, its signer, whether the hub verified it.

Revision ID: 0002_package_signature
Revises: 0001_initial
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_package_signature"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("package", sa.Column("signature", sa.LargeBinary(), nullable=True))
    op.add_column("package", sa.Column("signer", sa.String(500), nullable=True))
    op.add_column(
        "package",
        sa.Column("signature_verified", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): a batch rebuild of "package" would
    # cascade-delete its manifest entries.
    for column in ("signature_verified", "signer", "signature"):
        op.drop_column("package", column)
