"""The audit trail's anchor: on every sync cycle the desk sends the rows the hub has not
acknowledged yet (in batches) and its current head, and keeps the head the hub acknowledges
(domain/audit.py). The hub refuses rows or a head that contradict what it holds (409
audit_conflict, naming the first row that differs): the desk then shows the supervisor a
"needs attention" message, and package sync goes on."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ozq_desktop.domain import audit
from ozq_desktop.errors import OzqError
from ozq_desktop.models import AuditRow, User
from ozq_desktop.storage.engine import reading, transaction
from ozq_desktop.sync import state
from ozq_desktop.sync.client import HubCallError, HubClient
from ozq_wire import protocol as p

log = logging.getLogger(__name__)

CONFLICT = "audit_conflict"  # sync_state: {"seq": N or null, "detail": "..."} until resolved


class AuditConflictError(OzqError):
    """The hub holds another audit trail for this desk than the desk now has."""


def conflict_message(seq: int | None) -> AuditConflictError:
    if seq is None:
        return AuditConflictError(
            "The audit trail of this desk differs from what the hub holds for it. The "
            "supervisor must find out why (a database restored from a backup, or tampering)."
        )
    return AuditConflictError(
        "The audit trail of this desk differs from what the hub holds for it, from row {row}. "
        "The supervisor must find out why (a database restored from a backup, or tampering).",
        row=seq,
    )


@dataclass(frozen=True)
class AuditSent:
    acknowledged: p.AuditHead | None
    conflict: AuditConflictError | None = None


def _records(session: Session, after: int) -> list[p.AuditRecord]:
    stmt = (
        select(AuditRow, User.login)
        .outerjoin(User, User.id == AuditRow.user_id)
        .where(AuditRow.seq > after)
        .order_by(AuditRow.seq)
        .limit(p.MAX_AUDIT_ROWS)
    )
    return [
        p.AuditRecord(
            seq=row.seq,
            at=row.at.isoformat(),
            user_id=row.user_id,
            user_login=login or "",
            action=row.action,
            object_id=row.object_id,
            details=row.details,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )
        for row, login in session.execute(stmt)
    ]


def _first_seq(detail: str) -> int | None:
    found = re.search(r"\d+", detail or "")
    return int(found.group()) if found else None


def current_conflict(session: Session) -> AuditConflictError | None:
    raw = state.get(session, CONFLICT)
    if not raw:
        return None
    try:
        seq = json.loads(raw).get("seq")
    except (ValueError, AttributeError):
        seq = None
    return conflict_message(seq if isinstance(seq, int) else None)


def _contradiction(session: Session, ack: p.AuditHead) -> int | None:
    """The first row at which the hub's acknowledged head contradicts the local trail: the
    trail ends before it, or its row at that number is another one."""
    if ack.seq == 0:
        return None
    local = audit.head(session=session)
    if local.seq < ack.seq:
        return local.seq + 1
    row = session.scalars(select(AuditRow).where(AuditRow.seq == ack.seq)).first()
    return ack.seq if row is None or row.hash != ack.hash else None


def _conflict(factory: sessionmaker[Session], seq: int | None, detail: str) -> AuditConflictError:
    with transaction(factory) as s:
        state.put(s, CONFLICT, json.dumps({"seq": seq, "detail": detail[:300]}))
    log.warning("the audit trail and the hub's copy differ: %s", detail)
    return conflict_message(seq)


def send_trail(*, factory: sessionmaker[Session], client: HubClient) -> AuditSent:
    """Send what the hub lacks and the head; store each acknowledgement, and compare it with
    the local trail. Ends: after one rewind (the stored acknowledgement was ahead of the
    hub's), every batch must move the acknowledged head forward."""
    with reading(factory) as s:
        found = audit.acknowledged_head(session=s)
    acknowledged = found[0] if found else None
    after = acknowledged.seq if acknowledged else 0
    while True:
        with reading(factory) as s:
            rows = _records(s, after)
            head = audit.head(session=s)
        try:
            answer = client.audit(p.AuditUpload(rows=rows, head=head))
        except HubCallError as err:
            if err.code != p.ErrorCode.AUDIT_CONFLICT:
                raise
            return AuditSent(acknowledged, _conflict(factory, _first_seq(err.detail), err.detail))
        acknowledged = answer.head
        with transaction(factory) as s:
            audit.store_acknowledged(
                session=s, ack=answer.head, at=answer.acknowledged_at.isoformat()
            )
            differs_at = _contradiction(s, answer.head)
        if differs_at is not None:
            detail = f"the hub acknowledged row {answer.head.seq} with another hash"
            return AuditSent(acknowledged, _conflict(factory, differs_at, detail))
        if answer.head.seq >= head.seq:
            with transaction(factory) as s:
                state.delete(s, CONFLICT)
            return AuditSent(acknowledged)
        if not rows and answer.head.seq < after:
            after = answer.head.seq  # the stored head was ahead of the hub's: send from there
            continue
        if answer.head.seq <= after:
            raise HubCallError(502, None, "the hub's audit acknowledgement did not advance")
        after = answer.head.seq
