"""Desks' audit trails, anchored on the hub (issue 12).

Each desk uploads its hash-chained audit rows (`protocol.audit_row_hash`) and announces its
head on every sync. The hub keeps both append-only: rows must continue the stored chain
exactly, a row the hub already holds must come back identical, and a head must neither fall
behind what the hub holds nor contradict it. Anything else is an `AuditConflict` naming the
first row that differs: a trail truncated or rewritten on the desk. The conflict itself is
recorded (`record_conflict`) and nothing stored changes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ozq_hub.models import AuditHeadRow, AuditRecordRow, Device
from ozq_hub.refusals import Refusal
from ozq_hub.service.packages import DeviceIdentity
from ozq_wire import protocol as p


class AuditConflict(Refusal):
    def __init__(self, device_id: uuid.UUID, head: p.AuditHead, first_seq: int, why: str) -> None:
        super().__init__(
            p.ErrorCode.AUDIT_CONFLICT,
            f"the audit trail differs from the hub's from row {first_seq}: {why}",
        )
        self.device_id = device_id
        self.head = head
        self.first_seq = first_seq


def _stored_head(session: Session, device_id: uuid.UUID) -> p.AuditHead:
    last = session.execute(
        select(AuditRecordRow.seq, AuditRecordRow.hash)
        .where(AuditRecordRow.device_id == device_id)
        .order_by(AuditRecordRow.seq.desc())
        .limit(1)
    ).first()
    return p.AuditHead(seq=last.seq, hash=last.hash) if last else p.AuditHead(seq=0, hash="")


def _announced_heads(session: Session, device_id: uuid.UUID) -> dict[int, str]:
    """Every head the desk announced that the hub accepted, by sequence number."""
    rows = session.execute(
        select(AuditHeadRow.seq, AuditHeadRow.hash).where(
            AuditHeadRow.device_id == device_id, AuditHeadRow.conflict.is_(None)
        )
    )
    return dict(rows.tuples().all())


def _same(row: AuditRecordRow, record: p.AuditRecord) -> bool:
    return (row.hash, row.prev_hash, row.at, row.user_id, row.action, row.object_id) == (
        record.hash,
        record.prev_hash,
        record.at,
        record.user_id,
        record.action,
        record.object_id,
    ) and row.details == record.details


def receive(
    session: Session, *, device: DeviceIdentity, upload: p.AuditUpload, now: dt.datetime
) -> p.AuditAck:
    """Store the new rows and the announced head; AuditConflict on any contradiction."""
    # One device's uploads one at a time: lock its row (SQLite: the write lock is held).
    session.execute(select(Device.id).where(Device.id == device.id).with_for_update())
    head = _stored_head(session, device.id)
    announced = _announced_heads(session, device.id)

    def conflict(seq: int, why: str) -> AuditConflict:
        return AuditConflict(device.id, upload.head, seq, why)

    new_rows = []
    for record in upload.rows:
        if record.seq <= head.seq:
            stored = session.get(AuditRecordRow, (device.id, record.seq))
            if stored is None or not _same(stored, record):
                raise conflict(record.seq, "a row the hub holds came back different")
            continue
        if record.seq != head.seq + 1:
            raise conflict(head.seq + 1, f"row {record.seq} does not follow row {head.seq}")
        if record.prev_hash != head.hash:
            raise conflict(record.seq, "the row does not chain to the hub's last row")
        if record.computed_hash() != record.hash:
            raise conflict(record.seq, "the row's hash does not match its content")
        if announced.get(record.seq, record.hash) != record.hash:
            raise conflict(record.seq, "the row differs from the head announced for it earlier")
        new_rows.append(record)
        head = p.AuditHead(seq=record.seq, hash=record.hash)

    claimed = upload.head
    if claimed.seq < head.seq:
        raise conflict(claimed.seq + 1, f"the desk's trail ends at row {claimed.seq}")
    if announced and claimed.seq < max(announced):
        raise conflict(claimed.seq + 1, f"the desk announced row {max(announced)} before")
    if claimed.seq == head.seq and claimed.hash != head.hash:
        raise conflict(claimed.seq, "the head's hash is not the hub's")
    if announced.get(claimed.seq, claimed.hash) != claimed.hash:
        raise conflict(claimed.seq, "the head differs from the one announced for it earlier")

    if new_rows:
        session.execute(
            insert(AuditRecordRow),
            [
                {
                    "device_id": device.id,
                    "seq": r.seq,
                    "at": r.at,
                    "user_id": r.user_id,
                    "user_login": r.user_login,
                    "action": r.action,
                    "object_id": r.object_id,
                    "details": r.details,
                    "prev_hash": r.prev_hash,
                    "hash": r.hash,
                    "received_at": now,
                }
                for r in new_rows
            ],
        )
    session.add(
        AuditHeadRow(
            device_id=device.id, seq=claimed.seq, hash=claimed.hash, received_at=now, conflict=None
        )
    )
    session.flush()
    return p.AuditAck(head=head, acknowledged_at=now)


def record_conflict(session: Session, conflict: AuditConflict, *, now: dt.datetime) -> None:
    """Keep the contradicting announcement, apart from the accepted heads."""
    session.add(
        AuditHeadRow(
            device_id=conflict.device_id,
            seq=conflict.head.seq,
            hash=conflict.head.hash,
            received_at=now,
            conflict=conflict.detail,
        )
    )


@dataclass
class Verification:
    device_id: uuid.UUID
    rows: int = 0
    heads: int = 0
    vouched_seq: int = 0  # the chain is whole and matches every head up to this row
    problems: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # refused announcements, for the record
    heads_ahead: int = 0  # heads beyond the stored rows (their rows not uploaded yet)


def verify_device(session: Session, device_id: uuid.UUID) -> Verification:
    """Check the stored rows' chain (contiguous from 1, each linked and hashing to its
    content) and every accepted head against them."""
    result = Verification(device_id)
    prev_hash, expected_seq = "", 1
    hashes: dict[int, str] = {}
    rows = session.execute(
        select(AuditRecordRow)
        .where(AuditRecordRow.device_id == device_id)
        .order_by(AuditRecordRow.seq)
    ).scalars()
    for row in rows:
        result.rows += 1
        record = p.AuditRecord.model_construct(
            seq=row.seq,
            at=row.at,
            user_id=row.user_id,
            action=row.action,
            object_id=row.object_id,
            details=row.details,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )
        if row.seq != expected_seq:
            result.problems.append(f"row {expected_seq} is missing (next stored: {row.seq})")
            break
        if row.prev_hash != prev_hash:
            result.problems.append(f"row {row.seq} does not chain to row {row.seq - 1}")
            break
        if record.computed_hash() != row.hash:
            result.problems.append(f"row {row.seq} does not hash to its stored hash")
            break
        hashes[row.seq] = row.hash
        prev_hash, expected_seq = row.hash, row.seq + 1
    whole_to = expected_seq - 1
    heads = session.execute(
        select(AuditHeadRow).where(AuditHeadRow.device_id == device_id).order_by(AuditHeadRow.id)
    ).scalars()
    for head in heads:
        if head.conflict is not None:
            result.conflicts.append(
                f"{head.received_at:%Y-%m-%d %H:%M} head {head.seq}: {head.conflict}"
            )
            continue
        result.heads += 1
        if head.seq > whole_to:
            result.heads_ahead += 1
            continue
        if head.seq > 0 and hashes.get(head.seq) != head.hash:
            result.problems.append(
                f"the head announced at {head.received_at:%Y-%m-%d %H:%M} for row {head.seq} "
                "does not match the stored row"
            )
    result.vouched_seq = whole_to if not result.problems else 0
    return result
