"""First run on a machine with no users: the branch, this desk, the first supervisor, and
(optionally) the hub to enrol with — or none, to work offline and enrol later from the
"Desk" menu. Last, the supervisor is shown the recovery sheet of the data key to print.

The branch name, department number and address are printed on every receipt: the name and
the address in Kazakh and in Russian, each on the documents in its language."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.domain import accounts
from ozq_desktop.domain.accounts import BranchSetup, NewUser, Role
from ozq_desktop.i18n import N_
from ozq_desktop.models import User
from ozq_desktop.ui.context import DeskServices
from ozq_desktop.ui.hub_enrolment import Enrolment
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.language_switch import LanguageSwitch
from ozq_desktop.ui.message_label import MessageLabel
from ozq_desktop.ui.recovery_sheet import open_recovery_sheet

BRANCH_FIELDS = (
    ("branch_name", N_("Branch name"), N_("in Kazakh, as printed on documents in Kazakh")),
    ("branch_name_ru", N_("Branch name in Russian"), N_("as printed on documents in Russian")),
    ("department_no", N_("Department number"), ""),
    ("address", N_("Address"), N_("in Kazakh")),
    ("address_ru", N_("Address in Russian"), N_("in Russian")),
    ("branch_code", N_("Branch code"), N_("Latin letters and digits, e.g. ALA01")),
    ("desk_code", N_("Desk code"), N_("Latin letters and digits, e.g. D1")),
    ("phone", N_("Phone"), ""),
)
SUPERVISOR_FIELDS = (
    ("sv_login", N_("Login"), N_("Latin letters and digits")),
    ("sv_full_name", N_("Full name"), ""),
    ("sv_password", N_("Password"), N_("At least 8 characters")),
    ("sv_password_again", N_("Password again"), ""),
    ("sv_phone", N_("Phone"), ""),
)

HUB_FIELDS = (
    ("hub_url", N_("Hub address"), N_("e.g. https://hub.example.kz — leave empty to work offline")),
    ("hub_code", N_("One-time enrolment code"), N_("from the hub administrator")),
)


class FirstRunWindow(QWidget):
    desk_set_up = Signal(str)  # the supervisor's login

    def __init__(self, services: DeskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_run_window")
        self._services = services
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, N_("OZQ Desktop — setting up this desk"))
        self.edits: dict[str, QLineEdit] = {}

        intro = QLabel(self)
        intro.setObjectName("first_run_intro")
        intro.setWordWrap(True)
        self.texts.bind(
            intro.setText,
            N_(
                "This desk has no users yet. Enter the service-centre branch (it is printed on "
                "receipts), this desk's code, and the first supervisor's account."
            ),
        )
        branch_box = self._group(N_("Service-centre branch and desk"), BRANCH_FIELDS)
        supervisor_box = self._group(N_("First supervisor"), SUPERVISOR_FIELDS)
        hub_box = self._group(N_("Hub (optional: leave empty to work offline for now)"), HUB_FIELDS)
        self._login: str | None = None
        self._user: User | None = None
        self._sheet_shown = False
        self._enrolment = Enrolment(self, services.tasks)
        for key in ("sv_password", "sv_password_again"):
            self.edits[key].setEchoMode(QLineEdit.EchoMode.Password)

        self.error_label = MessageLabel("first_run_error", self)
        self.submit_button = QPushButton(self)
        named(self.submit_button, "set_up_desk", self.texts, N_("Set up the desk"))
        self.texts.bind(self.submit_button.setText, N_("Set up the desk"))
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self.submit)
        for edit in self.edits.values():
            edit.returnPressed.connect(self.submit)

        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(LanguageSwitch(self), 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 20)
        layout.addLayout(top)
        layout.addWidget(branch_box)
        layout.addWidget(supervisor_box)
        layout.addWidget(hub_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.submit_button, 0, Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(620)
        follow_language(self.retranslate)

    def _group(self, title_msgid: str, fields: tuple[tuple[str, str, str], ...]) -> QGroupBox:
        box = QGroupBox(self)
        self.texts.bind(box.setTitle, title_msgid)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label_msgid, hint_msgid in fields:
            edit = QLineEdit(box)
            named(edit, key, self.texts, label_msgid)
            if hint_msgid:
                self.texts.bind(edit.setPlaceholderText, hint_msgid)
            label = QLabel(box)
            label.setBuddy(edit)
            self.texts.bind(label.setText, label_msgid)
            form.addRow(label, edit)
            self.edits[key] = edit
        return box

    def value(self, key: str) -> str:
        return self.edits[key].text()

    def submit(self) -> None:
        if self._login is not None:  # set up already; the hub refused: go on offline
            self._show_recovery_sheet()
            return
        if self.value("sv_password") != self.value("sv_password_again"):
            self.error_label.show_message(N_("The two passwords differ."))
            self.edits["sv_password_again"].setFocus()
            return
        setup = BranchSetup(
            branch_code=self.value("branch_code").strip(),
            branch_name=self.value("branch_name"),
            department_no=self.value("department_no"),
            address=self.value("address"),
            desk_code=self.value("desk_code").strip(),
            phone=self.value("phone"),
            branch_name_ru=self.value("branch_name_ru"),
            address_ru=self.value("address_ru"),
        )
        supervisor = NewUser(
            login=self.value("sv_login").strip(),
            full_name=self.value("sv_full_name"),
            password=self.value("sv_password"),
            role=Role.SUPERVISOR,
            phone=self.value("sv_phone"),
        )
        self.submit_button.setEnabled(False)
        self._services.tasks.write(
            lambda s: accounts.set_up_desk(session=s, setup=setup, supervisor=supervisor),
            self._done,
            self._failed,
            owner=self,
        )

    def _done(self, user: User) -> None:
        self._user, self._login = user, user.login
        url, code = self.value("hub_url").strip(), self.value("hub_code").strip()
        if not url or not code:
            self._show_recovery_sheet()
            return
        from ozq_desktop.ui.sync_panel import make_engine

        self._enrolment.start(
            make_engine(self._services),
            url=url,
            code=code,
            desk_code=self.value("desk_code").strip().upper(),
            actor=user,
            done=lambda _device: self._show_recovery_sheet(),
            failed=self._enrol_failed,
        )

    def _show_recovery_sheet(self) -> None:
        """Once: the supervisor prints the recovery sheet, then the desk is ready."""
        if self._sheet_shown or self._user is None:
            self._finish()
            return
        self._sheet_shown = True
        self.submit_button.setEnabled(False)
        self.error_label.show_message(
            N_(
                "Print the recovery sheet of the data key and lock it away: with it the desk's "
                "data can be restored if the key is ever lost."
            ),
            "note",
        )
        open_recovery_sheet(self, self._services, self._user, "first_run", self._finish)

    def _finish(self) -> None:
        self.submit_button.setEnabled(True)
        self.error_label.clear_message()
        assert self._login is not None
        self.desk_set_up.emit(self._login)

    def _enrol_failed(self, exc: BaseException) -> None:
        """The desk is set up; only the hub said no. Say why, and offer to go on offline."""
        self.submit_button.setEnabled(True)
        self.error_label.show_error(exc)
        self.texts.bind(self.submit_button.setText, N_("Continue offline"))
        self.texts.apply()

    def _failed(self, exc: BaseException) -> None:
        self.submit_button.setEnabled(True)
        self.error_label.show_error(exc)

    def retranslate(self) -> None:
        self.texts.apply()
