"""The working calendar: which days count towards a term, and the day a term ends.

THE COUNTING RULE lives here and nowhere else: the desk and the hub both count with it
(docs/domain.md, "Counting a term").
It follows the usual wording of Kazakh service standards («день приема не входит в срок
оказания государственной услуги»), which is not found verbatim in the seed, so every
assumption is written down here where it can be changed:

1. Documents handed in after closing time (20:00, seed §8.2) or on a day off count as
   handed in on the next working day. Before opening on a working day: that day.
2. The day of acceptance is not counted; the term starts the next day.
3. A working-day term counts working days only.
4. A calendar-day term that ends on a day off moves to the next working day.
5. Seed, service 3, §8.2: on the service-centre route the committee hands the result over
   "one day before the term ends": we step back that many working days from the end, but
   never to before the first working day of the term.
6. Seed §11: a complaint is considered within 5 working days of registration, counted the
   same way.

Days off: Saturdays, Sundays and the days off of `holidays.KZ` (with its decree moves,
which it knows for 2000-2025 only), then the local overrides, which win over both.
Saturday is an opening day for the counter (seed §8.2, Mon-Sat) but not a working day
for terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cache

import holidays

from ozq_wire.catalog import TermUnit

COMPLAINT_WORKING_DAYS = 5  # seed §11
_ONE_DAY = timedelta(days=1)
_WEEKEND = (5, 6)  # Saturday, Sunday


class OverrideKind(StrEnum):
    DAY_OFF = "day_off"
    WORKING_DAY = "working_day"


@dataclass(frozen=True)
class Override:
    """A local correction of the calendar, e.g. a decree moving a day off."""

    day: date
    kind: OverrideKind
    note: str = ""

    def __post_init__(self) -> None:
        # Rows from storage or the hub carry the kind as a plain string.
        object.__setattr__(self, "kind", OverrideKind(self.kind))


@dataclass(frozen=True)
class OfficeHours:
    """Service-centre opening hours, seed §8.2: Monday to Saturday, 9:00 to 20:00."""

    opens: time = time(9, 0)
    closes: time = time(20, 0)

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError(f"opening time {self.opens} is not before closing time {self.closes}")

    def is_after_closing(self, at: time) -> bool:
        return at >= self.closes


# --- holidays.KZ, cached per year -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _LibraryYear:
    names: dict[date, tuple[str, ...]]  # English names, as the library gives them
    days_off: frozenset[date]  # weekends and holidays, less the weekend days decreed working


@cache
def _library_year(year: int) -> _LibraryYear:
    kz = holidays.KZ(years=year, language="en_US")
    names = {day: tuple(kz.get_list(day)) for day in sorted(kz) if day.year == year}
    worked = frozenset(getattr(kz, "weekend_workdays", ()))
    weekends = {
        day
        for day in map(
            date.fromordinal,
            range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1),
        )
        if day.weekday() in _WEEKEND and day not in worked
    }
    return _LibraryYear(names=names, days_off=frozenset(weekends | names.keys()))


# --- the calendar ------------------------------------------------------------------------------


class WorkingCalendar:
    """Days off and working days, and every deadline counted from them."""

    def __init__(self, overrides: Iterable[Override] = (), hours: OfficeHours = OfficeHours()):
        # A later override for the same day replaces an earlier one (an upsert).
        self._overrides: dict[date, Override] = {o.day: o for o in overrides}
        self.hours = hours
        self._days_off_by_year: dict[int, frozenset[date]] = {}

    @property
    def overrides(self) -> tuple[Override, ...]:
        return tuple(sorted(self._overrides.values(), key=lambda o: o.day))

    def _days_off_in(self, year: int) -> frozenset[date]:
        days_off = self._days_off_by_year.get(year)
        if days_off is None:
            days_off = self._days_off_by_year[year] = self._compute_days_off(year)
        return days_off

    def _compute_days_off(self, year: int) -> frozenset[date]:
        added: set[date] = set()
        removed: set[date] = set()
        for override in self._overrides.values():
            if override.day.year == year:
                (added if override.kind is OverrideKind.DAY_OFF else removed).add(override.day)
        return (_library_year(year).days_off | added) - removed

    # -- single days

    def is_day_off(self, d: date) -> bool:
        return _as_date(d) in self._days_off_in(d.year)

    def is_working_day(self, d: date) -> bool:
        return not self.is_day_off(d)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        return self.add_working_days(d, 1)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after `d` (before it when n < 0); `d` itself when n == 0."""
        day = _as_date(d)
        step = _ONE_DAY if n >= 0 else -_ONE_DAY
        remaining = abs(n)
        year, days_off = day.year, self._days_off_in(day.year)
        while remaining:
            day += step
            if day.year != year:
                year, days_off = day.year, self._days_off_in(day.year)
            if day not in days_off:
                remaining -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """The working days stepped onto going from `a` to `b`: those in (a, b], or minus those
        in [b, a) when b is before a.

        The inverse of add_working_days: working_days_between(d, add_working_days(d, n)) == n.
        """
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b - _ONE_DAY, a - _ONE_DAY)
        count, day = 0, a
        while day < b:
            day += _ONE_DAY
            if day not in self._days_off_in(day.year):
                count += 1
        return count

    # -- terms

    def effective_acceptance_day(self, accepted_at: datetime) -> date:
        """The day documents count as accepted on (rule 1).

        `accepted_at` is the wall-clock time at the service centre; an aware datetime is read
        in its own offset, so convert it to the centre's zone first.
        """
        day = accepted_at.date()
        if self.is_day_off(day) or self.hours.is_after_closing(accepted_at.time()):
            return self.next_working_day(day)
        return day

    def result_date(
        self, accepted_at: datetime, count: int, unit: TermUnit | str, early_days: int = 0
    ) -> date:
        """The day the result is due for a term of `count` `unit`s (rules 1-5)."""
        if count < 1:
            raise ValueError(f"a term lasts at least one day, not {count}")
        if early_days < 0:
            raise ValueError(f"early_days cannot be negative: {early_days}")
        start = self.effective_acceptance_day(accepted_at)
        if TermUnit(unit) is TermUnit.WORKING_DAYS:
            end = self.add_working_days(start, count)
        else:
            end = start + timedelta(days=count)
            if self.is_day_off(end):
                end = self.next_working_day(end)
        if early_days:
            end = max(self.add_working_days(end, -early_days), self.next_working_day(start))
        return end

    def complaint_deadline(self, registered_at: datetime) -> date:
        """Seed §11: a complaint is considered within 5 working days of its registration."""
        return self.result_date(registered_at, COMPLAINT_WORKING_DAYS, TermUnit.WORKING_DAYS)

    # -- listing

    def days_off_with_reasons(self, year: int) -> list[tuple[date, DayOffReason]]:
        """Every day off of `year` in order, each with why it is one (for naming it)."""
        library = _library_year(year)
        listed = []
        for day in sorted(self._days_off_in(year)):
            override = self._overrides.get(day)
            if override is not None and override.kind is OverrideKind.DAY_OFF:
                reason = DayOffReason(override=override)
            else:
                reason = DayOffReason(holidays=library.names.get(day, ()))
            listed.append((day, reason))
        return listed


@dataclass(frozen=True)
class DayOffReason:
    """Why a day is off: a local override, the library's holidays (English names), or neither
    (a plain weekend)."""

    override: Override | None = None
    holidays: tuple[str, ...] = ()


def _as_date(d: date) -> date:
    # A datetime is a date, but never equal to one: it would silently miss every day off.
    if isinstance(d, datetime):
        raise TypeError(f"expected a date, got the datetime {d!r}")
    return d
