"""Elapsed service time against the 15-minute norm (seed, §4 3) of each standard)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui.labels import SERVICE_NORM_MINUTES, minutes_seconds
from ozq_desktop.ui.language import follow_language


class ServiceClock(QLabel):
    def __init__(
        self, clock: Callable[[], datetime], started_at: datetime, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("service_clock")
        self._clock = clock
        self.started_at = started_at
        self._stopped_at: datetime | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.update_text)
        self._timer.start()
        follow_language(self.update_text)
        self.update_text()

    def elapsed_seconds(self) -> int:
        end = self._stopped_at or self._clock()
        return max(0, int((end - self.started_at).total_seconds()))

    def stop(self, at: datetime) -> None:
        self._stopped_at = at
        self._timer.stop()
        self.update_text()

    def update_text(self) -> None:
        seconds = self.elapsed_seconds()
        over = seconds > SERVICE_NORM_MINUTES * 60
        self.setText(
            tr(
                N_("Service time {elapsed} (norm {norm} min)"),
                elapsed=minutes_seconds(seconds),
                norm=SERVICE_NORM_MINUTES,
            )
        )
        self.setStyleSheet("color: #b00020; font-weight: bold;" if over else "color: #333;")
        self.setAccessibleName(self.text())
