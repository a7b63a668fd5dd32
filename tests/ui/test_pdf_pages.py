"""PDF pages rendered in Qt's own thread must not make the GUI thread wait for them.

QtPdf serialises every call into pdfium with one lock. A 50 MB scan's first page took about
100 ms to render in the renderer's thread; the GUI thread, destroying a document in that time
(the empty one a renderer starts with, deleted later by the event loop), waited on the lock
for the whole render — seen with strace as a 100 ms futex wait of the main thread, woken by
the render thread (bench/bench_gui.py, attach-scan). A renderer that takes over a document
loaded in a worker lets its own go at once, before any page is asked for."""

from __future__ import annotations

from PySide6.QtCore import QSize

from ozq_desktop.ui.pdf_pages import PdfRenderer, load_in_worker
from tests.ui.conftest import make_pdf


def test_adopting_a_document_destroys_the_previous_one_before_any_page_is_asked(qtbot, tmp_path):
    renderer = PdfRenderer()
    gone = []
    renderer.document.destroyed.connect(lambda: gone.append(True))
    loaded = load_in_worker(make_pdf(tmp_path / "scan.pdf", pages=2).read_bytes())
    assert renderer.adopt(loaded) == 2
    assert gone == [True]  # not left to the event loop, where it would wait for a render
    pages = []
    renderer.rendered.connect(lambda page, image: pages.append((page, image.size())))
    renderer.request(0, QSize(60, 80))
    qtbot.waitUntil(lambda: bool(pages), timeout=10000)
    assert pages == [(0, QSize(60, 80))]
    renderer.close()
    renderer.deleteLater()
