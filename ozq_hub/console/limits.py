"""Rate limits kept in the database, so that every hub process behind a proxy counts the
same attempts: a fixed-window counter per key, bumped by one INSERT … ON CONFLICT."""

from __future__ import annotations

import datetime as dt
import math
import random

from sqlalchemy import case, delete, literal
from sqlalchemy.orm import Session

from ozq_hub.models import RateLimit
from ozq_hub.service.sql import _insert

_TABLE = RateLimit.__table__
_PRUNE_ONE_IN = 200


def hit(session: Session, *, key: str, limit: int, window_seconds: int, now: dt.datetime) -> int:
    """Count one attempt under `key`: 0 when it is within the limit, otherwise the seconds
    until the window ends (for Retry-After). Call in a write transaction."""
    start = literal(now, _TABLE.c.window_start.type)
    expired = _TABLE.c.window_start <= now - dt.timedelta(seconds=window_seconds)
    statement = _insert(session, _TABLE).values(key=key[:200], window_start=now, count=1)
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "count": case((expired, 1), else_=_TABLE.c.count + 1),
            "window_start": case((expired, start), else_=_TABLE.c.window_start),
        },
    ).returning(_TABLE.c.count, _TABLE.c.window_start)
    count, window_start = session.execute(statement).one()
    if random.randrange(_PRUNE_ONE_IN) == 0:
        prune(session, now=now, older_than_seconds=max(window_seconds, 86400))
    if count <= limit:
        return 0
    if window_start.tzinfo is None:
        window_start = window_start.replace(tzinfo=dt.UTC)
    left = (window_start + dt.timedelta(seconds=window_seconds) - now).total_seconds()
    return max(1, math.ceil(left))


def prune(session: Session, *, now: dt.datetime, older_than_seconds: int) -> int:
    cutoff = now - dt.timedelta(seconds=older_than_seconds)
    return session.execute(delete(_TABLE).where(_TABLE.c.window_start < cutoff)).rowcount
