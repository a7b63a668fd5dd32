"""The working calendar: the year's days off, and the branch's own changes to it (an extra day
off, a working Saturday). A change is shown before it is saved: the open packages whose result
date it moves, and a warning for today and past days (domain/calendar_change.py). Once saved,
every open screen that shows those dates follows (a calendar change is announced like any
write, docs/architecture.md)."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.domain.changes import Changes, Written
from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.changes import follow_changes
from ozq_desktop.ui.context import DeskServices, SignedIn
from ozq_desktop.ui.forms import add_row, labelled, new_form
from ozq_desktop.ui.labels import day_text
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.supervisor.calendar_confirm import CalendarChangeDialog
from ozq_desktop.ui.supervisor.common import date_edit, date_of, message_label
from ozq_desktop.ui.tables import Column, RowsModel, current_row, table_view
from ozq_wire.calendar import Override, OverrideKind

KINDS = {OverrideKind.DAY_OFF: N_("Day off"), OverrideKind.WORKING_DAY: N_("Working day")}

DAYS_OFF_COLUMNS: tuple[Column[tuple[date, str]], ...] = (
    Column(N_("Date"), lambda d: day_text(d[0])),
    Column(N_("Name"), lambda d: d[1]),
)
OVERRIDE_COLUMNS: tuple[Column[Override], ...] = (
    Column(N_("Date"), lambda o: day_text(o.day)),
    Column(N_("Kind of day"), lambda o: tr(KINDS[o.kind])),
    Column(N_("Note"), lambda o: o.note),
)


def read_calendar(session, year: int, lang: str):
    from ozq_desktop.domain.calendar_store import load_calendar
    from ozq_desktop.domain.day_names import days_off

    calendar = load_calendar(session=session)
    return days_off(calendar, year, lang), list(calendar.overrides)


def preview_change(session, catalog, change, today):
    from ozq_desktop.domain.calendar_change import preview

    return preview(session=session, catalog=catalog, change=change, today=today)


def apply_change(session, catalog, change, actor):
    from ozq_desktop.domain.calendar_change import apply

    return apply(session=session, catalog=catalog, change=change, actor=actor)


class CalendarPage(QWidget):
    def __init__(
        self, services: DeskServices, clerk: SignedIn, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_page")
        self._services = services
        self._clerk = clerk
        self.texts = Texts()
        self.confirm_dialog: CalendarChangeDialog | None = None
        today = services.clock().date()
        self.year_spin = QSpinBox(self)
        named(self.year_spin, "calendar_year", self.texts, N_("Year"))
        self.year_spin.setRange(2020, 2100)
        self.year_spin.setValue(today.year)
        self.year_spin.valueChanged.connect(lambda _v: self.refresh())
        self.days_model = RowsModel(DAYS_OFF_COLUMNS, self)
        self.days_table = table_view(
            self, "calendar_days_off", self.texts, N_("Days off of the year"), self.days_model
        )
        self.overrides_model = RowsModel(OVERRIDE_COLUMNS, self)
        self.overrides_table = table_view(
            self,
            "calendar_overrides",
            self.texts,
            N_("Changes made by the branch"),
            self.overrides_model,
        )
        self.overrides_table.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())

        box = QGroupBox(self)
        self.texts.bind(box.setTitle, N_("Change the calendar"))
        self.day_edit = date_edit(box, "calendar_day", self.texts, N_("Date"), today)
        self.kind_combo = QComboBox(box)
        named(self.kind_combo, "calendar_kind", self.texts, N_("Kind of day"))
        for kind in KINDS:
            self.kind_combo.addItem("", kind)
        self.note_edit = QLineEdit(box)
        named(self.note_edit, "calendar_note", self.texts, N_("Note"))
        self.add_button = self._button(box, "calendar_add", N_("Save the change"), self.add)
        form = new_form(box)
        add_row(form, self.texts, N_("Date"), self.day_edit)
        add_row(form, self.texts, N_("Kind of day"), self.kind_combo)
        add_row(form, self.texts, N_("Note"), self.note_edit)
        form.addRow(self.add_button)
        self.remove_button = self._button(
            self, "calendar_remove", N_("Remove the selected change"), self.remove
        )
        self.message = message_label(self, "calendar_message")

        year_row = QHBoxLayout()
        year_row.addWidget(labelled(self.texts, N_("Year"), self.year_spin))
        year_row.addWidget(self.year_spin)
        year_row.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.overrides_table, 1)
        right.addWidget(self.remove_button)
        right.addWidget(box)
        columns = QHBoxLayout()
        columns.addWidget(self.days_table, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(year_row)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)
        follow_language(self.retranslate)
        follow_changes(services.tasks, self, self._changed)
        self.retranslate()

    def _button(self, parent: QWidget, name: str, msgid: str, slot) -> QPushButton:
        button = QPushButton(parent)
        named(button, name, self.texts, msgid)
        self.texts.bind(button.setText, msgid)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def refresh(self) -> None:
        year, lang = self.year_spin.value(), current_language()
        self._services.tasks.read(
            lambda s: read_calendar(s, year, lang), self._show, self._failed, owner=self
        )

    def _changed(self, changes: Changes) -> None:
        if changes.calendar:
            self.refresh()

    @property
    def days_off(self) -> list[tuple[date, str]]:
        return self.days_model.rows

    @property
    def overrides(self) -> list[Override]:
        return self.overrides_model.rows

    def _show(self, found) -> None:
        days_off, overrides = found
        self.days_model.set_rows(days_off)
        self.overrides_model.set_rows(overrides)
        self._chosen()

    def _chosen(self) -> None:
        row = current_row(self.overrides_table)
        self.remove_button.setEnabled(0 <= row < self.overrides_model.rowCount())

    def retranslate(self) -> None:
        self.texts.apply()
        for i, kind in enumerate(KINDS):
            self.kind_combo.setItemText(i, tr(KINDS[kind]))
        self.days_model.retranslate()
        self.overrides_model.retranslate()

    # -- changes -------------------------------------------------------------------------

    def add(self) -> None:
        from ozq_desktop.domain.calendar_change import CalendarChange

        kind = OverrideKind(self.kind_combo.currentData())
        self.propose(CalendarChange(date_of(self.day_edit), kind, self.note_edit.text()))

    def remove(self) -> None:
        from ozq_desktop.domain.calendar_change import CalendarChange

        row = current_row(self.overrides_table)
        if not 0 <= row < self.overrides_model.rowCount():
            return
        self.propose(CalendarChange(self.overrides[row].day, None))

    def propose(self, change) -> None:
        """Work out what `change` moves (in the background), then ask before saving it."""
        catalog, today = self._services.catalog, self._services.clock().date()
        self._services.tasks.read(
            lambda s: preview_change(s, catalog, change, today),
            self._confirm,
            self._failed,
            owner=self,
        )

    def _confirm(self, found) -> None:
        self.confirm_dialog = CalendarChangeDialog(found, self)
        self.confirm_dialog.accepted.connect(lambda: self._write(found.change))
        self.confirm_dialog.open()

    def _write(self, change) -> None:
        catalog, actor = self._services.catalog, self._clerk.user
        self._services.tasks.write(
            lambda s: apply_change(s, catalog, change, actor),
            self._saved,
            self._failed,
            owner=self,
        )

    def _saved(self, moves: Written[tuple]) -> None:
        self.note_edit.clear()
        count = len(moves.value)
        self.message.show_fn(
            lambda: tr(N_("Calendar saved; result dates moved: {count}."), count=count), "ok"
        )

    def _failed(self, exc: BaseException) -> None:
        self.message.show_error(exc)
