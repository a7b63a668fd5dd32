"""What every wizard page shares: the draft in, the draft out, and why Next is blocked."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from ozq_desktop.domain.drafts import PackageDraft
from ozq_desktop.errors import OzqError
from ozq_desktop.ui.context import Clerk, DeskServices
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_wire.catalog import Service


class WizardPage(QWidget):
    """A page edits the draft. `edited` fires on every change the clerk makes."""

    edited = Signal()
    title_msgid = ""

    def __init__(self, services: DeskServices, clerk: Clerk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.clerk = clerk
        self.texts = Texts()
        self._loading = False
        follow_language(self.retranslate)

    def service(self, draft: PackageDraft) -> Service:
        return self.services.catalog.get(draft.service_id)

    # -- the page protocol -----------------------------------------------------------

    def enter(self, draft: PackageDraft) -> None:
        """The page is about to be shown: bring the widgets in line with the draft."""
        self._loading = True
        try:
            self.load(draft)
        finally:
            self._loading = False

    def load(self, draft: PackageDraft) -> None:
        """Fill the widgets from the draft (no `edited` is emitted meanwhile)."""

    def store(self, draft: PackageDraft) -> None:
        """Write what the widgets hold into the draft."""

    def problem(self, draft: PackageDraft) -> OzqError | None:
        """The first reason the clerk cannot go on, or None."""
        return None

    def first_input(self) -> QWidget | None:
        return None

    def reveal_problem(self, draft: PackageDraft) -> None:
        """After a blocked Next: bring the input the problem is about into view."""

    def retranslate(self) -> None:
        self.texts.apply()

    # -- helpers ---------------------------------------------------------------------

    def changed(self, *_args: object) -> None:
        """Connect widget signals here."""
        if not self._loading:
            self.edited.emit()

    def add_row(
        self,
        form: QFormLayout,
        label_msgid: str,
        widget: QWidget,
        object_name: str,
        field: QWidget | None = None,
    ) -> QLabel:
        """A labelled input; `field` is what goes in the form when it wraps the input."""
        named(widget, object_name, self.texts, label_msgid)
        label = QLabel(self)
        label.setBuddy(widget)
        self.texts.bind(label.setText, label_msgid)
        form.addRow(label, field or widget)
        return label


def new_form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    return form
