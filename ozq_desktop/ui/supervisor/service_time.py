"""Waits and service times against the two 15-minute caps: per hour of the day, per clerk or
per service, with the chart of medians and 90th percentiles by hour, for a day or a week (or
any period), and the report printed with its chart."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.charts import hour_bars, minutes_text, share_text
from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.context import Clerk, DeskServices
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.pdf_preview import PdfPreviewDialog
from ozq_desktop.ui.supervisor.common import add_row, date_edit, date_of, fill, push_button, table
from ozq_desktop.ui.supervisor.times_chart import TimesChart

COLUMNS = (
    N_("Packages"),
    N_("Wait: median"),
    N_("Wait: 90%"),
    N_("Wait ≤ 15 min"),
    N_("Service: median"),
    N_("Service: 90%"),
    N_("Service ≤ 15 min"),
    N_("No ticket time"),
)
GROUPS = (
    ("by_hour", N_("By hour of the day")),
    ("by_clerk", N_("By clerk")),
    ("by_service", N_("By service")),
)
REPORT_TITLE = N_("Waits and service times")


def week_of(day: date) -> tuple[date, date]:
    """Monday to Saturday, the service centres' working week."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=5)


class ServiceTimePage(QWidget):
    def __init__(self, services: DeskServices, clerk: Clerk, parent: QWidget | None = None) -> None:
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
        self.table = table(self, "service_time_table", self.texts, N_("Service time by clerk"))
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

        dates = QFormLayout()
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
        self.group.currentIndexChanged.connect(lambda _i: self.retranslate())
        self.print_button.setEnabled(False)
        follow_language(self.retranslate)
        self.retranslate()

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
        from ozq_desktop.domain.registers import service_time_report

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
        self.retranslate()

    # -- printing ------------------------------------------------------------------------

    def report_renderer(self):
        """A function of the language rendering the report (with its chart) as a PDF."""
        report, services = self.report, self._services
        catalog, factory = services.catalog, services.tasks.factory
        printed_at = services.clock()

        def render(lang: str) -> bytes:
            from ozq_desktop.documents import times_report_data
            from ozq_desktop.printing.times_report import render_times_report
            from ozq_desktop.storage.engine import reading

            with reading(factory) as session:
                data = times_report_data(
                    session=session, catalog=catalog, report=report, printed_at=printed_at
                )
            return render_times_report(data, lang)

        return render

    def print_report(self) -> None:
        if self.report is None:
            return
        period = f"{self.report.start.isoformat()}-{self.report.end.isoformat()}"
        self.preview = PdfPreviewDialog(
            self._services.tasks,
            self._services.settings,
            REPORT_TITLE,
            self.report_renderer(),
            kind="service_time",
            file_stem=f"service-time-{period}",
            parent=self,
            user_id=self._clerk.user.id,
            object_id=period,
            printers=self._services.printers,
        )
        self.preview.open()

    # -- texts ---------------------------------------------------------------------------

    def rows(self) -> list[tuple[str, ...]]:
        if self.report is None:
            return []
        lang = current_language()
        names = {s.id: s.short_name.get(lang) for s in self._services.catalog}
        key = self.group.currentData()
        lines = getattr(self.report, key)

        def label(line) -> str:
            if key == "by_hour":
                return f"{line.key}:00–{int(line.key) + 1:02d}:00"
            if key == "by_service":
                return names.get(line.key, line.key)
            return line.key

        return [
            (
                label(line),
                str(line.packages),
                minutes_text(line.wait.median),
                minutes_text(line.wait.p90),
                share_text(line.wait.within_norm),
                minutes_text(line.service.median),
                minutes_text(line.service.p90),
                share_text(line.service.within_norm),
                str(line.no_ticket_time),
            )
            for line in lines
        ]

    def retranslate(self) -> None:
        self.texts.apply()
        for i, (_key, msgid) in enumerate(GROUPS):
            self.group.setItemText(i, tr(msgid))
        title = dict(GROUPS)[self.group.currentData()]
        fill(self.table, (title, *COLUMNS), self.rows())
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
