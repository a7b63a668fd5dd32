"""Small facts the sync keeps in the local database: hub address, device, cursor, lease."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy.orm import Session

from ozq_desktop.models import SyncState

HUB_URL = "hub_url"
DEVICE_ID = "device_id"
CURSOR = "cursor"
LEASE = "sender_lease"
LAST_SYNC = "last_sync"
REVOKED = "revoked"
STATUS_PAGE = "status_page_url"  # the hub's public status page, printed in receipts' QR codes


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


def remember_status_page(session: Session, url: str | None) -> None:
    """Keep the status page's address the hub sends; an answer without one changes nothing
    (an older hub, or one with no public address yet)."""
    if url and url.startswith(("https://", "http://")) and len(url) <= 500:
        put(session, STATUS_PAGE, url)


def status_page_link(session: Session, receipt_no: str) -> str | None:
    """The address the receipt's QR code carries: the status page with the receipt number."""
    base = get(session, STATUS_PAGE)
    return f"{base}?receipt={quote(receipt_no, safe='')}" if base else None


def lease_owner() -> str:
    """This process's name as a lease holder: host, process id, and a random tag."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _holder_is_gone(holder: str) -> bool:
    """True when the holder ran on this machine and its process no longer exists."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if os.name == "nt" or host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def take_lease(session: Session, owner: str, now: datetime, ttl: timedelta) -> bool:
    """One sender at a time. The lease expires, so a crashed sender cannot leave a stale lock;
    a holder on this machine whose process is gone loses it at once. Call inside a write
    transaction (which serialises the check and the update)."""
    current = get(session, LEASE)
    if current:
        holder, _, expires = current.partition("|")
        held = datetime.fromisoformat(expires) > now
        if holder != owner and held and not _holder_is_gone(holder):
            return False
    put(session, LEASE, f"{owner}|{(now + ttl).isoformat()}")
    return True


def release_lease(session: Session, owner: str) -> None:
    current = get(session, LEASE)
    if current and current.partition("|")[0] == owner:
        delete(session, LEASE)
