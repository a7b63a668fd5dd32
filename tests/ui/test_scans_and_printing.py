"""Scans by drag-and-drop with a preview and a page count, refused files named with the
reason, and the receipt preview saved as a real PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from ozq_desktop.models import AuditRow
from ozq_desktop.storage.engine import reading
from tests.ui.conftest import VALID_BIN, idle, make_pdf
from tests.ui.driver import WizardDriver


def drop_files(widget, paths) -> None:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(10, 10)
    enter = QDragEnterEvent(
        point,
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        point,
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, drop)


def documents_page(qtbot, desk_app):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("attestation")
    drive.place()
    drive.applicant(VALID_BIN, "«Қазмұнай» ЖШС")
    return drive, drive.page("page_documents")


def test_a_dropped_pdf_is_stored_previewed_and_counted(qtbot, desk_app, main_window, tmp_path):
    drive, page = documents_page(qtbot, desk_app)
    editor = page.editors["expert_conclusion"]
    assert not editor.presented.isChecked()
    drop_files(editor, [make_pdf(tmp_path / "қорытынды.pdf", pages=4)])
    qtbot.waitUntil(lambda: editor.pages.value() == 4, timeout=10000)
    # the pages are counted as the file is stored; the preview follows
    qtbot.waitUntil(lambda: not editor.scan_list.preview.pixmap().isNull(), timeout=10000)
    scan = editor.scan_list.scans[0]
    assert scan.name == "қорытынды.pdf" and scan.mime == "application/pdf"
    assert desk_app.desk.scans.has(scan.sha256)
    stored = desk_app.desk.scans.path_of(scan.sha256).read_bytes()
    assert not stored.startswith(b"%PDF")  # kept encrypted at rest, previewed all the same
    assert editor.presented.isChecked()  # a scan means the document is there
    # The first page is rendered in QtPdf's own thread and arrives a moment later.
    qtbot.waitUntil(lambda: not editor.scan_list.preview.pixmap().isNull(), timeout=10000)
    assert editor.scan_list.preview.pixmap().width() <= 120
    assert "4" in editor.scan_list.list.item(0).text()
    idle(qtbot, desk_app)
    assert drive.wizard.draft.documents["expert_conclusion"].scans[0].sha256 == scan.sha256


def test_a_file_that_is_not_a_scan_is_refused_with_the_reason(
    qtbot, desk_app, main_window, tmp_path
):
    _drive, page = documents_page(qtbot, desk_app)
    editor = page.editors["application"]
    note = tmp_path / "өтініш.docx"
    note.write_bytes(b"PK\x03\x04 not a scan")
    empty = tmp_path / "бос.pdf"
    empty.write_bytes(b"")
    drop_files(editor, [note])
    error = editor.scan_list.error
    qtbot.waitUntil(lambda: "өтініш.docx" in error.text(), timeout=10000)
    assert "PDF, JPEG, PNG" in error.text() or "PDF" in error.text()
    editor.scan_list.add_paths([empty])
    qtbot.waitUntil(lambda: "бос.pdf" in error.text(), timeout=10000)
    assert editor.scan_list.scans == []


def accepted_package(qtbot, desk_app, tmp_path):
    drive = WizardDriver(qtbot, desk_app)
    drive.complete_attestation(tmp_path)
    drive.confirm()
    return drive


def test_the_receipt_preview_saves_a_real_pdf(qtbot, desk_app, main_window, tmp_path):
    drive = accepted_package(qtbot, desk_app, tmp_path)
    receipt_no = drive.wizard.result.receipt_no
    qtbot.mouseClick(drive.wizard.done_page.print_receipt, Qt.MouseButton.LeftButton)
    preview = drive.wizard.preview
    qtbot.waitUntil(lambda: preview.pdf_bytes.startswith(b"%PDF-"), timeout=20000)
    # Rendered ahead the moment the package was accepted, and shown without rendering again.
    assert preview.pdf_bytes is drive.wizard.prerender.result[0]
    assert preview.page_count == 2  # the applicant's copy and the centre's
    qtbot.waitUntil(lambda: 0 in preview.view.images, timeout=20000)  # rendered as an image
    assert preview.view.images[0].width() > 300
    assert receipt_no in _text(preview.pdf_bytes)

    preview.language.setCurrentIndex(preview.language.findData("ru"))
    qtbot.waitUntil(lambda: "Расписка" in _text(preview.pdf_bytes), timeout=20000)

    saved = tmp_path / "receipt.pdf"
    preview.save_to(saved)
    qtbot.waitUntil(saved.exists, timeout=10000)
    assert _text(saved.read_bytes()) == _text(preview.pdf_bytes)

    preview.close()

    # The saved file is in the audit trail, with the package's id (printing through the print
    # system is tested with CUPS in test_devices.py).
    def printed_rows():
        with reading(desk_app.desk.factory) as s:
            return [
                (r.object_id, r.user_id, r.details)
                for r in s.scalars(select(AuditRow).where(AuditRow.action == "document_printed"))
            ]

    qtbot.waitUntil(lambda: len(printed_rows()) == 1, timeout=10000)
    ((object_id, user_id, details),) = printed_rows()
    assert object_id == drive.wizard.result.package_id
    assert user_id == main_window.clerk.user.id
    assert details["destination"] == "pdf_file" and details["target"] == "receipt.pdf"
    assert details["document"] == "receipt" and details["lang"] == "ru"


def _text(pdf: bytes) -> str:
    return " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages)


def test_a_preview_renders_once_it_is_on_screen(qtbot, desk_app, main_window, tmp_path):
    """The document is rendered after the dialog's first paint: a render started while the
    dialog was being shown made the window system's calls wait for the interpreter, now and
    then for a third of a second (bench/bench_gui.py, register-preview)."""
    from PySide6.QtTest import QTest

    from ozq_desktop.documents import Kind
    from ozq_desktop.ui.pdf_preview import PdfPreviewDialog

    drive = accepted_package(qtbot, desk_app, tmp_path)
    idle(qtbot, desk_app)
    result = drive.wizard.result
    preview = PdfPreviewDialog(
        desk_app.services, Kind.RECEIPT, result.package_id, main_window, file_stem="receipt"
    )
    QTest.qWait(100)  # not yet shown: nothing rendered, the clerk is told it is coming
    assert desk_app.tasks.pending == 0 and preview.pdf_bytes == b""
    assert preview.status.text()
    preview.open()
    qtbot.waitUntil(lambda: preview.pdf_bytes.startswith(b"%PDF-"), timeout=20000)
    assert result.receipt_no in _text(preview.pdf_bytes)
    preview.close()
