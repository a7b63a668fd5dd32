"""One sync cycle, Qt-free: take the sender lease, push what is due, pull the change feed.

The UI runs `SyncEngine.run_once` off the GUI thread (on start, when the network comes back,
after each acceptance, and on "Sync now") and shows the `SyncReport` in the status bar."""

from __future__ import annotations

import random
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from ozq_desktop.domain import audit
from ozq_desktop.errors import OzqError
from ozq_desktop.i18n import lazy
from ozq_desktop.models.base import now as wall_clock
from ozq_desktop.storage.engine import reading, transaction
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


ClientFactory = Callable[[str, str | None], HubClient]


class SyncEngine:
    def __init__(
        self,
        *,
        factory: sessionmaker[Session],
        store: ScanStore,
        catalog: Catalog,
        client_factory: ClientFactory = HubClient,
        owner: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.factory = factory
        self.store = store
        self.catalog = catalog
        self.client_factory = client_factory
        self.owner = owner or state.lease_owner()
        self.rng = rng or random.Random()

    # ---------------------------------------------------------------- enrolment

    def hub_settings(self) -> tuple[str | None, str | None]:
        with reading(self.factory) as s:
            return state.get(s, state.HUB_URL), state.get(s, state.DEVICE_ID)

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
        with transaction(self.factory) as s:
            state.put(s, state.HUB_URL, hub_url.rstrip("/"))
            state.put(s, state.DEVICE_ID, str(answer.device_id))
            state.remember_status_page(s, answer.status_page_url)
            state.delete(s, state.REVOKED)
            state.delete(s, state.CURSOR)
            push.reset_backoff(session=s)
            audit.record(
                session=s,
                action="enrolled",
                user_id=None,
                object_id=str(answer.device_id),
                details={"hub": hub_url},
            )
        return answer

    # ---------------------------------------------------------------- one cycle

    def run_once(self, *, now: datetime | None = None, reset_backoff: bool = False) -> SyncReport:
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
        with transaction(self.factory) as s:
            if not state.take_lease(s, self.owner, now, LEASE_TTL):
                report.busy = True
                return self._finish(report)
            if reset_backoff:
                push.reset_backoff(session=s)
        try:
            with self.client_factory(hub_url, token) as client:
                self._cycle(client, report, now)
        finally:
            with transaction(self.factory) as s:
                state.release_lease(s, self.owner)
        return self._finish(report)

    def _cycle(self, client: HubClient, report: SyncReport, now: datetime) -> None:
        with reading(self.factory) as s:
            due = push.due_items(session=s, now=now)
        try:
            for package_id in due:
                outcome = push.push_package(
                    factory=self.factory,
                    store=self.store,
                    client=client,
                    package_id=package_id,
                    rng=self.rng,
                )
                if outcome.ok:
                    report.pushed += 1
                elif outcome.handling is p.Handling.PERMANENT:
                    report.failed += 1
                elif outcome.handling in (p.Handling.REENROL, p.Handling.REFRESH_CREDENTIALS):
                    raise HubCallError(401, p.ErrorCode.REVOKED, outcome.error)
                else:
                    report.error = SyncError("Sending is delayed: {reason}", reason=outcome.error)
                    break
            pulled = pull_changes(factory=self.factory, client=client, catalog=self.catalog)
            report.decisions = pulled.decisions
            report.online = True
            with transaction(self.factory) as s:
                state.put(s, state.LAST_SYNC, wall_clock().isoformat())
                state.delete(s, state.REVOKED)
        except HubCallError as err:
            report.online = err.status != 0
            report.error = explain(err)
            if err.handling in (p.Handling.REENROL, p.Handling.REFRESH_CREDENTIALS):
                report.needs_reenrolment = True
                with transaction(self.factory) as s:
                    state.put(s, state.REVOKED, err.code or "unauthenticated")

    def _finish(self, report: SyncReport) -> SyncReport:
        with reading(self.factory) as s:
            report.queued = push.queued_count(session=s)
            if state.get(s, state.REVOKED):
                report.needs_reenrolment = True
        report.finished_at = wall_clock()
        return report
