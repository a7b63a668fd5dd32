"""Issue 13, item 10: the sign-in window after a restart, the warning before a lockout, an
error line that squashes nothing, and focus that can be seen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ozq_desktop.domain.accounts import MAX_FAILED_ATTEMPTS
from ozq_desktop.i18n import set_language
from tests.ui.conftest import CLERK_LOGIN, CLERK_PASSWORD, sign_in, start_app


def _fail_once(qtbot, login, password="wrong-password") -> str:
    login.password_edit.setFocus()
    QTest.keyClicks(login.password_edit, password)
    before = login.message.text()
    QTest.keyClick(login.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: login.sign_in_button.isEnabled() and login.message.text() != before,
        timeout=10000,
    )
    return login.message.text()


def test_after_a_restart_the_last_login_is_filled_in_and_the_password_has_the_focus(
    qtbot, data_folder, desk_app
):
    main = sign_in(qtbot, desk_app)
    main.close()
    desk_app.shutdown()
    again = start_app(qtbot, data_folder)
    try:
        login = again.login
        login.activateWindow()
        assert login.login_edit.text() == CLERK_LOGIN
        qtbot.waitUntil(lambda: QApplication.focusWidget() is login.password_edit)
        # typed by habit, the password lands in the password field, never in clear text
        QTest.keyClicks(QApplication.focusWidget(), CLERK_PASSWORD)
        assert login.password_edit.text() == CLERK_PASSWORD
        assert login.login_edit.text() == CLERK_LOGIN
    finally:
        again.shutdown()


def test_the_attempts_left_before_a_lockout_are_told_in_both_languages(qtbot, desk_app):
    login = desk_app.login
    qtbot.waitUntil(lambda: login.ready, timeout=20000)
    login.login_edit.setText(CLERK_LOGIN)
    first = _fail_once(qtbot, login)
    assert str(MAX_FAILED_ATTEMPTS - 1) in first
    assert "құлыпта" in first  # kk: before the account is locked
    set_language("ru")
    try:
        assert "блокир" in login.message.text()  # the line follows the language
        second = _fail_once(qtbot, login)
        assert f"Осталось попыток: {MAX_FAILED_ATTEMPTS - 2}" in second
        for _ in range(MAX_FAILED_ATTEMPTS - 2):
            last = _fail_once(qtbot, login)
        assert "Слишком много неудачных попыток" in last
    finally:
        set_language("kk")


def test_the_error_line_squashes_no_field_and_clips_no_title(qtbot, desk_app):
    login = desk_app.login
    qtbot.waitUntil(lambda: login.ready, timeout=20000)
    login.resize(login.minimumSizeHint())
    qtbot.wait(50)
    heights = (login.login_edit.height(), login.password_edit.height())
    title = login.findChild(type(login.branch_label), "login_title")
    login.login_edit.setText(CLERK_LOGIN)
    set_language("ru")  # the longer title and the longer message
    try:
        _fail_once(qtbot, login)
        qtbot.wait(50)
        assert (login.login_edit.height(), login.password_edit.height()) == heights
        assert login.login_edit.height() >= login.login_edit.sizeHint().height()
        for label in (title, login.message):
            assert label.height() >= label.heightForWidth(label.width()), label.objectName()
    finally:
        set_language("kk")


def test_focus_is_drawn_on_check_boxes_and_the_scan_list(qtbot, desk_app, main_window):
    style = QApplication.instance().styleSheet()
    for selector in ("QCheckBox:focus", "QListView:focus", "QRadioButton:focus"):
        assert selector in style, selector
