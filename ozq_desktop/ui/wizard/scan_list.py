"""The scans of one document: scan from the scanner, attach by file dialog or drag-and-drop,
remove, preview.

Files go into the content-addressed ScanStore through the task helper; a refused file
(wrong type, empty, too large) is named with the store's own reason. Pages from the scanner
come through the scan dialog (ui/scan_dialog.py) as one stored PDF, with their count. Each
stored file's pages are counted (storage/pages.py) and kept on its ScanDraft: the document's
sheet count follows from them (domain/checklist.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from ozq_desktop.domain.drafts import ScanDraft
from ozq_desktop.i18n import N_, tr
from ozq_desktop.settings import SCAN_FOLDER
from ozq_desktop.storage.pages import stored_pages
from ozq_desktop.ui.context import DeskServices
from ozq_desktop.ui.file_dialog import file_dialog
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.message_label import MessageLabel
from ozq_desktop.ui.wizard.scan_preview import (
    THUMB,
    ScanPreview,
    make_preview,
    render_first_page,
)

SCAN_SHORTCUT = "Ctrl+Shift+S"


def store_and_count(store, path: Path):
    """In a worker: the file into the store, and its pages counted from what was stored."""
    ref = store.add_file(path)
    return ref, stored_pages(store, ref.sha256, ref.mime)


class ScanList(QWidget):
    changed = Signal()  # a scan added or removed, or its pages counted

    def __init__(
        self,
        services: DeskServices,
        code: str,
        parent: QWidget | None = None,
        title: Callable[[], str] = str,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._code = code
        self._title = title
        self.scan_dialog = None
        self.file_dialog = None
        self._scans: list[ScanDraft] = []
        self._previews: dict[str, QPixmap] = {}
        self.texts = Texts()
        self.list = QListWidget(self)
        named(self.list, f"doc_{code}_scans", self.texts, N_("Attached scans"))
        self.list.setMaximumHeight(90)
        self.attach_button = QPushButton(self)
        named(self.attach_button, f"doc_{code}_attach", self.texts, N_("Attach a scan"))
        self.texts.bind(self.attach_button.setText, N_("Attach a scan…"))
        self.scan_button = QPushButton(self)
        named(self.scan_button, f"doc_{code}_scan", self.texts, N_("Scan from the scanner"))
        self.texts.bind(self.scan_button.setText, N_("Scan…"))
        self.texts.bind_fn(
            self.scan_button.setToolTip,
            lambda: f"{tr(N_('Scan from the scanner'))} ({SCAN_SHORTCUT})",
        )
        self.remove_button = QPushButton(self)
        named(self.remove_button, f"doc_{code}_remove_scan", self.texts, N_("Remove the scan"))
        self.texts.bind(self.remove_button.setText, N_("Remove"))
        for button in (self.scan_button, self.attach_button, self.remove_button):
            button.setAutoDefault(True)
        self.preview = QLabel(self)
        self.preview.setObjectName(f"doc_{code}_preview")
        self.preview.setFixedSize(THUMB + QSize(6, 6))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFrameShape(QLabel.Shape.StyledPanel)
        self.drop_hint = QLabel(self)
        self.drop_hint.setWordWrap(True)
        self.texts.bind(
            self.drop_hint.setText,
            N_("Scan from the scanner, or attach PDF, JPEG, PNG or TIFF files: drag them here."),
        )
        self.error = MessageLabel(f"doc_{code}_scan_error", self)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.list, 0, 0, 1, 3)
        grid.addWidget(self.scan_button, 1, 0)
        grid.addWidget(self.attach_button, 1, 1)
        grid.addWidget(self.remove_button, 1, 2)
        grid.addWidget(self.drop_hint, 2, 0, 1, 3)
        grid.addWidget(self.error, 3, 0, 1, 3)
        grid.addWidget(self.preview, 0, 3, 4, 1, Qt.AlignmentFlag.AlignTop)
        for column in range(3):
            grid.setColumnStretch(column, 1)

        self.scan_button.clicked.connect(self.scan)
        self.attach_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.currentRowChanged.connect(self._show_preview)
        follow_language(self.retranslate)
        self._refresh()

    # -- the scans -------------------------------------------------------------------

    @property
    def scans(self) -> list[ScanDraft]:
        return list(self._scans)

    def set_scans(self, scans: list[ScanDraft]) -> None:
        self._scans = list(scans)
        self._refresh()
        for scan in self._scans:
            self._request_preview(scan)
            if not scan.pages:  # a draft saved before pages were counted
                self._request_count(scan)

    def _request_count(self, scan: ScanDraft) -> None:
        store = self._services.scans
        self._services.tasks.run(
            lambda: stored_pages(store, scan.sha256, scan.mime),
            lambda pages: self._counted(scan.sha256, pages),
            lambda _exc: None,
            owner=self,
        )

    def _counted(self, sha256: str, pages: int) -> None:
        changed = False
        for scan in self._scans:
            if scan.sha256 == sha256 and scan.pages != pages:
                scan.pages = pages
                changed = True
        if changed:
            self.retranslate()
            self.changed.emit()

    def choose_files(self) -> None:
        """Qt's file dialog in the UI language (ui/file_dialog.py); the files come back to
        `_chosen` when the clerk opens them."""
        dialog = file_dialog(
            self,
            N_("Attach a scan"),
            self._services.settings.get(SCAN_FOLDER),
            tr(N_("Scans (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;All files (*)")),
        )
        dialog.filesSelected.connect(self._chosen)
        dialog.finished.connect(lambda _result: self._back_from_dialog())
        self.file_dialog = dialog
        dialog.open()

    def _back_from_dialog(self) -> None:
        """The keyboard goes on where it was: at "Attach a scan…" in the wizard's window."""
        self.window().activateWindow()
        self.attach_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _chosen(self, paths: list[str]) -> None:
        self.file_dialog = None
        if paths:
            self._services.settings.set(SCAN_FOLDER, str(Path(paths[0]).parent))
            self.add_paths([Path(p) for p in paths])

    def scan(self) -> None:
        """Open the scan dialog for this document; its pages come back as one stored PDF."""
        from ozq_desktop.ui.scan_dialog import ScanDialog

        if self.scan_dialog is not None and self.scan_dialog.isVisible():
            self.scan_dialog.raise_()
            return
        self.error.clear_message()
        dialog = ScanDialog(self._services, self._title, f"scan-{self._code}", self.window())
        dialog.attached.connect(self._scanned)
        self.scan_dialog = dialog
        dialog.open()

    def _scanned(self, ref, pages: int) -> None:
        """Pages from the scanner, stored as one PDF: the sheet count follows (changed)."""
        self._stored((ref, pages))

    def add_paths(self, paths: list[Path]) -> None:
        """Store each file (off the GUI thread) and attach it when the store accepts it."""
        self.error.clear_message()
        store = self._services.scans
        for path in paths:
            self._services.tasks.run(
                lambda p=path: store_and_count(store, p),
                self._stored,
                self.error.show_error,
                owner=self,
            )

    def _stored(self, stored) -> None:
        ref, pages = stored
        if any(s.sha256 == ref.sha256 for s in self._scans):
            return
        scan = ScanDraft(ref.sha256, ref.size, ref.mime, ref.name, pages)
        self._scans.append(scan)
        self._refresh()
        self.list.setCurrentRow(len(self._scans) - 1)
        self._request_preview(scan)
        self.changed.emit()

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._scans):
            self._scans.pop(row)
            self._refresh()
            self.changed.emit()

    # -- previews --------------------------------------------------------------------

    def _request_preview(self, scan: ScanDraft) -> None:
        store = self._services.scans
        self._services.tasks.run(
            lambda: make_preview(store.read(scan.sha256), scan.mime),
            lambda preview: self._preview_ready(scan, preview),
            lambda _exc: None,
            owner=self,
        )

    def _preview_ready(self, scan: ScanDraft, preview: ScanPreview) -> None:
        if preview.image is not None:
            self._thumbnail_ready(scan, preview.image)
        elif preview.pdf is not None:
            render_first_page(preview.pdf, self, lambda image: self._thumbnail_ready(scan, image))
        self.retranslate()

    def _thumbnail_ready(self, scan: ScanDraft, image: QImage) -> None:
        if not image.isNull():
            self._previews[scan.sha256] = QPixmap.fromImage(image)
            self._show_preview(self.list.currentRow())

    def _show_preview(self, row: int) -> None:
        if not self._scans:
            self.preview.clear()
            self.preview.setText(tr(N_("No scan")))
            return
        scan = self._scans[row if 0 <= row < len(self._scans) else 0]
        pixmap = self._previews.get(scan.sha256)
        if pixmap is None:
            self.preview.clear()
            self.preview.setText(tr(N_("No preview")))
        else:
            self.preview.setPixmap(pixmap)

    def _refresh(self) -> None:
        current = self.list.currentRow()
        self.list.clear()
        for scan in self._scans:
            item = QListWidgetItem(self._item_text(scan))
            item.setToolTip(scan.sha256)
            self.list.addItem(item)
        if self._scans:
            self.list.setCurrentRow(min(max(current, 0), len(self._scans) - 1))
        self.remove_button.setEnabled(bool(self._scans))
        self.scan_button.setEnabled(True)
        self._show_preview(self.list.currentRow())

    def _item_text(self, scan: ScanDraft) -> str:
        pages = scan.pages
        size_kb = max(1, round(scan.size / 1024))
        if pages:
            return tr(
                N_("{name} — {pages} p., {size} KB"), name=scan.name, pages=pages, size=size_kb
            )
        return tr(N_("{name} — {size} KB"), name=scan.name, size=size_kb)

    def retranslate(self) -> None:
        self.texts.apply()
        for row, scan in enumerate(self._scans):
            self.list.item(row).setText(self._item_text(scan))
        self._show_preview(self.list.currentRow())
