"""Scanning with SANE's `test` backend as a real scanner (scanimage, its driver, its errors):
one flatbed page, a feeder batch into one PDF, the device's errors, cancel, and what the
desk makes of the pages (one PDF in the encrypted scan store, its sheet count)."""

from __future__ import annotations

import io
import os
import tempfile
import threading

import pytest
from pypdf import PdfReader

from ozq_desktop.devices.sane import DeviceOptions, SaneScanner, parse_options
from ozq_desktop.devices.scanner import (
    CancelToken,
    ColourMode,
    CoverOpenError,
    FeederEmptyError,
    NoScannerError,
    PageBatch,
    PaperJamError,
    ScanCancelledError,
    ScanSettings,
    Source,
    pages_to_pdf,
)
from ozq_desktop.errors import ValidationError
from ozq_desktop.storage.pages import count_pages
from ozq_desktop.storage.scans import ScanStore
from tests.devices.helpers import sane  # noqa: F401

MM = 72 / 25.4


@pytest.fixture
def scanner(sane, tmp_path, monkeypatch):  # noqa: F811
    # Every temporary file of a scan goes here, so a test can see that none is left behind.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return SaneScanner()


def settings(source=Source.FLATBED, dpi=200, mode=ColourMode.GREY, **options) -> ScanSettings:
    extra = tuple((f"--{k.replace('_', '-')}", v) for k, v in options.items())
    return ScanSettings("test:0", source, dpi, mode, device_options=extra)


def slow_feeder() -> ScanSettings:
    """The feeder with small pages that each take about 0.4 s to come through."""
    return ScanSettings(
        "test:0",
        Source.FEEDER,
        200,
        device_options=(
            ("-x", "40"), ("-y", "50"), ("--read-delay", "yes"),
            ("--read-delay-duration", "200000"),
        ),
    )  # fmt: skip


def store(tmp_path) -> ScanStore:
    return ScanStore(tmp_path / "scans", key=os.urandom(32))


def test_the_test_backend_is_listed_as_a_scanner(scanner):
    found = scanner.devices()
    assert [d.id for d in found] == ["test:0", "test:1"]
    assert all(d.name for d in found)


def test_one_flatbed_page(scanner, tmp_path):
    pages = []
    assert scanner.scan(settings(), pages.append, CancelToken()) == 1
    (page,) = pages
    assert page.mime == "image/jpeg" and page.data.startswith(b"\xff\xd8\xff")
    # The test backend's flatbed is 80 × 100 mm: at 200 dpi, 629 × 787 pixels (its own rounding).
    assert (page.width, page.height, page.dpi) == (629, 787, 200)
    pdf = pages_to_pdf(pages)
    assert page.data in pdf  # embedded as scanned: not decoded, not re-encoded
    (pdf_page,) = PdfReader(io.BytesIO(pdf)).pages
    assert float(pdf_page.mediabox.width) == pytest.approx(629 / 200 * 72, abs=0.01)
    ref = store(tmp_path).add_bytes(pdf, "scan.pdf")
    assert ref.mime == "application/pdf"
    assert not list((tmp_path / "scratch").iterdir())  # no page left on disk unencrypted


def test_a_colour_page(scanner):
    pages = []
    scanner.scan(settings(mode=ColourMode.COLOUR, dpi=300), pages.append, CancelToken())
    from PIL import Image

    with Image.open(io.BytesIO(pages[0].data)) as image:
        assert image.mode == "RGB" and image.info["dpi"][0] == 300


def test_a_ten_page_feeder_batch_becomes_one_pdf_with_ten_pages(scanner, tmp_path):
    arrived = []
    pages_seen_at_each_arrival = []

    def on_page(page):
        arrived.append(page)
        pages_seen_at_each_arrival.append(len(arrived))

    assert scanner.scan(settings(Source.FEEDER), on_page, CancelToken()) == 10
    assert pages_seen_at_each_arrival == list(range(1, 11))  # one by one, as each is done
    batch = PageBatch(list(arrived))
    pdf = pages_to_pdf(batch.pages)
    scans = store(tmp_path)
    ref = scans.add_bytes(pdf, "scan.pdf")
    stored = scans.read(ref.sha256)
    assert not scans.path_of(ref.sha256).read_bytes().startswith(b"%PDF")  # encrypted at rest
    assert len(PdfReader(io.BytesIO(stored)).pages) == 10
    assert count_pages(stored, ref.mime) == 10  # the document's sheet count


