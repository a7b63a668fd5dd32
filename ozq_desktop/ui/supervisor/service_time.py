"""Service time per clerk and per service: the median, and the share within the 15-minute norm."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ozq_desktop.i18n import N_, current_language
from ozq_desktop.ui.context import Clerk, DeskServices
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.supervisor.common import add_row, date_edit, date_of, fill, table

HEADERS = (N_("Clerk"), N_("Service"), N_("Packages"), N_("Median time"), N_("Within 15 min"))


def minutes_text(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


class ServiceTimePage(QWidget):
    def __init__(self, services: DeskServices, clerk: Clerk, parent: QWidget | None = None) -> None:
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
        self.table = table(self, "service_time_table", self.texts, N_("Service time by clerk"))
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
        form = QFormLayout()
        add_row(form, self.texts, N_("From"), self.start)
        add_row(form, self.texts, N_("To"), self.end)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.show_button)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        follow_language(self.retranslate)
        self.retranslate()

    def refresh(self) -> None:
        from ozq_desktop.domain.registers import service_time_report

        start, end, actor = date_of(self.start), date_of(self.end), self._clerk.user
        self._services.tasks.read(
            lambda s: service_time_report(session=s, actor=actor, start=start, end=end),
            self._show,
            owner=self,
        )

    def _show(self, lines: list) -> None:
        self.lines = lines
        self.retranslate()

    def retranslate(self) -> None:
        self.texts.apply()
        lang = current_language()
        names = {s.id: s.short_name.get(lang) for s in self._services.catalog}
        rows = [
            (
                line.clerk_name,
                names.get(line.service_id, line.service_id),
                str(line.packages),
                minutes_text(line.median_seconds),
                f"{line.within_norm_share:.0%}",
            )
            for line in self.lines
        ]
        fill(self.table, HEADERS, rows)
