"""One sync cycle, Qt-free: take the sender lease, push what is due, pull the change feed.

The UI runs `SyncEngine.run_once` off the GUI thread (on start, when the network comes back,
after each acceptance, and on "Sync now") and shows the `SyncReport` in the status bar, and
while it runs, its `SyncProgress` (packages and bytes sent). The engine's database work goes
through the `Database` it is given: in the app, the task helper's database worker, so each
step is in order with the clerk's writes and announces what it changed (docs/sync.md)."""

from __future__ import annotations

import random
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from ozq_desktop.domain import audit
from ozq_desktop.domain.changes import Changes, Database, DirectDatabase, Written
from ozq_desktop.errors import OzqError
from ozq_desktop.i18n import lazy
from ozq_desktop.models.base import now as wall_clock
from ozq_desktop.storage.scans import ScanStore
from ozq_desktop.sync import credentials, push, state
from ozq_desktop.sync.client import HubCallError, HubClient
from ozq_desktop.sync.pull import pull_changes
from ozq_wire import protocol as p
from ozq_wire.catalog import Catalog

LEASE_TTL = timedelta(minutes=2)


class SyncError(OzqError):
    """Why a sync cycle could not talk to the hub, in the clerk's language."""


def explain(err: HubCallError) -> SyncError:
    if err.status == 0:
        return SyncError("The hub cannot be reached; work continues offline.")
    message = p.ERROR_MESSAGES.get(err.code or "")
    if message:
        return SyncError("{reason}", reason=lazy(message))
    return SyncError("The hub answered with an error ({status}).", status=err.status)


@dataclass
class SyncReport:
    configured: bool
    online: bool = False
    pushed: int = 0
    failed: int = 0
    decisions: list[str] = field(default_factory=list)
    queued: int = 0
    needs_reenrolment: bool = False
    busy: bool = False  # another sender holds the lease
    error: OzqError | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True)
class SyncProgress:
    """How far a cycle's push has come: packages finished and bytes on the hub, of the total."""

    packages_done: int
    packages_total: int
    bytes_done: int
    bytes_total: int


def _released(session: Session, owner: str) -> Changes:
    state.release_lease(session, owner)
    return SYNC


ClientFactory = Callable[[str, str | None], HubClient]
Progress = Callable[[SyncProgress], None]
SYNC = Changes(sync=True)


def _sync_state(session: Session, *puts: tuple[str, str], deletes: tuple[str, ...] = ()) -> Changes:
    for key, value in puts:
        state.put(session, key, value)
    for key in deletes:
        state.delete(session, key)
    return SYNC


