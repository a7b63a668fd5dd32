"""Issue 13, item 7: every string in the clerk's language, Qt's own included; the supervision
window follows a switch and takes Ctrl+Shift+K/R; one screen never gives two buttons one
name; the refusal screen never says "accepted"."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from ozq_desktop.i18n import set_language
from ozq_desktop.ui.actions import ActionId
from ozq_desktop.ui.qt_language import translations_dir
from tests.ui.conftest import VALID_BIN, VALID_IIN, idle
from tests.ui.driver import WizardDriver


def test_qt_speaks_russian_and_the_attach_dialog_is_labelled_in_kazakh_too(
    qtbot, desk_app, main_window
):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("attestation")
    drive.place()
    drive.applicant(VALID_BIN, "«Қазмұнай» ЖШС")
    scans = drive.page("page_documents").editors["application"].scan_list
    scans.choose_files()
    dialog = scans.file_dialog
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert dialog.labelText(QFileDialog.DialogLabel.LookIn) == "Қайда:"
    assert dialog.labelText(QFileDialog.DialogLabel.FileType) == "Файл түрі:"
    dialog.reject()
    set_language("ru")
    try:
        # Qt's own translation is installed: its dialogs, menus and calendars in Russian.
        assert QCoreApplication.translate("QFileDialog", "Detail View") == "Подробный вид"
        assert QCoreApplication.translate("QPrintDialog", "Print") == "Печать"
        scans.choose_files()
        assert scans.file_dialog.labelText(QFileDialog.DialogLabel.LookIn) == "Папка:"
        scans.file_dialog.reject()
    finally:
        set_language("kk")
    assert QCoreApplication.translate("QFileDialog", "Detail View") == "Толық көрініс"


def test_the_bundle_keeps_the_qt_translations_it_loads():
    from pathlib import Path

    spec = (Path(__file__).resolve().parents[2] / "installer" / "ozq_desktop.spec").read_text()
    assert "qtbase_ru.qm" in spec and "qtbase_kk.qm" in spec
    assert (Path(translations_dir()) / "qtbase_ru.qm").exists()


def test_the_supervision_window_follows_a_switch_and_takes_the_shortcuts(qtbot, data_folder):
    from tests.ui.conftest import set_up_desk, sign_in, start_app

    set_up_desk(data_folder)
    app = start_app(qtbot, data_folder)
    try:
        window = sign_in(qtbot, app, "boss", "supersecret")
        window.actions[ActionId.USERS].trigger()
        supervision = window.supervision
        page = supervision.users
        idle(qtbot, app)
        qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)  # empty: refused
        idle(qtbot, app)
        kazakh = page.message.text()
        assert kazakh
        supervision.activateWindow()  # the clerk types in the window in front
        qtbot.waitUntil(lambda: QApplication.activeWindow() is supervision)
        QTest.keySequence(supervision, "Ctrl+Shift+R")  # in the supervision window itself
        assert supervision.windowTitle() == "Руководство"
        assert page.message.text() != kazakh  # the status line follows the language
        QTest.keySequence(supervision, "Ctrl+Shift+K")
        assert page.message.text() == kazakh
        supervision.close()
    finally:
        set_language("kk")
        app.shutdown()


def test_a_refusal_never_says_accepted_nor_shares_a_name_with_cancel(qtbot, desk_app, main_window):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("declaration-registration")
    drive.place()
    drive.applicant(VALID_IIN, "Серікбаев Ахмет", kind="natural_person")
    drive.documents({"application": []}, date.today() - timedelta(days=5))
    drive.annex1({})
    drive.consent()
    wizard = drive.wizard
    drive.page("page_review")
    refuse, cancel = wizard.next_button.text(), wizard.cancel_button.text()
    assert refuse.startswith("Бас тарту")  # "Refuse: Annex 2"
    assert not cancel.startswith(refuse.split(":")[0])  # Cancel is a different word
    drive.confirm()
    details = wizard.done_page.details.text()
    assert "қабылданды" not in details and "бас тартылды" in details


def test_every_file_dialog_is_labelled_in_kazakh(qtbot, desk_app, main_window, tmp_path):
    """Saving a document as PDF and choosing a key file use the same labelled Qt dialog as
    attaching a scan: Qt ships no Kazakh for "Look in" or "Files of type"."""
    from ozq_desktop.documents import Kind
    from ozq_desktop.ui.pdf_preview import PdfPreviewDialog
    from ozq_desktop.ui.signing_dialog import SigningDialog
    from tests.ui.test_scans_and_printing import accepted_package

    drive = accepted_package(qtbot, desk_app, tmp_path)
    idle(qtbot, desk_app)
    preview = PdfPreviewDialog(
        desk_app.services,
        Kind.RECEIPT,
        drive.wizard.result.package_id,
        main_window,
        file_stem="receipt",
    )
    preview.open()
    qtbot.waitUntil(lambda: preview.pdf_bytes.startswith(b"%PDF-"), timeout=20000)
    preview.save_document()
    dialog = preview.file_dialog
    assert dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert dialog.acceptMode() is QFileDialog.AcceptMode.AcceptSave
    assert dialog.labelText(QFileDialog.DialogLabel.LookIn) == "Қайда:"
    assert dialog.labelText(QFileDialog.DialogLabel.Accept) == "Сақтау"
    target = tmp_path / "чек.pdf"
    dialog.fileSelected.emit(str(target))  # as the dialog does when the clerk saves
    qtbot.waitUntil(target.exists, timeout=10000)
    assert target.read_bytes() == preview.pdf_bytes
    preview.close()

    signing = SigningDialog(desk_app.services, main_window.clerk, main_window)
    signing.browse()
    keys = signing.file_dialog
    assert keys.fileMode() is QFileDialog.FileMode.ExistingFile
    assert keys.labelText(QFileDialog.DialogLabel.FileType) == "Файл түрі:"
    keys.fileSelected.emit("/tmp/clerk.p12")
    assert signing.path_edit.text() == "/tmp/clerk.p12"
    signing.close()
