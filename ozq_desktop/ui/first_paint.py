"""Run something once a window has painted for the first time.

Start-up uses it to open the database only after the sign-in window is on screen: the
background imports would otherwise compete with the first paint for the interpreter."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

_waiting: set[_AfterFirstPaint] = set()  # kept alive here until they have run


class _AfterFirstPaint(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], None], fallback_ms: int) -> None:
        super().__init__()
        self._widget = widget
        self._then = then
        self._done = False
        _waiting.add(self)
        widget.installEventFilter(self)
        # A window that is never painted (minimised, hidden) must not hold the start back.
        QTimer.singleShot(fallback_ms, self._run)

    def eventFilter(self, _obj: QObject, event: QEvent) -> bool:
        if not self._done and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self._run)  # after this paint has finished
        return False

    def _run(self) -> None:
        if self._done:
            return
        self._done = True
        self._widget.removeEventFilter(self)
        _waiting.discard(self)
        self._then()


def after_first_paint(widget: QWidget, then: Callable[[], None], fallback_ms: int = 300) -> None:
    _AfterFirstPaint(widget, then, fallback_ms)
