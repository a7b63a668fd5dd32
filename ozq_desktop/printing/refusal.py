"""The Annex 2 receipt refusing to accept an incomplete package, in two copies.

Seed, §10 and Annex 2 of each service: issued under Article 20(2) of the Law «On State
Services» of 15 April 2013, it lists the missing documents and is made in 2 copies, one for
each party. The Kazakh wording is the seed's; the Russian is a faithful rendering of it.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer, Table

from ozq_desktop.i18n import N_, tr
from ozq_desktop.printing.data import RefusalData, local
from ozq_desktop.printing.dates import blank_form_date
from ozq_desktop.printing.document import Metadata, build_pdf, copies, training_mark
from ozq_desktop.printing.fonts import REGULAR
from ozq_desktop.printing.layout import (
    TEXT_WIDTH,
    blanks_in_a_row,
    branch_lines,
    check_language,
    corner_note,
    filled_blank,
    notice_block,
    para,
    styles,
)
from ozq_desktop.printing.receipt import COPY_MARKS, NOTICE_HEADING

APPLICANT_CAPTION = N_(
    "(Surname, name, patronymic if any (hereinafter - full name), "
    "or the applicant organisation's name)"
)
REFUSAL_SENTENCE = N_(
    "Guided by paragraph 2 of Article 20 of the Law of the Republic of Kazakhstan «On State "
    "Services» of 15 April 2013, department No. {department_no} of the branch of the RSE "
    "«Public Service Centre» ({address}) refuses to accept the documents for the state service "
    "«{service}» because you did not submit the complete set of documents under the list "
    "provided for by the state service standard, namely:"
)


def render_refusal(data: RefusalData, lang: str) -> bytes:
    """The Annex 2 refusal receipt as A4 PDF bytes: the applicant's copy, then the centre's."""
    check_language(lang)
    marks = [tr(mark, lang) for mark in COPY_MARKS]
    story = copies(lambda: refusal_copy(data, lang), marks, "refusal")
    title = tr("Receipt of refusal to accept documents", lang)
    meta = Metadata(
        title=f"{title} № {data.number}" if data.number else title,
        author=local(data.branch.name, lang),
        subject=data.number,
        lang=lang,
        mark=training_mark(data.training, lang),
    )
    return build_pdf(story, meta)


def refusal_copy(data: RefusalData, lang: str) -> list[Flowable]:
    s = styles()
    service = local(data.service_name, lang)
    sentence = tr(
        REFUSAL_SENTENCE,
        lang,
        department_no=data.branch.department_no,
        address=local(data.branch.address, lang),
        service=service,
    )
    story: list[Flowable] = [
        _heading(data, lang, service),
        Spacer(0, 3 * mm),
        filled_blank(data.applicant_name, tr(APPLICANT_CAPTION, lang), 95 * mm, "RIGHT"),
        Spacer(0, 2 * mm),
        filled_blank(
            data.applicant_address, tr("(the applicant's address)", lang), 95 * mm, "RIGHT"
        ),
        Spacer(0, 5 * mm),
        para(tr("Receipt of refusal to accept documents", lang), s.title),
    ]
    if data.number:
        story.append(para(f"№ {data.number}", s.subtitle))
    story += [
        para(sentence, s.indented),
        para(tr("Names of the missing documents:", lang), s.indented),
        *_numbered(data, lang),
        para(local(data.copies_sentence, lang), s.indented),
        Spacer(0, 6 * mm),
        blanks_in_a_row(
            [
                (data.clerk_full_name, tr("Full name (service centre clerk)", lang), 95 * mm),
                ("", tr("(signature)", lang), 45 * mm),
            ]
        ),
        Spacer(0, 4 * mm),
        para(tr("Executed by: {name}", lang, name=data.executed_by_name), s.indented),
        para(tr("Phone {phone}", lang, phone=data.executed_by_phone), s.indented),
        Spacer(0, 4 * mm),
        _received(lang),
        Spacer(0, 3 * mm),
        # The applicant dates it by hand when taking the copy (seed, Annex 2).
        para(blank_form_date(lang), s.body),
        Spacer(0, 4 * mm),
        *notice_block(tr(NOTICE_HEADING, lang), [local(text, lang) for text in data.notice]),
    ]
    return story


def _received(lang: str) -> Table:
    """«Алдым: ________» with its caption under the blank (seed, Annex 2)."""
    s = styles()
    label = tr("Received:", lang)
    word = para(label, s.body)
    width = stringWidth(label, REGULAR, s.body.fontSize) + 3 * mm
    blank = filled_blank("", tr("full name / signature of the applicant", lang), 110 * mm)
    table = Table([[word, blank]], colWidths=[width, 110 * mm], hAlign="LEFT")
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (0, 0), 8),
        ]
    )
    return table


def _heading(data: RefusalData, lang: str, service: str) -> Table:
    note = corner_note(
        tr("Annex 2 to the state service standard «{service}»", lang, service=service)
    )
    left = TEXT_WIDTH - note._colWidths[0]
    table = Table([[branch_lines(data.branch, lang), note]], colWidths=[left, None])
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, 0), 6 * mm),
            ("RIGHTPADDING", (1, 0), (1, 0), 0),
        ]
    )
    return table


def _numbered(data: RefusalData, lang: str) -> list[Flowable]:
    style = styles().indented
    count = len(data.missing_documents)
    return [
        para(f"{n}) {local(doc, lang)}{';' if n < count else '.'}", style)
        for n, doc in enumerate(data.missing_documents, start=1)
    ]
