"""Step 5: the applicant's written consent to the use of secrets protected by law held in
information systems (seed, each standard, and the last sentence of every Annex 1)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from ozq_desktop.domain.drafts import PackageDraft
from ozq_desktop.i18n import N_
from ozq_desktop.ui.language import named
from ozq_desktop.ui.wizard.base import WizardPage


class ConsentPage(WizardPage):
    title_msgid = N_("Consent")

    def __init__(self, services, clerk, parent: QWidget | None = None) -> None:
        super().__init__(services, clerk, parent)
        self.setObjectName("page_consent")
        text = QLabel(self)
        text.setObjectName("consent_text")
        text.setWordWrap(True)
        font = text.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        text.setFont(font)
        self.texts.bind(
            text.setText,
            N_(
                "«I consent to the use of information constituting secrets protected by law "
                "that is held in information systems.»"
            ),
        )
        self.consent = QCheckBox(self)
        named(
            self.consent, "consent", self.texts, N_("The applicant gives this consent in writing")
        )
        self.texts.bind(self.consent.setText, N_("The applicant gives this consent in writing"))
        note = QLabel(self)
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        self.texts.bind(
            note.setText,
            N_(
                "Without the consent the documents cannot be accepted. A refusal for missing "
                "documents does not need it."
            ),
        )
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addSpacing(8)
        layout.addWidget(self.consent)
        layout.addWidget(note)
        layout.addStretch(1)
        self.consent.toggled.connect(self.changed)

    def load(self, draft: PackageDraft) -> None:
        self.consent.setChecked(draft.consent)

    def store(self, draft: PackageDraft) -> None:
        draft.consent = self.consent.isChecked()

    def first_input(self) -> QWidget:
        return self.consent
