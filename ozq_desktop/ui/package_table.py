"""Packages in a table (today's, search results, deadlines, results ready): one set of columns
over `PackageSummary` rows, shown the one way tables are shown (ui/tables.py)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject

from ozq_desktop.domain.lifecycle import status_label
from ozq_desktop.domain.packages import PackageSummary
from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.labels import day_text, time_text
from ozq_desktop.ui.tables import Column, RowsModel
from ozq_wire.catalog import Catalog
from ozq_wire.errors import UnknownServiceError


def result_date_text(row: PackageSummary, tooltip: bool = False) -> str:
    """The due date; beside it, when it differs, the date the applicant's receipt promised
    (service 3's earlier due date, or a calendar change since acceptance)."""
    if row.result_date is None:
        return ""
    due = day_text(row.result_date)
    if not row.promise_differs:
        return due
    if tooltip:
        return tr(
            N_("Due {due}; the applicant's receipt says {promised}"),
            due=due,
            promised=day_text(row.promised_date),
        )
    return tr(N_("{due} (receipt: {promised})"), due=due, promised=day_text(row.promised_date))


def _time(row: PackageSummary) -> str:
    return time_text(row.accepted_at) if isinstance(row.accepted_at, datetime) else ""


def _moment(row: PackageSummary) -> str:
    moment = row.accepted_at
    return f"{day_text(moment)} {time_text(moment)}" if isinstance(moment, datetime) else ""


def _status(row: PackageSummary) -> str:
    return status_label(row.status) + (f" · {tr(N_('training'))}" if row.training else "")


def package_columns(catalog: Catalog) -> tuple[Column[PackageSummary], ...]:
    def service_name(row: PackageSummary, full: bool) -> str:
        try:
            service = catalog.get(row.service_id)
        except UnknownServiceError:
            return row.service_id
        return (service.name if full else service.short_name).get(current_language())

    return (
        Column(N_("Receipt number"), lambda r: r.receipt_no),
        Column(N_("Time"), _time, _moment),
        Column(N_("Service"), lambda r: service_name(r, False), lambda r: service_name(r, True)),
        Column(N_("Applicant"), lambda r: r.applicant_name),
        Column(N_("IIN/BIN"), lambda r: r.applicant_idn),
        Column(N_("Status"), _status),
        Column(N_("Result date"), result_date_text, lambda r: result_date_text(r, True)),
    )


class PackageTableModel(RowsModel[PackageSummary]):
    def __init__(self, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(package_columns(catalog), parent)
