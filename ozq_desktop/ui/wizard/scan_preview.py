"""A small picture of a scan's first page and its page count, made off the GUI thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtPdf import QPdfDocument

THUMB = QSize(120, 160)


@dataclass(frozen=True)
class ScanPreview:
    image: QImage | None
    pages: int


def make_preview(path: Path, mime: str, size: QSize = THUMB) -> ScanPreview:
    """Runs in a worker: QImage and QPdfDocument may be used outside the GUI thread."""
    if mime == "application/pdf":
        return _pdf_preview(path, size)
    reader = QImageReader(str(path))
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


def _pdf_preview(path: Path, size: QSize) -> ScanPreview:
    document = QPdfDocument()
    try:
        if document.load(str(path)) != QPdfDocument.Error.None_:
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
