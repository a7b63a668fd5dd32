"""The queue ticket on the wizard's first page: its number and the time it was issued, typed
or read by a barcode reader that types like a keyboard (domain/waiting.py says what it may
send), and the applicant's wait so far against the 15-minute cap.

A reader sends the whole ticket ("A123 09:15" and Enter) into the number field; when the
field is left (Enter or Tab), what it holds is split into the number and the time. Enter then
goes on to the next page as usual."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date, datetime, time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from ozq_desktop.domain.waiting import (
    WAIT_NORM_SECONDS,
    parse_ticket,
    parse_time,
    ticket_issued_at,
    wait_seconds,
)
from ozq_desktop.errors import OzqError, ValidationError
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui.labels import minutes_seconds
from ozq_desktop.ui.language import Texts, follow_language, named


class TicketFields(QWidget):
    changed = Signal()

    def __init__(
        self,
        started_at: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ticket_fields")
        self._started_at = started_at
        self._date: date | None = None  # when the reader's ticket carried its date
        self.texts = Texts()
        self.number = QLineEdit(self)
        named(self.number, "ticket_number", self.texts, N_("Queue ticket number"))
        self.number.setMaxLength(40)  # a whole barcode fits; the number itself is checked
        self.texts.bind(self.number.setPlaceholderText, N_("e.g. A123, or read the barcode"))
        self.time = QLineEdit(self)
        named(self.time, "ticket_time", self.texts, N_("Ticket issued at"))
        self.time.setMaxLength(8)
        self.time.setPlaceholderText("09:15")
        self.time.setFixedWidth(80)
        time_label = QLabel(self)
        time_label.setBuddy(self.time)
        self.texts.bind(time_label.setText, N_("issued at"))
        self.wait = QLabel(self)
        self.wait.setObjectName("ticket_wait")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.number, 1)
        row.addWidget(time_label)
        row.addWidget(self.time)
        row.addWidget(self.wait, 1)
        self.setTabOrder(self.number, self.time)

        self.number.editingFinished.connect(self.split_scanned)
        self.number.textEdited.connect(self._edited)
        self.time.textEdited.connect(self._time_edited)
        follow_language(self.retranslate)
        self.update_wait()

    # -- input ---------------------------------------------------------------------------

    def split_scanned(self) -> None:
        """What a barcode reader typed ("A123 09:15"): the number here, the time beside."""
        text = self.number.text().strip()
        if not text:
            return
        try:
            ticket = parse_ticket(text)
        except ValidationError:
            return  # problem() names it; the clerk's typing is left as it is
        if ticket.issued_time is not None:
            self.time.setText(ticket.issued_time.strftime("%H:%M"))
            self._date = ticket.issued_date
        if ticket.number != text:
            self.number.setText(ticket.number)
        self._edited()

    def _time_edited(self, *_args: object) -> None:
        self._date = None  # a time typed by hand is of the ticket's own day
        self._edited()

    def _edited(self, *_args: object) -> None:
        self.update_wait()
        self.changed.emit()

    # -- the draft -------------------------------------------------------------------------

    def load(self, number: str, issued: time | None, issued_date: date | None) -> None:
        self.number.setText(number)
        self.time.setText(issued.strftime("%H:%M") if issued else "")
        self._date = issued_date
        self.update_wait()

    def values(self) -> tuple[str, time | None, date | None]:
        """Number, time and date as far as they are valid (problem() says what is not)."""
        number = self.number.text().strip()
        with contextlib.suppress(ValidationError):
            number = parse_ticket(number).number if number else ""
        try:
            issued = parse_time(self.time.text()) if self.time.text().strip() else None
        except ValidationError:
            issued = None
        return number, issued, self._date if issued else None

    def problem(self) -> OzqError | None:
        number, typed_time = self.number.text().strip(), self.time.text().strip()
        try:
            if number:
                parse_ticket(number)
            if typed_time:
                parse_time(typed_time)
        except ValidationError as exc:
            return exc
        return None

    def clear(self) -> None:
        self.load("", None, None)

    # -- the wait ------------------------------------------------------------------------

    def wait_seconds(self) -> int | None:
        _number, issued, issued_date = self.values()
        if issued is None:
            return None
        start = self._started_at()
        return wait_seconds(ticket_issued_at(issued, start, issued_date), start)

    def update_wait(self) -> None:
        seconds = self.wait_seconds() if self.isEnabled() else None
        if seconds is None:
            self.wait.clear()
            self.wait.setAccessibleName("")
            return
        over = seconds > WAIT_NORM_SECONDS
        self.wait.setText(
            tr(
                N_("Waited {elapsed} (norm {norm} min)"),
                elapsed=minutes_seconds(seconds),
                norm=WAIT_NORM_SECONDS // 60,
            )
        )
        self.wait.setStyleSheet("color: #b00020; font-weight: bold;" if over else "color: #333;")
        self.wait.setAccessibleName(self.wait.text())

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.EnabledChange:
            self.update_wait()

    def retranslate(self) -> None:
        self.texts.apply()
        self.update_wait()
