"""A printed document on screen before it goes to paper: view, print, save as PDF.

The PDF is rendered off the GUI thread. Print opens the desk's own print dialog (the
system's printers, in the clerk's language) and hands the PDF itself to the print system
(devices/printer.py) in a worker; the printer, copies and sides chosen last are remembered.
A printer that is missing, paused or out of paper says so here, and the document stays on
screen to be printed again or saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSettings
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.devices.printer import PrintSystem
from ozq_desktop.i18n import LANGUAGES, N_, current_language, tr
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.language_switch import LANGUAGE_NAMES
from ozq_desktop.ui.message_label import MessageLabel
from ozq_desktop.ui.print_dialog import (
    COPIES_KEY,
    PRINTER_KEY,
    PrintChoice,
    PrintDialog,
    PrintedDocument,
    print_pdf,
)
from ozq_desktop.ui.tasks import TaskRunner

__all__ = ["COPIES_KEY", "PRINTER_KEY", "PdfPreviewDialog"]

SAVE_FOLDER_KEY = "printing/save_folder"

Render = Callable[[str], bytes]  # language -> PDF bytes, run in a worker


class PdfPreviewDialog(QDialog):
    def __init__(
        self,
        tasks: TaskRunner,
        settings: QSettings,
        title_msgid: str,
        render: Render,
        kind: str,
        file_stem: str,
        parent: QWidget | None = None,
        *,
        user_id: int | None = None,
        object_id: str = "",
        printers: PrintSystem | None = None,
    ) -> None:
        """`user_id` and `object_id` (a package id or a day) go into the audit row written
        when the document is printed or saved."""
        super().__init__(parent)
        if printers is None:
            from ozq_desktop.ui.qt_printing import system_print_system

            printers = system_print_system()
        self._printers = printers
        self.print_dialog: PrintDialog | None = None
        self.setObjectName("pdf_preview")
        self.resize(820, 900)
        self._tasks = tasks
        self._settings = settings
        self._render = render
        self._kind = kind
        self._file_stem = file_stem
        self._user_id = user_id
        self._object_id = object_id
        self.pdf_bytes: bytes = b""
        self._buffer: QBuffer | None = None
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, title_msgid)

        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.language = QComboBox(self)
        named(self.language, "pdf_language", self.texts, N_("Language of the document"))
        for code in LANGUAGES:
            self.language.addItem(tr(LANGUAGE_NAMES[code]), code)
        self.language.setCurrentIndex(self.language.findData(current_language()))
        language_label = QLabel(self)
        language_label.setBuddy(self.language)
        self.texts.bind(language_label.setText, N_("Language of the document"))
        self.print_button = QPushButton(self)
        named(self.print_button, "pdf_print", self.texts, N_("Print…"))
        self.texts.bind(self.print_button.setText, N_("Print…"))
        self.save_button = QPushButton(self)
        named(self.save_button, "pdf_save", self.texts, N_("Save as PDF…"))
        self.texts.bind(self.save_button.setText, N_("Save as PDF…"))
        self.close_button = QPushButton(self)
        named(self.close_button, "pdf_close", self.texts, N_("Close"))
        self.texts.bind(self.close_button.setText, N_("Close"))
        self.status = MessageLabel("pdf_status", self)

        bar = QHBoxLayout()
        bar.addWidget(language_label)
        bar.addWidget(self.language)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)

        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_document)
        self.close_button.clicked.connect(self.accept)
        self.language.currentIndexChanged.connect(self.refresh)
        follow_language(self.retranslate)
        self.refresh()

    # -- rendering ----------------------------------------------------------------------

    def refresh(self, *_args: object) -> None:
        lang = self.language.currentData()
        self._set_busy(True)
        self.status.show_message(N_("Preparing the document…"), "note")
        self._tasks.run(lambda: self._render(lang), self._loaded, self._failed, owner=self)

    def _loaded(self, pdf: bytes) -> None:
        self.pdf_bytes = pdf
        self.document.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.status.clear_message()
        self._set_busy(False)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.status.show_error(exc)

    def _set_busy(self, busy: bool) -> None:
        for button in (self.print_button, self.save_button, self.language):
            button.setEnabled(not busy)

    # -- printing -----------------------------------------------------------------------

    def print_document(self) -> None:
        """Print…: the desk's print dialog, then the PDF to the chosen queue."""
        dialog = PrintDialog(self._tasks, self._printers, self._settings, self._kind, self)
        dialog.accepted.connect(lambda: self.print_to(dialog.choice()))
        self.print_dialog = dialog
        dialog.open()

    def print_to(self, choice: PrintChoice) -> None:
        """Send the PDF on screen to `choice.printer` off the GUI thread."""
        pdf = self.pdf_bytes
        document = PrintedDocument(
            self._kind,
            self._file_stem,
            self._user_id,
            self._object_id,
            str(self.language.currentData()),
        )
        self.status.show_message(N_("Sending to the printer {name}…"), "note", name=choice.printer)
        self.print_button.setEnabled(False)
        print_pdf(
            self._tasks,
            self._printers,
            document,
            lambda: pdf,
            choice,
            self._printed,
            self._print_failed,
            owner=self,
        )

    def _printed(self, choice: PrintChoice) -> None:
        self.print_button.setEnabled(True)
        self.status.show_message(N_("Sent to the printer {name}."), "ok", name=choice.printer)

    def _print_failed(self, exc: BaseException) -> None:
        """Nothing was printed: the message says why; Print and Save stay at hand."""
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.status.show_error(exc)

    # -- saving -------------------------------------------------------------------------

    def save_document(self) -> None:
        folder = str(self._settings.value(SAVE_FOLDER_KEY, "") or "")
        suggested = (
            str(Path(folder) / f"{self._file_stem}.pdf") if folder else f"{self._file_stem}.pdf"
        )
        path, _ = QFileDialog.getSaveFileName(
            self, tr(N_("Save as PDF…")), suggested, tr(N_("PDF documents (*.pdf)"))
        )
        if path:
            self._settings.setValue(SAVE_FOLDER_KEY, str(Path(path).parent))
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        pdf = self.pdf_bytes

        def saved(_n: int) -> None:
            self.status.show_message(N_("Saved: {path}"), "ok", path=str(path))
            self._record("pdf_file", path.name, 1)

        self._tasks.run(lambda: path.write_bytes(pdf), saved, self.status.show_error, owner=self)

    def _record(self, destination: str, target: str, copies: int) -> None:
        """Printing is in the audit trail: who printed what, in which language, where to."""
        from ozq_desktop.domain.audit import record_printing

        facts = {
            "user_id": self._user_id,
            "document": self._kind,
            "object_id": self._object_id,
            "lang": str(self.language.currentData()),
            "destination": destination,
            "target": target,
            "copies": copies,
        }
        self._tasks.write(
            lambda s: record_printing(session=s, **facts),
            None,
            self.status.show_error,
            owner=self,
        )

    def retranslate(self) -> None:
        self.texts.apply()
        for i in range(self.language.count()):
            self.language.setItemText(i, tr(LANGUAGE_NAMES[self.language.itemData(i)]))
