"""Small facts the sync keeps in the local database: hub address, device, cursor, lease."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from ozq_desktop.models import SyncState

HUB_URL = "hub_url"
DEVICE_ID = "device_id"
CURSOR = "cursor"
LEASE = "sender_lease"
LAST_SYNC = "last_sync"
REVOKED = "revoked"


def get(session: Session, key: str) -> str | None:
    row = session.get(SyncState, key)
    return row.value if row else None


def put(session: Session, key: str, value: str) -> None:
    row = session.get(SyncState, key)
    if row is None:
        session.add(SyncState(key=key, value=value))
    else:
        row.value = value


def delete(session: Session, key: str) -> None:
    row = session.get(SyncState, key)
    if row is not None:
        session.delete(row)


def take_lease(session: Session, owner: str, now: datetime, ttl: timedelta) -> bool:
    """One sender at a time. The lease expires, so a crashed sender cannot leave a stale lock.
    Call inside a write transaction (which serialises the check and the update)."""
    current = get(session, LEASE)
    if current:
        holder, _, expires = current.partition("|")
        if holder != owner and datetime.fromisoformat(expires) > now:
            return False
    put(session, LEASE, f"{owner}|{(now + ttl).isoformat()}")
    return True


def release_lease(session: Session, owner: str) -> None:
    current = get(session, LEASE)
    if current and current.partition("|")[0] == owner:
        delete(session, LEASE)
