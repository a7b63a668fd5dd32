"""Small pieces the supervisor's tabs share: a read-only table, a date input, labelled forms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.i18n import tr
from ozq_desktop.ui.language import Texts, named

OVERDUE_BRUSH = QBrush(QColor("#f8d7da"))


def table(parent: QWidget, name: str, texts: Texts, accessible_msgid: str) -> QTableWidget:
    widget = QTableWidget(0, 0, parent)
    named(widget, name, texts, accessible_msgid)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    widget.horizontalHeader().setStretchLastSection(True)
    widget.verticalHeader().setVisible(False)
    return widget


def fill(widget: QTableWidget, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Headers are msgids (translated here); cells are shown as given."""
    widget.setColumnCount(len(headers))
    widget.setHorizontalHeaderLabels([tr(h) for h in headers])
    widget.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            widget.setItem(r, c, QTableWidgetItem(value))


def highlight_row(widget: QTableWidget, row: int) -> None:
    for c in range(widget.columnCount()):
        item = widget.item(row, c)
        if item is not None:
            item.setBackground(OVERDUE_BRUSH)


def date_edit(parent: QWidget, name: str, texts: Texts, msgid: str, value: date) -> QDateEdit:
    edit = QDateEdit(parent)
    named(edit, name, texts, msgid)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    edit.setDate(QDate(value))
    return edit


def date_of(edit: QDateEdit) -> date:
    return edit.date().toPython()


def add_row(form: QFormLayout, texts: Texts, msgid: str, widget: QWidget) -> None:
    label = QLabel(widget.parentWidget())
    texts.bind(label.setText, msgid)
    label.setBuddy(widget)
    form.addRow(label, widget)


def line_edit(parent: QWidget, name: str, texts: Texts, msgid: str) -> QLineEdit:
    edit = QLineEdit(parent)
    named(edit, name, texts, msgid)
    return edit


def push_button(parent: QWidget, name: str, texts: Texts, msgid: str) -> QPushButton:
    button = QPushButton(parent)
    named(button, name, texts, msgid)
    texts.bind(button.setText, msgid)
    button.setAutoDefault(False)
    return button


def message_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


def table_over_boxes(
    page: QWidget, grid: QWidget, boxes: Sequence[QWidget], message: QLabel
) -> None:
    """The shared page shape: a table, the forms side by side beneath it, then a message."""
    row = QHBoxLayout()
    for box in boxes:
        row.addWidget(box, 1)
    layout = QVBoxLayout(page)
    layout.addWidget(grid, 1)
    layout.addLayout(row)
    layout.addWidget(message)
