"""The counter's devices through the real application: scanning into the wizard from SANE's
`test` backend and accepting the package; the receipt through the print dialog to a real CUPS
queue (cups-pdf) and read back; a paused printer; the receipt printed at once; and the queue
ticket typed the way a barcode reader types it."""

from __future__ import annotations

import io
import subprocess
from datetime import date, time

from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from ozq_desktop.devices.scanner import ColourMode, Source
from ozq_desktop.domain.waiting import ticket_issued_at, wait_seconds
from ozq_desktop.models import AuditRow, Package
from ozq_desktop.storage.engine import reading
from ozq_desktop.ui import scan_dialog
from ozq_desktop.ui.dialogs import UnattachedChoice
from ozq_desktop.ui.print_dialog import AT_ONCE_KEY, PRINTER_KEY
from tests.devices.helpers import cups, cups_session, sane  # noqa: F401
from tests.ui.conftest import VALID_BIN, idle, press, type_text
from tests.ui.driver import WizardDriver

DOCUMENTS = ("application", "expert_conclusion", "specialists_and_base")


def to_documents(qtbot, desk_app) -> WizardDriver:
    drive = WizardDriver(qtbot, desk_app)
    drive.start("attestation")
    drive.place()
    drive.applicant(VALID_BIN, "«Қазмұнай» ЖШС")
    drive.page("page_documents")
    return drive


def open_scan_dialog(qtbot, editor, by_shortcut: bool = False):
    if by_shortcut:
        window = editor.window()
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        editor.presented.setFocus()
        QTest.keyClick(
            editor.presented, Qt.Key.Key_S,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )  # fmt: skip
    else:
        qtbot.mouseClick(editor.scan_list.scan_button, Qt.MouseButton.LeftButton)
    dialog = editor.scan_list.scan_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.device.count() == 2, timeout=15000)  # test:0 and test:1
    return dialog


def scan(qtbot, dialog, source: Source, expected_pages: int) -> None:
    dialog.source.setCurrentIndex(dialog.source.findData(source.value))
    dialog.dpi.setCurrentIndex(dialog.dpi.findData(200))
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.scanning, timeout=30000)
    assert len(dialog.batch) == expected_pages, dialog.status.text()


