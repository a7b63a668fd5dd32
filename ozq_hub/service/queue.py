"""The committee's queue in figures, for `/metrics`: packages waiting for a decision and those
past their due date, per branch; and the bytes of scans stored.

A package waits from its commit until its first decision. Its due date is counted by the
same rule the desk counts with (`ozq_wire.calendar`: the service's term from the catalog, the
working calendar with the hub's overrides), from the moment the desk accepted it
(`device_time`) read on Kazakhstan's clock. Kazakhstan keeps one zone, UTC+5, since
1 March 2024; that fixed offset is used rather than the machine's time-zone database, whose
age would otherwise decide the answer.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ozq_hub.models import Blob, Branch, CalendarOverrideRow, DecisionRow, Package
from ozq_wire import protocol as p
from ozq_wire.calendar import Override, OverrideKind, WorkingCalendar
from ozq_wire.catalog import Catalog, load_catalog
from ozq_wire.errors import UnknownServiceError

KAZAKHSTAN = dt.timezone(dt.timedelta(hours=5), "UTC+05")


@dataclass
class QueueFigures:
    waiting: Counter[str] = field(default_factory=Counter)  # branch -> undecided packages
    overdue: Counter[str] = field(default_factory=Counter)  # branch -> of those, past due
    blobs: int = 0
    bytes_stored: int = 0


@cache
def _catalog() -> Catalog:
    return load_catalog()


def _calendar(session: Session) -> WorkingCalendar:
    rows = session.execute(select(CalendarOverrideRow.day, CalendarOverrideRow.kind)).all()
    return WorkingCalendar(
        Override(day, OverrideKind(kind))
        for day, kind in rows
        if kind in (p.CalendarDay.DAY_OFF, p.CalendarDay.WORKING_DAY)
    )


def queue_figures(session: Session, *, now: dt.datetime) -> QueueFigures:
    """Waiting and overdue packages per branch, and what the blob store holds."""
    figures = QueueFigures()
    for (branch,) in session.execute(select(Branch.code)):
        figures.waiting[branch] = figures.overdue[branch] = 0  # every branch has its series
    calendar = _calendar(session)
    today = now.astimezone(KAZAKHSTAN).date()
    undecided = (
        select(Package.branch_code, Package.service_id, Package.device_time)
        .where(Package.status == p.PackageStatus.RECEIVED.value)
        .where(~exists().where(DecisionRow.package_uuid == Package.uuid))
    )
    due_by_key: dict[tuple[str, dt.datetime], dt.date | None] = {}
    for branch, service_id, accepted in session.execute(undecided):
        figures.waiting[branch] += 1
        local = accepted.astimezone(KAZAKHSTAN).replace(tzinfo=None, second=0, microsecond=0)
        key = (service_id, local)
        if key not in due_by_key:
            due_by_key[key] = _due(calendar, service_id, local)
        due = due_by_key[key]
        if due is not None and due < today:
            figures.overdue[branch] += 1
    figures.blobs, figures.bytes_stored = session.execute(
        select(func.count(), func.coalesce(func.sum(Blob.size), 0))
    ).one()
    return figures


def _due(calendar: WorkingCalendar, service_id: str, accepted: dt.datetime) -> dt.date | None:
    try:
        term = _catalog().get(service_id).term
    except UnknownServiceError:  # a service this hub's catalog does not know: no due date
        return None
    return calendar.result_date(accepted, term.count, term.unit, term.early_days_at_service_centre)
