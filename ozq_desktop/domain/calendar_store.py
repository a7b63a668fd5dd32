"""The branch's working calendar: the `holidays` KZ calendar plus the overrides in the database.

Only a supervisor changes it on the desk; the hub's change feed (actor `accounts.HUB`) brings
the overrides the committee's side decrees."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozq_desktop.domain import audit
from ozq_desktop.domain.accounts import HUB, Role, SystemActor, require_actor
from ozq_desktop.models import CalendarOverrideRow, User
from ozq_desktop.models.base import now as wall_clock
from ozq_wire.calendar import Override, OverrideKind, WorkingCalendar


def load_calendar(*, session: Session) -> WorkingCalendar:
    rows = session.scalars(select(CalendarOverrideRow))
    return WorkingCalendar(
        Override(day=row.day, kind=OverrideKind(row.kind), note=row.note) for row in rows
    )


def put_override(
    *,
    session: Session,
    day: date,
    kind: OverrideKind,
    note: str,
    actor: User | SystemActor | None,
) -> None:
    """Add or replace the override of one day, in the caller's write transaction."""
    require_actor(actor, Role.SUPERVISOR, system=True)
    source = "hub" if actor is HUB else "local"
    row = session.get(CalendarOverrideRow, day)
    if row is None:
        row = CalendarOverrideRow(day=day)
        session.add(row)
    row.kind = OverrideKind(kind).value
    row.note = note
    row.source = source
    row.updated_at = wall_clock()
    audit.record(
        session=session,
        action="calendar_override",
        user_id=actor.id,
        object_id=day.isoformat(),
        details={"kind": row.kind, "note": note, "source": source},
    )


def remove_override(*, session: Session, day: date, actor: User | SystemActor | None) -> None:
    """Withdraw an override: the standard calendar applies to that day again."""
    require_actor(actor, Role.SUPERVISOR, system=True)
    row = session.get(CalendarOverrideRow, day)
    if row is None:
        return
    session.delete(row)
    audit.record(
        session=session,
        action="calendar_override_removed",
        user_id=actor.id,
        object_id=day.isoformat(),
    )
