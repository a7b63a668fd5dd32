"""Starting the desk: first run, sign-in, a database that cannot be opened, names for
every input, and the installer's self-test."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QWidget,
)

from ozq_desktop.app import DeskApp, open_desk, open_storage
from ozq_desktop.domain.accounts import Role
from ozq_desktop.errors import StorageError
from tests.printing.pdf import pages_text
from tests.ui.conftest import (
    VALID_BIN,
    close_recovery_sheet,
    idle,
    set_up_desk,
    sign_in,
    start_app,
)
from tests.ui.driver import WizardDriver

ROOT = Path(__file__).resolve().parents[2]

FIRST_RUN = {
    "branch_name": "«Азаматтарға арналған үкімет» филиалы, Шымкент",
    "department_no": "2",
    "address": "Шымкент қ., Тәуке хан д-лы, 5",
    "branch_name_ru": "Филиал «Правительство для граждан», Шымкент",
    "address_ru": "г. Шымкент, пр. Тауке хана, 5",
    "branch_code": "SHY02",
    "desk_code": "K7",
    "phone": "+7 725 200 00 00",
    "sv_login": "aigerim",
    "sv_full_name": "Әбенова Айгерім",
    "sv_password": "Қауіпсіз-пароль-1",
    "sv_password_again": "Қауіпсіз-пароль-1",
}


def test_first_run_sets_up_the_desk_then_the_supervisor_signs_in(qtbot, data_folder):
    app = DeskApp(data_folder)
    try:
        with qtbot.waitSignal(app.ready, timeout=20000):
            app.start()
        window = app.first_run
        assert window is not None and window.isVisible() and not app.login.isVisible()
        for key, value in FIRST_RUN.items():
            window.edits[key].setText(value)
        window.edits["sv_password_again"].setText("another")
        qtbot.mouseClick(window.submit_button, Qt.MouseButton.LeftButton)
        assert window.error_label.text() == "Екі құпиясөз бір-біріне сәйкес келмейді."
        # The branch's name and address are asked in Russian too: the domain requires them.
        window.edits["sv_password_again"].setText(FIRST_RUN["sv_password"])
        window.edits["address_ru"].setText("")
        qtbot.mouseClick(window.submit_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "орыс тілінде" in window.error_label.text(), timeout=10000)
        window.edits["address_ru"].setText(FIRST_RUN["address_ru"])
        window.edits["branch_code"].setText("ШЫМ")  # Cyrillic: the domain refuses it
        window.edits["sv_password_again"].setText(FIRST_RUN["sv_password"])
        qtbot.mouseClick(window.submit_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "латын" in window.error_label.text(), timeout=10000)

        window.edits["branch_code"].setText(FIRST_RUN["branch_code"])
        qtbot.mouseClick(window.submit_button, Qt.MouseButton.LeftButton)
        sheet = close_recovery_sheet(qtbot, window)  # the data key's recovery sheet, to print
        assert str(data_folder) in pages_text(sheet)[0]
        qtbot.waitUntil(lambda: app.first_run is None and app.login.isVisible(), timeout=10000)
        assert app.login.login_edit.text() == "aigerim"
        main = sign_in(qtbot, app, "aigerim", FIRST_RUN["sv_password"])
        assert main.clerk.branch.branch_code == "SHY02"
        assert main.clerk.branch.branch_name_ru == FIRST_RUN["branch_name_ru"]
        assert main.clerk.branch.address_ru == FIRST_RUN["address_ru"]
        assert "Шымкент" in main.status.branch_label.text()
        assert "K7" in main.status.branch_label.text()
        assert main.status.outbox_label.text() == "Жіберу кезегінде: 0"
        assert main.status.connection_label.text() == "желіден тыс — синхрондау бапталмаған"
    finally:
        app.shutdown()


def test_a_wrong_password_is_refused_with_the_domain_message(qtbot, desk_app):
    login = desk_app.login
    login.login_edit.setText("clerk")
    login.password_edit.setText("wrong-password")
    qtbot.mouseClick(login.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: login.message.text().startswith("Логин немесе құпиясөз қате."), timeout=10000
    )
    assert desk_app.main_window is None and login.password_edit.text() == ""


def test_a_database_that_cannot_be_opened_is_reported_not_raised(qtbot, data_folder):
    def broken(_folder):
        raise StorageError(
            "The database could not be upgraded; it was restored from the backup {backup}. "
            "Details: {reason}",
            backup="b.db",
            reason="disk full",
        )

    app = DeskApp(data_folder, opener=broken)
    try:
        with qtbot.waitSignal(app.failed, timeout=10000) as failure:
            app.start()
        assert "b.db" in failure.args[0] and "disk full" in failure.args[0]
        assert not app.login.sign_in_button.isEnabled()
        assert "disk full" in app.login.message.text()
    finally:
        app.shutdown()


INPUTS = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractButton, QListWidget)


def unnamed_inputs(root: QWidget) -> list[str]:
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or widget.objectName().startswith("qt_"):
            continue
        if isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
            continue  # the line edit inside a combo box or a spin box
        if not widget.objectName() or not accessible_name(widget):
            found.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return found


def accessible_name(widget: QWidget) -> str:
    """What a screen reader announces: the accessible name, or a button's own text."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def test_every_input_has_an_object_name_and_an_accessible_name(
    qtbot, desk_app, main_window, tmp_path
):
    assert unnamed_inputs(desk_app.login) == []
    assert unnamed_inputs(main_window) == []
    drive = WizardDriver(qtbot, desk_app)
    drive.start("technology-permit")
    wizard = drive.wizard
    drive.place()
    drive.applicant(VALID_BIN, "«Қазмұнай» ЖШС")
    for page in wizard.pages:
        page.enter(wizard.draft)
    assert unnamed_inputs(main_window) == []
    idle(qtbot, desk_app)


