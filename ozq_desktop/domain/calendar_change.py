"""A change to the working calendar, shown before it moves anything.

Making a day a day off (or a working day) moves the due dates of open packages whose term
runs over it. `preview` lists them, receipt by receipt (old date → new date), and says
whether the day is today or already past, before anything is written; `apply` writes the
change and moves them, in the caller's write transaction. The date each applicant's receipt
promised (`packages.promised_date`) never moves: screens show it beside the new one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ozq_desktop.domain.accounts import Role, require_role
from ozq_desktop.domain.calendar_store import load_calendar, put_override, remove_override
from ozq_desktop.domain.deadlines import recompute_result_dates
from ozq_desktop.domain.lifecycle import OPEN
from ozq_desktop.models import Package, User
from ozq_wire.calendar import Override, OverrideKind, WorkingCalendar
from ozq_wire.catalog import Catalog

# No term of the catalog reaches further back than this from its due date to the day that
# moved it (15 calendar or working days, and the early days of service 3).
_REACH = timedelta(days=62)


@dataclass(frozen=True)
class CalendarChange:
    day: date
    kind: OverrideKind | None  # None: withdraw the branch's change, the standard day again
    note: str = ""


@dataclass(frozen=True)
class Move:
    package_id: str
    receipt_no: str
    applicant_name: str
    old: date | None
    new: date
    promised: date | None  # what the applicant's receipt says; it does not move


@dataclass(frozen=True)
class ChangePreview:
    change: CalendarChange
    moves: tuple[Move, ...]
    is_today: bool
    is_past: bool
    accepted_that_day: int  # packages accepted (or refused) at this desk on that day

    @property
    def needs_warning(self) -> bool:
        return self.is_today or self.is_past


def with_change(calendar: WorkingCalendar, change: CalendarChange) -> WorkingCalendar:
    """The calendar as it would be after `change`."""
    overrides = {o.day: o for o in calendar.overrides}
    if change.kind is None:
        overrides.pop(change.day, None)
    else:
        overrides[change.day] = Override(change.day, change.kind, change.note)
    return WorkingCalendar(overrides.values(), calendar.hours)


def _open_packages_around(session: Session, day: date) -> Iterable[Package]:
    """Open packages whose term may run over `day`: accepted by then, due not long before."""
    return session.scalars(
        select(Package)
        .where(
            Package.status.in_([s.value for s in OPEN]),
            Package.training.is_(False),
            Package.accepted_day <= day,
            Package.result_date >= day - _REACH,
        )
        .order_by(Package.result_date, Package.receipt_no)
    )


def moves_under(
    session: Session, catalog: Catalog, calendar: WorkingCalendar, day: date
) -> list[Move]:
    """The open packages whose due date `calendar` puts elsewhere than it stands."""
    moves = []
    for package in _open_packages_around(session, day):
        term = catalog.get(package.service_id).term
        due = calendar.result_date(
            package.accepted_at, term.count, term.unit, term.early_days_at_service_centre
        )
        if due != package.result_date:
            moves.append(
                Move(
                    package.id,
                    package.receipt_no,
                    package.applicant_name,
                    package.result_date,
                    due,
                    package.promised_date,
                )
            )
    return moves


def preview(
    *, session: Session, catalog: Catalog, change: CalendarChange, today: date
) -> ChangePreview:
    """What `change` would move, written nowhere."""
    proposed = with_change(load_calendar(session=session), change)
    moves = moves_under(session, catalog, proposed, change.day)
    accepted = session.scalar(
        select(func.count()).select_from(Package).where(Package.accepted_day == change.day)
    )
    return ChangePreview(
        change,
        tuple(moves),
        is_today=change.day == today,
        is_past=change.day < today,
        accepted_that_day=accepted or 0,
    )


def apply(*, session: Session, catalog: Catalog, change: CalendarChange, actor: User) -> list[Move]:
    """Write `change` and move the due dates it moves; returns those moves."""
    require_role(actor, Role.SUPERVISOR)
    moves = moves_under(
        session, catalog, with_change(load_calendar(session=session), change), change.day
    )
    if change.kind is None:
        remove_override(session=session, day=change.day, actor=actor)
    else:
        put_override(
            session=session, day=change.day, kind=change.kind, note=change.note, actor=actor
        )
    session.flush()
    recompute_result_dates(
        session=session, catalog=catalog, calendar=load_calendar(session=session), actor=actor
    )
    return moves
