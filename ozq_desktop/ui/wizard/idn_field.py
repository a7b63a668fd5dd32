"""An IIN/BIN input with live validation: the decoded hint, or the exact reason it is wrong."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from ozq_desktop.domain.identifiers import (
    LENGTH,
    Identifier,
    describe,
    kind_name,
    validate,
)
from ozq_desktop.errors import ValidationError
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui.message_label import MessageLabel


class IdnField(QWidget):
    """`edit` holds the number; `hint` says what it decodes to as the clerk types."""

    identified = Signal(object)  # Identifier, when the number becomes valid

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName(object_name)
        self.edit.setMaxLength(16)
        self.edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.hint = MessageLabel(f"{object_name}_hint", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.hint)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self.update_hint)

    def text(self) -> str:
        return self.edit.text().strip()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def update_hint(self, *_args: object) -> None:
        text = self.text()
        if not text:
            self.hint.clear_message()
            return
        if text.isdigit() and len(text) < LENGTH:
            count = len(text)
            self.hint.show_fn(lambda: tr(N_("{count} of 12 digits"), count=count), "note")
            return
        try:
            ident = validate(text)
        except ValidationError as exc:
            self.hint.show_error(exc)
            return
        self.hint.show_fn(lambda: hint_text(ident), "ok")
        self.identified.emit(ident)


def hint_text(ident: Identifier) -> str:
    return f"{kind_name(ident.kind)}: {describe(ident)}"
