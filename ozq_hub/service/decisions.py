"""The committee's decisions: a grant (kind, number, date) or a reasoned refusal.

A decision can be revised: each revision is a new row with the next version,
and each writes its change-log row in the same transaction. Recording the same
content as the latest version again is a harmless replay that changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from ozq_hub.models import DecisionRow, Package
from ozq_hub.refusals import Refusal
from ozq_hub.service import changelog
from ozq_wire import protocol as p


def decision_view(row: DecisionRow, receipt_no: str) -> p.Decision:
    return p.Decision(
        package_uuid=row.package_uuid,
        receipt_no=receipt_no,
        version=row.version,
        outcome=p.Outcome(row.outcome),
        kind=p.GrantKind(row.kind) if row.kind else None,
        number=row.number,
        date=row.decision_date,
        reason=row.reason,
        reason_kk=row.reason_kk,
        reason_ru=row.reason_ru,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
    )


def latest_decisions(session: Session, packages: Iterable[Package]) -> dict[uuid.UUID, p.Decision]:
    receipts = {package.uuid: package.receipt_no for package in packages}
    if not receipts:
        return {}
    newest = (
        select(DecisionRow.package_uuid, func.max(DecisionRow.version).label("version"))
        .where(DecisionRow.package_uuid.in_(receipts))
        .group_by(DecisionRow.package_uuid)
        .subquery()
    )
    rows = session.execute(
        select(DecisionRow).join(
            newest,
            (DecisionRow.package_uuid == newest.c.package_uuid)
            & (DecisionRow.version == newest.c.version),
        )
    ).scalars()
    return {row.package_uuid: decision_view(row, receipts[row.package_uuid]) for row in rows}


def _same_content(latest: p.Decision, request: p.DecisionRequest) -> bool:
    return (
        latest.outcome,
        latest.kind,
        latest.number,
        latest.date,
        latest.reason,
        latest.reason_kk,
        latest.reason_ru,
    ) == (
        request.outcome,
        request.kind,
        request.number,
        request.date,
        request.full_reason(),
        request.reason_kk,
        request.reason_ru,
    )


_PACKAGE = Package.__table__
_DECISION = DecisionRow.__table__
# Built once: record_decision is the committee's hot path.
_LOCK_PACKAGE = (
    select(_PACKAGE.c.status, _PACKAGE.c.receipt_no, _PACKAGE.c.branch_code)
    .where(_PACKAGE.c.uuid == bindparam("package_uuid"))
    .with_for_update()
)
_LATEST = (
    select(_DECISION)
    .where(_DECISION.c.package_uuid == bindparam("package_uuid"))
    .order_by(_DECISION.c.version.desc())
    .limit(1)
)
_INSERT = insert(_DECISION)
_REVIEW_STATE = (
    update(_PACKAGE)
    .where(_PACKAGE.c.uuid == bindparam("package_uuid"))
    .values(review_state=bindparam("state"))
)


def record_decision(
    session: Session, *, package_uuid: uuid.UUID, request: p.DecisionRequest, now: dt.datetime
) -> p.Decision:
    """Write the decision (or its next version) and its change row; return what is now latest."""
    connection = session.connection()
    # Lock the package first, as commit does, then the sequence: one lock order, no deadlock.
    package = connection.execute(_LOCK_PACKAGE, {"package_uuid": package_uuid}).one_or_none()
    if package is None:
        raise Refusal(p.ErrorCode.NOT_FOUND, f"no package {package_uuid}")
    if package.status != p.PackageStatus.RECEIVED:
        raise Refusal(p.ErrorCode.PACKAGE_NOT_RECEIVED, "the package has not been committed yet")
    row = connection.execute(_LATEST, {"package_uuid": package_uuid}).one_or_none()
    latest = decision_view(row, package.receipt_no) if row is not None else None
    if latest is not None and _same_content(latest, request):
        return latest
    decision = p.Decision(
        package_uuid=package_uuid,
        receipt_no=package.receipt_no,
        version=latest.version + 1 if latest else 1,
        outcome=request.outcome,
        kind=request.kind,
        number=request.number,
        date=request.date,
        reason=request.full_reason(),
        reason_kk=request.reason_kk,
        reason_ru=request.reason_ru,
        decided_by=request.decided_by,
        decided_at=now,
    )
    values = {
        "package_uuid": package_uuid,
        "version": decision.version,
        "outcome": decision.outcome.value,
        "kind": decision.kind.value if decision.kind else None,
        "number": decision.number,
        "decision_date": decision.date,
        "reason": decision.reason,
        "reason_kk": decision.reason_kk,
        "reason_ru": decision.reason_ru,
        "decided_by": decision.decided_by,
        "decided_at": now,
    }
    # Last: the sequence row stays locked until the commit (changelog.append_change).
    seq = changelog.append_change(
        session,
        kind=changelog.DECISION,
        branch_code=package.branch_code,
        payload={"decision": decision.model_dump(mode="json")},
        now=now,
        package_uuid=package_uuid,
    )
    connection.execute(_INSERT, {**values, "seq": seq})
    # The console's queue shows the latest decision's outcome as the package's state.
    connection.execute(
        _REVIEW_STATE, {"package_uuid": package_uuid, "state": decision.outcome.value}
    )
    return decision


def packages_with_receipt(session: Session, receipt_no: str) -> list[uuid.UUID]:
    return list(
        session.execute(select(Package.uuid).where(Package.receipt_no == receipt_no)).scalars()
    )
