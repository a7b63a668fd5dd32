"""The expert conclusion's own fields. Seed, each standard: the conclusion is valid for three
months from the date of the expertise; it is signed by the head of the expert organisation,
sealed, and bound with the number of bound pages stated."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from ozq_desktop.domain.checklist import ExpiredChoice, conclusion_valid_until
from ozq_desktop.domain.drafts import DocumentDraft
from ozq_desktop.errors import OzqError, ValidationError
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui.forms import add_row, new_form
from ozq_desktop.ui.labels import day_text
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.message_label import MessageLabel

NO_DATE = QDate(1900, 1, 1)


def to_date(qdate: QDate) -> date | None:
    return (
        None
        if qdate == NO_DATE or not qdate.isValid()
        else date(qdate.year(), qdate.month(), qdate.day())
    )


class ConclusionFields(QWidget):
    changed = Signal()

    def __init__(self, code: str, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.texts = Texts()
        form = new_form(self)
        form.setContentsMargins(0, 0, 0, 0)

        self.expertise_date = QDateEdit(self)
        self.expertise_date.setCalendarPopup(True)
        self.expertise_date.setDisplayFormat("dd.MM.yyyy")
        self.expertise_date.setMinimumDate(NO_DATE)
        self.expertise_date.setMaximumWidth(200)
        self.texts.bind(self.expertise_date.setSpecialValueText, N_("not set"))
        self._row(
            form, N_("Date of the expertise"), self.expertise_date, f"doc_{code}_expertise_date"
        )
        self.validity = MessageLabel(f"doc_{code}_valid_until", self)
        form.addRow("", self.validity)

        self.accept_anyway = QRadioButton(self)
        named(self.accept_anyway, f"doc_{code}_expired_accept", self.texts, N_("Accept it anyway"))
        self.texts.bind(self.accept_anyway.setText, N_("Accept it anyway"))
        self.treat_missing = QRadioButton(self)
        named(
            self.treat_missing, f"doc_{code}_expired_missing", self.texts, N_("Treat it as missing")
        )
        self.texts.bind(self.treat_missing.setText, N_("Treat it as missing"))
        self._choice_group = QButtonGroup(self)
        self._choice_group.addButton(self.accept_anyway)
        self._choice_group.addButton(self.treat_missing)
        self.choice_row = QWidget(self)
        row = QHBoxLayout(self.choice_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.accept_anyway)
        row.addWidget(self.treat_missing)
        row.addStretch(1)
        self.choice_label = QLabel(self)
        self.texts.bind(self.choice_label.setText, N_("Expired conclusion"))
        form.addRow(self.choice_label, self.choice_row)

        self.signed = QCheckBox(self)
        self.sealed = QCheckBox(self)
        self.bound = QCheckBox(self)
        for box, key, msgid in (
            (self.signed, "signed", N_("Signed by the head of the expert organisation")),
            (self.sealed, "sealed", N_("Sealed with the expert organisation's seal")),
            (self.bound, "bound", N_("Bound")),
        ):
            named(box, f"doc_{code}_{key}", self.texts, msgid)
            self.texts.bind(box.setText, msgid)
            form.addRow("", box)
        self.bound_pages = QSpinBox(self)
        self.bound_pages.setRange(0, 9999)
        self.bound_pages.setMaximumWidth(120)
        self._row(form, N_("Number of bound pages"), self.bound_pages, f"doc_{code}_bound_pages")

        self.expertise_date.dateChanged.connect(self._date_changed)
        for box in (self.signed, self.sealed, self.accept_anyway, self.treat_missing):
            box.toggled.connect(self._emit)
        self.bound.toggled.connect(self._bound_toggled)
        self.bound_pages.valueChanged.connect(self._emit)
        follow_language(self.retranslate)
        self._update_validity()

    def _row(self, form: QFormLayout, msgid: str, widget: QWidget, name: str) -> None:
        add_row(form, self.texts, msgid, widget, name)

    def inputs(self) -> list[QWidget]:
        return [
            self.expertise_date,
            self.accept_anyway,
            self.treat_missing,
            self.signed,
            self.sealed,
            self.bound,
            self.bound_pages,
        ]

    def _emit(self, *_args: object) -> None:
        self.changed.emit()

    def _date_changed(self, *_args: object) -> None:
        self._update_validity()
        self.changed.emit()

    def _bound_toggled(self, *_args: object) -> None:
        self.bound_pages.setEnabled(self.bound.isChecked())
        self.changed.emit()

    def expired(self) -> bool:
        day = to_date(self.expertise_date.date())
        return day is not None and self._today() > conclusion_valid_until(day)

    def _update_validity(self) -> None:
        day = to_date(self.expertise_date.date())
        expired = self.expired()
        self.choice_label.setVisible(expired)
        self.choice_row.setVisible(expired)
        if day is None:
            self.validity.clear_message()
            return
        until = day_text(conclusion_valid_until(day))
        if expired:
            self.validity.show_fn(
                lambda: tr(N_("Expired: it was valid until {date} (three months)."), date=until),
                "error",
            )
        else:
            self.validity.show_fn(
                lambda: tr(N_("Valid until {date} (three months from the expertise)."), date=until),
                "ok",
            )

    def load(self, doc: DocumentDraft) -> None:
        self.expertise_date.setDate(QDate(doc.expertise_date) if doc.expertise_date else NO_DATE)
        self.accept_anyway.setChecked(doc.expired_choice is ExpiredChoice.ACCEPT_ANYWAY)
        self.treat_missing.setChecked(doc.expired_choice is ExpiredChoice.TREAT_AS_MISSING)
        if doc.expired_choice is None:
            self._choice_group.setExclusive(False)
            self.accept_anyway.setChecked(False)
            self.treat_missing.setChecked(False)
            self._choice_group.setExclusive(True)
        self.signed.setChecked(bool(doc.signed_by_head))
        self.sealed.setChecked(bool(doc.sealed))
        self.bound.setChecked(bool(doc.bound))
        self.bound_pages.setValue(doc.bound_pages or 0)
        self.bound_pages.setEnabled(self.bound.isChecked())
        self._update_validity()

    def store(self, doc: DocumentDraft) -> None:
        doc.expertise_date = to_date(self.expertise_date.date())
        doc.signed_by_head = self.signed.isChecked()
        doc.sealed = self.sealed.isChecked()
        doc.bound = self.bound.isChecked()
        doc.bound_pages = self.bound_pages.value() if self.bound.isChecked() else None
        doc.expired_choice = None
        if self.expired():
            if self.accept_anyway.isChecked():
                doc.expired_choice = ExpiredChoice.ACCEPT_ANYWAY
            elif self.treat_missing.isChecked():
                doc.expired_choice = ExpiredChoice.TREAT_AS_MISSING

    def problem(self, doc: DocumentDraft, name: str) -> OzqError | None:
        if doc.expertise_date is None:
            return ValidationError("Enter the date of the expertise: «{document}».", document=name)
        if doc.expertise_date > self._today():
            return ValidationError(
                "The date of the expertise is in the future: «{document}».", document=name
            )
        if self.expired() and doc.expired_choice is None:
            return ValidationError(
                "The expert conclusion is more than three months old: choose whether to accept it."
            )
        if doc.bound and not doc.bound_pages:
            return ValidationError("Enter the number of bound pages: «{document}».", document=name)
        return None

    def retranslate(self) -> None:
        self.texts.apply()
