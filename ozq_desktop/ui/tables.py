"""One way to show a table: rows of plain values in a `RowsModel`, through declared columns,
in a `QTableView` made by `table_view`. No `QTableWidget` anywhere.

A model holds the rows a read returned and computes each cell's text when the view asks for
it, so only the cells on screen are ever formatted: a language switch on 2,000 rows is one
`dataChanged` signal, not 12,000 new items. `set_rows` replaces the rows in one reset.

    COLUMNS = (
        Column(N_("Receipt number"), lambda r: r.receipt_no),
        Column(N_("Outcome"), lambda r: tr(OUTCOMES[r.outcome])),
    )
    self.model = RowsModel(COLUMNS, self)
    self.table = table_view(self, "register_table", self.texts, N_("Daily register"), self.model)
    ...
    self.model.set_rows(register.entries)      # after a read
    self.model.retranslate()                   # in the page's retranslate()

Every model is checked with pytest-qt's `qtmodeltester` (tests/ui/test_tables.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ozq_desktop.i18n import tr
from ozq_desktop.ui.language import Texts, named

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

HIGHLIGHT = QBrush(QColor("#f8d7da"))  # a row that needs attention (overdue)


@dataclass(frozen=True)
class Column(Generic[R]):
    """A column: its header (a msgid, translated when shown; or a function giving the msgid,
    for a header that changes with the view), the cell's text, and optionally a tooltip."""

    title: str | Callable[[], str]
    text: Callable[[R], str]
    tooltip: Callable[[R], str] | None = None


class RowsModel(QAbstractTableModel, Generic[R]):
    """Read-only rows shown through `columns`. `highlight(row)` marks rows needing attention,
    with `highlight_tip()` as their tooltip."""

    def __init__(
        self,
        columns: Sequence[Column[R]],
        parent: QObject | None = None,
        *,
        highlight: Callable[[R], bool] | None = None,
        highlight_tip: Callable[[], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._rows: list[R] = []
        self._highlight = highlight
        self._highlight_tip = highlight_tip

    @property
    def rows(self) -> list[R]:
        return list(self._rows)

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            title = self.columns[section].title
            return tr(title() if callable(title) else title)
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            return section + 1
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        marked = self._highlight is not None and self._highlight(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if marked and self._highlight_tip is not None:
                return self._highlight_tip()
            return column.tooltip(row) if column.tooltip is not None else None
        if role == Qt.ItemDataRole.BackgroundRole and marked:
            return HIGHLIGHT
        return None

    def retranslate(self) -> None:
        """Headers and cells are read again in the new language; nothing is rebuilt."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self._rows:
            last = self.index(len(self._rows) - 1, len(self.columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)


def table_view(
    parent: QWidget, name: str, texts: Texts, accessible_msgid: str, model: QAbstractTableModel
) -> QTableView:
    """A read-only table of whole rows, one selected at a time, sized to what is on screen."""
    view = QTableView(parent)
    named(view, name, texts, accessible_msgid)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Columns are sized from the rows on screen, not from all 2,000 of a register.
    header.setResizeContentsPrecision(0)
    header.setStretchLastSection(True)
    return view


def current_row(view: QTableView) -> int:
    """The selected row, or -1."""
    index = view.currentIndex()
    return index.row() if index.isValid() else -1
