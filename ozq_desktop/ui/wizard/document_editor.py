"""One checklist line of the documents page: presented or not, scans, sheet count, and for an
expert conclusion its validity and form.

The sheet count is the scans' pages once they are counted (domain/checklist.py): the field then
shows that count and cannot be typed over; without counted scans the clerk types it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.domain.drafts import DocumentDraft
from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.context import DeskServices
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.wizard.conclusion_fields import ConclusionFields
from ozq_desktop.ui.wizard.scan_list import SCAN_SHORTCUT, ScanList
from ozq_wire.catalog import DocumentSpec

FORM_NOTES = (
    ("is_application", N_("the application (Annex 1), certified with the clerk's EDS")),
    ("electronic_copy", N_("an electronic copy")),
    ("applicant_eds", N_("certified with the applicant's EDS")),
)


class DocumentEditor(QFrame):
    changed = Signal()

    def __init__(
        self,
        services: DeskServices,
        spec: DocumentSpec,
        number: int,
        today: Callable[[], date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.spec = spec
        self.number = number
        self.setObjectName(f"doc_{spec.code}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAcceptDrops(True)
        self.texts = Texts()

        self.title = QLabel(self)
        self.title.setObjectName(f"doc_{spec.code}_title")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.notes = QLabel(self)
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #555;")

        self.presented = QCheckBox(self)
        named(self.presented, f"doc_{spec.code}_presented", self.texts, N_("Presented"))
        self.texts.bind(self.presented.setText, N_("Presented"))
        self.pages = QSpinBox(self)
        self.pages.setRange(0, 9999)
        named(self.pages, f"doc_{spec.code}_pages", self.texts, N_("Number of pages"))
        self._typed_pages = 0  # what the clerk typed, for a document without counted scans
        pages_label = QLabel(self)
        pages_label.setBuddy(self.pages)
        self.texts.bind(pages_label.setText, N_("Pages:"))
        self.pages_source = QLabel(self)
        self.pages_source.setObjectName(f"doc_{spec.code}_pages_source")
        self.pages_source.setStyleSheet("color: #555;")
        self.texts.bind(self.pages_source.setText, N_("(counted from the scans)"))
        top = QHBoxLayout()
        top.addWidget(self.presented)
        top.addStretch(1)
        top.addWidget(pages_label)
        top.addWidget(self.pages)
        top.addWidget(self.pages_source)

        self.scan_list = ScanList(
            services, spec.code, self, title=lambda: self.spec.name.get(current_language())
        )
        # Ctrl+Shift+S scans into the document whose line has the keyboard focus.
        scan = QShortcut(QKeySequence(SCAN_SHORTCUT), self)
        scan.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        scan.activated.connect(self.scan_list.scan)
        self.conclusion = (
            ConclusionFields(spec.code, today, self) if spec.expert_conclusion else None
        )

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.notes)
        layout.addLayout(top)
        layout.addWidget(self.scan_list)
        if self.conclusion is not None:
            layout.addWidget(self.conclusion)

        self.presented.toggled.connect(self._presented_toggled)
        self.pages.valueChanged.connect(self._pages_typed)
        self.scan_list.changed.connect(self._scans_changed)
        if self.conclusion is not None:
            self.conclusion.changed.connect(self._emit)
        follow_language(self.retranslate)
        self.retranslate()
        self._sync_enabled()

    def inputs(self) -> list[QWidget]:
        """In tab order."""
        widgets: list[QWidget] = [
            self.presented,
            self.pages,
            self.scan_list.list,
            self.scan_list.scan_button,
            self.scan_list.attach_button,
            self.scan_list.remove_button,
        ]
        if self.conclusion is not None:
            widgets += self.conclusion.inputs()
        return widgets

    def _emit(self, *_args: object) -> None:
        self.changed.emit()

    def _presented_toggled(self, *_args: object) -> None:
        self._sync_enabled()
        self.changed.emit()

    def _pages_typed(self, value: int) -> None:
        if self.pages.isEnabled():
            self._typed_pages = value
        self.changed.emit()

    def _scans_changed(self) -> None:
        self._sync_pages()
        if self.scan_list.scans and not self.presented.isChecked():
            self.presented.setChecked(True)  # emits changed
        else:
            self.changed.emit()

    def _sync_pages(self) -> None:
        """The scans' pages when every scan is counted (a second scan adds its pages);
        otherwise the clerk's own count, editable."""
        doc = self.store()
        from_scans = doc.as_presented().sheets_from_scans
        self.pages.blockSignals(True)
        self.pages.setValue(doc.sheets if from_scans else self._typed_pages)
        self.pages.blockSignals(False)
        self.pages.setEnabled(self.presented.isChecked() and not from_scans)
        self.pages_source.setVisible(from_scans)

    def _sync_enabled(self) -> None:
        self._sync_pages()
        if self.conclusion is not None:
            self.conclusion.setEnabled(self.presented.isChecked())

    # -- drag and drop -------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.scan_list.add_paths(paths)

    # -- the draft -------------------------------------------------------------------------

    def load(self, doc: DocumentDraft) -> None:
        self._typed_pages = doc.pages
        self.presented.setChecked(doc.presented)
        self.pages.setValue(doc.pages)
        self.scan_list.set_scans(doc.scans)
        if self.conclusion is not None:
            self.conclusion.load(doc)
        self._sync_enabled()

    def store(self) -> DocumentDraft:
        doc = DocumentDraft(
            code=self.spec.code,
            presented=self.presented.isChecked(),
            pages=self._typed_pages,
            scans=self.scan_list.scans,
        )
        if self.conclusion is not None and doc.presented:
            self.conclusion.store(doc)
        return doc

    def retranslate(self) -> None:
        self.texts.apply()
        lang = current_language()
        self.title.setText(f"{self.number}. {self.spec.name.get(lang)}")
        notes = [tr(msgid) for flag, msgid in FORM_NOTES if getattr(self.spec, flag)]
        self.notes.setText("; ".join(notes))
        self.notes.setVisible(bool(notes))
