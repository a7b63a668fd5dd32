"""The daily register: everything accepted, refused and handed over at the branch on one
date, grouped by clerk, with totals by service and outcome. Once the supervisor closes the
day, the register of that day is frozen as it was signed."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozq_desktop.domain import audit
from ozq_desktop.domain.accounts import Role, require_role
from ozq_desktop.domain.lifecycle import PackageStatus

# The service-time report sits with the other supervisor reports.
from ozq_desktop.domain.service_times import service_time_report  # noqa: F401
from ozq_desktop.errors import ConflictError
from ozq_desktop.models import DaySignOff, Package, User


@dataclass(frozen=True)
class RegisterEntry:
    clerk_id: int
    clerk_name: str
    receipt_no: str
    time: str  # HH:MM
    service_id: str
    applicant: str
    outcome: str  # accepted | refused | handed_over


@dataclass(frozen=True)
class DailyRegister:
    day: date
    entries: list[RegisterEntry]
    signed_by: str | None = None
    signed_at: datetime | None = None

    @property
    def frozen(self) -> bool:
        return self.signed_by is not None

    def by_clerk(self) -> dict[str, list[RegisterEntry]]:
        groups: dict[str, list[RegisterEntry]] = defaultdict(list)
        for entry in self.entries:
            groups[entry.clerk_name].append(entry)
        return dict(groups)

    def totals(self) -> Counter[tuple[str, str]]:
        """(service_id, outcome) -> count."""
        return Counter((e.service_id, e.outcome) for e in self.entries)


def _live_entries(session: Session, day: date, clerk_id: int | None) -> list[RegisterEntry]:
    start, end = (
        datetime.combine(day, time.min),
        datetime.combine(day + timedelta(days=1), time.min),
    )
    names = dict(session.execute(select(User.id, User.full_name)).all())
    cols = (
        Package.clerk_id,
        Package.receipt_no,
        Package.accepted_at,
        Package.service_id,
        Package.applicant_name,
        Package.status,
        Package.handed_over_at,
        Package.handed_over_to,
    )
    # Training packages (training mode) are demonstrations: never in a register.
    taken = select(*cols).where(Package.accepted_day == day, Package.training.is_(False))
    handed = select(*cols).where(
        Package.handed_over_at >= start, Package.handed_over_at < end, Package.training.is_(False)
    )
    if clerk_id is not None:
        taken = taken.where(Package.clerk_id == clerk_id)
    entries = []
    for c_id, receipt, at, service, applicant, status, _, _ in session.execute(taken):
        outcome = "refused" if status == PackageStatus.REFUSED_AT_COUNTER else "accepted"
        entries.append(
            RegisterEntry(
                c_id,
                names.get(c_id, "?"),
                receipt,
                at.strftime("%H:%M"),
                service,
                applicant,
                outcome,
            )
        )
    for c_id, receipt, _, service, applicant, _, handed_at, handed_to in session.execute(handed):
        by = int((handed_to or {}).get("clerk_id", c_id))
        if clerk_id is not None and by != clerk_id:
            continue
        entries.append(
            RegisterEntry(
                by,
                names.get(by, "?"),
                receipt,
                handed_at.strftime("%H:%M"),
                service,
                applicant,
                "handed_over",
            )
        )
    entries.sort(key=lambda e: (e.clerk_name, e.time, e.receipt_no))
    return entries


def daily_register(*, session: Session, day: date, clerk_id: int | None = None) -> DailyRegister:
    """The register of `day`: the signed snapshot once the day is closed, live rows before."""
    signed = session.get(DaySignOff, day)
    if signed is not None:
        entries = [RegisterEntry(**raw) for raw in signed.register["entries"]]
        if clerk_id is not None:
            entries = [e for e in entries if e.clerk_id == clerk_id]
        signer = session.get(User, signed.signed_by)
        return DailyRegister(day, entries, signer.full_name if signer else "?", signed.signed_at)
    return DailyRegister(day, _live_entries(session, day, clerk_id))


def close_day(*, session: Session, actor: User, day: date, at: datetime) -> DailyRegister:
    """The supervisor's end-of-day sign-off: freezes the register and records it in the audit."""
    require_role(actor, Role.SUPERVISOR)
    if session.get(DaySignOff, day) is not None:
        raise ConflictError("The day {day} is already closed.", day=day.strftime("%d.%m.%Y"))
    entries = _live_entries(session, day, None)
    session.add(
        DaySignOff(
            day=day,
            signed_by=actor.id,
            signed_at=at,
            register={"entries": [asdict(e) for e in entries]},
        )
    )
    audit.record(
        session=session,
        action="day_closed",
        user_id=actor.id,
        object_id=day.isoformat(),
        details={"rows": len(entries)},
        at=at,
    )
    session.flush()
    return DailyRegister(day, entries, actor.full_name, at)


def is_day_closed(*, session: Session, day: date) -> bool:
    return session.get(DaySignOff, day) is not None
