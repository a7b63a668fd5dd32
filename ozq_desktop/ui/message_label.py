"""A label for an error or a hint that re-renders itself in the new language on a switch."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QWidget

from ozq_desktop.i18n import tr
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.language import Texts, follow_language

STYLES = {
    "error": "color: #b00020;",
    "ok": "color: #1b5e20;",
    "note": "color: #5f4b00;",
    "plain": "",
}


class MessageLabel(QLabel):
    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWordWrap(True)
        self._render: Callable[[], str] | None = None
        self.kind = "plain"
        follow_language(self.retranslate)
        self.setVisible(False)

    def show_error(self, exc: BaseException) -> None:
        self._set(lambda: error_text(exc), "error")

    def show_message(self, msgid: str, kind: str = "error", /, **params: object) -> None:
        self._set(lambda: tr(msgid, **params), kind)

    def show_fn(self, render: Callable[[], str], kind: str = "plain") -> None:
        self._set(render, kind)

    def clear_message(self) -> None:
        self._render = None
        self.kind = "plain"
        self.clear()
        self.setVisible(False)

    def _set(self, render: Callable[[], str], kind: str) -> None:
        self._render = render
        self.kind = kind
        self.setStyleSheet(STYLES[kind])
        self.retranslate()
        self.setVisible(True)

    def retranslate(self) -> None:
        if self._render is not None:
            self.setText(self._render())


def heading(parent: QWidget, object_name: str, texts: Texts, msgid: str, scale: float) -> QLabel:
    """A bold title `scale` times the normal size, its text following the language."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    texts.bind(label.setText, msgid)
    return label
