"""Printed documents: plain data in, A4 PDF bytes out. Qt-free.

Fonts are set up first, before any reportlab module reads its defaults.
"""

from ozq_desktop.printing import fonts  # noqa: F401  (must come first)
from ozq_desktop.printing.data import (
    Annex1Data,
    BranchInfo,
    Decision,
    DocumentLine,
    HandoverData,
    Localized,
    Outcome,
    ReceiptData,
    RefusalData,
    RegisterData,
    RegisterRow,
    Representative,
    ResultDocument,
    TransferData,
    TransferRow,
)
from ozq_desktop.printing.dates import format_date, format_datetime, format_time
from ozq_desktop.printing.receipt import render_receipt

__all__ = [
    "Annex1Data",
    "BranchInfo",
    "Decision",
    "DocumentLine",
    "HandoverData",
    "Localized",
    "Outcome",
    "ReceiptData",
    "RefusalData",
    "RegisterData",
    "RegisterRow",
    "Representative",
    "ResultDocument",
    "TransferData",
    "TransferRow",
    "format_date",
    "format_datetime",
    "format_time",
    "render_receipt",
]
