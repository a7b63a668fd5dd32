"""The one date input: typed as the clerk thinks of a date, or picked from a calendar.

An empty field is "not set" (its placeholder shows the format); there is no placeholder date
that typed digits would be appended to. The clerk types `15102026` or `15.10.2026` and is
done; Ctrl+A selects the whole text, so typing replaces it. Alt+Down or F4 opens the
calendar at the field's date, or at today; its month and day names are in the UI language.

    field = DateField(parent, today=lambda: services.clock().date())
    add_row(form, texts, N_("Date of the expertise"), field, "doc_x_expertise_date")
    field.date()        # a datetime.date, or None when empty or not a real day
    field.setDate(day)  # a date, a QDate, or None
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.i18n import N_
from ozq_desktop.ui.language import Texts, follow_language
from ozq_desktop.ui.qt_language import ui_locale

FORMAT = "%d.%m.%Y"
_DOTTED = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$")


def parse_day(text: str) -> date | None:
    """`15102026`, `15.10.2026`, `15.10.26`, `1.2.2027` → a date; anything else → None."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit() and len(text) in (6, 8):
        day, month, year = text[:2], text[2:4], text[4:]
    else:
        match = _DOTTED.match(text)
        if match is None:
            return None
        day, month, year = match.groups()
    full_year = int(year) + 2000 if len(year) == 2 else int(year)
    try:
        return date(full_year, int(month), int(day))
    except ValueError:
        return None


def to_date(value: date | QDate | None) -> date | None:
    if isinstance(value, QDate):
        return value.toPython() if value.isValid() else None
    return value


class CalendarPopup(QFrame):
    """The calendar under a date field; Enter or a click picks, Esc closes."""

    picked = Signal(object)  # date

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("date_popup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget(self)
        self.calendar.setObjectName("date_popup_calendar")
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.activated.connect(self._pick)  # Enter, or a double click
        self.calendar.clicked.connect(self._pick)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.calendar)

    def open_at(self, day: date, anchor: QWidget) -> None:
        self.calendar.setLocale(ui_locale())
        self.calendar.setSelectedDate(QDate(day))
        self.adjustSize()
        below = anchor.mapToGlobal(anchor.rect().bottomLeft())
        screen = anchor.screen().availableGeometry()
        x = min(below.x(), screen.right() - self.width())
        y = (
            below.y()
            if below.y() + self.height() <= screen.bottom()
            else (anchor.mapToGlobal(anchor.rect().topLeft()).y() - self.height())
        )
        self.move(max(x, screen.left()), max(y, screen.top()))
        self.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _pick(self, qdate: QDate) -> None:
        self.close()
        self.picked.emit(qdate.toPython())


class DateField(QWidget):
    """A date or "not set". `dateChanged` carries the new value (a date or None)."""

    dateChanged = Signal(object)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._value: date | None = None
        self.texts = Texts()
        self.popup: CalendarPopup | None = None
        self.edit = QLineEdit(self)
        self.edit.setObjectName("date_text")
        self.edit.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[0-9./\- ]{0,10}"), self.edit)
        )
        self.edit.setClearButtonEnabled(False)
        self.edit.setMaximumWidth(130)
        self.edit.setStyleSheet('QLineEdit[invalid="true"] { border: 1px solid #c0392b; }')
        self.button = QToolButton(self)
        self.button.setObjectName("date_calendar_button")
        self.button.setText("▾")
        # Not a Tab stop: from the field, Alt+Down or F4 does what it does.
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setProperty("keyboard_via", "Alt+Down")
        self.texts.bind(self.edit.setPlaceholderText, N_("dd.mm.yyyy"))
        self.texts.bind(self.button.setToolTip, N_("Calendar (Alt+Down)"))
        self.texts.bind(self.button.setAccessibleName, N_("Calendar (Alt+Down)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._typed)
        self.edit.editingFinished.connect(self._tidy)
        self.edit.installEventFilter(self)
        self.button.clicked.connect(self.open_calendar)
        follow_language(self.retranslate)

    def retranslate(self) -> None:
        self.texts.apply()

    # -- the value ---------------------------------------------------------------------------

    def date(self) -> date | None:
        return self._value

    def setDate(self, value: date | QDate | None) -> None:
        day = to_date(value)
        self.edit.setText(day.strftime(FORMAT) if day else "")

    def clear(self) -> None:
        self.edit.clear()

    def setAccessibleName(self, name: str) -> None:
        """The field and the text input the screen reader lands on (forms.add_row names it)."""
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def today(self) -> date:
        return self._today()

    def is_valid(self) -> bool:
        """Empty, or a real day: what is typed is not half a date."""
        return not self.edit.text().strip() or self._value is not None

    def _typed(self, text: str) -> None:
        value = parse_day(text)
        if value is not None and text.isdigit() and len(text) == 8:
            self.edit.setText(value.strftime(FORMAT))  # 15102026 → 15.10.2026
            return  # the new text comes back here
        self.edit.setProperty("invalid", bool(text.strip()) and value is None)
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
        if value != self._value:
            self._value = value
            self.dateChanged.emit(value)

    def _tidy(self) -> None:
        if self._value is not None:
            wanted = self._value.strftime(FORMAT)
            if self.edit.text() != wanted:
                self.edit.setText(wanted)

    # -- the calendar --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            alt_down = event.key() == Qt.Key.Key_Down and (
                event.modifiers() & Qt.KeyboardModifier.AltModifier
            )
            if alt_down or event.key() == Qt.Key.Key_F4:
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)

    def open_calendar(self) -> CalendarPopup:
        if self.popup is None:
            self.popup = CalendarPopup(self)
            self.popup.picked.connect(self._picked)
        self.popup.open_at(self._value or self._today(), self.edit)
        return self.popup

    def _picked(self, day: date) -> None:
        self.setDate(day)
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)
        self.edit.selectAll()
