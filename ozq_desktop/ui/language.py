"""Run-time language switching for widgets.

`ozq_desktop.i18n` keeps plain listeners forever; widgets come and go. So one Qt relay is
registered with i18n, and widgets connect their `retranslate` to its signal: Qt drops the
connection when a widget is destroyed.

`Texts` remembers which setter shows which message, so a widget's `retranslate()` re-reads
every text with one call while typed input stays untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ozq_desktop import i18n
from ozq_desktop.i18n import tr


class _LanguageRelay(QObject):
    changed = Signal(str)


_relay: _LanguageRelay | None = None


def relay() -> _LanguageRelay:
    global _relay
    if _relay is None:
        _relay = _LanguageRelay()
        i18n.on_language_changed(_relay.changed.emit)
    return _relay


def follow_language(slot: Callable[[], None]) -> None:
    """Call `slot` (a widget's bound retranslate) whenever the language changes."""
    relay().changed.connect(slot)


class Texts:
    """The translated texts of one widget: `bind(setter, msgid)` now, `apply()` on a switch."""

    def __init__(self) -> None:
        self._bindings: list[tuple[Callable[[str], Any], Callable[[], str]]] = []

    def bind(self, setter: Callable[[str], Any], msgid: str, /, **params: object) -> None:
        self.bind_fn(setter, lambda: tr(msgid, **params))

    def bind_fn(self, setter: Callable[[str], Any], text: Callable[[], str]) -> None:
        """Bind a text computed at display time (a catalog name, a domain label)."""
        self._bindings.append((setter, text))
        setter(text())

    def apply(self) -> None:
        for setter, text in self._bindings:
            setter(text())


def named(widget: QWidget, object_name: str, texts: Texts, accessible_msgid: str) -> QWidget:
    """Give an input its objectName and a translated accessible name."""
    widget.setObjectName(object_name)
    texts.bind(widget.setAccessibleName, accessible_msgid)
    return widget
