"""Step 6: everything entered, and what the rules decide: accept, or refuse with the list
of missing documents (seed §9, §10). The clerk confirms with Next.

The page asks the domain's one judgement (acceptance.review) and shows it; it restates none
of its rules. Whether the clerk can sign (an EDS set up, its key file there) and whether the
desk is in training mode are the two facts it brings."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from ozq_desktop.domain.acceptance import Review, review
from ozq_desktop.domain.checklist import ChecklistDecision, Outcome
from ozq_desktop.domain.drafts import PackageDraft, Place
from ozq_desktop.errors import OzqError
from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.signing.choice import can_sign
from ozq_desktop.ui.labels import applicant_type_label, day_text, place_label
from ozq_desktop.ui.wizard.base import WizardPage

TRAINING_NOTE = N_(
    "Training mode: nothing is signed or sent, every document is marked «not valid»."
)

BANNER_STYLES = {
    Outcome.ACCEPT: "background: #e8f5e9; border: 1px solid #2e7d32; padding: 8px;",
    Outcome.REFUSE: "background: #fdecea; border: 1px solid #b00020; padding: 8px;",
}


class ReviewPage(WizardPage):
    title_msgid = N_("Review")

    def __init__(self, services, clerk, parent: QWidget | None = None) -> None:
        super().__init__(services, clerk, parent)
        self.setObjectName("page_review")
        self.draft: PackageDraft | None = None
        self.review: Review | None = None
        self.decision: ChecklistDecision | None = None
        self.banner = QLabel(self)
        self.banner.setObjectName("review_decision")
        self.banner.setWordWrap(True)
        self.summary = QLabel(self)
        self.summary.setObjectName("review_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        holder = QWidget(self)
        inner = QVBoxLayout(holder)
        inner.addWidget(self.summary)
        inner.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(scroll, 1)

    def _judge(self, draft: PackageDraft) -> Review:
        user = self.clerk.user
        return review(
            self.services.catalog,
            draft,
            self.services.clock(),
            training=bool(self.clerk.branch.training),
            can_sign=can_sign(user.signing_kind, user.signing_key_path),
        )

    def load(self, draft: PackageDraft) -> None:
        self.draft = draft
        self.review = self._judge(draft)
        self.decision = self.review.decision
        self.retranslate()

    def problem(self, draft: PackageDraft) -> OzqError | None:
        return self._judge(draft).problem

    def confirm_text(self) -> str:
        if self.decision is not None and self.decision.outcome is Outcome.REFUSE:
            return tr(N_("Refuse: issue the Annex 2 receipt"))
        return tr(N_("Accept the documents"))

    def retranslate(self) -> None:
        super().retranslate()
        if self.draft is None or self.decision is None:
            return
        self.banner.setStyleSheet(BANNER_STYLES[self.decision.outcome])
        self.banner.setText(self._decision_html(self.decision))
        self.summary.setText(self._summary_html(self.draft, self.decision))

    def _decision_html(self, decision: ChecklistDecision) -> str:
        lang = current_language()
        training = ""
        if self.review is not None and self.review.training:
            training = "<p>" + escape(tr(TRAINING_NOTE)) + "</p>"
        if decision.outcome is Outcome.ACCEPT:
            head = escape(tr(N_("The package is complete: accept the documents.")))
            return f"<b>{head}</b>{training}"
        items = []
        for spec in decision.missing:
            name = escape(spec.name.get(lang))
            expired = decision.expired(spec.code)
            if expired is not None:
                name += " — " + escape(
                    tr(N_("expired on {date}"), date=day_text(expired.valid_until))
                )
            items.append(f"<li>{name}</li>")
        head = escape(
            tr(N_("The package is incomplete: acceptance is refused. Missing documents:"))
        )
        return f"<b>{head}</b><ol>{''.join(items)}</ol>{training}"

    def _summary_html(self, draft: PackageDraft, decision: ChecklistDecision) -> str:
        lang = current_language()
        service = self.service(draft)
        rows: list[tuple[str, str]] = [
            (tr(N_("State service")), service.name.get(lang)),
            (tr(N_("Place")), place_label(draft.place)),
        ]
        if draft.place is Place.HOME_VISIT:
            rows.append((tr(N_("Address of the home visit")), draft.visit_address))
            rows.append((tr(N_("Reason for the home visit")), draft.visit_reason))
        a = draft.applicant
        rows += [
            (tr(N_("Applicant type")), applicant_type_label(a.type) if a.type else ""),
            (tr(N_("IIN/BIN")), a.idn),
            (tr(N_("Name or full name")), a.name),
            (tr(N_("Address")), a.address),
            (tr(N_("Phone")), a.phone),
            (tr(N_("E-mail")), a.email),
        ]
        rep = draft.representative
        if not rep.is_empty():
            rows.append(
                (
                    tr(N_("Representative by power of attorney")),
                    tr(
                        N_("{name}, IIN {iin}, power of attorney № {number} of {date}"),
                        name=rep.full_name,
                        iin=rep.iin,
                        number=rep.poa_number,
                        date=day_text(rep.poa_date),
                    ),
                )
            )
        for field in service.annex1_fields:
            value = draft.annex1.get(field.key, "").strip()
            if value:
                rows.append((field.label.get(lang), value))
        consent = tr(N_("given")) if draft.consent else tr(N_("not given"))
        rows.append((tr(N_("Consent")), consent))
        table = "".join(
            f"<tr><td style='padding-right:12px;color:#444'>{escape(k)}</td>"
            f"<td>{escape(v).replace(chr(10), '<br>')}</td></tr>"
            for k, v in rows
        )
        return (
            f"<table>{table}</table>"
            f"<h4>{escape(tr(N_('Documents')))}</h4>{self._documents_html(draft, decision)}"
        )

    def _documents_html(self, draft: PackageDraft, decision: ChecklistDecision) -> str:
        lang = current_language()
        missing = {d.code for d in decision.missing}
        flags = {f.code: f for f in decision.flags}
        items = []
        for spec in self.service(draft).documents_for(draft.applicant.type):
            doc = draft.documents.get(spec.code)
            flag = flags.get(spec.code)
            if flag is not None and flag.expired:
                state = tr(
                    N_("missing: the conclusion of {date} expired on {until}"),
                    date=day_text(flag.expertise_date),
                    until=day_text(flag.valid_until),
                )
                color = "#b00020"
            elif spec.code in missing:
                state = tr(N_("missing"))
                color = "#b00020"
            else:
                state = tr(
                    N_("presented, {pages} p., scans: {scans}"),
                    pages=decision.sheets.get(spec.code, 0),
                    scans=len(doc.scans) if doc else 0,
                )
                notes = decision.notes(spec.code)
                color = "#8a4b00" if notes else "#1b5e20"  # amber: presented, not in order
                if flag is not None:
                    state += "; " + tr(
                        N_("conclusion of {date}, valid until {until}"),
                        date=day_text(flag.expertise_date),
                        until=day_text(flag.valid_until),
                    )
                state += "".join("; " + tr(note) for note in notes)
            items.append(
                f"<li>{escape(spec.name.get(lang))} — "
                f"<span style='color:{color}'>{escape(state)}</span></li>"
            )
        return f"<ol>{''.join(items)}</ol>"
