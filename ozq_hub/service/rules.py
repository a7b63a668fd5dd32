"""The rules the hub shares with the desk: the service catalog and the counting rule.

The one place in the hub that reaches them, so that they are defined once for both
programs (the desk's deadline monitor and the hub's queue give the same due date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

from ozq_wire.calendar import Override, WorkingCalendar
from ozq_wire.catalog import Catalog, ResultKind, Service, load_catalog

__all__ = [
    "Catalog",
    "ResultKind",
    "Service",
    "WorkingCalendar",
    "calendar_with",
    "catalog",
    "service_or_none",
]


@cache
def catalog() -> Catalog:
    return load_catalog()


def service_or_none(service_id: str) -> Service | None:
    for service in catalog():
        if service.id == service_id:
            return service
    return None


def calendar_with(overrides: Iterable[tuple[dt.date, str, str]]) -> WorkingCalendar:
    """The standard calendar with the hub's overrides: (day, "day_off"/"working_day", note)."""
    return WorkingCalendar(Override(day, kind, note) for day, kind, note in overrides)
