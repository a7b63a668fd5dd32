"""Printed documents: plain data in, A4 PDF bytes out. Qt-free.

Fonts are set up first, before any reportlab module reads its defaults.
"""

from ozq_desktop.printing import fonts  # noqa: F401  (must come first)
from ozq_desktop.printing.annex1 import render_annex1
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
from ozq_desktop.printing.handover import render_handover
from ozq_desktop.printing.receipt import render_receipt
from ozq_desktop.printing.refusal import render_refusal
from ozq_desktop.printing.register import render_register
from ozq_desktop.printing.register_xlsx import render_register_xlsx
from ozq_desktop.printing.transfer import render_transfer

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
    "render_annex1",
    "render_handover",
    "render_receipt",
    "render_refusal",
    "render_register",
    "render_register_xlsx",
    "render_transfer",
]
