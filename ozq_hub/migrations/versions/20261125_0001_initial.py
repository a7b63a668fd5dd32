"""The hub schema: branches, devices, packages and blobs, decisions, calendar, change log.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

AWARE = sa.DateTime(timezone=True)


def upgrade() -> None:
    hub_meta = op.create_table(
        "hub_meta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("epoch", sa.String(32), nullable=False),
        sa.Column("horizon_seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_meta"),
    )
    sequence = op.create_table(
        "change_sequence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_change_sequence"),
    )
    op.create_table(
        "branch",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_branch"),
    )
    op.create_table(
        "enrolment_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("branch_code", sa.String(64), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.Column("expires_at", AWARE, nullable=False),
        sa.Column("used_at", AWARE, nullable=True),
        sa.Column("device_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_code"], ["branch.code"], name="fk_enrolment_code_branch_code_branch"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_enrolment_code"),
        sa.UniqueConstraint("code_hash", name="uq_enrolment_code_code_hash"),
    )
    op.create_table(
        "device",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("branch_code", sa.String(64), nullable=False),
        sa.Column("desk_code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("enrolled_at", AWARE, nullable=False),
        sa.Column("revoked_at", AWARE, nullable=True),
        sa.Column("last_seen_at", AWARE, nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_code"], ["branch.code"], name="fk_device_branch_code_branch"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_device"),
        sa.UniqueConstraint("token_hash", name="uq_device_token_hash"),
    )
    op.create_index("ix_device_branch_code", "device", ["branch_code"])
    op.create_table(
        "committee_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.Column("revoked_at", AWARE, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_committee_token"),
        sa.UniqueConstraint("token_hash", name="uq_committee_token_token_hash"),
    )
    op.create_table(
        "package",
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("branch_code", sa.String(64), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("desk_code", sa.String(64), nullable=False),
        sa.Column("receipt_no", sa.String(64), nullable=False),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("clerk_login", sa.String(64), nullable=False),
        sa.Column("clerk_name", sa.String(200), nullable=False),
        sa.Column("device_time", AWARE, nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("manifest_hash", sa.String(64), nullable=False),
        sa.Column("supersedes", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("declared_at", AWARE, nullable=False),
        sa.Column("received_at", AWARE, nullable=True),
        sa.Column("received_seq", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_code"], ["branch.code"], name="fk_package_branch_code_branch"
        ),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"], name="fk_package_device_id_device"),
        sa.PrimaryKeyConstraint("uuid", name="pk_package"),
    )
    op.create_index("ix_package_branch_code", "package", ["branch_code"])
    op.create_index("ix_package_receipt_no", "package", ["receipt_no"])
    op.create_table(
        "manifest_entry",
        sa.Column("package_uuid", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mime", sa.String(127), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_uuid"],
            ["package.uuid"],
            name="fk_manifest_entry_package_uuid_package",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_uuid", "name", name="pk_manifest_entry"),
    )
    op.create_index("ix_manifest_entry_sha256", "manifest_entry", ["sha256"])
    op.create_table(
        "blob",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("stored_at", AWARE, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_blob"),
    )
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=True),
        sa.Column("number", sa.String(100), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_at", AWARE, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_uuid"], ["package.uuid"], name="fk_decision_package_uuid_package"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_decision"),
        sa.UniqueConstraint("package_uuid", "version", name="uq_decision_package_uuid"),
    )
    op.create_table(
        "calendar_override",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", AWARE, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_calendar_override"),
    )
    op.create_table(
        "change_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("branch_code", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("package_uuid", sa.Uuid(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("committed_at", AWARE, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_change_log"),
    )
    op.create_index("ix_change_log_branch_seq", "change_log", ["branch_code", "seq"])

    op.bulk_insert(
        hub_meta,
        [{"id": 1, "epoch": uuid.uuid4().hex, "horizon_seq": 0, "created_at": datetime.now(UTC)}],
    )
    op.bulk_insert(sequence, [{"id": 1, "last_seq": 0}])


def downgrade() -> None:
    op.drop_index("ix_change_log_branch_seq", table_name="change_log")
    op.drop_table("change_log")
    op.drop_table("calendar_override")
    op.drop_table("decision")
    op.drop_table("blob")
    op.drop_index("ix_manifest_entry_sha256", table_name="manifest_entry")
    op.drop_table("manifest_entry")
    op.drop_index("ix_package_receipt_no", table_name="package")
    op.drop_index("ix_package_branch_code", table_name="package")
    op.drop_table("package")
    op.drop_table("committee_token")
    op.drop_index("ix_device_branch_code", table_name="device")
    op.drop_table("device")
    op.drop_table("enrolment_code")
    op.drop_table("branch")
    op.drop_table("change_sequence")
    op.drop_table("hub_meta")
