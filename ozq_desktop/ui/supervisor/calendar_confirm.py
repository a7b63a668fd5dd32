"""Before a calendar change is saved: the open packages it moves (receipt number, applicant,
old date → new date, and the date their receipt promised, which stays), and a warning when
the day is today or already past. Nothing is written until the supervisor confirms."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ozq_desktop.domain.calendar_change import ChangePreview, Move
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui import screen_fit
from ozq_desktop.ui.labels import day_text
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.tables import Column, RowsModel, table_view

COLUMNS: tuple[Column[Move], ...] = (
    Column(N_("Receipt number"), lambda m: m.receipt_no),
    Column(N_("Applicant"), lambda m: m.applicant_name),
    Column(N_("Due now"), lambda m: day_text(m.old)),
    Column(N_("Due after the change"), lambda m: day_text(m.new)),
    Column(N_("Date on the receipt"), lambda m: day_text(m.promised)),
)


class CalendarChangeDialog(QDialog):
    """Confirm (Save) or cancel one calendar change, its consequences listed."""

    def __init__(self, found: ChangePreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendar_confirm")
        self.preview = found
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, N_("Change the working calendar"))
        self.summary = QLabel(self)
        self.summary.setObjectName("calendar_confirm_summary")
        self.summary.setWordWrap(True)
        self.warning = QLabel(self)
        self.warning.setObjectName("calendar_confirm_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b00020; font-weight: bold;")
        self.moves_model = RowsModel(COLUMNS, self)
        self.moves_model.set_rows(list(found.moves))
        self.moves = table_view(
            self,
            "calendar_confirm_moves",
            self.texts,
            N_("Result dates that move"),
            self.moves_model,
        )
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        named(self.save_button, "calendar_confirm_save", self.texts, N_("Save the change"))
        self.texts.bind(self.save_button.setText, N_("Save the change"))
        self.cancel_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        named(self.cancel_button, "calendar_confirm_cancel", self.texts, N_("Cancel"))
        self.texts.bind(self.cancel_button.setText, N_("Cancel"))
        # A slip of Enter changes nothing: Save never becomes the default, even with the
        # focus, and the focus starts on Cancel.
        self.save_button.setAutoDefault(False)
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addWidget(self.summary)
        layout.addWidget(self.moves, 1)
        layout.addWidget(self.buttons)
        screen_fit.fit(self, (760, 460))  # no larger than the screen it opens on
        follow_language(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        self.texts.apply()
        found = self.preview
        day = day_text(found.change.day)
        if found.is_today:
            warning = tr(
                N_(
                    "{day} is today: {count} packages were accepted today, and the day would "
                    "count otherwise for them and for everyone still at the counter."
                ),
                day=day,
                count=found.accepted_that_day,
            )
        elif found.is_past:
            warning = tr(
                N_(
                    "{day} is already past: {count} packages were accepted that day. Change a "
                    "past day only to correct a mistake."
                ),
                day=day,
                count=found.accepted_that_day,
            )
        else:
            warning = ""
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))
        if found.moves:
            summary = tr(
                N_(
                    "This change moves the result date of {count} open packages. The dates "
                    "printed on their receipts stay as they are; the hand-over screen and the "
                    "deadline monitor show both."
                ),
                count=len(found.moves),
            )
        else:
            summary = tr(N_("This change moves the result date of no open package."))
        self.summary.setText(summary)
        self.moves_model.retranslate()
        self.moves.setVisible(bool(found.moves))
