"""Printing through a real CUPS scheduler (our own `cupsd -f`) to the cups-pdf virtual printer:
the PDF that CUPS wrote is read back. Paused, missing and out-of-paper printers give their
messages and send nothing."""

from __future__ import annotations

import subprocess

import pytest
from pypdf import PdfReader

from ozq_desktop.devices.cups import CupsPrintSystem, can_duplex, parse_attributes, state_of
from ozq_desktop.devices.printer import (
    NoPrinterError,
    PrinterMissingError,
    PrinterPausedError,
    PrinterState,
    choose_printer,
    request_for,
    send,
)
from ozq_desktop.printing import render_receipt, render_register
from tests.devices.helpers import cups, cups_session  # noqa: F401
from tests.printing import samples

A4 = (595, 842)


def pdf_facts(path):
    """Pages, their sizes in points, and the text as poppler's pdftotext reads it."""
    reader = PdfReader(str(path))
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    }
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return len(reader.pages), sizes, " ".join(text.split())


def test_the_queue_is_listed_ready(cups):  # noqa: F811
    system = CupsPrintSystem()
    (printer,) = [p for p in system.printers() if p.name == cups.queue]
    assert printer.state is PrinterState.READY
    assert not printer.duplex  # cups-pdf has no second side
    assert choose_printer([printer], "gone") == cups.queue


def test_a_receipt_prints_as_two_a4_pages_with_its_text(cups):  # noqa: F811
    data = samples.receipt()
    job = send(
        CupsPrintSystem(),
        cups.queue,
        request_for("receipt", render_receipt(data, "kk"), "receipt-kk", copies=1, duplex=True),
    )
    assert job.startswith(cups.queue)
    (printed,) = cups.printed()
    pages, sizes, text = pdf_facts(printed)
    assert pages == 2 and sizes == {A4}  # the applicant's copy and the centre's, A4
    assert data.receipt_no in text
    assert "Көрсетілетін қызметті алушының данасы" in text  # the applicant's copy, in Kazakh


def test_a_paused_printer_gives_its_message_and_the_document_prints_after(cups):  # noqa: F811
    pdf = render_receipt(samples.receipt(), "ru")
    cups.run("cupsdisable", cups.queue)
    system = CupsPrintSystem()
    assert system.printer(cups.queue).state is PrinterState.PAUSED
    with pytest.raises(PrinterPausedError) as caught:
        send(system, cups.queue, request_for("receipt", pdf, "receipt-ru", 1, False))
    assert cups.queue in caught.value.message("ru") and cups.queue in caught.value.message("kk")
    jobs = cups.run("lpstat", "-o", cups.queue, check=False).stdout
    assert jobs.strip() == ""  # nothing was queued behind the pause
    cups.run("cupsenable", cups.queue)  # the clerk resumes it and prints again
    send(system, cups.queue, request_for("receipt", pdf, "receipt-ru", 1, False))
    (printed,) = cups.printed()
    assert pdf_facts(printed)[0] == 2


def test_copies_of_a_register_come_out_as_sets(cups):  # noqa: F811
    pdf = render_register(samples.register(), "kk")
    pages = len(PdfReader(__import__("io").BytesIO(pdf)).pages)
    send(CupsPrintSystem(), cups.queue, request_for("register", pdf, "register", 2, False))
    (printed,) = cups.printed()
    assert pdf_facts(printed)[0] == 2 * pages


def test_a_missing_printer_and_no_printer_at_all(cups):  # noqa: F811
    system = CupsPrintSystem()
    with pytest.raises(PrinterMissingError):
        send(system, "NoSuchPrinter", request_for("receipt", b"%PDF-1.4", "x", 1, False))
    with pytest.raises(NoPrinterError):
        send(system, "", request_for("receipt", b"%PDF-1.4", "x", 1, False))


def test_a_receipt_is_never_printed_on_both_sides():
    system = CupsPrintSystem()
    receipt = request_for("receipt", b"%PDF", "r", copies=1, duplex=True)
    register = request_for("register", b"%PDF", "g", copies=2, duplex=True)
    assert "sides=one-sided" in system.command("P", receipt, __import__("pathlib").Path("f"))
    command = system.command("P", register, __import__("pathlib").Path("f"))
    assert "sides=two-sided-long-edge" in command and command[command.index("-n") + 1] == "2"
    assert "media=A4" in command


def test_what_the_print_system_says_about_a_printer():
    attrs = parse_attributes(
        "copies=1 printer-info='Кабинет 3' printer-is-accepting-jobs=true printer-state=3 "
        "printer-state-reasons=media-empty-error,toner-low-warning"
    )
    assert attrs["printer-info"] == "Кабинет 3"
    assert state_of(attrs)[0] is PrinterState.OUT_OF_PAPER
    assert state_of({"printer-state": "5", "printer-state-reasons": "paused"})[0] is (
        PrinterState.PAUSED
    )
    assert state_of({"printer-is-accepting-jobs": "false"})[0] is PrinterState.NOT_ACCEPTING
    assert state_of({"printer-state": "4"})[0] is PrinterState.PRINTING
    assert can_duplex("PageSize/Page Size: *A4 Letter\nDuplex/2-Sided: *None DuplexNoTumble\n")
    assert not can_duplex("Duplex/2-Sided: *None\n")
    assert not can_duplex("PageSize/Page Size: *A4\n")


def test_the_print_system_missing_entirely(monkeypatch):
    from ozq_desktop.devices.cups import PrintSoftwareMissingError

    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(PrintSoftwareMissingError):
        CupsPrintSystem().printers()
