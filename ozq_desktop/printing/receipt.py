"""The acceptance receipt (қолхат), in two copies: the applicant's and the service centre's.

Seed, §9 2) of each service: the receipt shows the number and date of acceptance, the service,
the number and names of the documents, the date (time) and place of issue of the result, the
clerk's full name, and the applicant's name with contact details.
"""

from __future__ import annotations

from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from ozq_desktop.i18n import N_, tr
from ozq_desktop.printing.data import BranchInfo, ReceiptData, Representative, local
from ozq_desktop.printing.dates import format_date, format_datetime, format_time
from ozq_desktop.printing.document import (
    Metadata,
    QrCodeFlowable,
    build_pdf,
    copies,
    training_mark,
)
from ozq_desktop.printing.fonts import BOLD
from ozq_desktop.printing.layout import (
    TEXT_WIDTH,
    branch_lines,
    check_language,
    grid_style,
    keep,
    labelled,
    notice_block,
    para,
    signature_line,
    styles,
)
from ozq_desktop.printing.text import TextBlock

COPY_MARKS = (N_("Applicant's copy"), N_("Service centre's copy"))
QR_SIZE = 22 * mm
NOTICE_HEADING = N_("How to learn the status of the case, and how to complain")


def render_receipt(data: ReceiptData, lang: str) -> bytes:
    """The receipt as A4 PDF bytes: the applicant's copy, then the service centre's."""
    check_language(lang)
    # The QR code opens the hub's status page with the receipt number filled in; before the
    # desk knows that page's address, it carries the receipt number alone.
    qr = QrCodeFlowable(data.status_url or data.receipt_no, size=QR_SIZE)
    marks = [tr(mark, lang) for mark in COPY_MARKS]
    story = copies(lambda: receipt_copy(data, lang, qr), marks, "receipt")
    title = tr("Receipt of acceptance of documents", lang)
    meta = Metadata(
        title=f"{title} № {data.receipt_no}",
        author=local(data.branch.name, lang),
        subject=data.receipt_no,
        lang=lang,
        mark=training_mark(data.training, lang),
    )
    return build_pdf(story, meta)


def receipt_copy(data: ReceiptData, lang: str, qr: Flowable) -> list[Flowable]:
    """One copy's content, the same on both."""
    s = styles()
    return [
        heading_with_qr(data.branch, lang, qr, data.receipt_no),
        para(f"{tr('Receipt of acceptance of documents', lang)} № {data.receipt_no}", s.title),
        *_six_items(data, lang),
        Spacer(0, 4 * mm),
        signature_line(tr("Service centre clerk (signs)", lang), data.clerk_full_name, lang),
        Spacer(0, 3 * mm),
        signature_line(tr("Applicant (signs)", lang), _signing_applicant(data), lang),
        Spacer(0, 2 * mm),
        *notice_block(
            tr(NOTICE_HEADING, lang),
            [*_status_line(data, lang), *(local(text, lang) for text in data.notice)],
        ),
    ]


def heading_with_qr(branch: BranchInfo, lang: str, qr: Flowable, number: str) -> Table:
    """The branch block on the left, the QR code on the right (the status page with the
    receipt number, or the number alone), the number under it."""
    s = styles()
    qr_cell = [qr, para(number, s.caption)]
    table = Table(
        [[branch_lines(branch, lang), qr_cell]],
        colWidths=[TEXT_WIDTH - qr.width - 4 * mm, qr.width + 4 * mm],
    )
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    return table


def _six_items(data: ReceiptData, lang: str) -> list[Flowable]:
    s = styles()
    accepted = keep(format_datetime(data.accepted_at, lang, "plain"))
    pages = sum(d.pages or 0 for d in data.documents)
    return [
        labelled(
            tr("1. Number and date of acceptance of the documents:", lang),
            f"№ {data.receipt_no}, {accepted}",
            s.body,
        ),
        labelled(
            tr("2. State service requested:", lang), f"«{local(data.service_name, lang)}»", s.body
        ),
        labelled(
            tr("3. Number and names of the documents attached:", lang),
            tr(
                "{count} documents, {pages} pages in all",
                lang,
                count=len(data.documents),
                pages=pages,
            ),
            s.body,
        ),
        _documents_table(data, lang),
        labelled(_item_4(data, lang), "", s.body),
        *_result_lines(data, lang),
        labelled(
            tr("5. Full name of the clerk who accepted the documents:", lang),
            data.clerk_full_name,
            s.body,
        ),
        labelled(tr("6. Applicant (full name or organisation name), contacts:", lang), "", s.body),
        *_applicant_lines(data, lang),
    ]


