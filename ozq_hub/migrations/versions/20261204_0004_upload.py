"""Partial uploads' offsets in the database, shared by every hub instance: one row per
branch's upload of a blob (uploads are per branch, as deduplication is).

Revision ID: 0004_upload
Revises: 0003_trust
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_upload"
down_revision = "0003_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "upload",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("branch_code", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "branch_code", name="pk_upload"),
    )


def downgrade() -> None:
    op.drop_table("upload")