def test_scanning_into_the_wizard_then_accepting_the_package(qtbot, desk_app, main_window, sane):  # noqa: F811
    drive = to_documents(qtbot, desk_app)
    page = drive.page("page_documents")

    # The application: ten pages from the feeder, one removed and two swapped before attaching.
    editor = page.editors["application"]
    dialog = open_scan_dialog(qtbot, editor)
    arrivals = []
    dialog.pages.model().rowsInserted.connect(lambda *_: arrivals.append(dialog.pages.count()))
    scan(qtbot, dialog, Source.FEEDER, 10)
    assert dialog.pages.count() == 10 and max(arrivals) == 10 and len(arrivals) >= 10
    second = dialog.batch.pages[1]
    dialog.pages.setCurrentRow(0)
    dialog.pages.setFocus()
    QTest.keyClick(dialog.pages, Qt.Key.Key_Delete)
    assert len(dialog.batch) == 9 and dialog.batch.pages[0] is second
    dialog.pages.setCurrentRow(1)
    QTest.keyClick(dialog, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert dialog.pages.currentRow() == 0
    QTest.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # attach
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    qtbot.waitUntil(lambda: editor.pages.value() == 9, timeout=10000)  # the sheet count
    (stored,) = editor.scan_list.scans
    assert stored.mime == "application/pdf" and editor.presented.isChecked()
    pdf = desk_app.desk.scans.read(stored.sha256)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 9  # the removed page is not in it
    assert not desk_app.desk.scans.path_of(stored.sha256).read_bytes().startswith(b"%PDF")

    # The settings are the desk's: the next document's dialog opens on the feeder.
    remembered = Source.FEEDER
    assert desk_app.settings.value(scan_dialog.SOURCE_KEY) == remembered.value
    for code in DOCUMENTS[1:]:
        editor = page.editors[code]
        dialog = open_scan_dialog(qtbot, editor, by_shortcut=True)
        assert dialog.source.currentData() == remembered.value
        remembered = Source.FLATBED
        dialog.mode.setCurrentIndex(dialog.mode.findData(ColourMode.COLOUR.value))
        scan(qtbot, dialog, Source.FLATBED, 1)
        qtbot.mouseClick(dialog.attach_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda e=editor: e.pages.value() == 1, timeout=15000)
    conclusion = page.editors["expert_conclusion"].conclusion
    today = date.today()
    conclusion.expertise_date.setDate(QDate(today.year, today.month, today.day))
    conclusion.signed.setChecked(True)
    conclusion.sealed.setChecked(True)
    conclusion.bound.setChecked(True)
    conclusion.bound_pages.setValue(12)
    idle(qtbot, desk_app)
    drive.next()
    drive.annex1({"industry_sector": "мұнай-газ", "activity_kind": "сараптама"})
    drive.consent()
    drive.confirm()
    result = drive.wizard.result
    assert result.outcome.value == "accept"
    with reading(desk_app.desk.factory) as s:
        package = s.get(Package, result.package_id)
        pages = {d.code: d.pages for d in package.documents}
        files = [f.mime for f in package.files]
    assert pages == {"application": 9, "expert_conclusion": 1, "specialists_and_base": 1}
    assert files.count("application/pdf") == 4  # three scans and the Annex 1 application


def test_device_errors_and_cancel_in_the_dialog_keep_the_pages(
    qtbot,
    desk_app,
    main_window,
    sane,  # noqa: F811
    monkeypatch,
):
    to_documents(qtbot, desk_app)
    editor = WizardDriver(qtbot, desk_app).page("page_documents").editors["application"]
    dialog = open_scan_dialog(qtbot, editor)
    scan(qtbot, dialog, Source.FLATBED, 1)
    scan(qtbot, dialog, Source.FLATBED, 2)
    settings = desk_app.settings
    messages = {}
    for status in ("SANE_STATUS_JAMMED", "SANE_STATUS_COVER_OPEN", "SANE_STATUS_NO_DOCS"):
        settings.setValue(scan_dialog.OPTIONS_KEY, [f"--read-return-value={status}"])
        scan(qtbot, dialog, Source.FEEDER, 2)  # nothing lost, nothing half-scanned added
        assert dialog.status.kind == "error"
        messages[status] = dialog.status.text()
    assert "кептеліп" in messages["SANE_STATUS_JAMMED"]  # kk: the paper is jammed
    assert "қақпағы ашық" in messages["SANE_STATUS_COVER_OPEN"]
    assert "бос" in messages["SANE_STATUS_NO_DOCS"]

    # Cancel in the middle of a slow feeder batch: the pages that came stay.
    settings.setValue(
        scan_dialog.OPTIONS_KEY,
        ["-x=40", "-y=50", "--read-delay=yes", "--read-delay-duration=200000"],
    )
    dialog.source.setCurrentIndex(dialog.source.findData(Source.FEEDER.value))
    qtbot.mouseClick(dialog.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dialog.batch) == 3, timeout=15000)
    press(dialog, Qt.Key.Key_Escape)  # Esc stops the scan; it does not close the dialog
    qtbot.waitUntil(lambda: not dialog.scanning, timeout=15000)
    assert dialog.isVisible() and 3 <= len(dialog.batch) < 12
    assert "тоқтатылды" in dialog.status.text()  # kk: the scan was stopped

    # Closing with pages not attached asks; "keep scanning" keeps everything.
    answers = [UnattachedChoice.KEEP_SCANNING, UnattachedChoice.ATTACH]
    monkeypatch.setattr(scan_dialog, "ask_unattached_pages", lambda parent, n: answers.pop(0))
    kept = len(dialog.batch)
    press(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and len(dialog.batch) == kept
    press(dialog, Qt.Key.Key_Escape)  # now: attach them
    qtbot.waitUntil(lambda: editor.pages.value() == kept, timeout=15000)


def test_no_scanner_says_so(qtbot, desk_app, main_window, sane):  # noqa: F811
    (sane / "dll.conf").write_text("")
    to_documents(qtbot, desk_app)
    editor = WizardDriver(qtbot, desk_app).page("page_documents").editors["application"]
    qtbot.mouseClick(editor.scan_list.scan_button, Qt.MouseButton.LeftButton)
    dialog = editor.scan_list.scan_dialog
    qtbot.waitUntil(lambda: dialog.status.kind == "error", timeout=15000)
    assert "Сканер табылмады" in dialog.status.text()
    assert not dialog.scan_button.isEnabled()


def accepted(qtbot, desk_app, tmp_path) -> WizardDriver:
    drive = WizardDriver(qtbot, desk_app)
    drive.complete_attestation(tmp_path)
    drive.confirm()
    return drive


def print_through_the_dialog(qtbot, preview, queue: str):
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    dialog = preview.print_dialog
    qtbot.waitUntil(lambda: dialog.printers.count() > 0, timeout=15000)
    row = next(i for i, p in enumerate(dialog.found) if p.name == queue)
    dialog.printers.setCurrentRow(row)
    assert not dialog.duplex.isEnabled()  # a receipt's copies never share a sheet
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: preview.print_button.isEnabled(), timeout=30000)


