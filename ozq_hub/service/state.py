"""Reading packages back: a branch's current state (after must-refetch) and the committee's lists."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozq_hub.models import ManifestEntryRow, Package
from ozq_hub.refusals import Refusal
from ozq_hub.service import calendar, changelog
from ozq_hub.service.decisions import latest_decisions
from ozq_wire import protocol as p


def _state_fields(package: Package, decision: p.Decision | None) -> dict:
    return {
        "package_uuid": package.uuid,
        "receipt_no": package.receipt_no,
        "service_id": package.service_id,
        "status": p.PackageStatus(package.status),
        "manifest_hash": package.manifest_hash,
        "declared_at": package.declared_at,
        "received_at": package.received_at,
        "supersedes": package.supersedes,
        "decision": decision,
    }


def _page(session: Session, statement, after: uuid.UUID | None, limit: int) -> list[Package]:
    if after is not None:
        statement = statement.where(Package.uuid > after)
    return list(session.execute(statement.order_by(Package.uuid).limit(limit + 1)).scalars())


def branch_state(
    session: Session, *, branch_code: str, after: uuid.UUID | None, limit: int
) -> p.BranchState:
    cursor = changelog.current_cursor(session)  # taken before the data: changes after replay
    packages = _page(
        session, select(Package).where(Package.branch_code == branch_code), after, limit
    )
    has_more = len(packages) > limit
    packages = packages[:limit]
    decisions = latest_decisions(session, packages)
    return p.BranchState(
        cursor=cursor,
        packages=[p.PackageState(**_state_fields(pk, decisions.get(pk.uuid))) for pk in packages],
        calendar_overrides=calendar.list_overrides(session) if after is None else [],
        has_more=has_more,
        next_after=packages[-1].uuid if has_more else None,
    )


def _manifests(
    session: Session, uuids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[p.ManifestEntry]]:
    result: dict[uuid.UUID, list[p.ManifestEntry]] = {u: [] for u in uuids}
    rows = session.execute(
        select(ManifestEntryRow)
        .where(ManifestEntryRow.package_uuid.in_(uuids))
        .order_by(ManifestEntryRow.package_uuid, ManifestEntryRow.position)
    ).scalars()
    for row in rows:
        result[row.package_uuid].append(
            p.ManifestEntry(name=row.name, sha256=row.sha256, size=row.size, mime=row.mime)
        )
    return result


def committee_view(session: Session, packages: Sequence[Package]) -> list[p.CommitteePackage]:
    decisions = latest_decisions(session, packages)
    manifests = _manifests(session, [pk.uuid for pk in packages])
    return [
        p.CommitteePackage(
            **_state_fields(pk, decisions.get(pk.uuid)),
            branch_code=pk.branch_code,
            desk_code=pk.desk_code,
            device_id=pk.device_id,
            clerk_login=pk.clerk_login,
            clerk_name=pk.clerk_name,
            device_time=pk.device_time,
            manifest=manifests[pk.uuid],
            metadata=pk.details,
            signer=pk.signer,
            signature_verified=bool(pk.signature_verified),
        )
        for pk in packages
    ]


def committee_list(
    session: Session,
    *,
    branch_code: str | None = None,
    status: p.PackageStatus | None = None,
    receipt_no: str | None = None,
    after: uuid.UUID | None = None,
    limit: int = 100,
) -> p.CommitteePackageList:
    statement = select(Package)
    if branch_code is not None:
        statement = statement.where(Package.branch_code == branch_code)
    if status is not None:
        statement = statement.where(Package.status == status.value)
    if receipt_no is not None:
        statement = statement.where(Package.receipt_no == receipt_no)
    packages = _page(session, statement, after, limit)
    has_more = len(packages) > limit
    packages = packages[:limit]
    return p.CommitteePackageList(
        packages=committee_view(session, packages),
        has_more=has_more,
        next_after=packages[-1].uuid if has_more else None,
    )


def committee_package(session: Session, package_uuid: uuid.UUID) -> p.CommitteePackage:
    package = session.get(Package, package_uuid)
    if package is None:
        raise Refusal(p.ErrorCode.NOT_FOUND, f"no package {package_uuid}")
    return committee_view(session, [package])[0]


def device_package_state(session: Session, package: Package) -> p.PackageState:
    decision = latest_decisions(session, [package]).get(package.uuid)
    return p.PackageState(**_state_fields(package, decision))
