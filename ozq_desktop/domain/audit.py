"""The audit trail. Each row carries the hash of the row before it, so an edited or deleted
row breaks the chain and `verify_chain` names the first row that no longer fits."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozq_desktop.domain.changes import Changes
from ozq_desktop.models import AuditRow
from ozq_desktop.models.base import now as wall_clock


def _row_hash(
    prev_hash: str,
    at: datetime,
    user_id: int | None,
    action: str,
    object_id: str,
    details: dict[str, Any],
) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), user_id, action, object_id, details],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    *,
    session: Session,
    action: str,
    user_id: int | None,
    object_id: str = "",
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditRow:
    """Append one row, in the caller's transaction (which must be a write transaction)."""
    details = details or {}
    at = at or wall_clock()
    last = session.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(1)).first()
    prev = last.hash if last else ""
    row = AuditRow(
        at=at,
        user_id=user_id,
        action=action,
        object_id=object_id,
        details=details,
        prev_hash=prev,
        hash=_row_hash(prev, at, user_id, action, object_id, details),
    )
    session.add(row)
    session.flush()
    return row


def verify_chain(*, session: Session) -> int | None:
    """The id of the first row that does not fit the chain, or None when it is whole."""
    prev = ""
    for row in session.scalars(select(AuditRow).order_by(AuditRow.id)):
        expected = _row_hash(prev, row.at, row.user_id, row.action, row.object_id, row.details)
        if row.prev_hash != prev or row.hash != expected:
            return row.id
        prev = row.hash
    return None


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
) -> Changes:
    """A document went to paper (`destination` "printer") or to a file ("pdf_file")."""
    record(
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
    return Changes(audit=True)
