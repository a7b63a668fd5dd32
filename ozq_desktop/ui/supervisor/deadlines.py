"""The deadline monitor: open packages whose result is overdue, due today, or due soon."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from ozq_desktop.domain.changes import Changes
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui.changes import follow_changes
from ozq_desktop.ui.context import DeskServices
from ozq_desktop.ui.language import Texts, follow_language
from ozq_desktop.ui.package_table import PackageTableModel
from ozq_desktop.ui.tables import table_view

SECTIONS = (
    ("overdue", N_("Overdue: {count}")),
    ("due_today", N_("Due today: {count}")),
    ("due_soon", N_("Due soon: {count}")),
)
TABLE_NAMES = {
    "overdue": N_("Overdue packages"),
    "due_today": N_("Packages due today"),
    "due_soon": N_("Packages due soon"),
}


def read_counts(session, today: date):
    from ozq_desktop.domain.calendar_store import load_calendar
    from ozq_desktop.domain.deadlines import deadline_counts

    return deadline_counts(session=session, calendar=load_calendar(session=session), today=today)


def read_lists(session, today: date):
    from ozq_desktop.domain.calendar_store import load_calendar
    from ozq_desktop.domain.deadlines import deadline_lists

    return deadline_lists(session=session, calendar=load_calendar(session=session), today=today)


def counts_text(counts) -> str:
    """One line for the home screen."""
    return " · ".join(tr(msgid, count=getattr(counts, key)) for key, msgid in SECTIONS)


class DeadlinesPage(QWidget):
    def __init__(self, services: DeskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deadlines_page")
        self._services = services
        self.texts = Texts()
        self.lists = None
        self.titles: dict[str, QLabel] = {}
        self.models: dict[str, PackageTableModel] = {}
        self.tables: dict[str, QTableView] = {}
        layout = QVBoxLayout(self)
        for key, _msgid in SECTIONS:
            title = QLabel(self)
            title.setObjectName(f"{key}_title")
            font = title.font()
            font.setBold(True)
            title.setFont(font)
            model = PackageTableModel(services.catalog, self)
            view = table_view(self, f"{key}_table", self.texts, TABLE_NAMES[key], model)
            layout.addWidget(title)
            layout.addWidget(view, 1)
            self.titles[key], self.models[key], self.tables[key] = title, model, view
        follow_language(self.retranslate)
        follow_changes(services.tasks, self, self._changed)
        self.retranslate()

    def _changed(self, changes: Changes) -> None:
        if changes.package_lists:
            self.refresh()

    def refresh(self) -> None:
        today = self._services.clock().date()
        self._services.tasks.read(lambda s: read_lists(s, today), self._show, owner=self)

    def _show(self, lists) -> None:
        self.lists = lists
        for key, _msgid in SECTIONS:
            self.models[key].set_rows(getattr(lists, key))
        self.retranslate()

    def retranslate(self) -> None:
        self.texts.apply()
        for key, msgid in SECTIONS:
            count = "…" if self.lists is None else len(getattr(self.lists, key))
            self.titles[key].setText(tr(msgid, count=count))
            self.models[key].retranslate()
