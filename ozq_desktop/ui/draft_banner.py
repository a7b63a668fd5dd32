"""The offer to resume an unfinished application, shown on the home screen after login."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ozq_desktop.domain.drafts import PackageDraft
from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.labels import day_text, time_text
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_wire.catalog import Catalog
from ozq_wire.errors import UnknownServiceError


class DraftBanner(QFrame):
    resume_requested = Signal(object)  # PackageDraft
    discard_requested = Signal(object)  # PackageDraft

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draft_banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._catalog = catalog
        self._drafts: list[PackageDraft] = []
        self.texts = Texts()
        self._label = QLabel(self)
        self._label.setObjectName("draft_banner_text")
        self._label.setWordWrap(True)
        self.resume_button = QPushButton(self)
        named(self.resume_button, "resume_draft", self.texts, N_("Resume the application"))
        self.texts.bind(self.resume_button.setText, N_("Resume"))
        self.discard_button = QPushButton(self)
        named(self.discard_button, "discard_draft", self.texts, N_("Discard the draft"))
        self.texts.bind(self.discard_button.setText, N_("Discard"))
        layout = QHBoxLayout(self)
        layout.addWidget(self._label, 1)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.discard_button)
        self.resume_button.clicked.connect(lambda: self._emit(self.resume_requested))
        self.discard_button.clicked.connect(lambda: self._emit(self.discard_requested))
        follow_language(self.retranslate)
        self.set_drafts([])

    @property
    def drafts(self) -> list[PackageDraft]:
        return list(self._drafts)

    def set_drafts(self, drafts: list[PackageDraft]) -> None:
        self._drafts = list(drafts)
        self.setVisible(bool(self._drafts))
        self.retranslate()

    def _emit(self, signal) -> None:
        if self._drafts:
            signal.emit(self._drafts[0])

    def retranslate(self) -> None:
        self.texts.apply()
        if not self._drafts:
            self._label.clear()
            return
        draft = self._drafts[0]
        try:
            service = self._catalog.get(draft.service_id).short_name.get(current_language())
        except UnknownServiceError:
            service = draft.service_id
        text = tr(
            N_("Unfinished application: {service}, {applicant}, started {day} at {time}."),
            service=service,
            applicant=draft.applicant.name.strip() or tr(N_("applicant not named yet")),
            day=day_text(draft.started_at),
            time=time_text(draft.started_at),
        )
        if len(self._drafts) > 1:
            text += " " + tr(
                N_("Other unfinished applications: {count}."), count=len(self._drafts) - 1
            )
        self._label.setText(text)
