"""The transfer register: one batch of accepted packages whose paper originals go to the committee."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from ozq_desktop.i18n import tr
from ozq_desktop.printing.data import TransferData, local
from ozq_desktop.printing.dates import format_date
from ozq_desktop.printing.document import Metadata, build_pdf, page_footer
from ozq_desktop.printing.layout import (
    TEXT_WIDTH,
    check_language,
    labelled,
    para,
    signature_line,
    styles,
)
from ozq_desktop.printing.rows import Grid, fitted, text_row

WIDTHS = [8 * mm, 24 * mm, 21 * mm, 38 * mm, 0.0, 17 * mm, 17 * mm]
WIDTHS[4] = TEXT_WIDTH - sum(WIDTHS)
NUMBERS = frozenset({5, 6})


def render_transfer(data: TransferData, lang: str) -> bytes:
    """The transfer register of one batch as A4 PDF bytes."""
    check_language(lang)
    title = tr("Register of packages handed to the service provider", lang)
    batch = tr("Batch No. {batch}", lang, batch=data.batch_id)
    day = format_date(data.batch_date, lang, "plain")
    story = [*_heading(data, lang, title, batch, day), _grid(data, lang)]
    story.append(KeepTogether(_signatures(data, lang)))
    meta = Metadata(
        title=f"{title}: {batch}",
        author=local(data.branch.name, lang),
        subject=data.batch_id,
        lang=lang,
    )
    return build_pdf(story, meta, page_footer(f"{batch} · {day}", lang))


def _heading(data: TransferData, lang: str, title: str, batch: str, day: str) -> list[Flowable]:
    s = styles()
    branch = data.branch
    department = tr("Department No. {number}", lang, number=branch.department_no)
    story: list[Flowable] = [
        para(local(branch.name, lang), s.label),
        para(f"{department}, {local(branch.address, lang)}", s.body),
        para(title, s.title),
        para(f"{batch}, {day}", s.subtitle),
    ]
    if data.committee:
        story.append(labelled(tr("To:", lang), local(data.committee, lang), s.body))
    story.append(Spacer(0, 3 * mm))
    return story


def _grid(data: TransferData, lang: str) -> Grid:
    widths = fitted(WIDTHS, 1, [r.receipt_no for r in data.rows], 4, TEXT_WIDTH)
    titles = [
        tr("Row number", lang),
        tr("Receipt number", lang),
        tr("Accepted on", lang),
        tr("Applicant's name", lang),
        tr("Requested state service", lang),
        tr("Number of documents", lang),
        tr("Number of pages", lang),
    ]
    header = [text_row(titles, widths, bold=True, shaded=True)]
    rows = [
        text_row(
            [
                str(number),
                row.receipt_no,
                format_date(row.accepted_on, lang, "short") if row.accepted_on else "",
                row.applicant,
                local(row.service, lang),
                str(row.documents),
                str(row.pages),
            ],
            widths,
            right=NUMBERS,
        )
        for number, row in enumerate(data.rows, start=1)
    ]
    documents = sum(r.documents for r in data.rows)
    pages = sum(r.pages for r in data.rows)
    total = tr("Total packages: {count}", lang, count=len(data.rows))
    rows.append(
        text_row(
            ["", "", "", total, "", str(documents), str(pages)], widths, bold=True, right=NUMBERS
        )
    )
    return Grid(widths, header, rows)


def _signatures(data: TransferData, lang: str) -> list[Flowable]:
    day = format_date(data.batch_date, lang, "form")
    return [
        Spacer(0, 10 * mm),
        signature_line(
            tr("Handed over by (service centre clerk)", lang), data.handed_over_by, lang
        ),
        Spacer(0, 5 * mm),
        signature_line(tr("Received by (service provider)", lang), data.received_by, lang),
        Spacer(0, 5 * mm),
        para(day, styles().body),
    ]