class SyncEngine:
    def __init__(
        self,
        *,
        factory: sessionmaker[Session] | None = None,
        store: ScanStore,
        catalog: Catalog,
        client_factory: ClientFactory = HubClient,
        owner: str | None = None,
        rng: random.Random | None = None,
        database: Database | None = None,
    ) -> None:
        if database is None:
            if factory is None:
                raise TypeError("SyncEngine needs a database or a session factory")
            database = DirectDatabase(factory)
        self.db = database
        self.store = store
        self.catalog = catalog
        self.client_factory = client_factory
        self.owner = owner or state.lease_owner()
        self.rng = rng or random.Random()

    # ---------------------------------------------------------------- enrolment

    def last_sync(self) -> datetime | None:
        """When the desk last talked to the hub successfully."""
        raw = self.db.read(lambda s: state.get(s, state.LAST_SYNC))
        return datetime.fromisoformat(raw) if raw else None

    def hub_settings(self) -> tuple[str | None, str | None]:
        return self.db.read(lambda s: (state.get(s, state.HUB_URL), state.get(s, state.DEVICE_ID)))

    def enrol(
        self, *, hub_url: str, code: str, desk_code: str, device_name: str | None = None
    ) -> p.EnrolResponse:
        request = p.EnrolRequest(
            code=code.strip(),
            desk_code=desk_code,
            device_name=device_name or socket.gethostname()[:200] or "desk",
        )
        with self.client_factory(hub_url, None) as client:
            try:
                answer = client.enrol(request)
            except HubCallError as err:
                raise explain(err) from err
        credentials.store_token(str(answer.device_id), answer.token)

        def enrolled(s: Session) -> Changes:
            state.put(s, state.HUB_URL, hub_url.rstrip("/"))
            state.put(s, state.DEVICE_ID, str(answer.device_id))
            state.delete(s, state.REVOKED)
            state.delete(s, state.CURSOR)
            audit.record(
                session=s,
                action="enrolled",
                user_id=None,
                object_id=str(answer.device_id),
                details={"hub": hub_url},
            )
            return SYNC | push.reset_backoff(session=s) | Changes(audit=True)

        self.db.write(enrolled)
        return answer

    # ---------------------------------------------------------------- one cycle

    def run_once(
        self,
        *,
        now: datetime | None = None,
        reset_backoff: bool = False,
        on_progress: Progress | None = None,
    ) -> SyncReport:
        hub_url, device_id = self.hub_settings()
        if not hub_url or not device_id:
            return self._finish(SyncReport(configured=False))
        report = SyncReport(configured=True)
        try:
            token = credentials.load_token(device_id)
        except OzqError as err:
            report.error = err
            return self._finish(report)
        if token is None:
            report.needs_reenrolment = True
            report.error = SyncError(
                "The hub token is missing from this computer: re-enrolment needed."
            )
            return self._finish(report)
        now = now or wall_clock()
        owner = self.owner

        def lease(s: Session) -> Written[bool]:
            if not state.take_lease(s, owner, now, LEASE_TTL):
                return Written(False, SYNC)
            changes = push.reset_backoff(session=s) | SYNC if reset_backoff else SYNC
            return Written(True, changes)

        if not self.db.write(lease).value:
            report.busy = True
            return self._finish(report)
        try:
            with self.client_factory(hub_url, token) as client:
                self._cycle(client, report, now, on_progress)
        finally:
            self.db.write(lambda s: _released(s, owner))
        return self._finish(report)

    def _cycle(
        self, client: HubClient, report: SyncReport, now: datetime, on_progress: Progress | None
    ) -> None:
        def due_and_sizes(s: Session) -> tuple[list[str], dict[str, int]]:
            due = push.due_items(session=s, now=now)
            return due, push.package_sizes(session=s, package_ids=due)

        due, sizes = self.db.read(due_and_sizes)
        tell = on_progress or (lambda _p: None)
        total_bytes, finished_bytes, done = sum(sizes.values()), 0, 0
        sent_now = [0]

        def sent(n: int) -> None:
            sent_now[0] += n
            tell(SyncProgress(done, len(due), finished_bytes + sent_now[0], total_bytes))

        if due:
            tell(SyncProgress(0, len(due), 0, total_bytes))
        try:
            for package_id in due:
                sent_now[0] = 0
                outcome = push.push_package(
                    db=self.db,
                    store=self.store,
                    client=client,
                    package_id=package_id,
                    rng=self.rng,
                    sent=sent,
                )
                done += 1
                finished_bytes += sizes.get(package_id, 0)
                tell(SyncProgress(done, len(due), finished_bytes, total_bytes))
                if outcome.ok:
                    report.pushed += 1
                elif outcome.handling is p.Handling.PERMANENT:
                    report.failed += 1
                elif outcome.handling in (p.Handling.REENROL, p.Handling.REFRESH_CREDENTIALS):
                    raise HubCallError(401, p.ErrorCode.REVOKED, outcome.error)
                else:
                    report.error = SyncError("Sending is delayed: {reason}", reason=outcome.error)
                    break
            pulled = pull_changes(db=self.db, client=client, catalog=self.catalog)
            report.decisions = pulled.decisions
            report.online = True
            last = (state.LAST_SYNC, wall_clock().isoformat())
            self.db.write(lambda s: _sync_state(s, last, deletes=(state.REVOKED,)))
        except HubCallError as err:
            report.online = err.status != 0
            report.error = explain(err)
            if err.handling in (p.Handling.REENROL, p.Handling.REFRESH_CREDENTIALS):
                report.needs_reenrolment = True
                revoked = (state.REVOKED, err.code or "unauthenticated")
                self.db.write(lambda s: _sync_state(s, revoked))

    def _finish(self, report: SyncReport) -> SyncReport:
        def read(s: Session) -> tuple[int, bool]:
            return push.queued_count(session=s), bool(state.get(s, state.REVOKED))

        report.queued, revoked = self.db.read(read)
        report.needs_reenrolment = report.needs_reenrolment or revoked
        report.finished_at = wall_clock()
        return report
