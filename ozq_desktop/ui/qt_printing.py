"""This platform's print system, and Windows printing through Qt.

Linux prints through CUPS (ozq_desktop/devices/cups.py): the PDF itself goes to the queue.
Windows has no print path that takes a PDF as it is, so there each page is rendered by QtPdf
(PDFium) at 300 dpi and painted on the printer through QPrinter, with the copies, A4 and the
sides set on the QPrinter; the printer's state (paused, out of paper, offline) is read from
the Windows spooler with pywin32.

UNTESTED ON WINDOWS: the machines this project is built on run Linux. QtPrintSystem is kept
small, behind the same PrintSystem interface as CUPS, and written to Qt's and the Win32
spooler's documentation. (On Linux Qt prints through CUPS too, which is how the rendering
and painting part has been tried.)
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from ozq_desktop.devices.printer import (
    PrinterFailedError,
    PrinterInfo,
    PrinterMissingError,
    PrinterState,
    PrintRequest,
    PrintSystem,
)

PRINT_DPI = 300
# Win32 PRINTER_STATUS_* flags (winspool.h).
PAUSED, ERROR, PAPER_JAM, PAPER_OUT, PAPER_PROBLEM, OFFLINE = 0x1, 0x2, 0x8, 0x10, 0x40, 0x80


def system_print_system() -> PrintSystem:
    if sys.platform == "win32":
        return QtPrintSystem()
    from ozq_desktop.devices.cups import CupsPrintSystem

    return CupsPrintSystem()


def page_images(pdf: bytes, dpi: int) -> list[QImage]:
    """Every page as an image at `dpi`; runs in a worker with its own QPdfDocument."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    try:
        images = []
        for page in range(document.pageCount()):
            points = document.pagePointSize(page)
            size = QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            images.append(document.render(page, size))
        return images
    finally:
        document.close()
        buffer.close()


def _spooler_state(name: str) -> PrinterState | None:
    """The Windows spooler's word on the printer, when pywin32 is there."""
    try:
        import win32print
    except ImportError:
        return None
    handle = win32print.OpenPrinter(name)
    try:
        status = win32print.GetPrinter(handle, 2)["Status"]
    finally:
        win32print.ClosePrinter(handle)
    if status & PAUSED:
        return PrinterState.PAUSED
    if status & (PAPER_OUT | PAPER_PROBLEM):
        return PrinterState.OUT_OF_PAPER
    if status & (ERROR | PAPER_JAM | OFFLINE):
        return PrinterState.ERROR
    return None


class QtPrintSystem:
    """The PrintSystem interface over QPrinter (Windows; untested there, see the module doc)."""

    def printers(self) -> list[PrinterInfo]:
        return [self._info(p) for p in QPrinterInfo.availablePrinters()]

    def printer(self, name: str) -> PrinterInfo:
        info = QPrinterInfo.printerInfo(name)
        if info.isNull():
            raise PrinterMissingError(name)
        return self._info(info)

    def _info(self, info: QPrinterInfo) -> PrinterInfo:
        qt_state = {
            QPrinter.PrinterState.Idle: PrinterState.READY,
            QPrinter.PrinterState.Active: PrinterState.PRINTING,
        }.get(info.state(), PrinterState.ERROR)
        state = _spooler_state(info.printerName()) or qt_state
        return PrinterInfo(
            name=info.printerName(),
            description=info.description() or info.printerName(),
            state=state,
            is_default=info.isDefault(),
            duplex=any(m != QPrinter.DuplexMode.DuplexNone for m in info.supportedDuplexModes()),
        )

    def submit(self, name: str, request: PrintRequest) -> str:
        images = page_images(request.pdf, PRINT_DPI)
        printer = QPrinter(QPrinterInfo.printerInfo(name), QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setCopyCount(max(1, request.copies))
        printer.setCollateCopies(True)
        printer.setDuplex(
            QPrinter.DuplexMode.DuplexLongSide if request.duplex else QPrinter.DuplexMode.DuplexNone
        )
        printer.setDocName(request.title)
        painter = QPainter()
        if not painter.begin(printer):
            raise PrinterFailedError(name, "the printer could not be opened")
        try:
            for i, image in enumerate(images):
                if i:
                    printer.newPage()
                target = painter.viewport()
                scaled = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.setViewport(target.x(), target.y(), scaled.width(), scaled.height())
                painter.setWindow(image.rect())
                painter.drawImage(0, 0, image)
                painter.setViewport(target)
        finally:
            painter.end()
        return request.title
