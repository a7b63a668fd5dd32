"""The documents the Done page prints, rendered from the stored package (never from the
screen), so a reprint is always what was written."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from sqlalchemy.orm import Session, sessionmaker

from ozq_desktop.i18n import N_
from ozq_desktop.storage.engine import reading
from ozq_wire.catalog import Catalog


class PrintJob(StrEnum):
    RECEIPT = "receipt"
    REFUSAL = "refusal"
    APPLICATION = "application"


JOB_TITLES = {
    PrintJob.RECEIPT: N_("Receipt of acceptance of documents"),
    PrintJob.REFUSAL: N_("Receipt of refusal to accept documents (Annex 2)"),
    PrintJob.APPLICATION: N_("Application (Annex 1)"),
}

Renderer = Callable[[str], bytes]


def renderer(
    factory: sessionmaker[Session], catalog: Catalog, package_id: str, job: PrintJob
) -> Renderer:
    """A function of the language giving the PDF bytes; run it through the task helper."""

    def render(lang: str) -> bytes:
        with reading(factory) as session:
            return render_in(session, lang)

    def render_in(session: Session, lang: str) -> bytes:
        # Imported in the worker: reportlab loads when the clerk first prints, off the GUI thread.
        from ozq_desktop import documents
        from ozq_desktop.printing import render_receipt
        from ozq_desktop.printing.annex1 import render_annex1
        from ozq_desktop.printing.refusal import render_refusal

        if job is PrintJob.RECEIPT:
            data = documents.receipt_data(session=session, catalog=catalog, package_id=package_id)
            return render_receipt(data, lang)
        if job is PrintJob.REFUSAL:
            data = documents.refusal_data(session=session, catalog=catalog, package_id=package_id)
            return render_refusal(data, lang)
        data = documents.annex1_data(session=session, catalog=catalog, package_id=package_id)
        return render_annex1(data, lang)

    return render
