"""Packages in a table (today's, search results, deadlines, results ready): one set of columns
over `PackageSummary` rows, shown the one way tables are shown (ui/tables.py)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject

from ozq_desktop.domain.lifecycle import status_label
from ozq_desktop.domain.packages import PackageSummary
from ozq_desktop.i18n import N_, current_language
from ozq_desktop.ui.labels import day_text, time_text
from ozq_desktop.ui.tables import Column, RowsModel
from ozq_wire.catalog import Catalog
from ozq_wire.errors import UnknownServiceError


def _time(row: PackageSummary) -> str:
    return time_text(row.accepted_at) if isinstance(row.accepted_at, datetime) else ""


def _moment(row: PackageSummary) -> str:
    moment = row.accepted_at
    return f"{day_text(moment)} {time_text(moment)}" if isinstance(moment, datetime) else ""


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
        Column(N_("Status"), lambda r: status_label(r.status)),
        Column(N_("Result date"), lambda r: day_text(r.result_date) if r.result_date else ""),
    )


class PackageTableModel(RowsModel[PackageSummary]):
    def __init__(self, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(package_columns(catalog), parent)
