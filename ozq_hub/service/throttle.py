"""Failures counted per key in the database (issue 12: the enrolment throttle is shared by
every worker and survives a restart). After `limit` failures within `window` seconds the key
waits until its oldest failure leaves the window."""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from ozq_hub.models import ThrottleEvent
from ozq_hub.settings import HubLimits


def wait_seconds(session: Session, *, key: str, limits: HubLimits, now: dt.datetime) -> int:
    """0 when `key` may try; otherwise the seconds until its oldest counted failure expires."""
    window = dt.timedelta(seconds=limits.enrol_window_seconds)
    count, oldest = session.execute(
        select(func.count(), func.min(ThrottleEvent.at)).where(
            ThrottleEvent.key == key, ThrottleEvent.at > now - window
        )
    ).one()
    if count < limits.enrol_failures or oldest is None:
        return 0
    if oldest.tzinfo is None:  # SQLite's aggregate skips the column type
        oldest = dt.datetime.fromisoformat(str(oldest)).replace(tzinfo=dt.UTC)
    return max(1, math.ceil((oldest + window - now).total_seconds()))


def record_failure(session: Session, *, key: str, now: dt.datetime) -> None:
    session.execute(insert(ThrottleEvent).values(key=key, at=now))


def forget_before(session: Session, *, before: dt.datetime) -> int:
    """Drop failures too old to count (the daily maintenance)."""
    return session.execute(delete(ThrottleEvent).where(ThrottleEvent.at < before)).rowcount
