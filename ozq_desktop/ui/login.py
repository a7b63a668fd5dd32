"""The sign-in window. It is the first thing shown, so it imports no database code: the
composition root opens the database meanwhile and does the checking (argon2id in the domain,
lockout built in)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.i18n import N_
from ozq_desktop.ui.forms import add_row, new_form
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.language_switch import LanguageSwitch
from ozq_desktop.ui.message_label import MessageLabel, heading


class LoginWindow(QWidget):
    sign_in_requested = Signal(str, str)  # login, password

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("login_window")
        self.ready = False
        self._submitted_early = False
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, N_("OZQ Desktop — sign in"))

        title = heading(
            self,
            "login_title",
            self.texts,
            N_("Industrial-safety services: acceptance of documents"),
            1.4,
        )
        title.setWordWrap(True)
        self.branch_label = QLabel(self)
        self.branch_label.setObjectName("login_branch")
        self.branch_label.setWordWrap(True)

        self.login_edit = QLineEdit(self)
        named(self.login_edit, "login", self.texts, N_("Login"))
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        named(self.password_edit, "password", self.texts, N_("Password"))
        self.sign_in_button = QPushButton(self)
        named(self.sign_in_button, "sign_in", self.texts, N_("Sign in"))
        self.texts.bind(self.sign_in_button.setText, N_("Sign in"))
        self.sign_in_button.setDefault(True)
        self.message = MessageLabel("login_error", self)
        # The error line has its room (two lines) whether shown or not: a message never
        # pushes the fields together; a longer one makes the window taller instead.
        policy = self.message.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.message.setSizePolicy(policy)
        self.message.setMinimumHeight(2 * self.message.fontMetrics().lineSpacing() + 4)

        form = new_form()
        for edit, msgid in ((self.login_edit, N_("Login")), (self.password_edit, N_("Password"))):
            add_row(form, self.texts, msgid, edit)

        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(LanguageSwitch(self))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 20, 32, 28)
        layout.addLayout(top)
        layout.addWidget(title)
        layout.addWidget(self.branch_label)
        layout.addSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.sign_in_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(1)
        self.setMinimumWidth(480)

        self.login_edit.returnPressed.connect(self.password_edit.setFocus)
        self.password_edit.returnPressed.connect(self.submit)
        self.sign_in_button.clicked.connect(self.submit)
        self.setTabOrder(self.login_edit, self.password_edit)
        self.setTabOrder(self.password_edit, self.sign_in_button)
        self.login_edit.setFocus()
        follow_language(self.retranslate)
        self.set_ready(False)

    # -- the window is as tall as its wrapped texts need --------------------------------------

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            self._fit_height()  # a message shown, the language switched
        return handled

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def _fit_height(self) -> None:
        """The title and the messages wrap: at this width they need this height. A layout
        does not give a window its height-for-width, so the window sets it itself; nothing is
        squashed or clipped."""
        layout = self.layout()
        if layout is None:
            return
        need = layout.totalHeightForWidth(self.width())
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)

    def set_ready(self, ready: bool, branch_name: str = "") -> None:
        """Sign-in opens once the database is ready."""
        self.ready = ready
        if branch_name:
            self.branch_label.setText(branch_name)
        if not ready:
            self.message.show_message(N_("Opening the database…"), "note")
        elif self._submitted_early:
            self._submitted_early = False
            self.submit()  # the clerk was quicker than the database
        elif self.sign_in_button.isEnabled():
            self.message.clear_message()

    def set_unavailable(self, exc: BaseException) -> None:
        """The database could not be opened: nobody can sign in; say why."""
        self.ready = False
        self._submitted_early = False
        self.sign_in_button.setEnabled(False)
        self.message.show_error(exc)

    def set_login(self, login: str) -> None:
        self.login_edit.setText(login)
        self.password_edit.setFocus()

    def submit(self) -> None:
        login, password = self.login_edit.text(), self.password_edit.text()
        if not login.strip() or not password:
            self.message.show_message(N_("Enter your login and password."))
            return
        if not self.ready:
            self._submitted_early = True  # signed in as soon as the database is open
            self.sign_in_button.setEnabled(False)
            return
        self.sign_in_button.setEnabled(False)
        self.message.show_message(N_("Checking…"), "note")
        self.sign_in_requested.emit(login, password)

    def signed_in(self) -> None:
        self.sign_in_button.setEnabled(True)
        self.password_edit.clear()
        self.message.clear_message()

    def failed(self, exc: BaseException) -> None:
        self.sign_in_button.setEnabled(True)
        self.password_edit.clear()
        self.password_edit.setFocus()
        self.message.show_error(exc)

    def retranslate(self) -> None:
        self.texts.apply()