def test_the_receipt_prints_through_the_print_dialog_to_cups(
    qtbot,
    desk_app,
    main_window,
    cups,  # noqa: F811
    tmp_path,
):
    drive = accepted(qtbot, desk_app, tmp_path)
    receipt_no = drive.wizard.result.receipt_no
    qtbot.mouseClick(drive.wizard.done_page.print_receipt, Qt.MouseButton.LeftButton)
    preview = drive.wizard.preview
    qtbot.waitUntil(lambda: preview.pdf_bytes.startswith(b"%PDF-"), timeout=20000)

    print_through_the_dialog(qtbot, preview, cups.queue)
    assert preview.status.kind == "ok" and cups.queue in preview.status.text()
    (printed,) = cups.printed()
    reader = PdfReader(str(printed))
    assert len(reader.pages) == 2
    assert {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    } == {(595, 842)}  # A4
    text = subprocess.run(
        ["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert receipt_no in text
    assert desk_app.settings.value(PRINTER_KEY) == cups.queue  # the desk remembers it

    # Paused: a clear message, nothing queued, the document still here to save or reprint.
    cups.run("cupsdisable", cups.queue)
    print_through_the_dialog(qtbot, preview, cups.queue)
    assert preview.status.kind == "error" and "кідіртілген" in preview.status.text()
    assert preview.save_button.isEnabled() and preview.print_button.isEnabled()
    saved = tmp_path / "receipt.pdf"
    preview.save_to(saved)
    qtbot.waitUntil(saved.exists, timeout=10000)
    cups.run("cupsenable", cups.queue)
    print_through_the_dialog(qtbot, preview, cups.queue)
    assert len(cups.printed(count=2)) == 2

    def rows():
        with reading(desk_app.desk.factory) as s:
            return [
                r.details
                for r in s.scalars(select(AuditRow).where(AuditRow.action == "document_printed"))
            ]

    qtbot.waitUntil(lambda: len(rows()) == 3, timeout=10000)  # two printouts and the file
    printer_rows = [d for d in rows() if d["destination"] == "printer"]
    assert [d["target"] for d in printer_rows] == [cups.queue, cups.queue]
    preview.close()


def test_the_receipt_printed_at_once_after_acceptance(
    qtbot,
    desk_app,
    main_window,
    cups,  # noqa: F811
    tmp_path,
):
    desk_app.settings.setValue(PRINTER_KEY, cups.queue)
    desk_app.settings.setValue(AT_ONCE_KEY, "true")
    drive = accepted(qtbot, desk_app, tmp_path)
    status = drive.wizard.done_page.print_status
    qtbot.waitUntil(lambda: status.kind == "ok", timeout=30000)
    assert cups.queue in status.text()
    (printed,) = cups.printed()
    assert len(PdfReader(str(printed)).pages) == 2
    assert drive.wizard.preview is None  # no preview was needed


def test_the_queue_ticket_from_a_barcode_reader_and_the_wait(qtbot, desk_app, main_window):
    drive = WizardDriver(qtbot, desk_app)
    wizard = drive.start("attestation")
    place = drive.page("page_place")
    number = place.ticket.number
    qtbot.waitUntil(number.hasFocus)
    type_text(number, "A123 09:15")  # what the reader types, then its Enter
    press(number, Qt.Key.Key_Return)
    drive.page("page_applicant")  # the reader's Enter went on to the next page
    assert place.ticket.number.text() == "A123" and place.ticket.time.text() == "09:15"
    assert (wizard.draft.ticket_number, wizard.draft.ticket_time) == ("A123", time(9, 15))
    expected = wait_seconds(
        ticket_issued_at(time(9, 15), wizard.draft.started_at), wizard.draft.started_at
    )
    assert place.ticket.wait_seconds() == expected

    drive.wizard.go_back()
    place.ticket.time.setText("9:7")
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    assert wizard.index == 0 and "СС:ММ" in wizard.problem.text()  # kk: HH:MM
    place.ticket.time.setText("")
    qtbot.mouseClick(place.home_radio, Qt.MouseButton.LeftButton)
    assert not place.ticket.isEnabled()
    place.visit_address.setText("Алматы қ., Абай даңғ., 1")
    place.visit_reason.setText("денсаулығы")
    drive.next()
    assert wizard.draft.ticket_number == "" and wizard.draft.ticket_time is None
