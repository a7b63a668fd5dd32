"""The working calendar: the year's days off, and the branch's own changes to it (an extra day
off, a working Saturday). A change is shown before it is saved: the open packages whose result
date it moves, and a warning for today and past days (domain/calendar_change.py)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.context import Clerk, DeskServices
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.labels import day_text
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.supervisor.calendar_confirm import CalendarChangeDialog
from ozq_desktop.ui.supervisor.common import add_row, date_edit, date_of, fill, table
from ozq_wire.calendar import OverrideKind

KINDS = {OverrideKind.DAY_OFF: N_("Day off"), OverrideKind.WORKING_DAY: N_("Working day")}


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
    def __init__(self, services: DeskServices, clerk: Clerk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_page")
        self._services = services
        self._clerk = clerk
        self.texts = Texts()
        self.days_off: list = []
        self.overrides: list = []
        self.confirm_dialog: CalendarChangeDialog | None = None
        today = services.clock().date()
        self.year_spin = QSpinBox(self)
        named(self.year_spin, "calendar_year", self.texts, N_("Year"))
        self.year_spin.setRange(2020, 2100)
        self.year_spin.setValue(today.year)
        self.year_spin.valueChanged.connect(lambda _v: self.refresh())
        self.days_table = table(self, "calendar_days_off", self.texts, N_("Days off of the year"))
        self.overrides_table = table(
            self, "calendar_overrides", self.texts, N_("Changes made by the branch")
        )
        self.overrides_table.currentCellChanged.connect(lambda *_: self._chosen())

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
        form = QFormLayout(box)
        add_row(form, self.texts, N_("Date"), self.day_edit)
        add_row(form, self.texts, N_("Kind of day"), self.kind_combo)
        add_row(form, self.texts, N_("Note"), self.note_edit)
        form.addRow(self.add_button)
        self.remove_button = self._button(
            self, "calendar_remove", N_("Remove the selected change"), self.remove
        )
        self.message = QLabel(self)
        self.message.setObjectName("calendar_message")
        self.message.setWordWrap(True)

        year_row = QHBoxLayout()
        year_label = QLabel(self)
        self.texts.bind(year_label.setText, N_("Year"))
        year_label.setBuddy(self.year_spin)
        year_row.addWidget(year_label)
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

    def _show(self, found) -> None:
        self.days_off, self.overrides = found
        self._fill()

    def _fill(self) -> None:
        fill(
            self.days_table,
            (N_("Date"), N_("Name")),
            [[day_text(d), name] for d, name in self.days_off],
        )
        fill(
            self.overrides_table,
            (N_("Date"), N_("Kind of day"), N_("Note")),
            [[day_text(o.day), tr(KINDS[o.kind]), o.note] for o in self.overrides],
        )
        self._chosen()

    def _chosen(self) -> None:
        self.remove_button.setEnabled(0 <= self.overrides_table.currentRow() < len(self.overrides))

    def retranslate(self) -> None:
        self.texts.apply()
        for i, kind in enumerate(KINDS):
            self.kind_combo.setItemText(i, tr(KINDS[kind]))
        self._fill()

    # -- changes -------------------------------------------------------------------------

    def add(self) -> None:
        from ozq_desktop.domain.calendar_change import CalendarChange

        kind = OverrideKind(self.kind_combo.currentData())
        self.propose(CalendarChange(date_of(self.day_edit), kind, self.note_edit.text()))

    def remove(self) -> None:
        from ozq_desktop.domain.calendar_change import CalendarChange

        row = self.overrides_table.currentRow()
        if not 0 <= row < len(self.overrides):
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
            self._changed,
            self._failed,
            owner=self,
        )

    def _changed(self, moves) -> None:
        self.note_edit.clear()
        self.message.setText(
            tr(N_("Calendar saved; result dates moved: {count}."), count=len(moves))
        )
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(error_text(exc))
