"""The kk/ru switch: two buttons, each naming its language in that language."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QToolButton, QWidget

from ozq_desktop.i18n import N_, current_language, set_language, tr
from ozq_desktop.ui.language import Texts, follow_language, named

LANGUAGE_NAMES = {"kk": N_("Қазақша"), "ru": N_("Русский")}


class LanguageSwitch(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("language_switch")
        self.texts = Texts()
        self.buttons: dict[str, QToolButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for code, msgid in LANGUAGE_NAMES.items():
            button = QToolButton(self)
            button.setCheckable(True)
            named(button, f"language_{code}", self.texts, N_("Interface language"))
            button.setText(tr(msgid))
            button.clicked.connect(lambda _=False, c=code: self._choose(c))
            group.addButton(button)
            layout.addWidget(button)
            self.buttons[code] = button
        follow_language(self.retranslate)
        self.retranslate()

    def _choose(self, code: str) -> None:
        if code != current_language():
            set_language(code)

    def retranslate(self) -> None:
        self.texts.apply()
        lang = current_language()
        for code, button in self.buttons.items():
            button.setChecked(code == lang)
            button.setText(tr(LANGUAGE_NAMES[code]))
