"""The one background-task helper: UI code runs every database, file and rendering job here.

`run(fn, on_success, on_error)` executes `fn` on a worker thread and delivers the outcome to
the callbacks on the GUI thread. Database jobs (`read(...)`, `write(...)`, `with_factory(...)`)
go one after another on a single worker, in the order they were asked for: a draft saved
before an acceptance is written before it, and a read asked for after a write sees it. Other
jobs (rendering, hashing scans, previews, the network) share a small pool; when one of them
needs the database in between, it asks `database()`, whose units of work run on the same
database worker, in turn. A job that reports as it goes (a scan, page by page) sends
through a `Relay`.

Every write says what it changed (ozq_desktop/domain/changes.py): once its transaction has
committed, `changed` is emitted with that `Changes`, once, on the GUI thread, and every open
screen decides whether to redraw (ui/changes.py). A write that announces nothing is rolled
back with a TypeError.

With `OZQ_DEV=1` a watchdog logs every GUI-thread stall over 100 ms.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QDeadlineTimer,
    QObject,
    QThread,
    QThreadPool,
    QTimer,
    Signal,
)

from ozq_desktop.domain.changes import Changes, changes_of, require_changes

if TYPE_CHECKING:  # the database layer is imported by the jobs, in the workers
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]
T = TypeVar("T")

# Set while a job runs on the database worker: it must not wait for that worker itself.
_on_database_worker = threading.local()


@dataclass
class _Job:
    fn: Callable[[], Any]
    on_success: Callback | None
    on_error: Callback | None
    owner: QObject | None
    value: Any = None
    error: BaseException | None = None
    changes: Changes | None = None


class TaskRunner(QObject):
    """Runs jobs off the GUI thread; callbacks come back on the GUI thread."""

    idle = Signal()
    changed = Signal(object)  # Changes: a write has committed
    _finished = Signal(object)
    _announced = Signal(object)

    def __init__(
        self, factory: sessionmaker[Session] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._factory = factory
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._database = QThreadPool(self)
        self._database.setMaxThreadCount(1)
        self._pending = 0
        self._finished.connect(self._deliver)
        self._announced.connect(self.changed)
        # Called with the exception when a job fails and its caller gave no on_error.
        self.default_error: Callback = _log_error

    @property
    def pending(self) -> int:
        return self._pending

    @property
    def has_database(self) -> bool:
        return self._factory is not None

    def run(
        self,
        fn: Callable[[], Any],
        on_success: Callback | None = None,
        on_error: Callback | None = None,
        *,
        database: bool = False,
        owner: QObject | None = None,
    ) -> None:
        """Run `fn()` in the background. If `owner` is destroyed first, the callbacks are dropped."""
        self._start(_Job(fn, on_success, on_error, owner), database)

    def read(
        self,
        fn: Callable[[Session], Any],
        on_success: Callback | None = None,
        on_error: Callback | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """`fn(session)` in a read-only snapshot, on the database worker."""
        self._start(_Job(self._unit(False, fn), on_success, on_error, owner), True)

    def write(
        self,
        fn: Callable[[Session], Any],
        on_success: Callback | None = None,
        on_error: Callback | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """`fn(session)` in one write transaction, on the database worker. `fn` returns what the
        write changed (a `Changes`, or a result with `.changes`): announced on `changed` once
        the transaction has committed, whether or not `owner` still exists."""
        self._start(_Job(self._unit(True, fn), on_success, on_error, owner), True)

    def with_factory(
        self,
        fn: Callable[[sessionmaker[Session]], Any],
        on_success: Callback | None = None,
        on_error: Callback | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """`fn(factory)` on the database worker, for the few jobs that manage transactions of
        their own: signing in (a failed attempt is committed before the error is raised) and
        preparing an acceptance (reads, and the rendered application into the scan store)."""
        factory = self._require_factory()
        self._start(_Job(lambda: fn(factory), on_success, on_error, owner), True)

    def soon(self, fn: Callable[[], None], *, owner: QObject | None = None) -> None:
        """Call `fn()` on the GUI thread at the next turn of the event loop (dropped if `owner`
        is gone meanwhile). Counted as pending work, so `idle` waits for it and for what it
        starts: the views' redraws after a write (ui/changes.py) use it."""
        self._pending += 1
        QTimer.singleShot(0, self, lambda: self._soon(fn, owner))

    def _soon(self, fn: Callable[[], None], owner: QObject | None) -> None:
        self._pending -= 1
        try:
            if owner is None or shiboken6.isValid(owner):
                fn()
        finally:
            if self._pending == 0:
                self.idle.emit()

    def database(self) -> WorkerDatabase:
        """The database for a job running on the pool: its units of work wait their turn on
        the database worker (ozq_desktop.domain.changes.Database)."""
        self._require_factory()
        return WorkerDatabase(self)

    def wait_idle(self, timeout_ms: int = 10000) -> bool:
        """Process events until every job has been delivered (for shutdown and scripts)."""
        deadline = QDeadlineTimer(timeout_ms)
        while self._pending and not deadline.hasExpired():
            self._pool.waitForDone(10)
            self._database.waitForDone(10)
            QCoreApplication.processEvents()
        return self._pending == 0

    def shutdown(self) -> None:
        self._pool.waitForDone()
        self._database.waitForDone()
        QCoreApplication.processEvents()

    # -- inside -------------------------------------------------------------------------

    def _require_factory(self) -> sessionmaker[Session]:
        if self._factory is None:
            raise RuntimeError("this TaskRunner has no database")
        return self._factory

    def _unit(self, write: bool, fn: Callable[[Session], T]) -> Callable[[], T]:
        factory = self._require_factory()

        def unit() -> T:
            from ozq_desktop.storage.engine import reading, transaction

            with (transaction if write else reading)(factory) as session:
                result = fn(session)
                if write:
                    require_changes(result)  # raised inside: the transaction rolls back
                return result

        return unit

    def _start(self, job: _Job, database: bool) -> None:
        self._pending += 1
        if database:
            self._database.start(lambda: self._execute_on_database(job))
        else:
            self._pool.start(lambda: self._execute(job))

    def _execute_on_database(self, job: _Job) -> None:
        _on_database_worker.active = True
        try:
            self._execute(job)
        finally:
            _on_database_worker.active = False

    def _execute(self, job: _Job) -> None:
        try:
            job.value = job.fn()
            job.changes = changes_of(job.value)
        except BaseException as exc:  # delivered to the GUI thread, never lost
            job.error = exc
        self._finished.emit(job)

    def _deliver(self, job: _Job) -> None:
        self._pending -= 1
        try:
            if job.changes:
                self.changed.emit(job.changes)  # the views' business, even if the owner died
            if job.owner is not None and not shiboken6.isValid(job.owner):
                return
            if job.error is None:
                if job.on_success is not None:
                    job.on_success(job.value)
            else:
                (job.on_error or self.default_error)(job.error)
        finally:
            if self._pending == 0:
                self.idle.emit()

    def _wait_for(self, write: bool, fn: Callable[[Session], T]) -> T:
        """Run one unit of work on the database worker and wait for it (from a pool worker)."""
        app = QCoreApplication.instance()
        if app is not None and QThread.currentThread() is app.thread():
            raise RuntimeError("the GUI thread must not wait for the database")
        if getattr(_on_database_worker, "active", False):
            raise RuntimeError("a database job must not wait for the database worker")
        unit = self._unit(write, fn)
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def job() -> None:
            _on_database_worker.active = True
            try:
                outcome["value"] = unit()
                changes = changes_of(outcome["value"]) if write else None
                if changes:
                    self._announced.emit(changes)  # queued before the caller carries on
            except BaseException as exc:
                outcome["error"] = exc
            finally:
                _on_database_worker.active = False
                done.set()

        self._database.start(job)
        done.wait()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]


