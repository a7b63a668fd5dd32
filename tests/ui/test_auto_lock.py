"""Auto-lock on the real application: an idle desk locks itself over everything, unlocks with
the clerk's password back to the same screen and field, and wrong passwords count towards the
account lockout."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from ozq_desktop.domain import accounts, drafts
from ozq_desktop.models import AuditRow, BranchSettings
from ozq_desktop.storage.engine import reading
from ozq_desktop.ui.actions import ActionId
from tests.ui.conftest import CLERK_PASSWORD, VALID_IIN, idle, sign_in, type_text
from tests.ui.driver import WizardDriver
from tests.ui.test_start import unnamed_inputs


def _audit(app, action: str) -> list[AuditRow]:
    with reading(app.desk.factory) as s:
        return list(s.scalars(select(AuditRow).where(AuditRow.action == action)))


def _unlock(qtbot, app, lock, password: str) -> None:
    lock.screen.password.setText(password)
    qtbot.mouseClick(lock.screen.unlock_button, Qt.MouseButton.LeftButton)
    idle(qtbot, app)


def test_an_idle_desk_locks_and_unlocks_to_the_same_screen(qtbot, desk_app, main_window):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("technology-permit")
    drive.place()
    page = drive.page("page_applicant")
    type_text(page.idn.edit, VALID_IIN)
    type_text(page.name_edit, "Сәрсенбаев")
    assert QApplication.focusWidget() is page.name_edit
    lock = main_window.auto_lock
    assert lock.watch.timer.interval() == 10 * 60_000  # the default: ten minutes

    lock.watch.set_interval_ms(300)  # the same timer, shortened for the test
    qtbot.waitUntil(lambda: lock.is_locked, timeout=10000)
    screen = lock.screen
    assert screen.isVisible() and screen.isFullScreen()
    assert screen.windowModality() == Qt.WindowModality.ApplicationModal
    assert QApplication.activeModalWidget() is screen
    assert screen.geometry() == screen.screen().geometry()  # the whole screen is covered
    assert unnamed_inputs(screen) == []
    idle(qtbot, desk_app)
    with reading(desk_app.desk.factory) as s:  # locking saved the draft
        saved = drafts.drafts_of(session=s, user_id=main_window.clerk.user.id)
    assert [d.applicant.name for d in saved] == ["Сәрсенбаев"]

    _unlock(qtbot, desk_app, lock, "wrong-password")
    assert lock.is_locked
    assert screen.message.text().startswith(
        ("Логин немесе құпиясөз қате.", "Неверный логин или пароль.")
    )
    failed = _audit(desk_app, "login_failed")
    assert failed[-1].details == {"purpose": "unlock"}

    _unlock(qtbot, desk_app, lock, CLERK_PASSWORD)
    qtbot.waitUntil(lambda: not lock.is_locked, timeout=10000)
    assert drive.wizard.page is page  # the same step of the same wizard
    assert page.name_edit.text() == "Сәрсенбаев" and page.idn.text() == VALID_IIN
    assert page.name_edit.hasFocus()
    assert len(_audit(desk_app, "unlock")) == 1
    assert lock.watch.timer.isActive()  # counting again


def test_input_anywhere_postpones_the_lock(qtbot, desk_app, main_window):
    lock = main_window.auto_lock
    lock.watch.set_interval_ms(60_000)
    QTest.qWait(1200)
    assert lock.watch.timer.remainingTime() < 59_000
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(5, 5),
        QPointF(5, 5),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(main_window.home.search_box, move)
    assert lock.watch.timer.remainingTime() > 59_400
    assert not lock.is_locked


def test_ctrl_l_locks_and_five_wrong_passwords_lock_the_account(qtbot, desk_app, main_window):
    lock = main_window.auto_lock
    assert main_window.actions[ActionId.LOCK].shortcut().toString() == "Ctrl+L"
    main_window.actions[ActionId.LOCK].trigger()
    assert lock.is_locked
    for _ in range(accounts.MAX_FAILED_ATTEMPTS):
        _unlock(qtbot, desk_app, lock, "wrong-password")
    _unlock(qtbot, desk_app, lock, CLERK_PASSWORD)  # the right one, too late
    assert lock.is_locked
    assert lock.screen.message.text() == "Сәтсіз әрекеттер тым көп. 5 минуттан кейін қайталаңыз."


def test_signing_out_from_the_lock_keeps_the_draft_for_later(qtbot, desk_app, main_window):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("technology-permit")
    drive.place()
    type_text(drive.page("page_applicant").name_edit, "Жанна")
    main_window.auto_lock.lock()
    qtbot.mouseClick(main_window.auto_lock.screen.sign_out_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk_app.main_window is None and desk_app.login.isVisible())
    idle(qtbot, desk_app)
    again = sign_in(qtbot, desk_app)
    qtbot.waitUntil(lambda: again.home.draft_banner.isVisible(), timeout=10000)


def test_the_supervisor_sets_the_idle_minutes(qtbot, data_folder):
    from tests.ui.conftest import set_up_desk, start_app

    set_up_desk(data_folder, accounts.Role.SUPERVISOR)
    app = start_app(qtbot, data_folder)
    try:
        window = sign_in(qtbot, app)
        assert window.actions[ActionId.AUTO_LOCK].isVisible()
        window.actions[ActionId.AUTO_LOCK].trigger()
        dialog = window.lock_dialog
        assert dialog.intValue() == 10
        dialog.setIntValue(3)
        dialog.accept()
        idle(qtbot, app)
        assert window.auto_lock.watch.timer.interval() == 3 * 60_000
        with reading(app.desk.factory) as s:
            assert s.get(BranchSettings, 1).lock_minutes == 3
        assert _audit(app, "settings_changed")[-1].details == {"before": 10, "after": 3}
    finally:
        app.shutdown()
