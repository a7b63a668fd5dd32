"""One sync cycle, Qt-free: take the sender lease, push what is due, pull the change feed.

The UI runs `SyncEngine.run_once` off the GUI thread (on start, when the network comes back,
after each acceptance, and on "Sync now") and shows the `SyncReport` in the status bar, and
while it runs, its `SyncProgress` (packages and bytes sent). The engine's database work goes
through the `Database` it is given: in the app, the task helper's database worker, so each
step is in order with the clerk's writes and announces what it changed (docs/sync.md)."""

from __future__ import annotations

import logging
import random
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from ozq_desktop.domain import audit
from ozq_desktop.domain.accounts import Role, require_role
from ozq_desktop.domain.changes import Changes, Database, DirectDatabase, Written
from ozq_desktop.errors import OzqError
from ozq_desktop.i18n import lazy
from ozq_desktop.models import User
from ozq_desktop.models.base import now as wall_clock
from ozq_desktop.paths import data_dir
from ozq_desktop.storage.scans import ScanStore
from ozq_desktop.sync import credentials, push, state
from ozq_desktop.sync.audit_sync import current_conflict, send_trail
from ozq_desktop.sync.client import HubCallError, HubClient
from ozq_desktop.sync.hub_address import check_hub_url, is_plain_remote
from ozq_desktop.sync.pull import pull_changes
from ozq_wire import protocol as p
from ozq_wire.catalog import Catalog

log = logging.getLogger(__name__)

LEASE_TTL = timedelta(minutes=2)
ENROL_ATTEMPTS = 3
ENROL_RETRY_DELAY = 1.0
ENROL_RETRY_CAP = 10.0


def new_nonce() -> str:
    """One per enrolment attempt, sent again with each retry of it."""
    return secrets.token_urlsafe(24)


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
    # The hub holds another audit trail for this desk: the supervisor must look (kk/ru).
    audit_problem: OzqError | None = None
    audit_acknowledged: int | None = None  # the last row the hub acknowledged
    error: OzqError | None = None
    finished_at: datetime | None = None


@dataclass(frozen=True)
class SyncProgress:
    """How far a cycle's push has come: packages finished and bytes on the hub, of the total."""

    packages_done: int
    packages_total: int
    bytes_done: int
    bytes_total: int


ClientFactory = Callable[[str, str | None], HubClient]
Progress = Callable[[SyncProgress], None]
SYNC = Changes(sync=True)


def _sync_state(session: Session, *puts: tuple[str, str], deletes: tuple[str, ...] = ()) -> Changes:
    for key, value in puts:
        state.put(session, key, value)
    for key in deletes:
        state.delete(session, key)
    return SYNC


def _released(session: Session, owner: str) -> Changes:
    state.release_lease(session, owner)
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
        folder: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        database: Database | None = None,
    ) -> None:
        """`folder` is the desk's data folder, where the token's fallback file lives; the
        database is `database`, or units of work on `factory` in the calling thread."""
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
        self.folder = folder or data_dir()
        self.sleep = sleep

    # ---------------------------------------------------------------- enrolment

    def last_sync(self) -> datetime | None:
        """When the desk last talked to the hub successfully."""
        raw = self.db.read(lambda s: state.get(s, state.LAST_SYNC))
        return datetime.fromisoformat(raw) if raw else None

    def hub_settings(self) -> tuple[str | None, str | None]:
        return self.db.read(lambda s: (state.get(s, state.HUB_URL), state.get(s, state.DEVICE_ID)))

    def enrol(
        self,
        *,
        hub_url: str,
        code: str,
        desk_code: str,
        actor: User,
        device_name: str | None = None,
        nonce: str | None = None,
        allow_plain_http: bool = False,
    ) -> p.EnrolResponse:
        """Enrol this desk (the supervisor only). Before the one-time code is sent, the address
        is checked (https, or a confirmed plain http) and so is the place the token will be
        kept, so neither can waste the code. The request carries a nonce; a lost answer is
        retried with the same code and nonce, which the hub answers with the same device.
        Pass the same `nonce` again when the supervisor retries the same attempt."""
        require_role(actor, Role.SUPERVISOR)
        url = check_hub_url(hub_url, allow_plain_http=allow_plain_http)
        credentials.check_storable(self.folder)
        request = p.EnrolRequest(
            code=code.strip(),
            desk_code=desk_code,
            device_name=device_name or socket.gethostname()[:200] or "desk",
            nonce=nonce or new_nonce(),
        )
        answer = self._send_enrolment(url, request)
        credentials.store_token(str(answer.device_id), answer.token, self.folder)

        def enrolled(s: Session) -> Changes:
            state.put(s, state.HUB_URL, url)
            state.put(s, state.DEVICE_ID, str(answer.device_id))
            state.remember_status_page(s, answer.status_page_url)
            state.delete(s, state.REVOKED)
            state.delete(s, state.CURSOR)
            audit.record(
                session=s,
                action="enrolled",
                user_id=actor.id,
                object_id=str(answer.device_id),
                details={"hub": url, "plain_http_confirmed": is_plain_remote(url)},
            )
            return SYNC | push.reset_backoff(session=s) | Changes(audit=True)

        self.db.write(enrolled)
        return answer

    def _send_enrolment(self, url: str, request: p.EnrolRequest) -> p.EnrolResponse:
        with self.client_factory(url, None) as client:
            for attempt in range(ENROL_ATTEMPTS):
                try:
                    return client.enrol(request)
                except HubCallError as err:
                    lost = err.handling is p.Handling.RETRY
                    if not lost or attempt + 1 == ENROL_ATTEMPTS:
                        raise explain(err) from err
                    self.sleep(min(err.retry_after or ENROL_RETRY_DELAY, ENROL_RETRY_CAP))
        raise AssertionError("unreachable")

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
            token = credentials.load_token(device_id, self.folder)
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
            self._send_audit(client, report)
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

    def _send_audit(self, client: HubClient, report: SyncReport) -> None:
        """The audit rows and head, every cycle. A refusal is the supervisor's to look into;
        it does not stop package sync. A hub too old for it is skipped."""
        try:
            sent = send_trail(db=self.db, client=client)
        except HubCallError as err:
            if err.status in (404, 405):
                log.warning("this hub does not anchor audit trails yet: %s", err)
                return
            raise
        report.audit_problem = sent.conflict
        report.audit_acknowledged = sent.acknowledged.seq if sent.acknowledged else None

    def _finish(self, report: SyncReport) -> SyncReport:
        def read(s: Session):
            return push.queued_count(session=s), current_conflict(s), state.get(s, state.REVOKED)

        report.queued, conflict, revoked = self.db.read(read)
        report.audit_problem = report.audit_problem or conflict
        report.needs_reenrolment = report.needs_reenrolment or bool(revoked)
        report.finished_at = wall_clock()
        return report
