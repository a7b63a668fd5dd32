"""The receipt for handing the committee's result over to the applicant, in two copies."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from ozq_desktop.i18n import N_, tr
from ozq_desktop.printing.data import Decision, HandoverData, ResultDocument, local
from ozq_desktop.printing.dates import format_date, format_datetime
from ozq_desktop.printing.document import (
    Metadata,
    QrCodeFlowable,
    build_pdf,
    copies,
    training_mark,
)
from ozq_desktop.printing.layout import check_language, keep, labelled, para, signature_line, styles
from ozq_desktop.printing.receipt import COPY_MARKS, heading_with_qr, representative_text

RESULT_LABELS = {
    ResultDocument.ATTESTATION_CERTIFICATE: N_("Attestation certificate No.:"),
    ResultDocument.PERMISSION: N_("Permission No.:"),
    ResultDocument.REGISTRATION: N_("Registration cipher of the declaration:"),
}
DECISIONS = {
    Decision.GRANTED: N_("the state service has been rendered"),
    Decision.REFUSED: N_("reasoned refusal to render the state service"),
}


def render_handover(data: HandoverData, lang: str) -> bytes:
    """The hand-over receipt as A4 PDF bytes: the applicant's copy, then the centre's."""
    check_language(lang)
    qr = QrCodeFlowable(data.receipt_no)
    marks = [tr(mark, lang) for mark in COPY_MARKS]
    story = copies(lambda: handover_copy(data, lang, qr), marks, "handover")
    meta = Metadata(
        title=tr("Receipt of issue of the result of the state service", lang),
        author=local(data.branch.name, lang),
        subject=data.receipt_no,
        lang=lang,
        mark=training_mark(data.training, lang),
    )
    return build_pdf(story, meta)


def handover_copy(data: HandoverData, lang: str, qr: Flowable) -> list[Flowable]:
    s = styles()
    accepted = f"№ {data.receipt_no}"
    if data.accepted_at:
        accepted += ", " + keep(format_datetime(data.accepted_at, lang, "plain"))
    decision = tr(DECISIONS[data.decision], lang)
    if data.decision_date:
        decision += ", " + keep(format_date(data.decision_date, lang, "plain"))
    signer = data.representative.name if data.representative else data.recipient_name
    return [
        heading_with_qr(data.branch, lang, qr, data.receipt_no),
        para(tr("Receipt of issue of the result of the state service", lang), s.title),
        Spacer(0, 2 * mm),
        labelled(tr("Receipt of acceptance of the documents:", lang), accepted, s.body),
        labelled(tr("State service:", lang), f"«{local(data.service_name, lang)}»", s.body),
        labelled(tr("Decision of the service provider:", lang), decision, s.body),
        *_result(data, lang),
        labelled(tr("Recipient:", lang), _recipient(data, lang), s.body),
        *(
            [
                labelled(
                    tr("Representative:", lang),
                    representative_text(data.representative, lang),
                    s.body,
                )
            ]
            if data.representative
            else []
        ),
        labelled(
            tr("Date and time of issue:", lang),
            keep(format_datetime(data.handed_over_at, lang, "plain")),
            s.body,
        ),
        labelled(
            tr("Service centre clerk who issued the result:", lang), data.clerk_full_name, s.body
        ),
        Spacer(0, 10 * mm),
        signature_line(tr("Issued by (service centre clerk)", lang), data.clerk_full_name, lang),
        Spacer(0, 4 * mm),
        signature_line(tr("Received by", lang), signer, lang),
    ]


def _result(data: HandoverData, lang: str) -> list[Flowable]:
    s = styles()
    if data.decision is Decision.GRANTED:
        if data.result_document is None:
            return []
        return [labelled(tr(RESULT_LABELS[data.result_document], lang), data.result_number, s.body)]
    lines = [labelled(tr("Reasons for the refusal:", lang), "", s.body)]
    lines += [
        para(f"{n}) {local(reason, lang)}", s.field)
        for n, reason in enumerate(data.refusal_reasons, start=1)
    ]
    return lines


def _recipient(data: HandoverData, lang: str) -> str:
    if data.recipient_idn:
        return f"{data.recipient_name}, {tr('IIN/BIN:', lang)} {data.recipient_idn}"
    return data.recipient_name
