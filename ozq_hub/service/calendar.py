"""Working-calendar overrides made on the hub: days off added, weekend working days
added, or an override withdrawn. They reach every desk through the change feed
(docs/domain.md, "Days off, and why the calendar can be corrected").
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozq_hub.models import CalendarOverrideRow
from ozq_hub.service import changelog, due
from ozq_hub.service.sql import upsert
from ozq_wire import protocol as p


def set_override(
    session: Session,
    *,
    day: dt.date,
    kind: p.CalendarDay,
    note: str,
    now: dt.datetime,
    tz: dt.tzinfo | None = None,
) -> p.CalendarOverride:
    """Add or withdraw an override; the due dates of the received packages whose term
    spans the day are recomputed in the same transaction."""
    override = p.CalendarOverride(date=day, kind=kind, note=note, updated_at=now)
    seq = changelog.append_change(
        session,
        kind=changelog.CALENDAR_OVERRIDE,
        branch_code=None,
        payload={"override": override.model_dump(mode="json")},
        now=now,
    )
    upsert(
        session,
        CalendarOverrideRow,
        {"day": day, "kind": kind.value, "note": note, "updated_at": now, "seq": seq},
        key=["day"],
    )
    due.recompute_around(session, day, tz or due.zone())
    return override


def list_overrides(session: Session) -> list[p.CalendarOverride]:
    rows = session.execute(select(CalendarOverrideRow).order_by(CalendarOverrideRow.day)).scalars()
    return [
        p.CalendarOverride(
            date=row.day, kind=p.CalendarDay(row.kind), note=row.note, updated_at=row.updated_at
        )
        for row in rows
    ]