def test_the_clerk_reorders_removes_and_rescans_pages_before_the_pdf(scanner):
    batch = PageBatch()
    for picture in ("Solid black", "Solid white", "Grid"):
        scanner.scan(settings(test_picture=picture), batch.add, CancelToken())
    black, white, grid = batch.pages
    batch.move(2, 0)
    batch.remove(1)  # the black page
    rescanned = []
    scanner.scan(settings(test_picture="Color pattern"), rescanned.append, CancelToken())
    batch.replace(1, rescanned[0])  # the white page scanned again
    assert batch.pages == [grid, rescanned[0]]
    pdf = pages_to_pdf(batch.pages)
    assert pdf.index(grid.data) < pdf.index(rescanned[0].data)
    assert black.data not in pdf and white.data not in pdf


@pytest.mark.parametrize(
    ("status", "error"),
    [
        ("SANE_STATUS_JAMMED", PaperJamError),
        ("SANE_STATUS_NO_DOCS", FeederEmptyError),
        ("SANE_STATUS_COVER_OPEN", CoverOpenError),
    ],
)
def test_a_device_error_has_its_own_message_and_loses_no_page(scanner, tmp_path, status, error):
    batch = PageBatch()
    scanner.scan(settings(Source.FEEDER), batch.add, CancelToken())  # ten good pages first
    before = list(batch.pages)
    with pytest.raises(error) as caught:
        scanner.scan(settings(Source.FEEDER, read_return_value=status), batch.add, CancelToken())
    assert batch.pages == before  # nothing taken back, nothing half-scanned added
    kk, ru = caught.value.message("kk"), caught.value.message("ru")
    assert kk and ru and kk != ru
    assert kk != error.__mro__[0]().msgid  # translated, not the English id
    assert len(PdfReader(io.BytesIO(pages_to_pdf(batch.pages))).pages) == 10
    assert not list((tmp_path / "scratch").iterdir())


def test_messages_differ_between_errors():
    errors = [PaperJamError(), FeederEmptyError(), CoverOpenError(), ScanCancelledError(),
              NoScannerError(), NoScannerError("test:9")]  # fmt: skip
    for lang in ("kk", "ru"):
        texts = [e.message(lang) for e in errors]
        assert len(set(texts)) == len(texts)


def test_an_empty_feeder_before_any_page_is_an_error_after_pages_the_end(scanner):
    # After the tenth page the test feeder is empty: a normal end, not an error.
    pages = []
    assert scanner.scan(settings(Source.FEEDER), pages.append, CancelToken()) == 10


def test_cancel_in_the_middle_keeps_the_pages_already_scanned(scanner, tmp_path):
    cancel = CancelToken()
    pages = []

    def on_page(page):
        pages.append(page)
        if len(pages) == 2:
            cancel.cancel()  # the clerk presses Cancel while page 3 is being read

    slow = slow_feeder()
    with pytest.raises(ScanCancelledError):
        scanner.scan(slow, on_page, cancel)
    assert len(pages) == 2
    assert len(PdfReader(io.BytesIO(pages_to_pdf(pages))).pages) == 2
    assert not list((tmp_path / "scratch").iterdir())


def test_cancel_from_another_thread(scanner):
    cancel = CancelToken()
    pages = []
    slow = slow_feeder()
    threading.Timer(0.6, cancel.cancel).start()
    with pytest.raises(ScanCancelledError):
        scanner.scan(slow, pages.append, cancel)
    assert len(pages) < 10


def test_no_scanner(scanner, sane):  # noqa: F811
    with pytest.raises(NoScannerError) as caught:
        scanner.scan(ScanSettings("test:9"), [].append, CancelToken())
    assert "test:9" in caught.value.message("ru")
    (sane / "dll.conf").write_text("")  # no backend at all: nothing is connected
    assert SaneScanner().devices() == []


def test_resolution_outside_200_to_300_dpi_is_refused():
    with pytest.raises(ValidationError):
        ScanSettings("test:0", dpi=150)
    with pytest.raises(ValidationError):
        ScanSettings("test:0", dpi=600)


def test_the_devices_own_names_for_sources_modes_and_resolutions():
    options = parse_options(
        "  Scan Mode:\n"
        "    --mode Lineart|Gray|Color [Lineart]\n"
        "    --resolution 75|100|150|200|300|600dpi [100]\n"
        "    --source Flatbed|ADF Front|ADF Back|ADF Duplex [Flatbed]\n"
    )
    assert options.source_for(Source.FEEDER) == "ADF Front"
    assert options.source_for(Source.FLATBED) == "Flatbed"
    assert options.mode_for(ColourMode.GREY) == "Gray"
    assert options.resolution_for(240) == 200 and options.resolution_for(250) == 300
    assert DeviceOptions(resolution_range=(50, 1200)).resolution_for(240) == 240
    assert DeviceOptions().source_for(Source.FEEDER) is None
