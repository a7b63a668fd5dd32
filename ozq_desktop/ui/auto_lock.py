"""Auto-lock: after the branch's idle minutes (default 10) the signed-in desk locks itself.

The lock screen is a full-screen, application-modal window over everything, so the screens
beneath — a half-filled wizard, an open dialog — stay exactly as they were and nothing is
shown to a passer-by. Unlocking takes the signed-in clerk's password (failures count towards
the account lockout) and returns to the same screen and the same field. "Sign out" lets
another clerk use the desk; the wizard's draft is kept for its owner."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.domain.accounts import LOCK_MINUTES_RANGE, sign_in
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui.context import DeskServices, SignedIn
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.message_label import MessageLabel, heading

# What counts as the clerk being at the desk.
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class InactivityWatch(QObject):
    """Emits `idle` once no keyboard, mouse or touch input has reached the application for
    the set time. Watches the whole application, every window and dialog included."""

    idle = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.idle)
        self.set_interval_ms(minutes * 60_000)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def set_interval_ms(self, ms: int) -> None:
        self.timer.setInterval(max(1, ms))
        if self.timer.isActive():
            self.timer.start()

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and self.timer.isActive():
            self.timer.start()  # restart the count
        return False


class LockScreen(QWidget):
    """The locked desk. `unlock_requested(password)`; `sign_out_requested()`."""

    unlock_requested = Signal(str)
    sign_out_requested = Signal()

    def __init__(self, clerk: SignedIn) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("lock_screen")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lock_screen { background: #dfe6ea; }")
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, N_("OZQ Desktop — locked"))

        title = heading(self, "lock_title", self.texts, N_("The desk is locked"), 1.6)
        who = QLabel(self)
        who.setObjectName("lock_who")
        self.texts.bind(who.setText, N_("Signed in: {name}"), name=clerk.user.full_name)
        hint = QLabel(self)
        self.texts.bind(hint.setText, N_("Enter your password to go back to your work."))
        self.password = QLineEdit(self)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        named(self.password, "lock_password", self.texts, N_("Password"))
        self.texts.bind(self.password.setPlaceholderText, N_("Password"))
        self.unlock_button = QPushButton(self)
        named(self.unlock_button, "lock_unlock", self.texts, N_("Unlock"))
        self.texts.bind(self.unlock_button.setText, N_("Unlock"))
        self.unlock_button.setDefault(True)
        self.sign_out_button = QPushButton(self)
        named(self.sign_out_button, "lock_sign_out", self.texts, N_("Sign out"))
        self.texts.bind(self.sign_out_button.setText, N_("Sign out"))
        self.message = MessageLabel("lock_message", self)

        box = QWidget(self)
        box.setFixedWidth(480)
        inner = QVBoxLayout(box)
        for widget in (title, who, hint, self.password, self.message, self.unlock_button):
            inner.addWidget(widget)
        inner.addSpacing(24)
        inner.addWidget(self.sign_out_button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

        self.password.returnPressed.connect(self.submit)
        self.unlock_button.clicked.connect(self.submit)
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        # Nothing of the desk beneath may be reached from here: Esc does not close the lock.
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.password.clear)
        self.setTabOrder(self.password, self.unlock_button)
        self.setTabOrder(self.unlock_button, self.sign_out_button)
        follow_language(self.retranslate)

    def retranslate(self) -> None:
        self.texts.apply()

    def submit(self) -> None:
        password = self.password.text()
        if not password:
            self.message.show_message(N_("Enter your password."))
            return
        self.unlock_button.setEnabled(False)
        self.message.show_message(N_("Checking…"), "note")
        self.unlock_requested.emit(password)

    def failed(self, exc: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        self.message.show_error(exc)

    def closeEvent(self, event) -> None:
        event.ignore()  # Alt+F4 does not unlock; only the password or signing out does


class AutoLock(QObject):
    """Locks the signed-in session when idle (or on Ctrl+L) and unlocks it with the clerk's
    password, giving the focus back to the widget that had it."""

    locked = Signal()
    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, services: DeskServices, clerk: SignedIn, parent: QObject | None = None):
        super().__init__(parent)
        self._services = services
        self._clerk = clerk
        self.watch = InactivityWatch(clerk.branch.lock_minutes, self)
        self.watch.idle.connect(self.lock)
        self.screen: LockScreen | None = None
        self._focus: QWidget | None = None

    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def start(self) -> None:
        self.watch.start()

    def set_minutes(self, minutes: int) -> None:
        self.watch.set_interval_ms(minutes * 60_000)

    def lock(self) -> None:
        if self.screen is not None:
            return
        self.watch.stop()
        self._focus = QApplication.focusWidget()
        self.screen = LockScreen(self._clerk)
        self.screen.unlock_requested.connect(self._check)
        self.screen.sign_out_requested.connect(self._sign_out)
        display = QApplication.primaryScreen()
        if display is not None:  # without a window manager full-screen alone may not size it
            self.screen.setGeometry(display.geometry())
        self.screen.showFullScreen()
        self.screen.raise_()
        self.screen.activateWindow()
        self.screen.password.setFocus()
        self.locked.emit()

    def _check(self, password: str) -> None:
        login, screen = self._clerk.user.login, self.screen
        assert screen is not None
        self._services.tasks.with_factory(
            lambda factory: sign_in(
                factory=factory, login=login, password=password, purpose="unlock"
            ),
            lambda _user: self._unlocked(),
            screen.failed,
            owner=screen,
        )

    def _unlocked(self) -> None:
        self._close_screen()
        focus, self._focus = self._focus, None
        if focus is not None:
            focus.activateWindow()
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.watch.start()
        self.unlocked.emit()

    def _sign_out(self) -> None:
        """Close the dialogs left open beneath, then sign out (the window keeps the draft)."""
        self._close_screen()
        self._focus = None
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        self.sign_out_requested.emit()

    def _close_screen(self) -> None:
        screen, self.screen = self.screen, None
        if screen is not None:
            screen.hide()
            screen.deleteLater()


class LockMinutesDialog(QInputDialog):
    """The supervisor's setting: after how many idle minutes the desk locks."""

    def __init__(self, minutes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lock_minutes_dialog")
        self.setInputMode(QInputDialog.InputMode.IntInput)
        self.setIntRange(*LOCK_MINUTES_RANGE)
        self.setIntValue(minutes)
        self.setWindowTitle(tr(N_("Auto-lock")))
        self.setLabelText(tr(N_("Lock the desk after this many idle minutes:")))