class WorkerDatabase:
    """`TaskRunner.database()`: units of work from a pool job, run on the database worker."""

    def __init__(self, runner: TaskRunner) -> None:
        self._runner = runner

    def read(self, fn: Callable[[Session], T]) -> T:
        return self._runner._wait_for(False, fn)

    def write(self, fn: Callable[[Session], T]) -> T:
        return self._runner._wait_for(True, fn)


def _log_error(exc: BaseException) -> None:
    log.error("background task failed", exc_info=exc)


class StallWatchdog(QObject):
    """Development aid: a heartbeat timer on the GUI thread that logs every gap between two
    beats longer than `threshold_ms`. The gap is measured whole (a stall of 110 ms is 110 ms,
    not 90 ms of lateness past a 20 ms interval)."""

    def __init__(
        self, threshold_ms: float = 100.0, interval_ms: int = 20, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.threshold_ms = threshold_ms
        self.interval_ms = interval_ms
        self.stalls: list[float] = []
        self._last = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)

    def start(self) -> None:
        self._last = time.monotonic()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _beat(self) -> None:
        now = time.monotonic()
        gap_ms = (now - self._last) * 1000.0
        self._last = now
        if gap_ms > self.threshold_ms:
            self.stalls.append(gap_ms)
            log.warning("GUI thread stalled for %.0f ms", gap_ms)


def dev_mode() -> bool:
    return os.environ.get("OZQ_DEV", "") not in ("", "0")


class Relay(QObject):
    """Carries values from a running job to the GUI thread as they come (a scanner's pages):
    the job calls `send(value)` from its worker; `arrived` fires on the GUI thread."""

    arrived = Signal(object)

    def send(self, value: Any) -> None:
        self.arrived.emit(value)
