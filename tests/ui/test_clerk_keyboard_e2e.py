"""Issue 13, acceptance: a whole service 1 application typed the way a clerk does, keys only.

From the home screen to the acceptance receipt: the number and the names typed, Tab and
Enter to move, Space to tick, the scans attached through the (Qt, translated) file dialog by
typing their paths, the expertise date typed as digits, the EDS key's password typed into its
prompt; then Ctrl+F and a word from the middle of the applicant's name finds the package.
No widget is clicked and no value is set through a widget's API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from ozq_desktop.ui.wizard.wizard import DONE
from tests.signing.pki import KEY_PASSWORD
from tests.ui.conftest import VALID_BIN, idle, make_pdf
from tests.ui.driver import WizardDriver

NAME = "«Қазмұнайсервис» ЖШС"


def focused():
    return QApplication.focusWidget()


def typed(text: str) -> None:
    """One key event per character into the focused widget (Kazakh letters included)."""
    for ch in text:
        QApplication.sendEvent(
            focused(), QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch)
        )


def key(k: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    assert focused() is not None, "the focus is lost"
    QTest.keyClick(focused(), k, modifier)


def tab_to(qtbot, widget, limit: int = 60) -> None:
    """Tab until `widget` has the focus, as a clerk would."""
    for _ in range(limit):
        if focused() is widget:
            return
        key(Qt.Key.Key_Tab)
    assert focused() is widget, f"Tab never reached {widget.objectName()}, at {focused()}"


def attach_by_typing(qtbot, editor, path) -> None:
    """Tab to "Attach a scan…", Space, type the file's path into the file dialog, Enter."""
    tab_to(qtbot, editor.scan_list.attach_button)
    key(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: editor.scan_list.file_dialog is not None)
    dialog: QFileDialog = editor.scan_list.file_dialog
    qtbot.waitUntil(dialog.isVisible)
    name_edit = dialog.findChild(QLineEdit, "fileNameEdit")
    qtbot.waitUntil(lambda: focused() is name_edit)
    typed(str(path))
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(editor.scan_list.scans) == 1, timeout=10000)


# The offscreen platform cannot raise a window or grab the keyboard; nothing here needs it.
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard")
def test_a_clerk_types_a_whole_service_1_application(qtbot, desk_app, main_window, tmp_path):
    scans = {
        code: make_pdf(tmp_path / f"{code}.pdf", pages, code)
        for code, pages in (
            ("application", 1),
            ("expert_conclusion", 3),
            ("specialists_and_base", 2),
        )
    }
    home = main_window.home
    qtbot.waitUntil(lambda: focused() is home.service_buttons[0])  # service 1 has the focus
    key(Qt.Key.Key_Space)
    drive = WizardDriver(qtbot, desk_app)
    wizard = drive.wizard
    place = drive.page("page_place")
    assert focused() is place.ticket.number
    key(Qt.Key.Key_Return)

    applicant = drive.page("page_applicant")
    assert focused() is applicant.idn.edit
    typed(VALID_BIN)
    key(Qt.Key.Key_Tab)
    assert focused() is applicant.name_edit  # one applicant type: no stop on the combo
    typed(NAME)
    key(Qt.Key.Key_Tab)
    typed("Атырау қ., Сәтбаев д-лы, 7")
    key(Qt.Key.Key_Tab)
    typed("+7 712 200 00 00")
    key(Qt.Key.Key_Tab)
    typed("info@kms.kz")
    key(Qt.Key.Key_Return)

    documents = drive.page("page_documents")
    for code in ("application", "expert_conclusion", "specialists_and_base"):
        editor = documents.editors[code]
        tab_to(qtbot, editor.presented)
        key(Qt.Key.Key_Space)
        assert editor.presented.isChecked()
        attach_by_typing(qtbot, editor, scans[code])
        if editor.conclusion is not None:
            c = editor.conclusion
            day = desk_app.services.clock().date() - timedelta(days=20)
            tab_to(qtbot, c.expertise_date.edit)
            typed(day.strftime("%d%m%Y"))  # digits only
            assert c.expertise_date.date() == day
            for box in (c.signed, c.sealed, c.bound):
                tab_to(qtbot, box)
                key(Qt.Key.Key_Space)
            tab_to(qtbot, c.bound_pages)
            key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            typed("42")
    idle(qtbot, desk_app)
    assert [documents.editors[c].pages.value() for c in scans] == [1, 3, 2]  # from the scans
    tab_to(qtbot, wizard.next_button)  # Enter on "Attach a scan…" would attach another
    key(Qt.Key.Key_Return)

    assert wizard.index == 3, (wizard.problem.text(), focused())
    annex = drive.page("page_annex1")
    assert focused() is annex.editors["industry_sector"]
    typed("мұнай-газ өнеркәсібі")
    key(Qt.Key.Key_Tab)
    typed("өнеркәсіптік қауіпсіздік саласындағы сараптама")
    key(Qt.Key.Key_Return)

    consent = drive.page("page_consent")
    assert focused() is consent.consent
    key(Qt.Key.Key_Space)
    key(Qt.Key.Key_Return)
    drive.page("page_review")
    key(Qt.Key.Key_Return)  # accept: the EDS key asks for its password

    qtbot.waitUntil(
        lambda: wizard.flow is not None and wizard.flow.password_dialog is not None,
        timeout=15000,
    )
    prompt = wizard.flow.password_dialog
    qtbot.waitUntil(lambda: focused() is not None and prompt.isAncestorOf(focused()))
    typed(KEY_PASSWORD)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.index == DONE, timeout=20000)
    result = wizard.result
    assert result is not None and result.receipt_no
    assert [d.code for d in result.missing] == []
    idle(qtbot, desk_app)
    assert focused() is wizard.done_page.next_button
    key(Qt.Key.Key_Return)  # next applicant: back home
    qtbot.waitUntil(lambda: main_window.wizard is None)
    # Shortcuts go to the window in front; on a loaded machine the window system can take a
    # moment to give the main window back its activation after the wizard closes.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main_window.window())

    key(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert focused() is home.search_box
    typed("сервис")  # the middle of «Қазмұнайсервис»
    key(Qt.Key.Key_Return)
    idle(qtbot, desk_app)
    qtbot.waitUntil(lambda: home.model.rowCount() == 1, timeout=10000)
    assert home.model.row_at(0).receipt_no == result.receipt_no
    assert home.model.row_at(0).applicant_name == NAME
