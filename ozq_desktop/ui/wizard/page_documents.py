"""Step 3: the catalog's checklist for this service and applicant type (seed §9). What is
still to put right comes from the domain's one judgement (acceptance.judge)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from ozq_desktop.domain.acceptance import judge
from ozq_desktop.domain.checklist import DocumentProblem
from ozq_desktop.domain.drafts import DocumentDraft, PackageDraft
from ozq_desktop.errors import OzqError
from ozq_desktop.i18n import N_
from ozq_desktop.ui.wizard.base import WizardPage
from ozq_desktop.ui.wizard.document_editor import DocumentEditor
from ozq_wire.catalog import ApplicantType


class DocumentsPage(WizardPage):
    title_msgid = N_("Documents")

    def __init__(self, services, clerk, parent: QWidget | None = None) -> None:
        super().__init__(services, clerk, parent)
        self.setObjectName("page_documents")
        self.editors: dict[str, DocumentEditor] = {}
        self._shown_for: tuple[str, str] | None = None
        intro = QLabel(self)
        intro.setWordWrap(True)
        self.texts.bind(
            intro.setText,
            N_(
                "Tick each document the applicant presents and attach its scans. A package "
                "without every document is refused with the Annex 2 receipt."
            ),
        )
        self._holder = QWidget(self)
        self._list = QVBoxLayout(self._holder)
        self._list.addStretch(1)
        self.scroll = scroll = QScrollArea(self)
        scroll.setObjectName("documents_scroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._holder)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        self.retranslate()

    def _rebuild(self, draft: PackageDraft) -> None:
        key = (draft.service_id, draft.applicant.type)
        if key == self._shown_for:
            return
        self._shown_for = key
        for editor in self.editors.values():
            editor.setParent(None)
            editor.deleteLater()
        self.editors = {}
        specs = self.service(draft).documents_for(ApplicantType(draft.applicant.type))
        today = lambda: self.services.clock().date()  # noqa: E731
        previous: QWidget | None = None
        for number, spec in enumerate(specs, start=1):
            editor = DocumentEditor(self.services, spec, number, today, self._holder)
            editor.changed.connect(self.changed)
            self._list.insertWidget(self._list.count() - 1, editor)
            self.editors[spec.code] = editor
            for widget in editor.inputs():
                if previous is not None:
                    self.setTabOrder(previous, widget)
                previous = widget

    def load(self, draft: PackageDraft) -> None:
        self._rebuild(draft)
        for code, editor in self.editors.items():
            editor.load(draft.documents.get(code) or DocumentDraft(code=code))

    def store(self, draft: PackageDraft) -> None:
        # Only the documents of this checklist: a line left from another applicant type
        # must not reach the manifest.
        draft.documents = {code: editor.store() for code, editor in self.editors.items()}

    def _first_problem(self, draft: PackageDraft) -> DocumentProblem | None:
        decision = judge(self.services.catalog, draft, self.services.clock().date())
        return decision.problems[0] if decision.problems else None

    def problem(self, draft: PackageDraft) -> OzqError | None:
        found = self._first_problem(draft)
        return found.error if found else None

    def reveal_problem(self, draft: PackageDraft) -> None:
        found = self._first_problem(draft)
        editor = self.editors.get(found.code) if found else None
        if editor is not None:
            self.scroll.ensureWidgetVisible(editor, 0, 0)

    def first_input(self) -> QWidget | None:
        first = next(iter(self.editors.values()), None)
        return first.presented if first else None
