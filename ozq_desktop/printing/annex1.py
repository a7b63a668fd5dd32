"""The Annex 1 application of a service, filled in from the wizard, for the applicant to sign.

The service's own texts (requisites caption, title, body, attachments) come in through
Annex1Data from the catalog's `annex1` block; the frame (the committee chairman as addressee,
«Өтініш», the consent sentence, the signature blanks) is the same in the three seed forms.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from ozq_desktop.i18n import N_, tr
from ozq_desktop.printing.data import Annex1Data, local
from ozq_desktop.printing.dates import format_date
from ozq_desktop.printing.document import Metadata, build_pdf, training_mark
from ozq_desktop.printing.layout import (
    TEXT_WIDTH,
    blanks_in_a_row,
    check_language,
    corner_note,
    para,
    styles,
)

ADDRESSEE = N_(
    "To Mr ________, Chairman of the Committee for State Control of Emergency Situations and "
    "Industrial Safety of the Ministry of Emergency Situations of the Republic of Kazakhstan"
)
CONSENT = N_(
    "I consent to the use of information constituting secrets protected by law that is held "
    "in information systems."
)
RIGHT_BLOCK = 95 * mm
REQUISITE_GAP = 4  # points between a requisites line's text and its rule


def render_annex1(data: Annex1Data, lang: str) -> bytes:
    """The application as A4 PDF bytes, one copy."""
    check_language(lang)
    title = tr("Application", lang)
    meta = Metadata(
        title=f"{title}: {local(data.title, lang)}",
        author=local(data.branch.name, lang) if data.branch else "",
        subject=data.receipt_no,
        lang=lang,
        mark=training_mark(data.training, lang),
    )
    return build_pdf(application(data, lang), meta)


def application(data: Annex1Data, lang: str) -> list[Flowable]:
    s = styles()
    service = local(data.service_name, lang)
    title_line = para(local(data.title, lang), s.subtitle)
    word = para(tr("Application", lang), s.title)
    # The seed puts the purpose before «Өтініш»; Russian forms put «Заявление» first.
    heading = [title_line, word] if lang == "kk" else [word, title_line]
    addressee = local(data.addressee, lang) if data.addressee else tr(ADDRESSEE, lang)
    consent = local(data.consent_sentence, lang) if data.consent_sentence else tr(CONSENT, lang)
    return [
        corner_note(tr("Annex 1 to the state service standard «{service}»", lang, service=service)),
        Spacer(0, 5 * mm),
        _requisites(data, lang),
        Spacer(0, 5 * mm),
        _right(para(addressee, s.body)),
        Spacer(0, 6 * mm),
        *heading,
        *[para(paragraph, s.indented) for paragraph in local(data.body, lang).split("\n")],
        para(tr("Attachments:", lang), s.indented),
        *[para(local(item, lang), s.indented) for item in data.attachments],
        para(consent, s.indented),
        Spacer(0, 10 * mm),
        blanks_in_a_row(
            [
                (
                    data.head_position,
                    tr("(position of the head of the organisation)", lang),
                    70 * mm,
                ),
                (
                    data.head_name,
                    local(data.signature_caption, lang)
                    if data.signature_caption
                    else tr("(signature, full name of the head of the organisation)", lang),
                    TEXT_WIDTH - 80 * mm,
                ),
            ]
        ),
        Spacer(0, 6 * mm),
        para(format_date(data.date, lang, "plain"), s.body),
    ]


def _requisites(data: Annex1Data, lang: str) -> Table:
    s = styles()
    rows = [[para(line, s.body)] for line in data.applicant_requisites]
    rows.append([para(local(data.header, lang), s.caption)])
    table = Table(rows, colWidths=[RIGHT_BLOCK], hAlign="RIGHT")
    last = len(rows) - 2
    # Each line sits on its rule with air above and below: the rule is drawn REQUISITE_GAP
    # under the line's descenders (у, р, д) and as far over the next line's capitals.
    table.setStyle(
        [
            ("LINEBELOW", (0, 0), (0, last), 0.4, "black"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), REQUISITE_GAP),
            ("BOTTOMPADDING", (0, 0), (0, last), REQUISITE_GAP),
            ("BOTTOMPADDING", (0, last + 1), (-1, -1), 1),
        ]
    )
    return table


def _right(flowable: Flowable) -> Table:
    table = Table([[flowable]], colWidths=[RIGHT_BLOCK], hAlign="RIGHT")
    table.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)])
    return table
