"""Trust (issue 12): one active device per branch and desk code, the enrolment nonce, blobs
held per branch, the enrolment throttle, desks' audit rows and heads, maintenance leases.

Revision ID: 0003_trust
Revises: 0002_package_signature
Create Date: 2026-12-04

Upgrading a hub where two active devices share a branch and desk code keeps the newest
enrolment and revokes the older ones (they were replaced by it). Branches keep the blobs
their packages already name: what was deduplicated across branches before stays readable.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003_trust"
down_revision = "0002_package_signature"
branch_labels = None
depends_on = None

AWARE = sa.DateTime(timezone=True)


def upgrade() -> None:
    now = datetime.now(UTC)
    bind = op.get_bind()
    device = sa.table(
        "device",
        sa.column("id", sa.Uuid()),
        sa.column("branch_code", sa.String()),
        sa.column("desk_code", sa.String()),
        sa.column("enrolled_at", AWARE),
        sa.column("revoked_at", AWARE),
    )
    newer = device.alias("newer")
    bind.execute(
        device.update()
        .where(
            device.c.revoked_at.is_(None),
            sa.exists().where(
                newer.c.branch_code == device.c.branch_code,
                newer.c.desk_code == device.c.desk_code,
                newer.c.revoked_at.is_(None),
                sa.or_(
                    newer.c.enrolled_at > device.c.enrolled_at,
                    sa.and_(newer.c.enrolled_at == device.c.enrolled_at, newer.c.id > device.c.id),
                ),
            ),
        )
        .values(revoked_at=now)
    )
    op.create_index(
        "uq_device_active_desk",
        "device",
        ["branch_code", "desk_code"],
        unique=True,
        sqlite_where=sa.text("revoked_at IS NULL"),
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.add_column("enrolment_code", sa.Column("nonce_hash", sa.String(64), nullable=True))
    op.create_index("ix_package_device_declared", "package", ["device_id", "declared_at"])

    op.create_table(
        "branch_blob",
        sa.Column("branch_code", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("stored_at", AWARE, nullable=False),
        sa.PrimaryKeyConstraint("branch_code", "sha256", name="pk_branch_blob"),
    )
    bind.execute(
        sa.text(
            "INSERT INTO branch_blob (branch_code, sha256, stored_at) "
            "SELECT DISTINCT package.branch_code, manifest_entry.sha256, blob.stored_at "
            "FROM manifest_entry "
            "JOIN package ON package.uuid = manifest_entry.package_uuid "
            "JOIN blob ON blob.sha256 = manifest_entry.sha256"
        )
    )
    op.create_table(
        "throttle_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", AWARE, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_throttle_event"),
    )
    op.create_index("ix_throttle_event_key_at", "throttle_event", ["key", "at"])
    op.create_table(
        "audit_record",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("user_login", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("received_at", AWARE, nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name="fk_audit_record_device_id_device"
        ),
        sa.PrimaryKeyConstraint("device_id", "seq", name="pk_audit_record"),
    )
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("received_at", AWARE, nullable=False),
        sa.Column("conflict", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["device.id"], name="fk_audit_head_device_id_device"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    op.create_index("ix_audit_head_device", "audit_head", ["device_id", "id"])
    op.create_table(
        "maintenance_lease",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("expires_at", AWARE, nullable=False),
        sa.Column("last_run_at", AWARE, nullable=True),
        sa.PrimaryKeyConstraint("name", name="pk_maintenance_lease"),
    )


def downgrade() -> None:
    op.drop_table("maintenance_lease")
    op.drop_index("ix_audit_head_device", table_name="audit_head")
    op.drop_table("audit_head")
    op.drop_table("audit_record")
    op.drop_index("ix_throttle_event_key_at", table_name="throttle_event")
    op.drop_table("throttle_event")
    op.drop_table("branch_blob")
    op.drop_index("ix_package_device_declared", table_name="package")
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+), as in 0002: no batch rebuild.
    op.drop_column("enrolment_code", "nonce_hash")
    op.drop_index("uq_device_active_desk", table_name="device")