def _status_line(data: ReceiptData, lang: str) -> list[str]:
    """How the applicant follows the case on the hub's status page, first in the notice
    (seed §16: the applicant can learn the status remotely); nothing before the desk knows
    that page's address."""
    if not data.status_url:
        return []
    address = data.status_url.partition("?")[0]
    return [
        tr(
            "The status of the application: scan the QR code, or open {url} and enter the "
            "receipt number and the applicant's IIN/BIN.",
            lang,
            url=address,
        )
    ]


def _documents_table(data: ReceiptData, lang: str) -> Table:
    s = styles()
    rows = [
        [
            para("№", s.cell_bold),
            para(tr("Name of the document", lang), s.cell_bold),
            para(tr("Number of pages", lang), s.cell_bold),
            para(tr("Number of copies", lang), s.cell_bold),
        ]
    ]
    for number, doc in enumerate(data.documents, start=1):
        rows.append(
            [
                para(str(number), s.cell),
                para(local(doc.name, lang), s.cell),
                para("" if doc.pages is None else str(doc.pages), s.cell_right),
                para(str(doc.copies), s.cell_right),
            ]
        )
    table = Table(
        rows,
        colWidths=[9 * mm, TEXT_WIDTH - 9 * mm - 2 * 20 * mm, 20 * mm, 20 * mm],
        repeatRows=1,
        spaceBefore=2,
        spaceAfter=3,
    )
    table.setStyle(grid_style())
    return table


def _item_4(data: ReceiptData, lang: str) -> str:
    if data.result_item is None:
        return tr("4. Date, time and place of issue of the documents:", lang)
    return f"4. {local(data.result_item, lang)}:"


def _result_lines(data: ReceiptData, lang: str) -> list[Flowable]:
    s = styles().field
    when = data.result_date
    day = when.date() if isinstance(when, datetime) else when
    hour = (
        format_time(when)
        if isinstance(when, datetime)
        else tr("during the service centre's working hours", lang)
    )
    return [
        pairs(
            [(tr("Date:", lang), keep(format_date(day, lang, "plain"))), (tr("Time:", lang), hour)],
            s,
        ),
        labelled(tr("Place:", lang), local(data.result_place, lang), s),
    ]


def pairs(items: list[tuple[str, str]], style) -> Flowable:
    """«Label: value; Label: value» on one line (as many as fit), the labels bold."""
    runs: list[tuple[str, str]] = []
    for n, (label, value) in enumerate(items):
        runs += [(label, BOLD), (value + (";" if n < len(items) - 1 else ""), style.fontName)]
    return TextBlock(runs, style)


def _applicant_lines(data: ReceiptData, lang: str) -> list[Flowable]:
    s = styles().field
    lines = [para(data.applicant_name, s)]
    contacts = [
        (tr("IIN/BIN:", lang), data.applicant_idn),
        (tr("Registration abroad:", lang), data.applicant_foreign_registration),
        (tr("Address:", lang), data.applicant_address),
    ]
    lines += [labelled(label, value, s) for label, value in contacts if value]
    reach = [
        (tr("Phone:", lang), data.applicant_phone),
        (tr("E-mail:", lang), data.applicant_email),
    ]
    if any(value for _, value in reach):
        lines.append(pairs([(label, value) for label, value in reach if value], s))
    if data.representative:
        lines.append(
            labelled(tr("Representative:", lang), representative_text(data.representative, lang), s)
        )
    if data.home_visit_address:
        visit = [(tr("Documents accepted at home, address:", lang), data.home_visit_address)]
        if data.home_visit_reason:
            visit.append((tr("reason:", lang), data.home_visit_reason))
        lines.append(pairs(visit, s))
    return lines


def representative_text(rep: Representative, lang: str) -> str:
    """«Name, IIN …, power of attorney № … of …»."""
    parts = [rep.name]
    if rep.iin:
        parts.append(tr("IIN {iin}", lang, iin=rep.iin))
    if rep.poa_number or rep.poa_date:
        when = keep(format_date(rep.poa_date, lang, "long")) if rep.poa_date else ""
        if when:
            parts.append(
                tr("power of attorney № {number} of {date}", lang, number=rep.poa_number, date=when)
            )
        else:
            parts.append(tr("power of attorney № {number}", lang, number=rep.poa_number))
    return ", ".join(parts)


def _signing_applicant(data: ReceiptData) -> str:
    return data.representative.name if data.representative else data.applicant_name
