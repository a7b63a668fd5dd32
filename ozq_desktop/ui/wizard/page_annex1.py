"""Step 4: the application's own fields, as the service's Annex 1 asks for them."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from ozq_desktop.domain.drafts import PackageDraft
from ozq_desktop.errors import OzqError, ValidationError
from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.wizard.base import WizardPage, new_form
from ozq_wire.catalog import Service
from ozq_wire.catalog.schema import Annex1Field

Editor = QLineEdit | QPlainTextEdit


class Annex1Page(WizardPage):
    title_msgid = N_("Application details")

    def __init__(self, services, clerk, parent: QWidget | None = None) -> None:
        super().__init__(services, clerk, parent)
        self.setObjectName("page_annex1")
        self.fields: list[Annex1Field] = []
        self.editors: dict[str, Editor] = {}
        self._labels: dict[str, QLabel] = {}
        self._service_id = ""
        self._title = QLabel(self)
        self._title.setObjectName("annex1_title")
        self._title.setWordWrap(True)
        self._form_holder = QWidget(self)
        self._form = new_form()
        self._form_holder.setLayout(self._form)
        self._required_note = QLabel(self)
        self.texts.bind(self._required_note.setText, N_("Fields marked * are required."))
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(self._form_holder)
        layout.addWidget(self._required_note)
        layout.addStretch(1)

    def _rebuild(self, service: Service) -> None:
        if service.id == self._service_id:
            return
        self._service_id = service.id
        while self._form.rowCount():
            self._form.removeRow(0)
        self.fields = list(service.annex1_fields)
        self.editors, self._labels = {}, {}
        previous: QWidget | None = None
        for field in self.fields:
            editor: Editor
            if field.multiline:
                editor = QPlainTextEdit(self._form_holder)
                editor.setTabChangesFocus(True)
                editor.setFixedHeight(80)
                editor.textChanged.connect(self.changed)
            else:
                editor = QLineEdit(self._form_holder)
                editor.textChanged.connect(self.changed)
            editor.setObjectName(f"annex1_{field.key}")
            label = QLabel(self._form_holder)
            label.setWordWrap(True)
            label.setMinimumWidth(240)
            label.setBuddy(editor)
            self._form.addRow(label, editor)
            self.editors[field.key] = editor
            self._labels[field.key] = label
            if previous is not None:
                self.setTabOrder(previous, editor)
            previous = editor
        self.retranslate()

    def load(self, draft: PackageDraft) -> None:
        self._rebuild(self.service(draft))
        for key, editor in self.editors.items():
            value = draft.annex1.get(key, "")
            if isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value)
            else:
                editor.setText(value)

    def store(self, draft: PackageDraft) -> None:
        draft.annex1 = {key: _text(editor) for key, editor in self.editors.items()}

    def problem(self, draft: PackageDraft) -> OzqError | None:
        lang = current_language()
        for field in self.fields:
            if field.required and not draft.annex1.get(field.key, "").strip():
                return ValidationError("Fill in the field «{field}».", field=field.label.get(lang))
        return None

    def first_input(self) -> QWidget | None:
        return next(iter(self.editors.values()), None)

    def retranslate(self) -> None:
        super().retranslate()
        lang = current_language()
        service = self.services.catalog.get(self._service_id) if self._service_id else None
        if service is not None:
            self._title.setText(
                tr(N_("Application (Annex 1): {title}"), title=service.annex1.title.get(lang))
            )
        for field in self.fields:
            label = field.label.get(lang)
            self._labels[field.key].setText(f"{label} *" if field.required else label)
            self.editors[field.key].setAccessibleName(label)


def _text(editor: Editor) -> str:
    return editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()
