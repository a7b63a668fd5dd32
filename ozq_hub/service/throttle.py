"""Throttles kept in the database, so that every hub process (and a restarted one) counts the
same attempts. Two kinds:

- Failures per key, in a sliding window (issue 12: wrong enrolment codes per address). After
  `limit` failures within `window` seconds the key waits until its oldest failure leaves the
  window. One row per failure (`throttle_event`).
- Attempts per key, in a fixed window (the console's sign-ins and the status page's look-ups
  per address and per receipt): one row per key (`rate_limit`), bumped by a single
  INSERT … ON CONFLICT, so that counting costs one statement.

The daily maintenance drops rows too old to count (`forget_before`).
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import case, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from ozq_hub.models import RateLimit, ThrottleEvent
from ozq_hub.service.sql import insert_for
from ozq_hub.settings import HubLimits

_COUNTERS = RateLimit.__table__


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


def count_attempt(
    session: Session, *, key: str, limit: int, window_seconds: int, now: dt.datetime
) -> int:
    """Count one attempt under `key`: 0 while the window holds at most `limit` of them,
    otherwise the seconds until the window ends (for Retry-After). In a write transaction."""
    return count_attempts(session, limits={key: limit}, window_seconds=window_seconds, now=now)


def count_attempts(
    session: Session, *, limits: dict[str, int], window_seconds: int, now: dt.datetime
) -> int:
    """Count one attempt under each key of `limits` (key → its limit) in one statement:
    0 when every key is within its limit, otherwise the longest wait in seconds."""
    start = literal(now, _COUNTERS.c.window_start.type)
    expired = _COUNTERS.c.window_start <= now - dt.timedelta(seconds=window_seconds)
    # Sorted: two requests bumping the same keys lock their rows in the same order.
    keys = sorted({key[:200]: limit for key, limit in limits.items()}.items())
    statement = insert_for(session, _COUNTERS).values(
        [{"key": key, "window_start": now, "count": 1} for key, _limit in keys]
    )
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "count": case((expired, 1), else_=_COUNTERS.c.count + 1),
            "window_start": case((expired, start), else_=_COUNTERS.c.window_start),
        },
    ).returning(_COUNTERS.c.key, _COUNTERS.c.count, _COUNTERS.c.window_start)
    wanted = dict(keys)
    wait = 0
    for key, count, window_start in session.execute(statement):
        if count <= wanted[key]:
            continue
        if window_start.tzinfo is None:
            window_start = window_start.replace(tzinfo=dt.UTC)
        left = (window_start + dt.timedelta(seconds=window_seconds) - now).total_seconds()
        wait = max(wait, max(1, math.ceil(left)))
    return wait


def forget_before(
    session: Session, *, failures_before: dt.datetime, counters_before: dt.datetime
) -> int:
    """Drop failures older than `failures_before` and attempt counters whose window started
    before `counters_before` (the daily maintenance). The number of rows dropped."""
    failures = session.execute(
        delete(ThrottleEvent).where(ThrottleEvent.at < failures_before)
    ).rowcount
    counters = session.execute(
        delete(_COUNTERS).where(_COUNTERS.c.window_start < counters_before)
    ).rowcount
    return failures + counters
