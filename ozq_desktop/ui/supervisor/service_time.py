"""Waits and service times against the two 15-minute caps: per hour of the day, per clerk or
per service, with the chart of medians and 90th percentiles by hour, for a day or a week (or
any period), and the report printed with its chart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.charts import hour_bars, minutes_text, share_text
from ozq_desktop.documents import Kind, Period
from ozq_desktop.domain.changes import Changes
from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.changes import follow_changes
from ozq_desktop.ui.context import DeskServices, SignedIn
from ozq_desktop.ui.forms import add_row, new_form
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.pdf_preview import PdfPreviewDialog
from ozq_desktop.ui.supervisor.common import date_edit, date_of, push_button
from ozq_desktop.ui.supervisor.times_chart import TimesChart
from ozq_desktop.ui.tables import Column, RowsModel, table_view
from ozq_wire.catalog import Catalog

GROUPS = (
    ("by_hour", N_("By hour of the day")),
    ("by_clerk", N_("By clerk")),
    ("by_service", N_("By service")),
)


def times_columns(catalog: Catalog, group: Callable[[], str]) -> tuple[Column, ...]:
    """The report's lines (domain/service_times.py); the first column names the group."""

    def label(line) -> str:
        key = group()
        if key == "by_hour":
            return f"{line.key}:00–{int(line.key) + 1:02d}:00"
        if key == "by_service":
            names = {s.id: s.short_name.get(current_language()) for s in catalog}
            return names.get(line.key, line.key)
        return line.key

    def title_of_group() -> str:  # the header follows the grouping
        return dict(GROUPS)[group()]

    return (
        Column(title_of_group, label),
        Column(N_("Packages"), lambda line: str(line.packages)),
        Column(N_("Wait: median"), lambda line: minutes_text(line.wait.median)),
        Column(N_("Wait: 90%"), lambda line: minutes_text(line.wait.p90)),
        Column(N_("Wait ≤ 15 min"), lambda line: share_text(line.wait.within_norm)),
        Column(N_("Service: median"), lambda line: minutes_text(line.service.median)),
        Column(N_("Service: 90%"), lambda line: minutes_text(line.service.p90)),
        Column(N_("Service ≤ 15 min"), lambda line: share_text(line.service.within_norm)),
        Column(N_("No ticket time"), lambda line: str(line.no_ticket_time)),
    )


def week_of(day: date) -> tuple[date, date]:
    """Monday to Saturday, the service centres' working week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=5)


class ServiceTimePage(QWidget):
    def __init__(
        self, services: DeskServices, clerk: SignedIn, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("service_time_page")
        self._services = services
        self._clerk = clerk
        self.texts = Texts()
        self.report = None
        self.preview: PdfPreviewDialog | None = None
        today = services.clock().date()
        self.start = date_edit(self, "service_time_start", self.texts, N_("From"), today)
        self.end = date_edit(self, "service_time_end", self.texts, N_("To"), today)
        self.day_button = push_button(self, "service_time_day", self.texts, N_("Today"))
        self.week_button = push_button(self, "service_time_week", self.texts, N_("This week"))
        self.show_button = push_button(self, "service_time_show", self.texts, N_("Show"))
        self.print_button = push_button(self, "service_time_print", self.texts, N_("Print…"))
        self.group = QComboBox(self)
        named(self.group, "service_time_group", self.texts, N_("Group"))
        for key, _msgid in GROUPS:
            self.group.addItem("", key)
        self.model = RowsModel(
            times_columns(services.catalog, lambda: self.group.currentData()), self
        )
        self.table = table_view(
            self, "service_time_table", self.texts, N_("Service time by clerk"), self.model
        )
        self.chart = TimesChart(self)
        self.total = QLabel(self)
        self.total.setObjectName("service_time_total")
        self.total.setWordWrap(True)
        self.note = QLabel(self)
        self.note.setObjectName("service_time_note")
        self.note.setWordWrap(True)
        self.texts.bind(
            self.note.setText,
            N_(
                "The wait runs from the queue ticket to the start of service, the service from "
                "there to the receipt; each is capped at 15 minutes by the service standard."
            ),
        )

        dates = new_form()
        add_row(dates, self.texts, N_("From"), self.start)
        add_row(dates, self.texts, N_("To"), self.end)
        add_row(dates, self.texts, N_("Group"), self.group)
        buttons = QVBoxLayout()
        for button in (self.day_button, self.week_button):
            buttons.addWidget(button)
        actions = QVBoxLayout()
        for button in (self.show_button, self.print_button):
            actions.addWidget(button)
        top = QHBoxLayout()
        top.addLayout(dates)
        top.addLayout(buttons)
        top.addLayout(actions)
        top.addStretch(1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("service_time_split")
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.total)
        layout.addWidget(self.note)

        self.day_button.clicked.connect(self.show_day)
        self.week_button.clicked.connect(self.show_week)
        self.show_button.clicked.connect(self.refresh)
        self.print_button.clicked.connect(self.print_report)
        self.group.currentIndexChanged.connect(lambda _i: self._show_group())
        self.print_button.setEnabled(False)
        follow_language(self.retranslate)
        follow_changes(services.tasks, self, self._changed)
        self.retranslate()

    def _changed(self, changes: Changes) -> None:
        if changes.packages and self.report is not None:
            self.refresh()

    # -- the period ------------------------------------------------------------------------

    def set_period(self, start: date, end: date) -> None:
        self.start.setDate(start)
        self.end.setDate(end)
        self.refresh()

    def show_day(self) -> None:
        today = self._services.clock().date()
        self.set_period(today, today)

    def show_week(self) -> None:
        self.set_period(*week_of(self._services.clock().date()))

    def refresh(self) -> None:
        from ozq_desktop.domain.service_times import service_time_report

        start, end, actor = date_of(self.start), date_of(self.end), self._clerk.user
        self._services.tasks.read(
            lambda s: service_time_report(session=s, actor=actor, start=start, end=end),
            self._show,
            owner=self,
        )

    def _show(self, report) -> None:
        self.report = report
        self.chart.set_bars(hour_bars(report))
        self.print_button.setEnabled(True)
        self._show_group()
        self.retranslate()

    # -- printing ------------------------------------------------------------------------

    def print_report(self) -> None:
        if self.report is None:
            return
        period = f"{self.report.start.isoformat()}-{self.report.end.isoformat()}"
        ref = Period(self.report.start, self.report.end, self._clerk.user, self._services.clock())
        self.preview = PdfPreviewDialog(
            self._services,
            Kind.TIMES_REPORT,
            ref,
            self,
            file_stem=f"service-time-{period}",
            user_id=self._clerk.user.id,
            object_id=period,
        )
        self.preview.open()

    # -- texts ---------------------------------------------------------------------------

    def _show_group(self) -> None:
        key = self.group.currentData()
        self.model.set_rows(getattr(self.report, key) if self.report is not None else [])

    def retranslate(self) -> None:
        self.texts.apply()
        for i, (_key, msgid) in enumerate(GROUPS):
            self.group.setItemText(i, tr(msgid))
        self.model.retranslate()
        if self.report is None:
            self.total.clear()
            return
        t = self.report.total
        self.total.setText(
            tr(
                N_(
                    "In all: {packages} packages; wait median {wait}, within 15 minutes "
                    "{wait_share}; service median {service}, within 15 minutes {service_share}."
                ),
                packages=t.packages,
                wait=minutes_text(t.wait.median),
                wait_share=share_text(t.wait.within_norm),
                service=minutes_text(t.service.median),
                service_share=share_text(t.service.within_norm),
            )
        )
