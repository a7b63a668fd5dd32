"""A printed document on screen before it goes to paper: view, print, save as PDF.

The document comes from `documents.render` (one way for every document), rendered off the
GUI thread; its pages reach the screen as images rendered in Qt's own thread (ui/pdf_pages.py),
so the window never waits. Print opens the desk's own print dialog (the system's printers, in
the clerk's language) and hands the PDF itself to the print system (devices/printer.py) in a
worker; the printer, copies and sides chosen last are remembered. A printer that is missing,
paused or out of paper says so here, and the document stays on screen to be printed again or
saved."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop import documents
from ozq_desktop.i18n import LANGUAGES, N_, current_language, tr
from ozq_desktop.settings import SAVE_FOLDER
from ozq_desktop.ui import screen_fit
from ozq_desktop.ui.context import DeskServices
from ozq_desktop.ui.file_dialog import Mode, file_dialog
from ozq_desktop.ui.first_paint import after_first_paint
from ozq_desktop.ui.forms import labelled
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.language_switch import LANGUAGE_NAMES
from ozq_desktop.ui.message_label import MessageLabel
from ozq_desktop.ui.pdf_pages import LoadedPdf, PageView, load_in_worker
from ozq_desktop.ui.print_dialog import PrintChoice, PrintDialog, PrintedDocument, print_pdf


def render_job(services: DeskServices, kind: documents.Kind, ref: documents.Ref, lang: str):
    """The job that renders a document for the task helper's pool: its data is read on the
    database worker, the rendering runs on the pool."""
    database, catalog = services.tasks.database(), services.catalog
    return lambda: documents.render(kind, ref, lang, database=database, catalog=catalog)


def preview_job(services: DeskServices, kind: documents.Kind, ref: documents.Ref, lang: str):
    """`render_job`, and the PDF loaded for the screen, both in the pool: (bytes, LoadedPdf)."""
    render = render_job(services, kind, ref, lang)

    def job() -> tuple[bytes, LoadedPdf]:
        pdf = render()
        return pdf, load_in_worker(pdf)

    return job


class Prerender(QObject):
    """A document rendered ahead, in the background, for a preview about to be asked for (the
    receipt, the moment a package is accepted): the preview then opens without waiting."""

    done = Signal()

    def __init__(
        self,
        services: DeskServices,
        kind: documents.Kind,
        ref: documents.Ref,
        lang: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind, self.ref, self.lang = kind, ref, lang
        self.result: tuple[bytes, LoadedPdf] | None = None
        self.failed = False
        job = preview_job(services, kind, ref, lang)
        services.tasks.run(job, self._rendered, self._failed, owner=self)

    def _rendered(self, result: tuple[bytes, LoadedPdf]) -> None:
        self.result = result
        self.done.emit()

    def _failed(self, _exc: BaseException) -> None:
        self.failed = True  # the preview renders it again and shows why
        self.done.emit()

    def matches(self, kind: documents.Kind, ref: documents.Ref, lang: str) -> bool:
        return not self.failed and (self.kind, self.ref, self.lang) == (kind, ref, lang)


class PdfPreviewDialog(QDialog):
    def __init__(
        self,
        services: DeskServices,
        kind: documents.Kind,
        ref: documents.Ref,
        parent: QWidget | None = None,
        *,
        file_stem: str,
        user_id: int | None = None,
        object_id: str = "",
        prerender: Prerender | None = None,
    ) -> None:
        """`user_id` and `object_id` (a package id or a day) go into the audit row written
        when the document is printed or saved. A `prerender` of this document, if given, is
        shown instead of rendering it again."""
        super().__init__(parent)
        self._printers = services.printers
        self.print_dialog: PrintDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self.setObjectName("pdf_preview")
        self._services = services
        self._tasks = services.tasks
        self._settings = services.settings
        self._kind = kind
        self._ref = ref
        self._file_stem = file_stem
        self._user_id = user_id
        self._object_id = object_id
        self._prerender = prerender
        self.pdf_bytes: bytes = b""
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, documents.TITLES[kind])

        self.view = PageView(self)
        self.view.setObjectName("pdf_view")
        self.language = QComboBox(self)
        named(self.language, "pdf_language", self.texts, N_("Language of the document"))
        for code in LANGUAGES:
            self.language.addItem(tr(LANGUAGE_NAMES[code]), code)
        self.language.setCurrentIndex(self.language.findData(current_language()))
        language_label = labelled(self.texts, N_("Language of the document"), self.language)
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
        self.language.currentIndexChanged.connect(self.render)
        screen_fit.fit(self, (820, 900))  # no larger than the screen it opens on
        follow_language(self.retranslate)
        # The document is rendered once the dialog is on screen: a render (Python, in a
        # worker) started while the dialog was still being shown made its first paint, and
        # Qt's calls to the window system, wait for the interpreter now and then for up to
        # a third of a second (bench/bench_gui.py, register-preview, under X11).
        self._preparing()
        after_first_paint(self, self.render)

    @property
    def kind(self) -> documents.Kind:
        return self._kind

    @property
    def page_count(self) -> int:
        return self.view.page_count

    # -- rendering ----------------------------------------------------------------------

    def _preparing(self) -> None:
        self._set_busy(True)
        self.status.show_message(N_("Preparing the document…"), "note")

    def render(self, *_args: object) -> None:
        """Render the document in the chosen language (off the GUI thread)."""
        lang = self.language.currentData()
        self._preparing()
        ahead, self._prerender = self._prerender, None
        if ahead is not None and ahead.matches(self._kind, self._ref, lang):
            if ahead.result is not None:
                self._loaded(ahead.result, reused=True)
                return
            if not ahead.failed:  # still rendering: wait for it rather than start again
                ahead.done.connect(lambda: self._take(ahead, lang))
                self._prerender = ahead
                return
        job = preview_job(self._services, self._kind, self._ref, lang)
        self._tasks.run(job, self._loaded, self._failed, owner=self)

    def _take(self, ahead: Prerender, lang: str) -> None:
        if self._prerender is not ahead:
            return
        self._prerender = None
        if ahead.result is not None and self.language.currentData() == lang:
            self._loaded(ahead.result, reused=True)
        else:
            self.render()

    def _loaded(self, rendered: tuple[bytes, LoadedPdf], reused: bool = False) -> None:
        self.pdf_bytes, loaded = rendered
        # A document loaded in a worker is handed over once; shown again, it loads anew.
        self.view.set_pdf(self.pdf_bytes if reused and loaded.taken else loaded)
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
        dialog = PrintDialog(self._tasks, self._printers, self._settings, str(self._kind), self)
        dialog.accepted.connect(lambda: self.print_to(dialog.choice()))
        self.print_dialog = dialog
        dialog.open()

    def print_to(self, choice: PrintChoice) -> None:
        """Send the PDF on screen to `choice.printer` off the GUI thread."""
        pdf = self.pdf_bytes
        document = PrintedDocument(
            str(self._kind),
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
        folder = self._settings.get(SAVE_FOLDER)
        suggested = (
            str(Path(folder) / f"{self._file_stem}.pdf") if folder else f"{self._file_stem}.pdf"
        )
        dialog = file_dialog(
            self, N_("Save as PDF…"), suggested, tr(N_("PDF documents (*.pdf)")), Mode.SAVE
        )
        dialog.fileSelected.connect(self._save_chosen)
        self.file_dialog = dialog
        dialog.open()

    def _save_chosen(self, path: str) -> None:
        self.file_dialog = None
        if path:
            self._settings.set(SAVE_FOLDER, str(Path(path).parent))
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
            "document": str(self._kind),
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
