"""Scanning one document of the checklist: pages come in from the scanner one by one, the
clerk checks them, scans one again, removes or reorders them, and attaches them as one PDF.

The scan runs on the task helper's pool; each page reaches this dialog through a Relay as
soon as the scanner has finished it, with its thumbnail made in the worker. A device error or
a cancel stops the scan with its own message and keeps every page already here. Attaching
joins the pages into one PDF (img2pdf, no re-encoding) and stores it in the encrypted scan
store, off the GUI thread. The scanner's settings are remembered per desk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.devices.scanner import (
    CancelToken,
    ColourMode,
    NoScannerError,
    PageBatch,
    ScanCancelledError,
    ScannedPage,
    Scanner,
    ScannerInfo,
    ScanSettings,
    Source,
)
from ozq_desktop.i18n import N_, tr
from ozq_desktop.settings import (
    SCANNER_DEVICE,
    SCANNER_DPI,
    SCANNER_MODE,
    SCANNER_OPTIONS,
    SCANNER_SOURCE,
    Settings,
)
from ozq_desktop.ui import screen_fit
from ozq_desktop.ui.context import DeskServices
from ozq_desktop.ui.dialogs import UnattachedChoice, ask_unattached_pages
from ozq_desktop.ui.forms import add_row, new_form
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.message_label import MessageLabel
from ozq_desktop.ui.tasks import Relay

RESOLUTIONS = (200, 250, 300)
THUMB = QSize(96, 132)
PREVIEW = QSize(380, 520)
SOURCE_NAMES = {Source.FLATBED: N_("Flatbed"), Source.FEEDER: N_("Document feeder (ADF)")}
MODE_NAMES = {ColourMode.GREY: N_("Greyscale"), ColourMode.COLOUR: N_("Colour")}


def scaled_images(page: ScannedPage) -> tuple[QImage, QImage]:
    """The page's thumbnail and preview, decoded at the preview's size (runs in the worker)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(page.data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = QSize(page.width, page.height).scaled(PREVIEW, Qt.AspectRatioMode.KeepAspectRatio)
    reader.setScaledSize(size)
    preview = reader.read()
    thumb = preview.scaled(
        THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    return thumb, preview


def device_options(settings: Settings) -> tuple[tuple[str, str], ...]:
    """Options a particular scanner model needs, as "--name=value" lines (rarely set)."""
    pairs = []
    for line in settings.get(SCANNER_OPTIONS):
        name, _, value = str(line).partition("=")
        if name.strip():
            pairs.append((name.strip(), value.strip()))
    return tuple(pairs)


class ScanDialog(QDialog):
    attached = Signal(object, int)  # the stored ScanRef, its number of pages

    def __init__(
        self,
        services: DeskServices,
        title: Callable[[], str],
        file_stem: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scan_dialog")
        self.services = services
        self.scanner: Scanner = services.scanner
        self._title = title
        self._file_stem = file_stem
        self.batch = PageBatch()
        self.thumbs: list[QPixmap] = []
        self.previews: list[QPixmap] = []
        self.token: CancelToken | None = None
        self.scanning = False
        self.attaching = False
        self._insert_at: int | None = None  # where the next page goes; None: at the end
        self._replace_next = False
        self.texts = Texts()

        self.device = QComboBox(self)
        named(self.device, "scan_device", self.texts, N_("Scanner"))
        self.device.setMinimumContentsLength(24)
        self.find_button = self._button("scan_find", N_("Find scanners"))
        self.source = QComboBox(self)
        named(self.source, "scan_source", self.texts, N_("Source"))
        for source in Source:
            self.source.addItem("", source.value)
        self.dpi = QComboBox(self)
        named(self.dpi, "scan_dpi", self.texts, N_("Resolution"))
        for dpi in RESOLUTIONS:
            self.dpi.addItem(f"{dpi} dpi", dpi)
        self.mode = QComboBox(self)
        named(self.mode, "scan_mode", self.texts, N_("Colour"))
        for mode in ColourMode:
            self.mode.addItem("", mode.value)
        form = new_form()
        device_row = QHBoxLayout()
        device_row.addWidget(self.device, 1)
        device_row.addWidget(self.find_button)
        self._row(form, N_("Scanner"), self.device, device_row)
        self._row(form, N_("Source"), self.source)
        self._row(form, N_("Resolution"), self.dpi)
        self._row(form, N_("Colour"), self.mode)

        self.pages = QListWidget(self)
        named(self.pages, "scan_pages", self.texts, N_("Scanned pages"))
        self.pages.setViewMode(QListView.ViewMode.IconMode)
        self.pages.setIconSize(THUMB)
        self.pages.setMovement(QListView.Movement.Static)
        self.pages.setResizeMode(QListView.ResizeMode.Adjust)
        self.pages.setSpacing(6)
        self.preview = QLabel(self)
        self.preview.setObjectName("scan_preview")
        self.preview.setFixedSize(PREVIEW + QSize(8, 8))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFrameShape(QLabel.Shape.StyledPanel)

        self.scan_button = self._button("scan_start", N_("Scan"))
        self.scan_button.setDefault(True)
        self.rescan_button = self._button("scan_again", N_("Scan this page again"), "Ctrl+R")
        self.remove_button = self._button("scan_remove", N_("Remove the page"), "Del")
        self.left_button = self._button("scan_left", N_("Move left"), "Ctrl+Left")
        self.right_button = self._button("scan_right", N_("Move right"), "Ctrl+Right")
        self.stop_button = self._button("scan_stop", N_("Stop scanning"), "Esc")
        self.attach_button = self._button("scan_attach", N_("Attach"), "Ctrl+Return")
        self.close_button = self._button("scan_close", N_("Close"))
        self.progress = QProgressBar(self)
        self.progress.setObjectName("scan_progress")
        self.progress.setRange(0, 0)  # busy: a scanner says nothing about how many pages come
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.status = MessageLabel("scan_status", self)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("scan_count")

        edit_row = QHBoxLayout()
        for button in (self.rescan_button, self.remove_button, self.left_button):
            edit_row.addWidget(button)
        edit_row.addWidget(self.right_button)
        edit_row.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.pages, 1)
        left.addLayout(edit_row)
        middle = QHBoxLayout()
        middle.addLayout(left, 1)
        middle.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        bottom = QHBoxLayout()
        bottom.addWidget(self.scan_button)
        bottom.addWidget(self.stop_button)
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.attach_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(middle, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(bottom)

        self.scan_button.clicked.connect(lambda: self.start_scan())
        self.rescan_button.clicked.connect(self.rescan_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.left_button.clicked.connect(lambda: self.move_selected(-1))
        self.right_button.clicked.connect(lambda: self.move_selected(+1))
        self.stop_button.clicked.connect(self.stop_scan)
        self.attach_button.clicked.connect(self.attach)
        self.close_button.clicked.connect(self.reject)
        self.find_button.clicked.connect(self.find_scanners)
        self.pages.currentRowChanged.connect(self._show_preview)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.attach)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.attach)
        QShortcut(QKeySequence("Ctrl+R"), self, self.rescan_selected)
        QShortcut(QKeySequence("Ctrl+Left"), self, lambda: self.move_selected(-1))
        QShortcut(QKeySequence("Ctrl+Right"), self, lambda: self.move_selected(+1))
        remove = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.pages)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)
        remove.activated.connect(self.remove_selected)
        self.setTabOrder(self.device, self.find_button)
        for first, second in (
            (self.find_button, self.source),
            (self.source, self.dpi),
            (self.dpi, self.mode),
            (self.mode, self.pages),
            (self.pages, self.rescan_button),
            (self.rescan_button, self.remove_button),
            (self.remove_button, self.left_button),
            (self.left_button, self.right_button),
            (self.right_button, self.scan_button),
            (self.scan_button, self.stop_button),
            (self.stop_button, self.attach_button),
            (self.attach_button, self.close_button),
        ):
            self.setTabOrder(first, second)

        self._load_settings()
        screen_fit.fit(self, (960, 640))  # no larger than the screen it opens on
        follow_language(self.retranslate)
        self.retranslate()
        self._update_state()
        self.find_scanners()
        services.tasks.run(_warm_up)

    # -- building -----------------------------------------------------------------------

    def _button(self, name: str, msgid: str, shortcut: str = "") -> QPushButton:
        button = QPushButton(self)
        named(button, name, self.texts, msgid)
        self.texts.bind(button.setText, msgid)
        button.setAutoDefault(False)
        if shortcut:
            self.texts.bind_fn(button.setToolTip, lambda: f"{tr(msgid)} ({shortcut})")
        return button

    def _row(self, form: QFormLayout, msgid: str, widget: QWidget, field=None) -> None:
        add_row(form, self.texts, msgid, widget, field=field)

    # -- settings, remembered per desk ------------------------------------------------

    def _load_settings(self) -> None:
        s = self.services.settings
        self._select(self.source, s.get(SCANNER_SOURCE))
        self._select(self.dpi, s.get(SCANNER_DPI))
        self._select(self.mode, s.get(SCANNER_MODE))

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        if index >= 0:
            combo.setCurrentIndex(index)

    def current_settings(self) -> ScanSettings:
        return ScanSettings(
            device=str(self.device.currentData() or ""),
            source=Source(self.source.currentData()),
            dpi=int(self.dpi.currentData()),
            mode=ColourMode(self.mode.currentData()),
            device_options=device_options(self.services.settings),
        )

    def _remember(self, settings: ScanSettings) -> None:
        s = self.services.settings
        s.set(SCANNER_DEVICE, settings.device)
        s.set(SCANNER_SOURCE, settings.source.value)
        s.set(SCANNER_DPI, settings.dpi)
        s.set(SCANNER_MODE, settings.mode.value)

    def find_scanners(self) -> None:
        self.find_button.setEnabled(False)
        self.status.show_message(N_("Looking for scanners…"), "note")
        self.services.tasks.run(self.scanner.devices, self._found, self._find_failed, owner=self)

    def _found(self, found: list[ScannerInfo]) -> None:
        self.find_button.setEnabled(True)
        remembered = self.services.settings.get(SCANNER_DEVICE)
        current = self.device.currentData() or remembered
        self.device.clear()
        for info in found:
            self.device.addItem(f"{info.name} ({info.id})", info.id)
        self._select(self.device, current)
        if found:
            self.status.clear_message()
        else:
            self.status.show_error(NoScannerError())
        self._update_state()

    def _find_failed(self, exc: BaseException) -> None:
        self.find_button.setEnabled(True)
        self.status.show_error(exc)
        self._update_state()

    # -- scanning ------------------------------------------------------------------------

    def start_scan(self, insert_at: int | None = None, replace: bool = False) -> None:
        if self.scanning or self.attaching or self.device.count() == 0:
            return
        try:
            settings = self.current_settings()
        except Exception as exc:
            self.status.show_error(exc)
            return
        self._remember(settings)
        self._insert_at, self._replace_next = insert_at, replace
        token = self.token = CancelToken()
        relay = Relay()  # no parent: it lives as long as the job holds it
        relay.arrived.connect(self._page_arrived)
        scanner = self.scanner

        def scan() -> int:
            return scanner.scan(
                settings, lambda page: relay.send((page, *scaled_images(page))), token
            )

        self.scanning = True
        self.status.show_message(N_("Scanning…"), "note")
        self._update_state()
        self.services.tasks.run(scan, self._scan_done, self._scan_failed, owner=self)

    def rescan_selected(self) -> None:
        row = self.pages.currentRow()
        if 0 <= row < len(self.batch):
            self.start_scan(insert_at=row, replace=True)

    def stop_scan(self) -> None:
        if self.token is not None and self.scanning:
            self.status.show_message(N_("Stopping the scanner…"), "note")
            self.token.cancel()

    def _page_arrived(self, arrived: tuple[ScannedPage, QImage, QImage]) -> None:
        page, thumb, preview = arrived
        pixmaps = (QPixmap.fromImage(thumb), QPixmap.fromImage(preview))
        if self._insert_at is None:
            index = len(self.batch)
            self.batch.add(page)
            self.thumbs.append(pixmaps[0])
            self.previews.append(pixmaps[1])
        elif self._replace_next:
            index = self._insert_at
            self.batch.replace(index, page)
            self.thumbs[index], self.previews[index] = pixmaps
            self._replace_next = False
            self._insert_at = index + 1
        else:
            index = self._insert_at
            self.batch.pages.insert(index, page)
            self.thumbs.insert(index, pixmaps[0])
            self.previews.insert(index, pixmaps[1])
            self._insert_at = index + 1
        self._refresh(select=index)
        self.status.show_message(
            N_("Scanning… {count} pages so far."), "note", count=len(self.batch)
        )

    def _scan_done(self, count: int) -> None:
        self.scanning = False
        self.token = None
        self.status.show_message(N_("Scanned: {count} pages."), "ok", count=count)
        self._update_state()

    def _scan_failed(self, exc: BaseException) -> None:
        self.scanning = False
        self.token = None
        if isinstance(exc, ScanCancelledError):
            self.status.show_fn(lambda: exc.message(), "note")
        else:
            self.status.show_error(exc)
        self._update_state()

    # -- editing the pages ---------------------------------------------------------------

    def remove_selected(self) -> None:
        row = self.pages.currentRow()
        if self.scanning or not 0 <= row < len(self.batch):
            return
        self.batch.remove(row)
        del self.thumbs[row], self.previews[row]
        self._refresh(select=min(row, len(self.batch) - 1))

    def move_selected(self, step: int) -> None:
        row = self.pages.currentRow()
        to = row + step
        if self.scanning or not 0 <= row < len(self.batch) or not 0 <= to < len(self.batch):
            return
        self.batch.move(row, to)
        for images in (self.thumbs, self.previews):
            images.insert(to, images.pop(row))
        self._refresh(select=to)

    def _refresh(self, select: int | None = None) -> None:
        self.pages.clear()
        for number, thumb in enumerate(self.thumbs, start=1):
            item = QListWidgetItem(thumb, str(number))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.pages.addItem(item)
        if select is not None and 0 <= select < len(self.batch):
            self.pages.setCurrentRow(select)
        self._show_preview(self.pages.currentRow())
        self._update_state()

    def _show_preview(self, row: int) -> None:
        if 0 <= row < len(self.previews):
            self.preview.setPixmap(self.previews[row])
        else:
            self.preview.clear()
            self.preview.setText(tr(N_("Scanned pages appear here.")))

    def _update_state(self) -> None:
        idle = not self.scanning and not self.attaching
        has_pages = len(self.batch) > 0
        selected = 0 <= self.pages.currentRow() < len(self.batch)
        self.scan_button.setEnabled(idle and self.device.count() > 0)
        self.stop_button.setEnabled(self.scanning)
        self.progress.setVisible(self.scanning or self.attaching)
        for widget in (self.device, self.source, self.dpi, self.mode):
            widget.setEnabled(idle)
        self.find_button.setEnabled(idle)
        self.rescan_button.setEnabled(idle and selected and self.device.count() > 0)
        self.remove_button.setEnabled(idle and selected)
        self.left_button.setEnabled(idle and selected and self.pages.currentRow() > 0)
        self.right_button.setEnabled(
            idle and selected and self.pages.currentRow() < len(self.batch) - 1
        )
        self.attach_button.setEnabled(idle and has_pages)
        self.count_label.setText(tr(N_("Pages: {count}"), count=len(self.batch)))

    # -- attaching and closing --------------------------------------------------------

    def attach(self) -> None:
        if self.scanning or self.attaching or not len(self.batch):
            return
        from ozq_desktop.devices.scanner import pages_to_pdf
        from ozq_desktop.storage.pages import count_pages

        pages = list(self.batch.pages)
        store = self.services.scans
        name = f"{self._file_stem}-{datetime.now():%Y%m%d-%H%M%S}.pdf"

        def store_pdf():
            pdf = pages_to_pdf(pages)
            ref = store.add_bytes(pdf, name)
            return ref, count_pages(pdf, ref.mime)

        self.attaching = True
        self.status.show_message(N_("Attaching the pages…"), "note")
        self._update_state()
        self.services.tasks.run(store_pdf, self._stored, self._store_failed, owner=self)

    def _stored(self, stored) -> None:
        ref, pages = stored
        self.attaching = False
        self.batch = PageBatch()
        self.thumbs, self.previews = [], []
        self.attached.emit(ref, pages)
        self.accept()

    def _store_failed(self, exc: BaseException) -> None:
        self.attaching = False
        self.status.show_error(exc)  # the pages stay here: attach again or close
        self._update_state()

    def reject(self) -> None:
        """Esc or Close: stop a running scan first; pages not yet attached are asked about."""
        if self.scanning:
            self.stop_scan()
            return
        if self.attaching:
            return
        if len(self.batch):
            choice = ask_unattached_pages(self, len(self.batch))
            if choice is UnattachedChoice.ATTACH:
                self.attach()
                return
            if choice is UnattachedChoice.KEEP_SCANNING:
                return
        super().reject()

    def retranslate(self) -> None:
        self.texts.apply()
        self.setWindowTitle(tr(N_("Scan: {document}"), document=self._title()))
        for i in range(self.source.count()):
            self.source.setItemText(i, tr(SOURCE_NAMES[Source(self.source.itemData(i))]))
        for i in range(self.mode.count()):
            self.mode.setItemText(i, tr(MODE_NAMES[ColourMode(self.mode.itemData(i))]))
        self._show_preview(self.pages.currentRow())
        self._update_state()


def _warm_up() -> None:
    """Load what Attach needs while the clerk scans, so the first attach is as quick as any."""
    import img2pdf  # noqa: F401
    import pypdf  # noqa: F401
