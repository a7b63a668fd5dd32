"""The print system interface, and how each of our documents goes to paper.

A document is printed by handing its PDF to the operating system's print queue as it is
(never rasterised by us): the text stays text, the job is small, and the printer's driver
does what it does best. The queue's state is checked before a job is sent, so that a
missing, paused or out-of-paper printer gives the clerk a clear message while the document
is still on screen, ready to be saved or printed again elsewhere.

How our documents go to paper (seed: the receipts are made "in 2 copies, one for each
party"): the receipt, the Annex 2 refusal and the hand-over receipt are each one PDF holding
both copies, one per page. Each copy must be its own sheet, so they are printed one-sided
even on a printer that prints both sides by default, and one set of the PDF is one set of
copies. Other documents (the application, the registers) may be printed on both sides where
the printer can.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from ozq_desktop.errors import OzqError
from ozq_desktop.i18n import N_


class PrinterState(StrEnum):
    READY = "ready"
    PRINTING = "printing"
    PAUSED = "paused"
    OUT_OF_PAPER = "out_of_paper"
    NOT_ACCEPTING = "not_accepting"  # the queue refuses new jobs
    ERROR = "error"


@dataclass(frozen=True)
class PrinterInfo:
    name: str  # the queue's name, what the desk remembers
    description: str
    state: PrinterState
    is_default: bool = False
    duplex: bool = False  # the printer can print on both sides
    reasons: tuple[str, ...] = ()  # the print system's own words, for the log


@dataclass(frozen=True)
class PrintRequest:
    pdf: bytes
    title: str
    copies: int = 1
    duplex: bool = False


@dataclass(frozen=True)
class PrintPolicy:
    one_copy_per_sheet: bool  # each page is a copy for one party: never both sides
    copies: int = 1  # sets of the PDF by default


SEPARATE_COPIES = PrintPolicy(one_copy_per_sheet=True)
ORDINARY = PrintPolicy(one_copy_per_sheet=False)
POLICIES = {
    "receipt": SEPARATE_COPIES,
    "refusal": SEPARATE_COPIES,
    "handover": SEPARATE_COPIES,
}


def policy_for(kind: str) -> PrintPolicy:
    return POLICIES.get(kind, ORDINARY)


def request_for(kind: str, pdf: bytes, title: str, copies: int, duplex: bool) -> PrintRequest:
    """The job for one of our documents: a receipt's copies never share a sheet."""
    policy = policy_for(kind)
    return PrintRequest(
        pdf=pdf,
        title=title,
        copies=max(1, copies),
        duplex=duplex and not policy.one_copy_per_sheet,
    )


# -- the printer errors ------------------------------------------------------------------


class PrinterError(OzqError):
    """Nothing was printed; the document is still there to save or print again."""


class NoPrinterError(PrinterError):
    def __init__(self) -> None:
        super().__init__(
            N_(
                "No printer is set up on this computer. Save the document as PDF, or ask the "
                "administrator to add a printer."
            )
        )


class PrinterMissingError(PrinterError):
    def __init__(self, name: str) -> None:
        super().__init__(
            N_(
                "The printer {name} is not found. Choose another printer, or save the document as PDF."
            ),
            name=name,
        )


class PrinterPausedError(PrinterError):
    def __init__(self, name: str) -> None:
        super().__init__(
            N_(
                "The printer {name} is paused and would keep the document in its queue. Resume "
                "it or choose another printer, then print again."
            ),
            name=name,
        )


class PrinterOutOfPaperError(PrinterError):
    def __init__(self, name: str) -> None:
        super().__init__(
            N_("The printer {name} is out of paper. Load paper, then print again."), name=name
        )


class PrinterNotAcceptingError(PrinterError):
    def __init__(self, name: str) -> None:
        super().__init__(
            N_(
                "The printer {name} does not accept documents now. Choose another printer, or "
                "save the document as PDF."
            ),
            name=name,
        )


class PrinterFailedError(PrinterError):
    def __init__(self, name: str, reason: str) -> None:
        super().__init__(
            N_("The document could not be sent to the printer {name}: {reason}"),
            name=name,
            reason=reason,
        )


def check_ready(info: PrinterInfo) -> None:
    """Raise the clerk's error when the printer would not print the job now."""
    if info.state is PrinterState.PAUSED:
        raise PrinterPausedError(info.name)
    if info.state is PrinterState.OUT_OF_PAPER:
        raise PrinterOutOfPaperError(info.name)
    if info.state is PrinterState.NOT_ACCEPTING:
        raise PrinterNotAcceptingError(info.name)
    if info.state is PrinterState.ERROR:
        raise PrinterFailedError(info.name, ", ".join(info.reasons) or "error")


class PrintSystem(Protocol):
    """One platform's print queues. Calls block: run them in a worker."""

    def printers(self) -> list[PrinterInfo]: ...

    def printer(self, name: str) -> PrinterInfo:
        """The queue's state now; PrinterMissingError when there is no such queue."""
        ...

    def submit(self, name: str, request: PrintRequest) -> str:
        """Hand the PDF to the queue; returns the print system's job id."""
        ...


def send(system: PrintSystem, name: str, request: PrintRequest) -> str:
    """Check the printer, then send the job. A PrinterError means nothing was sent."""
    if not name:
        raise NoPrinterError()
    check_ready(system.printer(name))
    return system.submit(name, request)


def choose_printer(printers: list[PrinterInfo], remembered: str) -> str:
    """The desk's printer: the one it remembers if still there, else the system default."""
    names = [p.name for p in printers]
    if remembered in names:
        return remembered
    default = next((p.name for p in printers if p.is_default), "")
    return default or (names[0] if names else "")
