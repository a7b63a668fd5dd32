"""The deadline monitor: open packages due today, due within two working days, overdue.

An open package's result date comes from the working calendar (with service 3's one-day-early
rule); when the calendar changes, `recompute_result_dates` brings every open package in line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozq_desktop.domain.accounts import Role, SystemActor, require_actor
from ozq_desktop.domain.lifecycle import OPEN
from ozq_desktop.domain.packages import COLUMNS, PackageSummary, rows_of
from ozq_desktop.models import Package, User
from ozq_wire.calendar import WorkingCalendar
from ozq_wire.catalog import Catalog

SOON_WORKING_DAYS = 2
_OPEN = [s.value for s in OPEN]


@dataclass(frozen=True)
class DeadlineCounts:
    overdue: int
    due_today: int
    due_soon: int


@dataclass(frozen=True)
class DeadlineLists:
    overdue: list[PackageSummary]
    due_today: list[PackageSummary]
    due_soon: list[PackageSummary]


def _window(calendar: WorkingCalendar, today: date) -> date:
    return calendar.add_working_days(today, SOON_WORKING_DAYS)


def deadline_counts(*, session: Session, calendar: WorkingCalendar, today: date) -> DeadlineCounts:
    horizon = _window(calendar, today)

    def count(*conditions) -> int:
        stmt = (
            select(func.count())
            .select_from(Package)
            .where(Package.status.in_(_OPEN), Package.training.is_(False), *conditions)
        )
        return session.scalar(stmt) or 0

    return DeadlineCounts(
        overdue=count(Package.result_date < today),
        due_today=count(Package.result_date == today),
        due_soon=count(Package.result_date > today, Package.result_date <= horizon),
    )


def deadline_lists(
    *, session: Session, calendar: WorkingCalendar, today: date, limit: int = 500
) -> DeadlineLists:
    horizon = _window(calendar, today)

    def listing(*conditions) -> list[PackageSummary]:
        stmt = (
            select(*COLUMNS)
            .where(Package.status.in_(_OPEN), Package.training.is_(False), *conditions)
            .order_by(Package.result_date)
            .limit(limit)
        )
        return rows_of(session, stmt)

    return DeadlineLists(
        overdue=listing(Package.result_date < today),
        due_today=listing(Package.result_date == today),
        due_soon=listing(Package.result_date > today, Package.result_date <= horizon),
    )


def recompute_result_dates(
    *,
    session: Session,
    catalog: Catalog,
    calendar: WorkingCalendar,
    actor: User | SystemActor | None,
) -> int:
    """Re-derive the result date of every open package; returns how many changed. A write: the
    supervisor after a calendar change, or the hub's feed after one it brought."""
    require_actor(actor, Role.SUPERVISOR, system=True)
    changed = 0
    for package in session.scalars(select(Package).where(Package.status.in_(_OPEN))):
        service = catalog.get(package.service_id)
        due = calendar.result_date(
            package.accepted_at,
            service.term.count,
            service.term.unit,
            service.term.early_days_at_service_centre,
        )
        if due != package.result_date:
            package.result_date = due
            changed += 1
    return changed
