"""The one background-task helper: UI code runs every database, file and rendering job here.

`run(fn, on_success, on_error)` executes `fn` on a worker thread and delivers the outcome to
the callbacks on the GUI thread. Database jobs (`read(...)`, `write(...)`, or `run(...,
database=True)`) go one after another on a single worker, in the order they were asked for:
a draft saved before an acceptance is written before it, and a read asked for after a write
sees it. Other jobs (rendering, hashing scans, previews) share a small pool. A job that
reports as it goes (a scan, page by page) sends through a `Relay`.

With `OZQ_DEV=1` a watchdog logs every GUI-thread stall over 100 ms.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QObject, QThreadPool, QTimer, Signal

if TYPE_CHECKING:  # the database layer is imported by the jobs, in the workers
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]


@dataclass
class _Job:
    fn: Callable[[], Any]
    on_success: Callback | None
    on_error: Callback | None
    owner: QObject | None
    value: Any = None
    error: BaseException | None = None


class TaskRunner(QObject):
    """Runs jobs off the GUI thread; callbacks come back on the GUI thread."""

    idle = Signal()
    _finished = Signal(object)

    def __init__(
        self, factory: sessionmaker[Session] | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.factory = factory
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._database = QThreadPool(self)
        self._database.setMaxThreadCount(1)
        self._pending = 0
        self._finished.connect(self._deliver)
        # Called with the exception when a job fails and its caller gave no on_error.
        self.default_error: Callback = _log_error

    @property
    def pending(self) -> int:
        return self._pending

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
        job = _Job(fn, on_success, on_error, owner)
        self._pending += 1
        pool = self._database if database else self._pool
        pool.start(lambda: self._execute(job))

    def read(
        self,
        fn: Callable[[Session], Any],
        on_success: Callback | None = None,
        on_error: Callback | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """`fn(session)` in a read-only snapshot, on the database worker."""
        self._in_session(False, fn, on_success, on_error, owner)

    def write(
        self,
        fn: Callable[[Session], Any],
        on_success: Callback | None = None,
        on_error: Callback | None = None,
        *,
        owner: QObject | None = None,
    ) -> None:
        """`fn(session)` in one write transaction, on the single writer thread."""
        self._in_session(True, fn, on_success, on_error, owner)

    def _in_session(self, write: bool, fn, on_success, on_error, owner) -> None:
        factory = self._require_factory()

        def job() -> Any:
            from ozq_desktop.storage.engine import reading, transaction

            with (transaction if write else reading)(factory) as session:
                return fn(session)

        self.run(job, on_success, on_error, database=True, owner=owner)

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

    def _require_factory(self) -> sessionmaker[Session]:
        if self.factory is None:
            raise RuntimeError("this TaskRunner has no database")
        return self.factory

    def _execute(self, job: _Job) -> None:
        try:
            job.value = job.fn()
        except BaseException as exc:  # delivered to the GUI thread, never lost
            job.error = exc
        self._finished.emit(job)

    def _deliver(self, job: _Job) -> None:
        self._pending -= 1
        try:
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


def _log_error(exc: BaseException) -> None:
    log.error("background task failed", exc_info=exc)


class StallWatchdog(QObject):
    """Development aid: a heartbeat timer that logs when the GUI thread answers late."""

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
        late_ms = (now - self._last) * 1000.0 - self.interval_ms
        self._last = now
        if late_ms > self.threshold_ms:
            self.stalls.append(late_ms)
            log.warning("GUI thread stalled for %.0f ms", late_ms)


def dev_mode() -> bool:
    return os.environ.get("OZQ_DEV", "") not in ("", "0")


class Relay(QObject):
    """Carries values from a running job to the GUI thread as they come (a scanner's pages):
    the job calls `send(value)` from its worker; `arrived` fires on the GUI thread."""

    arrived = Signal(object)

    def send(self, value: Any) -> None:
        self.arrived.emit(value)
