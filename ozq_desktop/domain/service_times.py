"""The supervisor's report of waits and service times over a period: per clerk, per service and
per hour of the day, each against its 15-minute cap, with the median and the 90th percentile.

Every package taken in the period counts for its service time. Its wait counts only when its
ticket's issue time is known: home visits have no ticket, and a ticket typed without its time
is counted as "no ticket time". The hour of the day is the hour in which the service began.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ozq_desktop.domain.accounts import Role, require_role
from ozq_desktop.domain.waiting import SERVICE_NORM_SECONDS, WAIT_NORM_SECONDS, Figures
from ozq_desktop.models import Package, User

OPENING_HOURS = range(9, 20)  # service centres work 9:00 to 20:00 (seed §4)


@dataclass(frozen=True)
class Visit:
    """One package's times, as the report needs them."""

    clerk: str
    service_id: str
    started_at: datetime
    service_seconds: int
    wait_seconds: int | None
    home_visit: bool


@dataclass(frozen=True)
class TimesLine:
    key: str  # the clerk's name, the service id, or the hour ("09")
    packages: int
    wait: Figures
    service: Figures
    no_ticket_time: int  # counter packages whose wait is unknown

    @classmethod
    def of(cls, key: str, visits: list[Visit]) -> TimesLine:
        waits = [v.wait_seconds for v in visits if v.wait_seconds is not None]
        return cls(
            key,
            len(visits),
            Figures.of(waits, WAIT_NORM_SECONDS),
            Figures.of([v.service_seconds for v in visits], SERVICE_NORM_SECONDS),
            sum(1 for v in visits if v.wait_seconds is None and not v.home_visit),
        )


@dataclass(frozen=True)
class TimesReport:
    start: date
    end: date
    total: TimesLine
    by_clerk: list[TimesLine]
    by_service: list[TimesLine]
    by_hour: list[TimesLine]  # only hours with packages, in order

    def hours(self) -> list[int]:
        """The hours a chart shows: the opening hours, widened to any hour with packages."""
        seen = [int(line.key) for line in self.by_hour]
        low = min([OPENING_HOURS.start, *seen])
        high = max([OPENING_HOURS.stop - 1, *seen])
        return list(range(low, high + 1))

    def hour_line(self, hour: int) -> TimesLine | None:
        return next((line for line in self.by_hour if int(line.key) == hour), None)


def _grouped(
    visits: Iterable[Visit], key: Callable[[Visit], str], order: Callable[[str], object] = str
) -> list[TimesLine]:
    groups: dict[str, list[Visit]] = defaultdict(list)
    for visit in visits:
        groups[key(visit)].append(visit)
    return [TimesLine.of(k, groups[k]) for k in sorted(groups, key=order)]


def build_report(visits: list[Visit], start: date, end: date) -> TimesReport:
    return TimesReport(
        start,
        end,
        TimesLine.of("", visits),
        _grouped(visits, lambda v: v.clerk),
        _grouped(visits, lambda v: v.service_id),
        _grouped(visits, lambda v: f"{v.started_at.hour:02d}", int),
    )


def visits_between(session: Session, start: date, end: date) -> list[Visit]:
    names = dict(session.execute(select(User.id, User.full_name)).all())
    stmt = select(
        Package.clerk_id,
        Package.service_id,
        Package.accepted_at,
        Package.service_seconds,
        Package.wait_seconds,
        Package.place,
    ).where(
        Package.accepted_day >= start,
        Package.accepted_day <= end,
        Package.training.is_(False),  # demonstrations are no one's service time
    )
    return [
        Visit(
            names.get(clerk_id, "?"),
            service_id,
            accepted_at - timedelta(seconds=seconds),
            seconds,
            wait,
            place == "home_visit",
        )
        for clerk_id, service_id, accepted_at, seconds, wait, place in session.execute(stmt)
    ]


def service_time_report(*, session: Session, actor: User, start: date, end: date) -> TimesReport:
    """Waits and service times of the packages taken from `start` to `end`, both included."""
    require_role(actor, Role.SUPERVISOR)
    return build_report(visits_between(session, start, end), start, end)