def test_the_self_test_passes_in_a_separate_process(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OZQ_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "ozq_desktop", "--self-test", "--lang", "ru"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "self-test ok" in done.stdout
    assert "receipt PDF rendered" in done.stdout
    assert "EDS signature made" in done.stdout


def test_a_sign_in_submitted_before_the_database_opened_goes_through(qtbot, data_folder):
    set_up_desk(data_folder)
    gate = threading.Event()

    def slow_open(folder):
        gate.wait(20)
        return open_desk(folder)

    app = DeskApp(data_folder, opener=slow_open)
    try:
        login = app.start()
        login.login_edit.setText("clerk")
        login.password_edit.setText("clerkpass1")
        qtbot.mouseClick(login.sign_in_button, Qt.MouseButton.LeftButton)
        assert not login.ready and app.main_window is None
        with qtbot.waitSignal(app.main_window_shown, timeout=20000):
            gate.set()
        assert app.main_window.clerk.user.login == "clerk"
    finally:
        gate.set()
        app.shutdown()


def test_sign_in_opens_at_a_glance_before_the_storage_and_waits_for_it(qtbot, data_folder):
    """A normal start enables sign-in from a glance at the database; a sign-in pressed while
    the full storage is still opening goes through once it is open."""
    set_up_desk(data_folder)
    gate = threading.Event()

    def slow_open(folder):
        gate.wait(20)
        return open_storage(folder)

    app = DeskApp(data_folder, opener=slow_open)
    try:
        with qtbot.waitSignal(app.sign_in_ready, timeout=20000):
            login = app.start()
        assert login.ready and login.sign_in_button.isEnabled() and app.storage is None
        assert login.branch_label.text() == "«Азаматтарға арналған үкімет» филиалы, Алматы"
        login.login_edit.setText("clerk")
        login.password_edit.setText("clerkpass1")
        qtbot.mouseClick(login.sign_in_button, Qt.MouseButton.LeftButton)
        qtbot.wait(100)
        assert app.main_window is None
        with qtbot.waitSignal(app.main_window_shown, timeout=20000):
            gate.set()
        assert app.main_window.clerk.user.login == "clerk"
    finally:
        gate.set()
        app.shutdown()


def test_a_mobile_clerk_starts_with_a_home_visit(qtbot, data_folder):
    set_up_desk(data_folder, role=Role.MOBILE_CLERK)
    app = start_app(qtbot, data_folder)
    try:
        sign_in(qtbot, app)
        drive = WizardDriver(qtbot, app)
        drive.start("declaration-registration")
        page = drive.page("page_place")
        assert page.home_radio.isChecked() and page.visit_address.isEnabled()
        assert not drive.wizard.next_button.isEnabled()  # the visit address comes first
    finally:
        app.shutdown()


def test_a_data_folder_that_does_not_exist_yet_is_made(qtbot, tmp_path):
    folder = tmp_path / "new" / "desk"
    app = DeskApp(folder)
    try:
        with qtbot.waitSignal(app.ready, timeout=20000):
            app.start()
        assert app.first_run is not None and (folder / "ozq.db").exists()
    finally:
        app.shutdown()
