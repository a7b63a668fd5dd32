"""Finding packages: by receipt number, by IIN/BIN, by applicant name; one day's listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozq_desktop.domain.acceptance import fold_name
from ozq_desktop.errors import NotFoundError
from ozq_desktop.models import Package

SEARCH_LIMIT = 200


@dataclass(frozen=True)
class PackageSummary:
    id: str
    receipt_no: str
    service_id: str
    status: str
    applicant_name: str
    applicant_idn: str
    accepted_at: object
    result_date: date | None
    clerk_id: int


def _summary(p: Package) -> PackageSummary:
    return PackageSummary(
        p.id,
        p.receipt_no,
        p.service_id,
        p.status,
        p.applicant_name,
        p.applicant_idn,
        p.accepted_at,
        p.result_date,
        p.clerk_id,
    )


COLUMNS = (
    Package.id,
    Package.receipt_no,
    Package.service_id,
    Package.status,
    Package.applicant_name,
    Package.applicant_idn,
    Package.accepted_at,
    Package.result_date,
    Package.clerk_id,
)


def rows_of(session: Session, stmt) -> list[PackageSummary]:
    return [PackageSummary(*row) for row in session.execute(stmt)]


def by_id(*, session: Session, package_id: str) -> Package:
    package = session.get(Package, package_id)
    if package is None:
        raise NotFoundError("No such package.")
    return package


def by_receipt(*, session: Session, receipt_no: str) -> Package:
    package = session.scalars(
        select(Package).where(Package.receipt_no == receipt_no.strip().upper())
    ).first()
    if package is None:
        raise NotFoundError("No package has the receipt number {number}.", number=receipt_no)
    return package


def by_idn(*, session: Session, idn: str, limit: int = SEARCH_LIMIT) -> list[PackageSummary]:
    stmt = (
        select(*COLUMNS)
        .where(Package.applicant_idn == idn.strip())
        .order_by(Package.accepted_at.desc())
        .limit(limit)
    )
    return rows_of(session, stmt)


def by_name(*, session: Session, text: str, limit: int = SEARCH_LIMIT) -> list[PackageSummary]:
    """Applicants whose name starts with the text (any case); uses the folded-name index."""
    prefix = fold_name(text)
    if not prefix:
        return []
    stmt = (
        select(*COLUMNS)
        .where(
            Package.applicant_name_fold >= prefix,
            Package.applicant_name_fold < prefix + "\U0010ffff",
        )
        .order_by(Package.applicant_name_fold)
        .limit(limit)
    )
    return rows_of(session, stmt)


def search(*, session: Session, text: str, limit: int = SEARCH_LIMIT) -> list[PackageSummary]:
    """One box for everything: a receipt number, an IIN/BIN, or the start of a name."""
    query = text.strip()
    if not query:
        return []
    if query.isdigit() and len(query) == 12:
        return by_idn(session=session, idn=query, limit=limit)
    if query.count("-") == 2:
        try:
            return [_summary(by_receipt(session=session, receipt_no=query))]
        except NotFoundError:
            return []
    return by_name(session=session, text=query, limit=limit)


def day_listing(
    *, session: Session, day: date, clerk_id: int | None = None
) -> list[PackageSummary]:
    stmt = select(*COLUMNS).where(Package.accepted_day == day)
    if clerk_id is not None:
        stmt = stmt.where(Package.clerk_id == clerk_id)
    return rows_of(session, stmt.order_by(Package.accepted_at))
