"""A table of packages (today's, or search results) for the home screen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from ozq_desktop.domain.lifecycle import status_label
from ozq_desktop.domain.packages import PackageSummary
from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.labels import day_text, time_text
from ozq_wire.catalog import Catalog
from ozq_wire.errors import UnknownServiceError

COLUMNS = (
    N_("Receipt number"),
    N_("Time"),
    N_("Service"),
    N_("Applicant"),
    N_("IIN/BIN"),
    N_("Status"),
    N_("Result date"),
)

Index = QModelIndex | QPersistentModelIndex


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


class PackageTableModel(QAbstractTableModel):
    def __init__(self, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._rows: list[PackageSummary] = []

    def set_rows(self, rows: Sequence[PackageSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> PackageSummary:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return tr(COLUMNS[section])
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self._rows[index.row()]
        return self._cell(row, index.column(), role == Qt.ItemDataRole.ToolTipRole)

    def _cell(self, row: PackageSummary, column: int, tooltip: bool) -> str:
        if column == 0:
            return row.receipt_no
        if column == 1:
            moment = row.accepted_at
            if isinstance(moment, datetime):
                return f"{day_text(moment)} {time_text(moment)}" if tooltip else time_text(moment)
            return ""
        if column == 2:
            return self._service_name(row.service_id, full=tooltip)
        if column == 3:
            return row.applicant_name
        if column == 4:
            return row.applicant_idn
        if column == 5:
            return status_label(row.status) + (f" · {tr(N_('training'))}" if row.training else "")
        return result_date_text(row, tooltip)

    def _service_name(self, service_id: str, full: bool) -> str:
        try:
            service = self._catalog.get(service_id)
        except UnknownServiceError:
            return service_id
        text = service.name if full else service.short_name
        return text.get(current_language())

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            last = self.index(len(self._rows) - 1, len(COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)
