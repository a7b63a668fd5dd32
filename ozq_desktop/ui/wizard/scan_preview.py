"""A small picture of a scan's first page and its page count, made off the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtPdf import QPdfDocument

THUMB = QSize(120, 160)


@dataclass(frozen=True)
class ScanPreview:
    image: QImage | None
    pages: int


def make_preview(data: bytes, mime: str, size: QSize = THUMB) -> ScanPreview:
    """Runs in a worker: QImage and QPdfDocument may be used outside the GUI thread. `data`
    is the scan's plain content (the store keeps it encrypted on disk)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    try:
        if mime == "application/pdf":
            return _pdf_preview(buffer, size)
        return _image_preview(buffer, size)
    finally:
        buffer.close()


def _image_preview(buffer: QBuffer, size: QSize) -> ScanPreview:
    reader = QImageReader(buffer)
    pages = max(1, reader.imageCount())
    image = reader.read()
    if image.isNull():
        return ScanPreview(None, pages)
    return ScanPreview(
        image.scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        ),
        pages,
    )


def _pdf_preview(buffer: QBuffer, size: QSize) -> ScanPreview:
    document = QPdfDocument()
    try:
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready:
            return ScanPreview(None, 0)
        pages = document.pageCount()
        if pages == 0:
            return ScanPreview(None, 0)
        page = document.pagePointSize(0)
        scale = min(size.width() / max(page.width(), 1), size.height() / max(page.height(), 1))
        target = QSize(max(1, int(page.width() * scale)), max(1, int(page.height() * scale)))
        return ScanPreview(document.render(0, target), pages)
    finally:
        document.close()
