"""Small pieces the supervisor's tabs share: a date input, a line input, a button, a message,
and the page shape (a table over forms). Tables: ui/tables.py; labelled inputs: ui/forms.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.ui.date_field import DateField
from ozq_desktop.ui.language import Texts, named
from ozq_desktop.ui.message_label import MessageLabel


def date_edit(parent: QWidget, name: str, texts: Texts, msgid: str, value: date) -> DateField:
    """A date input (ui/date_field.py) showing `value`; its calendar opens at today."""
    edit = DateField(parent)
    named(edit, name, texts, msgid)
    edit.setDate(value)
    return edit


def date_of(edit: DateField) -> date:
    """The date typed, or today while the field is empty or holds half a date."""
    return edit.date() or edit.today()


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


def message_label(parent: QWidget, name: str) -> MessageLabel:
    """A page's status line: shown when there is something to say, re-rendered in the new
    language on a switch (ui/message_label.py)."""
    return MessageLabel(name, parent)


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
