"""PDF pages as images, rendered off the GUI thread.

QtPdf's `QPdfDocument.render` holds Python's interpreter lock for as long as it runs, so a
Python worker thread rendering a page freezes the GUI thread just the same (a 50 MB scan's
first page: 65–88 ms). `QPdfPageRenderer` in its multi-threaded mode renders in a thread of
Qt's own, without the lock, and hands each page over as a `QImage`; the GUI thread only loads
the document (pdfium reads its cross-reference table, a few milliseconds for our documents)
and paints images.

- `PdfRenderer`: one document, pages asked for by number and size, `rendered(page, image)`.
- `PageView`: a scrolling column of a document's pages at the view's width; only the pages
  in sight (and their neighbours) are rendered, and far-away ones are let go.
"""

from __future__ import annotations

from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QObject,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions, QPdfPageRenderer
from PySide6.QtWidgets import QScrollArea, QWidget

PAGE_GAP = 12
KEEP_AROUND = 6  # pages kept rendered on each side of the ones in sight


class PdfRenderer(QObject):
    """A loaded PDF whose pages are rendered in Qt's own thread."""

    rendered = Signal(int, QImage)  # page number, image
    failed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self._renderer = QPdfPageRenderer(self)
        self._renderer.setRenderMode(QPdfPageRenderer.RenderMode.MultiThreaded)
        self._renderer.setDocument(self.document)
        self._renderer.pageRendered.connect(self._page_rendered)
        self._asked: dict[int, tuple[int, QSize]] = {}  # request id -> (page, size)

    def load(self, data: bytes) -> int:
        """Load the document; its page count (0 when it cannot be read)."""
        self.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        return self.page_count

    def adopt(self, loaded: LoadedPdf) -> int:
        """Take a document loaded in a worker (`load_in_worker`); its page count.

        The document given up is destroyed here, before any page of the new one is asked
        for: QtPdf serialises all of pdfium behind one lock, so a document left to the event
        loop to delete would be destroyed while a page renders in Qt's thread, and the GUI
        thread would wait for the whole render (≈ 100 ms for a 50 MB scan's page)."""
        self.close()
        loaded.taken = True
        previous = self.document
        self.document = loaded.document
        self.document.setParent(self)
        self._buffer = loaded.buffer
        self._buffer.setParent(self)
        self._renderer.setDocument(self.document)
        shiboken6.delete(previous)
        return self.page_count

    def close(self) -> None:
        self._asked.clear()
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None

    @property
    def page_count(self) -> int:
        return (
            self.document.pageCount() if self.document.status() == QPdfDocument.Status.Ready else 0
        )

    def point_size(self, page: int) -> QSize:
        size = self.document.pagePointSize(page)
        return QSize(max(1, round(size.width())), max(1, round(size.height())))

    def request(self, page: int, size: QSize) -> None:
        request_id = self._renderer.requestPage(page, size, QPdfDocumentRenderOptions())
        self._asked[int(request_id)] = (page, size)

    def _page_rendered(self, page: int, _size: QSize, image: QImage, _options, request_id) -> None:
        if self._asked.pop(int(request_id), None) is None:
            return  # asked of a document since closed
        self.rendered.emit(page, image)


@dataclass
class LoadedPdf:
    """A PDF loaded off the GUI thread and handed to it (see `load_in_worker`)."""

    document: QPdfDocument
    buffer: QBuffer
    taken: bool = False  # adopted by a renderer: its objects belong to it now

    @property
    def pages(self) -> int:
        ready = self.document.status() == QPdfDocument.Status.Ready
        return self.document.pageCount() if ready else 0


COPY_CHUNK = 4 * 1024 * 1024


def _byte_array(data: bytes) -> QByteArray:
    """The bytes in a QByteArray, copied a few megabytes at a time: one copy of 50 MB holds
    the interpreter lock for tens of milliseconds."""
    if len(data) <= COPY_CHUNK:
        return QByteArray(data)
    array, view = QByteArray(), memoryview(data)
    array.reserve(len(data))
    for start in range(0, len(data), COPY_CHUNK):
        array.append(bytes(view[start : start + COPY_CHUNK]))
    return array


