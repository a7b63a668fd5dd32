"""One way to build a labelled input.

Every input with a label is made here: the label's text follows the language, the label is
the input's buddy (so Alt + its underlined letter reaches the input), and the input carries
an object name (for tests and screenshots) and the same text as its accessible name (for
screen readers).

    form = new_form()
    add_row(form, self.texts, N_("Login"), self.login_edit, "login")

`labelled(...)` gives the label alone, for a row laid out by hand (a toolbar of filters).
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QWidget

from ozq_desktop.ui.language import Texts, named


def new_form(parent: QWidget | None = None) -> QFormLayout:
    """A form whose inputs take the width they are given and whose rows never wrap."""
    form = QFormLayout(parent) if parent is not None else QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    return form


def labelled(
    texts: Texts,
    msgid: str,
    widget: QWidget,
    object_name: str = "",
    *,
    parent: QWidget | None = None,
) -> QLabel:
    """The label of `widget`, its buddy, its text following the language. With
    `object_name`, the input is named too (object name and accessible name)."""
    if object_name:
        named(widget, object_name, texts, msgid)
    label = QLabel(parent if parent is not None else widget.parentWidget())
    texts.bind(label.setText, msgid)
    label.setBuddy(widget)
    return label


def add_row(
    form: QFormLayout,
    texts: Texts,
    msgid: str,
    widget: QWidget,
    object_name: str = "",
    *,
    field: QWidget | QLayout | None = None,
) -> QLabel:
    """A labelled input in `form`; `field` is what goes in the form when it wraps the input
    (a row with a button beside it, say)."""
    parent = form.parentWidget() or widget.parentWidget()
    label = labelled(texts, msgid, widget, object_name, parent=parent)
    form.addRow(label, field if field is not None else widget)
    return label
