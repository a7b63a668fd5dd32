"""The scanner interface every platform implements, and what a scan produces.

A scan delivers its pages one by one to a callback as the device finishes each, so the clerk
sees them arrive and a device error never takes back a page already delivered. Each page is
an image file as the device's driver wrote it (JPEG); `pages_to_pdf` joins the pages into one
PDF without decoding or re-encoding them (img2pdf)."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from ozq_desktop.errors import OzqError, ValidationError
from ozq_desktop.i18n import N_

MIN_DPI, MAX_DPI, DEFAULT_DPI = 200, 300, 300


class Source(StrEnum):
    FLATBED = "flatbed"
    FEEDER = "feeder"  # the automatic document feeder (ADF)


class ColourMode(StrEnum):
    GREY = "grey"
    COLOUR = "colour"


@dataclass(frozen=True)
class ScannerInfo:
    id: str  # what the platform opens it by (a SANE device name, a WIA DeviceID)
    name: str  # vendor and model, for the clerk


@dataclass(frozen=True)
class ScanSettings:
    device: str
    source: Source = Source.FLATBED
    dpi: int = DEFAULT_DPI
    mode: ColourMode = ColourMode.GREY
    # Options passed to the device as they are, for a model that needs one (SANE: the option
    # name and value, e.g. ("--page-height", "297")). Empty for most scanners.
    device_options: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not MIN_DPI <= self.dpi <= MAX_DPI:
            raise ValidationError(
                "The resolution must be from {low} to {high} dpi.", low=MIN_DPI, high=MAX_DPI
            )


@dataclass(frozen=True)
class ScannedPage:
    data: bytes  # the image file (JPEG)
    mime: str
    width: int  # pixels
    height: int
    dpi: int


class CancelToken:
    """Set from the GUI thread, watched by the scan in its worker."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._hooks: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def cancel(self) -> None:
        with self._lock:
            self._event.set()
            hooks = list(self._hooks)
        for hook in hooks:
            hook()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def on_cancel(self, hook: Callable[[], None]) -> None:
        """Call `hook` on cancel (at once if already cancelled): how a backend stops its device."""
        with self._lock:
            if not self._event.is_set():
                self._hooks.append(hook)
                return
        hook()


# -- the device errors, each with its own message ------------------------------------------


class ScannerError(OzqError):
    """A scan that stopped. Pages delivered before it stay with the caller."""


class NoScannerError(ScannerError):
    def __init__(self, device: str = "") -> None:
        if device:
            super().__init__(
                N_(
                    "The scanner {device} is not found. Check that it is switched on and "
                    "connected, then choose it again."
                ),
                device=device,
            )
        else:
            super().__init__(
                N_(
                    "No scanner is found. Check that it is switched on and connected, then try again."
                )
            )


class CoverOpenError(ScannerError):
    def __init__(self) -> None:
        super().__init__(N_("The scanner's cover is open. Close it and scan again."))


class PaperJamError(ScannerError):
    def __init__(self) -> None:
        super().__init__(
            N_(
                "The paper is jammed in the feeder. Take the sheet out carefully, put it back "
                "and scan again; the pages already scanned are kept."
            )
        )


class FeederEmptyError(ScannerError):
    def __init__(self) -> None:
        super().__init__(N_("The feeder is empty. Put the pages in the feeder and scan again."))


class ScanCancelledError(ScannerError):
    def __init__(self) -> None:
        super().__init__(N_("The scan was cancelled; the pages already scanned are kept."))


class ScannerBusyError(ScannerError):
    def __init__(self) -> None:
        super().__init__(N_("The scanner is busy. Wait a moment and scan again."))


class ScannerFailedError(ScannerError):
    def __init__(self, reason: str) -> None:
        super().__init__(N_("The scanner reported an error: {reason}"), reason=reason)


PageCallback = Callable[[ScannedPage], None]


class Scanner(Protocol):
    """One platform's way to the counter's scanner. Calls block: run them in a worker."""

    def devices(self) -> list[ScannerInfo]:
        """The scanners connected now (may take seconds while the platform looks)."""
        ...

    def scan(self, settings: ScanSettings, on_page: PageCallback, cancel: CancelToken) -> int:
        """Scan from the flatbed (one page) or the feeder (until it is empty), calling
        `on_page` as each page is finished. Returns the number of pages; raises a
        ScannerError subclass when the device stops with an error or is cancelled."""
        ...


def jpeg_page(data: bytes, dpi: int) -> ScannedPage:
    """A page from a driver's JPEG file; the resolution the file states wins over `dpi`."""
    from PIL import Image  # reads the header only

    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        stated = image.info.get("dpi")
    return ScannedPage(
        data=data,
        mime="image/jpeg",
        width=width,
        height=height,
        dpi=round(stated[0]) if stated and stated[0] else dpi,
    )


@dataclass
class PageBatch:
    """The clerk's pages before they become one PDF: re-scan, remove, reorder."""

    pages: list[ScannedPage] = field(default_factory=list)

    def add(self, page: ScannedPage) -> None:
        self.pages.append(page)

    def replace(self, index: int, page: ScannedPage) -> None:
        self.pages[index] = page

    def remove(self, index: int) -> ScannedPage:
        return self.pages.pop(index)

    def move(self, index: int, to: int) -> None:
        to = max(0, min(to, len(self.pages) - 1))
        self.pages.insert(to, self.pages.pop(index))

    def __len__(self) -> int:
        return len(self.pages)


def pages_to_pdf(pages: Sequence[ScannedPage]) -> bytes:
    """One PDF with one page per image, each page the image's size at its resolution. The
    JPEG data is embedded as it is (img2pdf; no decoding, no re-encoding)."""
    if not pages:
        raise ValidationError("There are no scanned pages to attach.")
    import img2pdf  # imported in the worker, on first use

    resolutions = {p.dpi for p in pages}
    layout = (
        img2pdf.get_fixed_dpi_layout_fun((pages[0].dpi, pages[0].dpi))
        if len(resolutions) == 1
        else img2pdf.default_layout_fun  # a page re-scanned at another resolution: its own
    )
    return img2pdf.convert(
        [p.data for p in pages],
        layout_fun=layout,
        engine=img2pdf.Engine.internal,
        producer="OZQ Desktop",
        nodate=True,  # the same pages give the same file, stored once
    )


def system_scanner() -> Scanner:
    """This platform's scanner: WIA on Windows, SANE elsewhere."""
    import sys

    if sys.platform == "win32":
        from ozq_desktop.devices.wia import WiaScanner

        return WiaScanner()
    from ozq_desktop.devices.sane import SaneScanner

    return SaneScanner()
