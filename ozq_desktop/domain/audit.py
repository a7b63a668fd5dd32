"""The audit trail: numbered rows (`seq` 1, 2, 3 …), each carrying the hash of the one before,
computed by the wire package's `audit_row_hash` so the hub computes the same.

A chain alone only shows that rows fit each other: whoever holds this computer's data key can
rewrite the table and recompute every hash. The chain is therefore anchored: every sync sends
the desk's head (sequence and hash) and the rows the hub has not yet, the hub keeps every head
append-only, and the desk keeps the last head the hub acknowledged (`acknowledged_head`).
`check_trail` checks the chain and checks it against that head: rows up to it are vouched for
by the hub; rows written since the last sync can only be checked for consistency until the
next one (docs/security.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozq_desktop.models import AuditRow, SyncState
from ozq_desktop.models.base import now as wall_clock
from ozq_wire.protocol import AuditHead, audit_row_hash

# The acknowledged head, kept in the sync_state table (written by the sync, read here).
ACK_SEQ = "audit_ack_seq"
ACK_HASH = "audit_ack_hash"
ACK_AT = "audit_ack_at"


def row_hash(row: AuditRow) -> str:
    return audit_row_hash(
        row.prev_hash,
        row.seq,
        row.at.isoformat(),
        row.user_id,
        row.action,
        row.object_id,
        row.details,
    )


def _last(session: Session) -> AuditRow | None:
    return session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()


def head(*, session: Session) -> AuditHead:
    last = _last(session)
    return AuditHead(seq=last.seq, hash=last.hash) if last else AuditHead(seq=0, hash="")


def record(
    *,
    session: Session,
    action: str,
    user_id: int | None,
    object_id: str = "",
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditRow:
    """Append one row, in the caller's transaction (which must be a write transaction, so
    that the sequence number is taken under the write lock)."""
    details = json.loads(json.dumps(details or {}, default=str))  # as stored, so as hashed
    at = at or wall_clock()
    last = _last(session)
    seq, prev = (last.seq + 1, last.hash) if last else (1, "")
    row = AuditRow(
        seq=seq,
        at=at,
        user_id=user_id,
        action=action,
        object_id=object_id,
        details=details,
        prev_hash=prev,
        hash=audit_row_hash(prev, seq, at.isoformat(), user_id, action, object_id, details),
    )
    session.add(row)
    session.flush()
    return row


def verify_chain(*, session: Session) -> int | None:
    """The sequence number of the first row that does not fit the chain (its hash, its link
    to the row before, or its number), or None when the chain is whole."""
    prev, expected_seq = "", 1
    for row in session.scalars(select(AuditRow).order_by(AuditRow.seq)):
        if row.seq != expected_seq or row.prev_hash != prev or row.hash != row_hash(row):
            return row.seq
        prev, expected_seq = row.hash, expected_seq + 1
    return None


# ---------------------------------------------------------------- the anchor


def acknowledged_head(*, session: Session) -> tuple[AuditHead, str] | None:
    """The last head the hub acknowledged, and when; None before the first sync."""
    values = {
        row.key: row.value
        for row in session.scalars(
            select(SyncState).where(SyncState.key.in_((ACK_SEQ, ACK_HASH, ACK_AT)))
        )
    }
    if ACK_SEQ not in values:
        return None
    try:
        return AuditHead(seq=int(values[ACK_SEQ]), hash=values.get(ACK_HASH, "")), values.get(
            ACK_AT, ""
        )
    except ValueError:
        return AuditHead(seq=0, hash=""), values.get(ACK_AT, "")


def store_acknowledged(*, session: Session, ack: AuditHead, at: str) -> None:
    for key, value in ((ACK_SEQ, str(ack.seq)), (ACK_HASH, ack.hash), (ACK_AT, at)):
        row = session.get(SyncState, key)
        if row is None:
            session.add(SyncState(key=key, value=value))
        else:
            row.value = value


@dataclass(frozen=True)
class TrailCheck:
    rows: int
    head: AuditHead
    broken_at: int | None  # the first row that does not fit the chain
    acknowledged: AuditHead | None
    acknowledged_at: str
    behind: bool  # the trail ends before the acknowledged head: rows were removed
    differs: bool  # the row at the acknowledged sequence is not the acknowledged one

    @property
    def whole(self) -> bool:
        return self.broken_at is None and not self.behind and not self.differs

    @property
    def vouched_up_to(self) -> int:
        """The last row the hub vouches for (0: none)."""
        if self.acknowledged is None or self.behind or self.differs:
            return 0
        if self.broken_at is not None and self.broken_at <= self.acknowledged.seq:
            return 0
        return self.acknowledged.seq


def check_trail(*, session: Session) -> TrailCheck:
    rows = session.scalar(select(func.count()).select_from(AuditRow)) or 0
    current = head(session=session)
    broken = verify_chain(session=session)
    found = acknowledged_head(session=session)
    ack, ack_at = found if found else (None, "")
    behind = differs = False
    if ack is not None and ack.seq > 0:
        behind = current.seq < ack.seq
        at_ack = session.scalars(select(AuditRow).where(AuditRow.seq == ack.seq)).first()
        differs = not behind and (at_ack is None or at_ack.hash != ack.hash)
    return TrailCheck(rows, current, broken, ack, ack_at, behind, differs)


def record_printing(
    *,
    session: Session,
    user_id: int | None,
    document: str,
    object_id: str,
    lang: str,
    destination: str,
    target: str = "",
    copies: int = 1,
) -> AuditRow:
    """A document went to paper (`destination` "printer") or to a file ("pdf_file")."""
    return record(
        session=session,
        action="document_printed",
        user_id=user_id,
        object_id=object_id,
        details={
            "document": document,
            "lang": lang,
            "destination": destination,
            "target": target[:200],
            "copies": copies,
        },
    )
