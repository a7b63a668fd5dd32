"""A stored scan's page count, Qt-free: the sheet count of its document follows from it."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from ozq_desktop.printing.fonts import register_fonts
from ozq_desktop.storage.pages import count_pages, stored_pages
from ozq_desktop.storage.scans import ScanStore


def pdf_with(pages: int) -> bytes:
    register_fonts()  # the desk's reportlab defaults name its own font
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for number in range(pages):
        canvas.rect(100, 700, 50 + number, 20)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def image(fmt: str, frames: int = 1) -> bytes:
    buffer = io.BytesIO()
    first, *rest = [Image.new("L", (40, 60), 255 - 40 * i) for i in range(frames)]
    first.save(buffer, fmt, save_all=bool(rest), append_images=rest)
    return buffer.getvalue()


def test_pages_of_each_kind_of_scan():
    assert count_pages(pdf_with(7), "application/pdf") == 7
    assert count_pages(image("TIFF", frames=3), "image/tiff") == 3
    assert count_pages(image("JPEG"), "image/jpeg") == 1
    assert count_pages(image("PNG"), "image/png") == 1


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_a_damaged_file_counts_nothing_rather_than_failing():
    assert count_pages(b"%PDF-1.4 not really", "application/pdf") == 0
    assert count_pages(b"II*\x00\x08\x00\x00\x00broken", "image/tiff") == 0
    assert count_pages(b"", "text/plain") == 0


def test_the_count_of_an_encrypted_stored_scan(tmp_path):
    store = ScanStore(tmp_path / "scans", key=os.urandom(32))
    ref = store.add_bytes(pdf_with(4), "scan.pdf")
    assert stored_pages(store, ref.sha256, ref.mime) == 4
