"""A small picture of a scan's first page and its page count, made off the GUI thread.

An image scan is decoded at the thumbnail's size in a worker. A PDF scan is loaded in a
worker and its first page rendered by QtPdf in a thread of Qt's own (ui/pdf_pages.py): the
interpreter lock is never held for the whole render, so the window does not wait for a
50 MB scan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Qt
from PySide6.QtGui import QImage, QImageReader

from ozq_desktop.ui.pdf_pages import LoadedPdf, PdfRenderer, load_in_worker

THUMB = QSize(120, 160)


@dataclass(frozen=True)
class ScanPreview:
    image: QImage | None
    pages: int
    pdf: LoadedPdf | None = None  # a PDF whose first page is still to be rendered


def make_preview(data: bytes, mime: str, size: QSize = THUMB) -> ScanPreview:
    """Runs in a worker. `data` is the scan's plain content (the store keeps it encrypted)."""
    if mime == "application/pdf":
        loaded = load_in_worker(data)
        return ScanPreview(None, loaded.pages, loaded if loaded.pages else None)
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    try:
        return _image_preview(buffer, size)
    finally:
        buffer.close()


def _image_preview(buffer: QBuffer, size: QSize) -> ScanPreview:
    reader = QImageReader(buffer)
    pages = max(1, reader.imageCount())
    original = reader.size()
    if original.isValid():  # decoded at the thumbnail's size where the format allows it
        reader.setScaledSize(original.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return ScanPreview(None, pages)
    if image.width() > size.width() or image.height() > size.height():
        image = image.scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return ScanPreview(image, pages)


def render_first_page(
    loaded: LoadedPdf, parent: QObject, done: Callable[[QImage], None], size: QSize = THUMB
) -> PdfRenderer:
    """Render the first page of a PDF loaded in a worker at the thumbnail's size, in Qt's own
    thread; `done(image)` on the GUI thread. Keep the returned renderer until then."""
    renderer = PdfRenderer(parent)
    renderer.adopt(loaded)
    page = renderer.point_size(0)
    scale = min(size.width() / max(page.width(), 1), size.height() / max(page.height(), 1))
    target = QSize(max(1, int(page.width() * scale)), max(1, int(page.height() * scale)))

    def rendered(_page: int, image: QImage) -> None:
        done(image)
        renderer.close()
        renderer.deleteLater()

    renderer.rendered.connect(rendered)
    renderer.request(0, target)
    return renderer
