"""Service time per clerk and per service: the median, and the share within the 15-minute norm."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from ozq_desktop.domain.changes import Changes
from ozq_desktop.domain.registers import ServiceTimeLine
from ozq_desktop.i18n import N_, current_language
from ozq_desktop.ui.changes import follow_changes
from ozq_desktop.ui.context import DeskServices, SignedIn
from ozq_desktop.ui.forms import add_row, new_form
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.supervisor.common import date_edit, date_of
from ozq_desktop.ui.tables import Column, RowsModel, table_view
from ozq_wire.catalog import Catalog


def service_time_columns(catalog: Catalog) -> tuple[Column[ServiceTimeLine], ...]:
    def service(line: ServiceTimeLine) -> str:
        names = {s.id: s.short_name.get(current_language()) for s in catalog}
        return names.get(line.service_id, line.service_id)

    return (
        Column(N_("Clerk"), lambda line: line.clerk_name),
        Column(N_("Service"), service),
        Column(N_("Packages"), lambda line: str(line.packages)),
        Column(N_("Median time"), lambda line: minutes_text(line.median_seconds)),
        Column(N_("Within 15 min"), lambda line: f"{line.within_norm_share:.0%}"),
    )


def minutes_text(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


class ServiceTimePage(QWidget):
    def __init__(
        self, services: DeskServices, clerk: SignedIn, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("service_time_page")
        self._services = services
        self._clerk = clerk
        self.texts = Texts()
        self.lines: list = []
        today = services.clock().date()
        self.start = date_edit(
            self, "service_time_start", self.texts, N_("From"), today - timedelta(days=30)
        )
        self.end = date_edit(self, "service_time_end", self.texts, N_("To"), today)
        self.show_button = QPushButton(self)
        named(self.show_button, "service_time_show", self.texts, N_("Show"))
        self.texts.bind(self.show_button.setText, N_("Show"))
        self.show_button.clicked.connect(self.refresh)
        self.model = RowsModel(service_time_columns(services.catalog), self)
        self.table = table_view(
            self, "service_time_table", self.texts, N_("Service time by clerk"), self.model
        )
        self.note = QLabel(self)
        self.note.setObjectName("service_time_note")
        self.note.setWordWrap(True)
        self.texts.bind(
            self.note.setText,
            N_(
                "The service time runs from the start of the wizard to the receipt; the norm is "
                "15 minutes (seed, §4)."
            ),
        )
        form = new_form()
        add_row(form, self.texts, N_("From"), self.start)
        add_row(form, self.texts, N_("To"), self.end)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.show_button)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        follow_language(self.retranslate)
        follow_changes(services.tasks, self, self._changed)
        self.retranslate()

    def refresh(self) -> None:
        from ozq_desktop.domain.registers import service_time_report

        start, end, actor = date_of(self.start), date_of(self.end), self._clerk.user
        self._services.tasks.read(
            lambda s: service_time_report(session=s, actor=actor, start=start, end=end),
            self._show,
            owner=self,
        )

    def _changed(self, changes: Changes) -> None:
        if changes.packages:
            self.refresh()

    def _show(self, lines: list) -> None:
        self.lines = lines
        self.model.set_rows(lines)

    def retranslate(self) -> None:
        self.texts.apply()
        self.model.retranslate()
