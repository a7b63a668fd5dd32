"""Reading a table view as the clerk sees it: through its model, cell by cell."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView


def rows(view: QTableView) -> int:
    return view.model().rowCount()


def cell(view: QTableView, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return view.model().index(row, column).data(role)


def column(view: QTableView, index: int) -> list[str]:
    return [cell(view, r, index) for r in range(rows(view))]
