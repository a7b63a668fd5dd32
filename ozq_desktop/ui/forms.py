"""One way to build a labelled input.

Every input with a label is made here: the label's text follows the language, the label is
the input's buddy (so Alt + its underlined letter reaches the input), and the input carries
an object name (for tests and screenshots) and the same text as its accessible name (for
screen readers).

    form = new_form()
    add_row(form, self.texts, N_("Login"), self.login_edit, "login")

`labelled(...)` gives the label alone, for a row laid out by hand (a toolbar of filters).
The label's text is a message id, or a function giving the text (a name from the catalog).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QLabel, QLayout, QWidget

from ozq_desktop.ui.language import Texts, named

Text = str | Callable[[], str]  # a message id, or the text itself, computed when shown


def new_form(parent: QWidget | None = None) -> QFormLayout:
    """A form whose inputs take the width they are given and whose rows never wrap."""
    form = QFormLayout(parent) if parent is not None else QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    return form


def _bind(texts: Texts, setter: Callable[[str], object], text: Text) -> None:
    if callable(text):
        texts.bind_fn(setter, text)
    else:
        texts.bind(setter, text)


def labelled(
    texts: Texts,
    text: Text,
    widget: QWidget,
    object_name: str = "",
    *,
    parent: QWidget | None = None,
) -> QLabel:
    """The label of `widget`, its buddy, its text following the language. With
    `object_name`, the input is named too (object name and accessible name)."""
    if object_name:
        if callable(text):
            widget.setObjectName(object_name)
            texts.bind_fn(widget.setAccessibleName, text)
        else:
            named(widget, object_name, texts, text)
    label = QLabel(parent if parent is not None else widget.parentWidget())
    _bind(texts, label.setText, text)
    label.setBuddy(widget)
    return label


def add_row(
    form: QFormLayout,
    texts: Texts,
    text: Text,
    widget: QWidget,
    object_name: str = "",
    *,
    field: QWidget | QLayout | None = None,
) -> QLabel:
    """A labelled input in `form`; `field` is what goes in the form when it wraps the input
    (a row with a button beside it, say)."""
    parent = form.parentWidget() or widget.parentWidget()
    label = labelled(texts, text, widget, object_name, parent=parent)
    form.addRow(label, field if field is not None else widget)
    return label
