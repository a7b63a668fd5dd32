"""Scanning on Windows through WIA's documented automation interface (WIA.DeviceManager,
wiaaut.dll, present on every Windows since Vista), reached with pywin32's COM client.

UNTESTED: the machines this project is built and tested on run Linux, so this module has
never talked to a real WIA scanner. It is written to Microsoft's WIA Automation reference
and kept small, behind the same Scanner interface as SANE. Known limits: WIA's automation
layer cannot interrupt a page being transferred, so a cancel takes effect between pages.
"""

from __future__ import annotations

import logging
from typing import Any

from ozq_desktop.devices.scanner import (
    CancelToken,
    ColourMode,
    CoverOpenError,
    FeederEmptyError,
    NoScannerError,
    PageCallback,
    PaperJamError,
    ScanCancelledError,
    ScannerBusyError,
    ScannerError,
    ScannerFailedError,
    ScannerInfo,
    ScanSettings,
    Source,
    jpeg_page,
)

log = logging.getLogger(__name__)

SCANNER_DEVICE_TYPE = 1
FORMAT_JPEG = "{B96B3CAE-0728-11D3-9D7B-0000F81EF32E}"
# Property ids (wiadef.h).
DOCUMENT_HANDLING_SELECT, PAGES = 3088, 3096
CURRENT_INTENT, HORIZONTAL_RESOLUTION, VERTICAL_RESOLUTION = 6146, 6147, 6148
FEEDER, FLATBED = 0x001, 0x002
INTENT_COLOUR, INTENT_GREY = 0x001, 0x002
# WIA error codes (wia.h).
PAPER_JAM, PAPER_EMPTY, PAPER_PROBLEM = 0x80210002, 0x80210003, 0x80210004
OFFLINE, BUSY, COVER_OPEN, NO_DEVICE = 0x80210005, 0x80210006, 0x80210016, 0x80210015


class WiaScanner:
    """The Scanner interface over Windows Image Acquisition (untested, see the module doc)."""

    def _manager(self) -> Any:
        import pythoncom  # pywin32, installed on Windows only
        import win32com.client

        pythoncom.CoInitialize()  # each worker thread joins COM before its first call
        return win32com.client.Dispatch("WIA.DeviceManager")

    def devices(self) -> list[ScannerInfo]:
        found = []
        for info in self._manager().DeviceInfos:
            if info.Type == SCANNER_DEVICE_TYPE:
                found.append(ScannerInfo(str(info.DeviceID), str(info.Properties("Name").Value)))
        return found

    def scan(self, settings: ScanSettings, on_page: PageCallback, cancel: CancelToken) -> int:
        import pywintypes

        info = next(
            (i for i in self._manager().DeviceInfos if str(i.DeviceID) == settings.device), None
        )
        if info is None:
            raise NoScannerError(settings.device)
        count = 0
        try:
            device = info.Connect()
            feeder = settings.source is Source.FEEDER
            _set(device.Properties, DOCUMENT_HANDLING_SELECT, FEEDER if feeder else FLATBED)
            _set(device.Properties, PAGES, 1)
            item = device.Items(1)
            intent = INTENT_GREY if settings.mode is ColourMode.GREY else INTENT_COLOUR
            _set(item.Properties, CURRENT_INTENT, intent)
            _set(item.Properties, HORIZONTAL_RESOLUTION, settings.dpi)
            _set(item.Properties, VERTICAL_RESOLUTION, settings.dpi)
            while not cancel.cancelled:
                try:
                    image = item.Transfer(FORMAT_JPEG)
                except pywintypes.com_error as exc:
                    if _code(exc) == PAPER_EMPTY and count:
                        return count  # the feeder ran out: the batch is done
                    raise
                on_page(jpeg_page(bytes(image.FileData.BinaryData), settings.dpi))
                count += 1
                if not feeder:
                    return count
            raise ScanCancelledError()
        except pywintypes.com_error as exc:
            raise _error(_code(exc), str(exc), settings.device) from exc


def _set(properties: Any, property_id: int, value: int) -> None:
    for prop in properties:
        if prop.PropertyID == property_id:
            prop.Value = value
            return


def _code(exc: Any) -> int:
    info = getattr(exc, "excepinfo", None)
    code = info[5] if info and len(info) > 5 and info[5] else exc.hresult
    return int(code) & 0xFFFFFFFF


def _error(code: int, text: str, device: str) -> ScannerError:
    if code == PAPER_JAM:
        return PaperJamError()
    if code in (PAPER_EMPTY, PAPER_PROBLEM):
        return FeederEmptyError()
    if code == COVER_OPEN:
        return CoverOpenError()
    if code == BUSY:
        return ScannerBusyError()
    if code in (OFFLINE, NO_DEVICE):
        return NoScannerError(device)
    return ScannerFailedError(f"{code:#010x} {text}")
