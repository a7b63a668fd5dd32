"""Due dates of received packages, by the desk's counting rule and the hub's calendar.

Two dates per package, both from `WorkingCalendar.result_date`:
- `legal_due_date`: the end of the legal term, counted from the desk's wall-clock time of
  acceptance (what the applicant was promised, shown on the status page);
- `due_date`: the committee's date; for service 3 one working day earlier on the
  service-centre route (seed, service 3, §8.2). The queue sorts by it.

Both are stored on the package when it is committed, so that the queue can sort and page
100,000 packages by an index, and recomputed when a calendar override changes the days
they span (`recompute_around`).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ozq_hub.models import CalendarOverrideRow, Package
from ozq_hub.service import rules
from ozq_wire import protocol as p

DEFAULT_TIMEZONE = "Asia/Almaty"  # UTC+5, all of Kazakhstan since 1 March 2024
_FALLBACK = dt.timezone(dt.timedelta(hours=5), "UTC+05")


def zone(name: str = DEFAULT_TIMEZONE) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return _FALLBACK


def today(tz: dt.tzinfo) -> dt.date:
    return dt.datetime.now(tz).date()


def hub_calendar(session: Session) -> rules.WorkingCalendar:
    rows = session.execute(
        select(CalendarOverrideRow.day, CalendarOverrideRow.kind, CalendarOverrideRow.note).where(
            CalendarOverrideRow.kind != p.CalendarDay.STANDARD.value
        )
    ).all()
    return rules.calendar_with((row.day, row.kind, row.note) for row in rows)


def accepted_at(
    details: dict, device_time: dt.datetime | None, received_at: dt.datetime | None, tz: dt.tzinfo
) -> dt.datetime:
    """The service centre's wall-clock time of acceptance: as the desk recorded it in the
    metadata, else the declaration's `device_time` (the desk sends its acceptance time
    there), else the hub's receipt time; in the hub's zone, without a zone."""
    raw = details.get("accepted_at")
    if isinstance(raw, str):
        try:
            moment = dt.datetime.fromisoformat(raw)
        except ValueError:
            moment = None
        if moment is not None:
            return moment.astimezone(tz).replace(tzinfo=None) if moment.tzinfo else moment
    fallback = device_time or received_at or dt.datetime.now(dt.UTC)
    return fallback.astimezone(tz).replace(tzinfo=None)


def due_dates(
    calendar: rules.WorkingCalendar, service_id: str, at: dt.datetime
) -> tuple[dt.date, dt.date]:
    """(the committee's due date, the legal due date). A service the catalog does not know
    gets the day of acceptance for both, so that it heads the queue instead of hiding."""
    service = rules.service_or_none(service_id)
    if service is None:
        return at.date(), at.date()
    term = service.term
    legal = calendar.result_date(at, term.count, term.unit)
    committee = calendar.result_date(at, term.count, term.unit, term.early_days_at_service_centre)
    return committee, legal


def columns(
    session: Session, package: Package, *, received_at: dt.datetime, tz: dt.tzinfo
) -> dict[str, dt.date]:
    """The acceptance day and both due dates of a package being committed, as the values
    of the commit's own UPDATE."""
    at = accepted_at(package.details, package.device_time, received_at, tz)
    due, legal = due_dates(hub_calendar(session), package.service_id, at)
    return {"accepted_on": at.date(), "due_date": due, "legal_due_date": legal}


def recompute_around(session: Session, day: dt.date | None, tz: dt.tzinfo) -> int:
    """Recompute the due dates of received packages whose term can span `day` (every
    received package when `day` is None); how many changed. A day that turns into a day
    off, or back, moves only terms that run from on or before it to on or after it."""
    calendar = hub_calendar(session)
    statement = select(
        Package.uuid,
        Package.service_id,
        Package.details,
        Package.device_time,
        Package.received_at,
        Package.due_date,
        Package.legal_due_date,
    ).where(Package.status == p.PackageStatus.RECEIVED.value)
    if day is not None:
        statement = statement.where(Package.accepted_on <= day, Package.legal_due_date >= day)
    changed = 0
    for row in session.execute(statement).all():
        at = accepted_at(row.details, row.device_time, row.received_at, tz)
        due, legal = due_dates(calendar, row.service_id, at)
        if (due, legal) != (row.due_date, row.legal_due_date):
            session.execute(
                update(Package)
                .where(Package.uuid == row.uuid)
                .values(accepted_on=at.date(), due_date=due, legal_due_date=legal)
            )
            changed += 1
    return changed