def load_in_worker(data: bytes) -> LoadedPdf:
    """In a worker: copy the bytes into Qt and let pdfium read the document, then hand both
    objects to the GUI thread. Each of these steps holds the interpreter lock (a 50 MB scan:
    tens of milliseconds each), so they are kept off the GUI thread, which only renders pages
    through `PdfRenderer`, in Qt's own thread."""
    gui = QCoreApplication.instance().thread()
    buffer = QBuffer()
    buffer.setData(_byte_array(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    buffer.moveToThread(gui)
    document.moveToThread(gui)
    return LoadedPdf(document, buffer)


def fit_width(point_size: QSize, width: int) -> QSize:
    """A page's size in pixels at `width`, keeping its proportions."""
    return QSize(width, max(1, round(point_size.height() * width / max(1, point_size.width()))))


class _Pages(QWidget):
    """The column of pages inside the scroll area; paints what is rendered, grey otherwise."""

    def __init__(self, view: PageView) -> None:
        super().__init__(view)
        self._view = view

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for page, rect in self._view.page_rects():
            if not rect.intersects(event.rect()):
                continue
            image = self._view.images.get(page)
            if image is None:
                painter.fillRect(rect, QColor("#e8e8e8"))
            else:
                painter.fillRect(rect, Qt.GlobalColor.white)
                painter.drawImage(rect, image)
            painter.setPen(QColor("#b0b0b0"))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))


class PageView(QScrollArea):
    """A document's pages, one under another, fitted to the view's width."""

    first_page_shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.renderer = PdfRenderer(self)
        self.renderer.rendered.connect(self._rendered)
        self.images: dict[int, QImage] = {}
        self._sizes: list[QSize] = []  # in points
        self._asked: set[int] = set()
        self._width = 0  # the width the images are rendered at
        self._pages = _Pages(self)
        self.setWidget(self._pages)
        self.setWidgetResizable(False)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setBackgroundRole(self.backgroundRole())
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._ask_for_visible())

    @property
    def page_count(self) -> int:
        return len(self._sizes)

    def set_pdf(self, pdf: bytes | LoadedPdf) -> int:
        """Show this PDF (bytes, or loaded in a worker) from its first page; its page count."""
        count = self.renderer.adopt(pdf) if isinstance(pdf, LoadedPdf) else self.renderer.load(pdf)
        self._sizes = [self.renderer.point_size(p) for p in range(count)]
        self.images.clear()
        self._asked.clear()
        self._layout()
        self.verticalScrollBar().setValue(0)
        self._ask_for_visible()
        return count

    def clear(self) -> None:
        self.renderer.close()
        self._sizes = []
        self.images.clear()
        self._asked.clear()
        self._layout()

    def page_rects(self) -> list[tuple[int, QRect]]:
        rects, y = [], PAGE_GAP
        for page, size in enumerate(self._sizes):
            pixels = fit_width(size, self._width)
            rects.append((page, QRect(PAGE_GAP, y, pixels.width(), pixels.height())))
            y += pixels.height() + PAGE_GAP
        return rects

    def _layout(self) -> None:
        self._width = max(100, self.viewport().width() - 2 * PAGE_GAP)
        rects = self.page_rects()
        height = rects[-1][1].bottom() + PAGE_GAP if rects else 0
        self._pages.resize(self._width + 2 * PAGE_GAP, height)
        self._pages.update()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._layout()  # the width is known now: render at it
        self._ask_for_visible()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._sizes and abs(self.viewport().width() - 2 * PAGE_GAP - self._width) > 8:
            self.images.clear()  # re-rendered at the new width, for sharp text
            self._asked.clear()
            self._layout()
            self._ask_for_visible()

    def visible_pages(self) -> list[int]:
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        return [p for p, r in self.page_rects() if r.bottom() >= top and r.top() <= bottom]

    def _ask_for_visible(self) -> None:
        if not self.isVisible():
            return  # asked once shown, at the width it is shown at
        seen = self.visible_pages()
        if not seen:
            return
        wanted = set(range(max(0, seen[0] - 1), min(self.page_count, seen[-1] + 2)))
        ratio = self.devicePixelRatioF()
        for page in sorted(wanted - self._asked):
            size = fit_width(self._sizes[page], round(self._width * ratio))
            self.renderer.request(page, size)
            self._asked.add(page)
        far = [p for p in self.images if p < seen[0] - KEEP_AROUND or p > seen[-1] + KEEP_AROUND]
        for page in far:  # let the memory go; asked again when scrolled back
            del self.images[page]
            self._asked.discard(page)

    def _rendered(self, page: int, image: QImage) -> None:
        if page >= self.page_count:
            return
        self.images[page] = image
        self._pages.update()
        if page == 0:
            self.first_page_shown.emit()
