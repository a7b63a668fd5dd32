"""A large button that starts a new application for one service, named in the current language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.language import follow_language
from ozq_wire.catalog import Service


class ServiceButton(QPushButton):
    def __init__(self, service: Service, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.setObjectName(f"new_package_{service.id}")
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._title = QLabel(self)
        self._title.setObjectName("service_button_title")
        self._name = QLabel(self)
        self._name.setObjectName("service_button_name")
        self._name.setWordWrap(True)
        self._title.setWordWrap(True)
        for label in (self._title, self._name):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        font = self._title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self._title.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addWidget(self._title)
        layout.addWidget(self._name, 1)
        follow_language(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        lang = current_language()
        title = tr(
            N_("New application · {number}. {service}"),
            number=self.service.number,
            service=self.service.short_name.get(lang),
        )
        self._title.setText(f"{self.service.number}. {self.service.short_name.get(lang)}")
        self._name.setText(self.service.name.get(lang))
        self.setAccessibleName(title)
        self.setAccessibleDescription(self.service.name.get(lang))
        self.setToolTip(self.service.name.get(lang))
