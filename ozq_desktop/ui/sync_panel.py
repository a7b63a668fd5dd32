"""The desk's side of sync in the window: a controller that runs `SyncEngine.run_once` through
the task helper (never on the GUI thread) on start, on a timer, after each acceptance and on
"Sync now"; the status-bar wording of its report; the "Needs attention" dialog.

The cycle's network calls run on a pool worker and its database steps on the task helper's
database worker (`tasks.database()`), each announcing what it changed, so the outbox count
and the lists follow the push package by package; `progressed` carries its progress."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.domain.changes import Changes
from ozq_desktop.i18n import N_, tr
from ozq_desktop.models import User
from ozq_desktop.settings import SYNC_INTERVAL_MINUTES
from ozq_desktop.sync.engine import SyncEngine, SyncReport
from ozq_desktop.ui import screen_fit
from ozq_desktop.ui.changes import follow_changes
from ozq_desktop.ui.context import DeskServices
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.tables import Column, RowsModel, current_row, table_view

Attention = tuple[str, str, str]  # receipt number, package id, reason as the sync keeps it

# What a kept reason means, in the supervisor's words (sync/push.py `failure_reason`).
_REASONS = {
    "upload_stopped": N_(
        "Sending stopped: the hub's copy of a scan does not match this desk's. "
        "Ask the administrator."
    ),
    "scan_unreadable": N_(
        "A scan of this package cannot be read on this desk. Ask the administrator."
    ),
    "scan_damaged": N_(
        "The copy of the scan «{name}» on this desk is damaged. Ask the administrator."
    ),
}
_HUB_REASONS = {
    "signature_invalid": N_(
        "The hub refused the package: the clerk's EDS signature is not valid. "
        "Ask the administrator."
    ),
    "manifest_conflict": N_(
        "The hub refused the package: another package was already sent under its "
        "identifier. Ask the administrator."
    ),
}


def reason_text(reason: str) -> str:
    """A kept failure reason said in the UI language."""
    from ozq_desktop.sync.push import failure_reason

    why = failure_reason(reason)
    if why.kind == "hub":
        if why.hub_code in _HUB_REASONS:
            return tr(_HUB_REASONS[why.hub_code])
        return tr(
            N_("The hub refused the package ({code}). Show the details to the administrator."),
            code=why.hub_code or "?",
        )
    return tr(_REASONS[why.kind], name=why.scan)


def _detail(reason: str) -> str:
    from ozq_desktop.sync.push import failure_reason

    return failure_reason(reason).detail


ATTENTION_COLUMNS: tuple[Column[Attention], ...] = (
    Column(N_("Receipt"), lambda r: r[0]),
    Column(N_("Reason"), lambda r: reason_text(r[2]), lambda r: reason_text(r[2])),
    Column(N_("Details for the administrator"), lambda r: _detail(r[2]), lambda r: r[2]),
)


def interval_minutes(services: DeskServices) -> int:
    """How often the desk syncs on its own, from the settings."""
    return services.settings.get(SYNC_INTERVAL_MINUTES)


def run_cycle(
    engine: SyncEngine, reset_backoff: bool, on_progress=None
) -> tuple[SyncReport, datetime | None]:
    """One cycle, and when the desk last talked to the hub successfully (in the worker)."""
    report = engine.run_once(reset_backoff=reset_backoff, on_progress=on_progress)
    return report, engine.last_sync()


def make_engine(services: DeskServices) -> SyncEngine:
    return SyncEngine(
        database=services.tasks.database(),
        store=services.scans,
        catalog=services.catalog,
        folder=services.keys.folder if services.keys else None,
    )


class SyncController(QObject):
    """One sync cycle at a time; a request during a cycle runs once more right after it."""

    reported = Signal(object)  # SyncReport
    failed = Signal(str)  # an unexpected failure, as the clerk reads it
    decisions_arrived = Signal(object)  # list of receipt numbers
    progressed = Signal(object)  # SyncProgress, from the worker (queued to the GUI thread)

    def __init__(
        self,
        services: DeskServices,
        engine: SyncEngine | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.engine = engine or make_engine(services)
        self.report: SyncReport | None = None
        self.last_sync: datetime | None = None
        self.running = False
        self._again = False
        self._again_reset = False
        self.timer = QTimer(self)
        self.set_interval(interval_minutes(services))
        self.timer.timeout.connect(lambda: self.sync(reset_backoff=False))

    def set_interval(self, minutes: int) -> None:
        self.timer.setInterval(max(1, minutes) * 60_000)

    def start(self) -> None:
        """On start: one cycle now with the backoff reset (docs/sync.md, "How errors are
        treated"), then every N minutes."""
        self.timer.start()
        self.sync(reset_backoff=True)

    def stop(self) -> None:
        self.timer.stop()

    def sync(self, reset_backoff: bool = False) -> None:
        if self.running:
            self._again = True
            self._again_reset = self._again_reset or reset_backoff
            return
        self.running = True
        engine, progressed = self.engine, self.progressed
        self._services.tasks.run(
            lambda: run_cycle(engine, reset_backoff, progressed.emit),
            self._done,
            self._failed,
            owner=self,
        )

    def _done(self, outcome: tuple[SyncReport, datetime | None]) -> None:
        report, self.last_sync = outcome
        self.report = report
        self.reported.emit(report)
        if report.decisions:
            self.decisions_arrived.emit(list(report.decisions))
        self._next()

    def _failed(self, exc: BaseException) -> None:
        self.failed.emit(error_text(exc))
        self._next()

    def _next(self) -> None:
        self.running = False
        if self._again:
            reset, self._again, self._again_reset = self._again_reset, False, False
            self.sync(reset_backoff=reset)


def connection_text(
    report: SyncReport | None, failure: str = "", last_sync: datetime | None = None
) -> str:
    """The connection part of the status bar, in the clerk's language."""
    if failure:
        return tr(N_("sync failed: {reason}"), reason=failure)
    if report is None:
        return tr(N_("connecting to the hub…"))
    if not report.configured:
        return tr(N_("offline — sync not configured"))
    if report.needs_reenrolment:
        text = tr(N_("re-enrolment with the hub needed"))
    elif report.online:
        text = tr(N_("online"))
    else:
        text = tr(N_("offline"))
    if last_sync is not None:
        when = _clock(last_sync, report.finished_at)
        text = f"{text} · " + tr(N_("last sync {time}"), time=when)
    if report.error is not None and not report.needs_reenrolment:
        text = f"{text} — {report.error.message()}"  # last: the status bar may shorten it
    return text


def decisions_text(receipts: list[str]) -> str:
    return tr(
        N_("Committee decisions received for: {receipts}"),
        receipts=", ".join(receipts),
    )


def _clock(at: datetime, now: datetime | None) -> str:
    if now is not None and at.date() == now.date():
        return at.strftime("%H:%M")
    return at.strftime("%d.%m.%Y %H:%M")


class NeedsAttentionDialog(QDialog):
    """Packages the hub refused for good, with the reason; Retry sends one again."""

    retried = Signal(str)  # package id

    def __init__(self, services: DeskServices, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("needs_attention")
        self._user = user
        self._services = services
        self.audit_problem = None
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, N_("Packages that need attention"))
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.model = RowsModel(ATTENTION_COLUMNS, self)
        self.table = table_view(
            self, "attention_table", self.texts, N_("Packages that need attention"), self.model
        )
        self.buttons = QDialogButtonBox(self)
        self.retry_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        named(self.retry_button, "retry_button", self.texts, N_("Retry sending"))
        self.texts.bind(self.retry_button.setText, N_("Retry sending"))
        self.close_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        named(self.close_button, "close_button", self.texts, N_("Close"))
        self.texts.bind(self.close_button.setText, N_("Close"))
        self.buttons.rejected.connect(self.reject)
        self.retry_button.clicked.connect(self.retry_selected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        screen_fit.fit(self, (720, 360))  # no larger than the screen it opens on
        follow_language(self.retranslate)
        follow_changes(services.tasks, self, self._changed)
        self.retranslate()
        self.reload()

    @property
    def rows(self) -> list[Attention]:
        return self.model.rows

    def _changed(self, changes: Changes) -> None:
        if changes.outbox or changes.sync:  # a package to look at, or the audit trail's state
            self.reload()

    def retranslate(self) -> None:
        self.texts.apply()
        self.model.retranslate()
        self._show_hint()

    def reload(self) -> None:
        from ozq_desktop.sync.audit_sync import current_conflict
        from ozq_desktop.sync.push import needs_attention

        def read(s):
            self.audit_problem = current_conflict(s)  # the audit trail disagrees with the hub
            return needs_attention(session=s)

        self._services.tasks.read(read, self._show, owner=self)

    def _show(self, rows: list[Attention]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        self.retry_button.setEnabled(bool(rows))
        self._show_hint()

    def _show_hint(self) -> None:
        if self.rows:
            text = tr(N_("The hub refused these packages. Fix the cause, then retry sending."))
        else:
            text = tr(N_("No package needs attention."))
        if self.audit_problem is not None:
            text = f"{self.audit_problem.message()}\n\n{text}"
        self.hint.setText(text)

    def retry_selected(self) -> None:
        from ozq_desktop.sync.push import retry_failed

        row = current_row(self.table)
        if not 0 <= row < self.model.rowCount():
            return
        package_id, user = self.model.row_at(row)[1], self._user
        self._services.tasks.write(
            lambda s: retry_failed(session=s, package_id=package_id, actor=user),
            lambda _none: self._retried(package_id),
            lambda exc: self.hint.setText(error_text(exc)),
            owner=self,
        )

    def _retried(self, package_id: str) -> None:
        self.retried.emit(package_id)  # the list follows the channel (the outbox changed)
