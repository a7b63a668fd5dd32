"""The status bar: who is signed in, the branch and desk, the connection, the outbox."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QStatusBar, QWidget

from ozq_desktop.domain.accounts import role_label
from ozq_desktop.i18n import N_, tr
from ozq_desktop.sync.engine import SyncReport
from ozq_desktop.ui.context import Clerk, DeskServices
from ozq_desktop.ui.language import follow_language

OUTBOX_REFRESH_MS = 30_000
CONNECTION_MIN_WIDTH = 300


class ElidedLabel(QLabel):
    """A label that shortens its text with «…» instead of widening the window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(60)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text
        )


class DeskStatusBar(QStatusBar):
    def __init__(self, services: DeskServices, clerk: Clerk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status_bar")
        self._services = services
        self._clerk = clerk
        self.outbox: int | None = None
        self.sync_report: SyncReport | None = None
        self.sync_failure = ""
        self.last_sync: datetime | None = None
        self.training_label = QLabel(self)
        self.training_label.setObjectName("status_training")
        self.training_label.setStyleSheet(
            "background: #ffe082; color: #4e342e; font-weight: bold; padding: 0 6px;"
        )
        self.user_label = self._add("status_user", 2)
        self.branch_label = self._add("status_branch", 3)
        # Permanent, so that a passing message never hides it.
        self.addPermanentWidget(self.training_label)
        self.connection_label = self._add_connection()
        self.outbox_label = self._add_fixed("status_outbox")
        self._timer = QTimer(self)
        self._timer.setInterval(OUTBOX_REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        follow_language(self.retranslate)
        self.retranslate()

    def _add(self, name: str, stretch: int) -> QLabel:
        label = ElidedLabel(self)
        label.setObjectName(name)
        label.setFrameShape(QFrame.Shape.NoFrame)
        label.setContentsMargins(6, 0, 6, 0)
        self.addWidget(label, stretch)
        return label

    def _add_connection(self) -> QLabel:
        """The hub's state: an error can be long, so it is shortened (the tooltip has it all)."""
        label = ElidedLabel(self)
        label.setObjectName("status_connection")
        label.setContentsMargins(6, 0, 6, 0)
        label.setMinimumWidth(CONNECTION_MIN_WIDTH)
        self.addPermanentWidget(label, 2)
        return label

    def _add_fixed(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setContentsMargins(6, 0, 6, 0)
        self.addPermanentWidget(label)
        return label

    def refresh(self) -> None:
        self._services.tasks.read(self._services.outbox_count, self._show_outbox, owner=self)

    def show_sync(self, report: SyncReport, last_sync: datetime | None = None) -> None:
        """The last sync cycle's outcome: connection, last successful sync, queued count."""
        self.sync_report = report
        self.last_sync = last_sync
        self.sync_failure = ""
        self.outbox = report.queued
        self.retranslate()

    def show_sync_failure(self, message: str) -> None:
        self.sync_failure = message
        self.retranslate()

    def _show_outbox(self, count: int) -> None:
        self.outbox = count
        self.retranslate()

    def retranslate(self) -> None:
        user, branch = self._clerk.user, self._clerk.branch
        self.training_label.setText(tr(N_("TRAINING MODE: nothing is signed or sent")))
        self.training_label.setVisible(bool(branch.training))
        self.user_label.setText(f"{user.full_name} · {role_label(user.role)}")
        self.branch_label.setText(
            tr(
                N_("{branch}, dept. № {department}, desk {desk}"),
                branch=branch.branch_name,
                department=branch.department_no,
                desk=branch.desk_code,
            )
        )
        from ozq_desktop.ui.sync_panel import connection_text

        if self.sync_report is None and not self.sync_failure:
            # Until the first cycle reports, the placeholder of a desk with no hub.
            self.connection_label.setText(tr(N_("offline — sync not configured")))
        else:
            self.connection_label.setText(
                connection_text(self.sync_report, self.sync_failure, self.last_sync)
            )
        count = "…" if self.outbox is None else str(self.outbox)
        self.outbox_label.setText(tr(N_("Outbox: {count}"), count=count))
