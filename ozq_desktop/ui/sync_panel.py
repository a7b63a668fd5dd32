"""The desk's side of sync in the window: a controller that runs `SyncEngine.run_once` through
the task helper (never on the GUI thread) on start, on a timer, after each acceptance and on
"Sync now"; the status-bar wording of its report; the "Needs attention" dialog."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.i18n import N_, tr
from ozq_desktop.models import User
from ozq_desktop.sync.engine import SyncEngine, SyncReport
from ozq_desktop.ui.context import DeskServices
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.language import Texts, follow_language, named

INTERVAL_KEY = "sync/interval_minutes"
DEFAULT_INTERVAL_MINUTES = 5


def interval_minutes(services: DeskServices) -> int:
    """How often the desk syncs on its own, from the settings."""
    try:
        return max(1, int(services.settings.value(INTERVAL_KEY, DEFAULT_INTERVAL_MINUTES)))
    except (TypeError, ValueError):
        return DEFAULT_INTERVAL_MINUTES


def run_cycle(engine: SyncEngine, reset_backoff: bool) -> tuple[SyncReport, datetime | None]:
    """One cycle, and when the desk last talked to the hub successfully (in the worker)."""
    from ozq_desktop.storage.engine import reading
    from ozq_desktop.sync import state

    report = engine.run_once(reset_backoff=reset_backoff)
    with reading(engine.factory) as s:
        raw = state.get(s, state.LAST_SYNC)
    return report, datetime.fromisoformat(raw) if raw else None


def make_engine(services: DeskServices) -> SyncEngine:
    assert services.tasks.factory is not None
    return SyncEngine(
        factory=services.tasks.factory,
        store=services.scans,
        catalog=services.catalog,
        folder=services.keys.folder if services.keys else None,
    )


class SyncController(QObject):
    """One sync cycle at a time; a request during a cycle runs once more right after it."""

    reported = Signal(object)  # SyncReport
    failed = Signal(str)  # an unexpected failure, as the clerk reads it
    decisions_arrived = Signal(object)  # list of receipt numbers

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
        """On start: one cycle now (backoff reset, seed of sync.md), then every N minutes."""
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
        engine = self.engine
        self._services.tasks.run(
            lambda: run_cycle(engine, reset_backoff),
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
        self.resize(720, 360)
        self._services = services
        self.rows: list[tuple[str, str, str]] = []
        self.audit_problem = None
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, N_("Packages that need attention"))
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.table = QTableWidget(0, 2, self)
        named(self.table, "attention_table", self.texts, N_("Packages that need attention"))
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
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
        follow_language(self.retranslate)
        self.retranslate()
        self.reload()

    def retranslate(self) -> None:
        self.texts.apply()
        self.table.setHorizontalHeaderLabels([tr(N_("Receipt")), tr(N_("Reason"))])
        self._show_hint()

    def reload(self) -> None:
        from ozq_desktop.sync.audit_sync import current_conflict
        from ozq_desktop.sync.push import needs_attention

        def read(s):
            self.audit_problem = current_conflict(s)  # the audit trail disagrees with the hub
            return needs_attention(session=s)

        self._services.tasks.read(read, self._show, owner=self)

    def _show(self, rows: list[tuple[str, str, str]]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, (receipt, _package_id, reason) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(receipt))
            self.table.setItem(i, 1, QTableWidgetItem(reason))
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

        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        package_id, user = self.rows[row][1], self._user
        self._services.tasks.write(
            lambda s: retry_failed(session=s, package_id=package_id, actor=user),
            lambda _none: self._retried(package_id),
            lambda exc: self.hint.setText(error_text(exc)),
            owner=self,
        )

    def _retried(self, package_id: str) -> None:
        self.retried.emit(package_id)
        self.reload()
