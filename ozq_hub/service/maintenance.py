"""The hub's periodic housekeeping, run daily by the hub itself (and by hand with
`ozq-hub prune-uploads`): abandoned partial uploads and stray lock files go, enrolled devices
that never used their token expire, and throttle rows and rate-limit counters too old to
count are dropped.

Several hub processes may run; a lease row in the database (`maintenance_lease`) lets one of
them run each period, and every step is idempotent, so a second run would do no harm.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import update

from ozq_hub.blobstore import BlobStore
from ozq_hub.db import Database
from ozq_hub.models import MaintenanceLease
from ozq_hub.service import enrolment, throttle
from ozq_hub.service.blobs import PruneReport, prune_uploads
from ozq_hub.service.sql import insert_or_ignore
from ozq_hub.settings import HubSettings

log = logging.getLogger(__name__)

DAILY = "daily"


def take_lease(
    db: Database, *, name: str, holder: str, now: dt.datetime, period: dt.timedelta
) -> bool:
    """True when this holder may run `name` now: the lease was free or had expired."""
    with db.writing() as session:
        values = {"name": name, "holder": holder, "expires_at": now + period, "last_run_at": now}
        if insert_or_ignore(session, MaintenanceLease, values, key=["name"]):
            return True
        taken = session.execute(
            update(MaintenanceLease)
            .where(MaintenanceLease.name == name, MaintenanceLease.expires_at <= now)
            .values(holder=holder, expires_at=now + period, last_run_at=now)
            .returning(MaintenanceLease.name)
        ).first()
        return taken is not None


@dataclass
class MaintenanceReport:
    uploads: PruneReport
    orphans: int
    throttle_rows: int

    def __str__(self) -> str:
        return (
            f"removed {self.uploads.partials} abandoned partial upload(s) "
            f"({self.uploads.bytes} bytes) and {self.uploads.lock_files} lock file(s); "
            f"{self.orphans} orphan device(s) expired; {self.throttle_rows} old throttle row(s)"
        )


def run(
    db: Database, store: BlobStore, settings: HubSettings, now: dt.datetime
) -> MaintenanceReport:
    uploads = prune_uploads(
        db, store, older_than=now - dt.timedelta(hours=settings.prune_upload_hours)
    )
    with db.writing() as session:
        orphans = enrolment.expire_orphans(
            session, now=now, older_than=dt.timedelta(hours=settings.orphan_device_hours)
        )
        failures = dt.timedelta(seconds=settings.limits.enrol_window_seconds)
        counters = dt.timedelta(seconds=settings.console.rate_window_seconds)
        old = throttle.forget_before(
            session, failures_before=now - failures, counters_before=now - counters
        )
    return MaintenanceReport(uploads, orphans, old)


def run_if_due(
    db: Database, store: BlobStore, settings: HubSettings, *, holder: str, now: dt.datetime
) -> MaintenanceReport | None:
    period = dt.timedelta(seconds=settings.maintenance_seconds)
    if not take_lease(db, name=DAILY, holder=holder, now=now, period=period):
        return None
    report = run(db, store, settings, now)
    log.info("maintenance (%s): %s", holder, report)
    return report
