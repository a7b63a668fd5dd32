"""The supervisor's hub settings: enrol this desk with the hub by its address and a one-time
code from the hub's administrator. The network call runs through the task helper."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.i18n import N_, tr
from ozq_desktop.models import User
from ozq_desktop.sync.engine import SyncEngine
from ozq_desktop.ui.context import DeskServices
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.hub_enrolment import Enrolment
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.sync_panel import INTERVAL_KEY, interval_minutes


class HubSettingsDialog(QDialog):
    enrolled = Signal(str)  # the device id the hub gave
    interval_changed = Signal(int)  # minutes between automatic syncs

    def __init__(
        self,
        services: DeskServices,
        engine: SyncEngine,
        desk_code: str,
        user: User,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("hub_settings")
        self.resize(560, 220)
        self._services = services
        self._engine = engine
        self._desk_code = desk_code
        self._user = user
        self._enrolment = Enrolment(self, services.tasks)
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, N_("Connect to the hub"))
        self.current = QLabel(self)
        self.current.setObjectName("hub_current")
        self.current.setWordWrap(True)
        self.url_edit = QLineEdit(self)
        named(self.url_edit, "hub_url", self.texts, N_("Hub address"))
        self.url_edit.setPlaceholderText("https://hub.example.kz")
        self.code_edit = QLineEdit(self)
        named(self.code_edit, "enrol_code", self.texts, N_("One-time enrolment code"))
        self.interval_spin = QSpinBox(self)
        named(self.interval_spin, "sync_interval", self.texts, N_("Sync every (minutes)"))
        self.interval_spin.setRange(1, 120)
        self.interval_spin.setValue(interval_minutes(services))
        self.interval_spin.valueChanged.connect(self._interval_changed)
        form = QFormLayout()
        url_label, code_label = QLabel(self), QLabel(self)
        self.texts.bind(url_label.setText, N_("Hub address"))
        self.texts.bind(code_label.setText, N_("One-time enrolment code"))
        url_label.setBuddy(self.url_edit)
        code_label.setBuddy(self.code_edit)
        form.addRow(url_label, self.url_edit)
        form.addRow(code_label, self.code_edit)
        interval_label = QLabel(self)
        self.texts.bind(interval_label.setText, N_("Sync every (minutes)"))
        interval_label.setBuddy(self.interval_spin)
        form.addRow(interval_label, self.interval_spin)
        self.message = QLabel(self)
        self.message.setObjectName("hub_message")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.enrol_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        named(self.enrol_button, "enrol_button", self.texts, N_("Enrol this desk"))
        self.texts.bind(self.enrol_button.setText, N_("Enrol this desk"))
        self.enrol_button.setDefault(True)
        close = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        named(close, "close_button", self.texts, N_("Close"))
        self.texts.bind(close.setText, N_("Close"))
        self.buttons.accepted.connect(self.enrol)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.device_id: str | None = None
        follow_language(self.retranslate)
        self.retranslate()
        services.tasks.run(engine.hub_settings, self._show_current, owner=self)

    def retranslate(self) -> None:
        self.texts.apply()
        self._show_current((self.url_edit.text() or None, self.device_id))

    def _interval_changed(self, minutes: int) -> None:
        self._services.settings.setValue(INTERVAL_KEY, minutes)
        self.interval_changed.emit(minutes)

    def _show_current(self, settings: tuple[str | None, str | None]) -> None:
        url, device_id = settings
        self.device_id = device_id
        if url and device_id:
            if not self.url_edit.text():
                self.url_edit.setText(url)
            self.current.setText(
                tr(
                    N_("This desk is enrolled with {url} as device {device}."),
                    url=url,
                    device=device_id,
                )
            )
        else:
            self.current.setText(tr(N_("This desk is not connected to a hub yet.")))

    def enrol(self) -> None:
        url, code = self.url_edit.text().strip(), self.code_edit.text().strip()
        if not url or not code:
            self.message.setText(tr(N_("Enter the hub address and the one-time code.")))
            return
        self.enrol_button.setEnabled(False)
        self.message.setText(tr(N_("Enrolling…")))
        self._enrolment.start(
            self._engine,
            url=url,
            code=code,
            desk_code=self._desk_code,
            actor=self._user,
            done=self._enrolled,
            failed=self._failed,
        )

    def _enrolled(self, device_id: str) -> None:
        self.enrol_button.setEnabled(True)
        self.code_edit.clear()
        self.device_id = device_id
        self.message.setText(tr(N_("Enrolled. Sync starts now.")))
        self._show_current((self.url_edit.text().strip(), device_id))
        self.enrolled.emit(device_id)

    def _failed(self, exc: BaseException) -> None:
        self.enrol_button.setEnabled(True)
        self.message.setText(error_text(exc))
