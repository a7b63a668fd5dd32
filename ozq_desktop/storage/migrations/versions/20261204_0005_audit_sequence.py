"""audit rows numbered and re-chained with their sequence number

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 16:00:00

Every audit row gets `seq` (1, 2, 3 … in the order the rows were written) and its hash now
covers it (the wire package's `audit_row_hash`), so that the hub can anchor the chain by its
head. The old chain is verified first; the rows are then numbered and re-chained, and one row
more records the re-chaining and whether the old chain was whole, with the first row that did
not fit, so a tampering made before this upgrade is not hidden by it. The hash formulas are
written out here as they were and as they are, so this migration never changes with the code.
The desk backs the file up before it migrates (storage/migrations.py).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("user_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("object_id", sa.String),
    sa.column("details", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
)


def _digest(items: list) -> str:
    text = json.dumps(items, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _old_hash(prev: str, row) -> str:
    """The chain before this revision: no sequence number."""
    payload = json.dumps(
        [prev, row.at.isoformat(), row.user_id, row.action, row.object_id, row.details],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _new_hash(prev: str, seq: int, at: datetime, user_id, action, object_id, details) -> str:
    """ozq_wire.protocol.audit_row_hash as of this revision."""
    return _digest([prev, seq, at.isoformat(), user_id, action, object_id, details])


def _rows(bind):
    columns = [AUDIT.c[n] for n in ("id", "at", "user_id", "action", "object_id", "details")]
    return bind.execute(
        sa.select(*columns, AUDIT.c.prev_hash, AUDIT.c.hash).order_by(AUDIT.c.id)
    ).all()


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
    bind = op.get_bind()
    rows = _rows(bind)
    prev, first_altered = "", None
    for row in rows:
        if row.prev_hash != prev or row.hash != _old_hash(prev, row):
            first_altered = row.id
            break
        prev = row.hash
    prev = ""
    for seq, row in enumerate(rows, start=1):
        details = json.loads(json.dumps(row.details or {}, default=str))
        digest = _new_hash(prev, seq, row.at, row.user_id, row.action, row.object_id, details)
        bind.execute(
            AUDIT.update()
            .where(AUDIT.c.id == row.id)
            .values(seq=seq, prev_hash=prev, hash=digest, details=details)
        )
        prev = digest
    if rows:
        seq = len(rows) + 1
        at = datetime.now().replace(microsecond=0)
        details = {"rows": len(rows), "old_chain_whole": first_altered is None}
        if first_altered is not None:
            details["first_row_not_fitting"] = first_altered
        digest = _new_hash(prev, seq, at, None, "audit_chain_numbered", "", details)
        bind.execute(
            AUDIT.insert().values(
                seq=seq,
                at=at,
                user_id=None,
                action="audit_chain_numbered",
                object_id="",
                details=details,
                prev_hash=prev,
                hash=digest,
            )
        )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_log_seq"), ["seq"])


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_log_seq"), type_="unique")
        batch_op.drop_column("seq")
    bind = op.get_bind()
    prev = ""
    for row in _rows(bind):
        digest = _old_hash(prev, row)
        bind.execute(AUDIT.update().where(AUDIT.c.id == row.id).values(prev_hash=prev, hash=digest))
        prev = digest
