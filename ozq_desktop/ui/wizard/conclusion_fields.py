"""The expert conclusion's own fields. Seed, each standard: the conclusion is valid for three
months from the date of the expertise; it is signed by the head of the expert organisation,
sealed, and bound with the number of bound pages stated.

What the dates mean is the domain's (domain/checklist.py): an expired conclusion is a missing
document, with no choice to accept it anyway. This widget only shows it: green only while the
conclusion is still valid today, red with its expiry date once it is not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from ozq_desktop.domain.checklist import conclusion_flag
from ozq_desktop.domain.drafts import DocumentDraft
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui.date_field import DateField
from ozq_desktop.ui.forms import add_row, new_form
from ozq_desktop.ui.labels import day_text
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.message_label import MessageLabel


class ConclusionFields(QWidget):
    changed = Signal()

    def __init__(self, code: str, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.texts = Texts()
        form = new_form(self)
        form.setContentsMargins(0, 0, 0, 0)

        self.expertise_date = DateField(self, today=today)
        self._row(
            form, N_("Date of the expertise"), self.expertise_date, f"doc_{code}_expertise_date"
        )
        self.validity = MessageLabel(f"doc_{code}_valid_until", self)
        form.addRow("", self.validity)

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
        for box in (self.signed, self.sealed):
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
        day = self.expertise_date.date()
        return day is not None and conclusion_flag("", day, self._today()).expired

    def _update_validity(self) -> None:
        day = self.expertise_date.date()
        if day is None:
            self.validity.clear_message()
            return
        flag = conclusion_flag("", day, self._today())
        until = day_text(flag.valid_until)
        if day > self._today():
            self.validity.show_fn(
                lambda: tr(N_("The date of the expertise is in the future.")), "error"
            )
        elif flag.expired:
            self.validity.show_fn(
                lambda: tr(
                    N_(
                        "Expired on {date} (three months from the expertise): the conclusion "
                        "counts as missing, and acceptance is refused unless a valid one is "
                        "presented."
                    ),
                    date=until,
                ),
                "error",
            )
        else:
            self.validity.show_fn(
                lambda: tr(N_("Valid until {date} (three months from the expertise)."), date=until),
                "ok",
            )

    def load(self, doc: DocumentDraft) -> None:
        self.expertise_date.setDate(doc.expertise_date)
        self.signed.setChecked(bool(doc.signed_by_head))
        self.sealed.setChecked(bool(doc.sealed))
        self.bound.setChecked(bool(doc.bound))
        self.bound_pages.setValue(doc.bound_pages or 0)
        self.bound_pages.setEnabled(self.bound.isChecked())
        self._update_validity()

    def store(self, doc: DocumentDraft) -> None:
        doc.expertise_date = self.expertise_date.date()
        doc.signed_by_head = self.signed.isChecked()
        doc.sealed = self.sealed.isChecked()
        doc.bound = self.bound.isChecked()
        doc.bound_pages = self.bound_pages.value() if self.bound.isChecked() else None

    def refresh_validity(self) -> None:
        """Today may have moved on (a wizard left open past midnight)."""
        self._update_validity()

    def retranslate(self) -> None:
        self.texts.apply()
