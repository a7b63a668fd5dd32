"""The committee's queue in figures, for `/metrics`: packages waiting for a decision and those
past their due date, per branch; and the bytes of scans stored.

A package waits from its commit until its first decision (its review state is new or under
review). Its due date is the one the hub stored when the package was committed
(`ozq_hub.service.due`: the desk's counting rule from `ozq_wire.calendar`, the hub's
working calendar and overrides, service 3's day early), the date the console's queue sorts
and marks by: the metrics and the console count the same packages overdue. "Today" is the
service centres' day, in the hub's zone. One grouped query over the partial index of the
packages still to decide answers it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozq_hub.models import OPEN_REVIEW_STATES, Blob, Branch, Package
from ozq_wire import protocol as p


@dataclass
class QueueFigures:
    waiting: Counter[str] = field(default_factory=Counter)  # branch -> undecided packages
    overdue: Counter[str] = field(default_factory=Counter)  # branch -> of those, past due
    blobs: int = 0
    bytes_stored: int = 0


def queue_figures(session: Session, *, now: dt.datetime, tz: dt.tzinfo) -> QueueFigures:
    """Waiting and overdue packages per branch, and what the blob store holds."""
    figures = QueueFigures()
    for (branch,) in session.execute(select(Branch.code)):
        figures.waiting[branch] = figures.overdue[branch] = 0  # every branch has its series
    today = now.astimezone(tz).date()
    waiting = session.execute(
        select(
            Package.branch_code,
            func.count(),
            func.count().filter(Package.due_date < today),
        )
        .where(
            Package.status == p.PackageStatus.RECEIVED.value,
            Package.review_state.in_(OPEN_REVIEW_STATES),
        )
        .group_by(Package.branch_code)
    )
    for branch, count, overdue in waiting:
        figures.waiting[branch] = count
        figures.overdue[branch] = overdue
    figures.blobs, figures.bytes_stored = session.execute(
        select(func.count(), func.coalesce(func.sum(Blob.size), 0))
    ).one()
    return figures
