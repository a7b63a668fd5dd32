"""The daily register: one date, all clerks or one; view it, print it, export it to XLSX, and
close the day (the supervisor's sign-off freezes the register). The page follows what writes
change: an acceptance, a hand-over or a sign-off on that day redraws it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.documents import Day, Kind
from ozq_desktop.domain.changes import Changes
from ozq_desktop.domain.registers import DailyRegister, RegisterEntry
from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.changes import follow_changes
from ozq_desktop.ui.context import DeskServices, SignedIn
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.file_dialog import Mode, file_dialog
from ozq_desktop.ui.forms import labelled
from ozq_desktop.ui.labels import day_text, time_text
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.pdf_preview import PdfPreviewDialog, render_job
from ozq_desktop.ui.supervisor.common import date_edit, date_of
from ozq_desktop.ui.tables import Column, RowsModel, table_view
from ozq_wire.catalog import Catalog

OUTCOMES = {
    "accepted": N_("Accepted"),
    "refused": N_("Refused"),
    "handed_over": N_("Handed over"),
}


def register_columns(catalog: Catalog) -> tuple[Column[RegisterEntry], ...]:
    def service(e: RegisterEntry) -> str:
        return catalog.get(e.service_id).short_name.get(current_language())

    def outcome(e: RegisterEntry) -> str:
        return tr(OUTCOMES[e.outcome]) if e.outcome in OUTCOMES else e.outcome

    return (
        Column(N_("Clerk"), lambda e: e.clerk_name),
        Column(N_("Receipt number"), lambda e: e.receipt_no),
        Column(N_("Time"), lambda e: e.time),
        Column(N_("Service"), service),
        Column(N_("Applicant"), lambda e: e.applicant),
        Column(N_("Outcome"), outcome),
    )


def ask_xlsx_path(parent: QWidget, suggested: str, then: Callable[[Path], None]) -> None:
    """Ask where to save the XLSX export; `then(path)` once chosen, nothing on cancel."""
    dialog = file_dialog(parent, N_("Export the register"), suggested, "Excel (*.xlsx)", Mode.SAVE)
    dialog.fileSelected.connect(lambda name: name and then(Path(name)))
    dialog.open()


def ask_close_day(parent: QWidget, day: date) -> bool:
    answer = QMessageBox.question(
        parent,
        tr(N_("Close the day")),
        tr(N_("Sign the register of {day}? It cannot be changed afterwards."), day=day_text(day)),
    )
    return answer == QMessageBox.StandardButton.Yes


class RegisterPage(QWidget):
    def __init__(
        self, services: DeskServices, clerk: SignedIn, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("register_page")
        self._services = services
        self._clerk = clerk
        self.texts = Texts()
        self.register = None
        self.preview: PdfPreviewDialog | None = None
        self.day_edit = date_edit(
            self, "register_day", self.texts, N_("Day"), services.clock().date()
        )
        self.clerk_combo = QComboBox(self)
        named(self.clerk_combo, "register_clerk", self.texts, N_("Clerk"))
        self.clerk_combo.addItem(tr(N_("All clerks")), None)
        self.show_button = self._button("register_show", N_("Show"), self.refresh)
        self.print_button = self._button("register_print", N_("Print…"), self.print_register)
        self.export_button = self._button(
            "register_export", N_("Export to Excel…"), self.export_xlsx
        )
        self.transfer_button = self._button(
            "register_transfer", N_("Transfer register…"), self.print_transfer
        )
        self.close_button = self._button("register_close_day", N_("Close the day"), self.close_day)
        self.model = RowsModel(register_columns(services.catalog), self)
        self.table = table_view(
            self, "register_table", self.texts, N_("Daily register"), self.model
        )
        self.state_label = QLabel(self)
        self.state_label.setObjectName("register_state")
        self.state_label.setWordWrap(True)
        self.day_edit.dateChanged.connect(lambda day: day is not None and self.refresh())
        self.clerk_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        top = QHBoxLayout()
        for label_msgid, widget in ((N_("Day"), self.day_edit), (N_("Clerk"), self.clerk_combo)):
            top.addWidget(labelled(self.texts, label_msgid, widget))
            top.addWidget(widget)
        top.addWidget(self.show_button)
        top.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.state_label, 1)
        for button in (
            self.print_button,
            self.export_button,
            self.transfer_button,
            self.close_button,
        ):
            actions.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        follow_language(self.retranslate)
        follow_changes(services.tasks, self, self._changed)
        self.retranslate()

    def _button(self, name: str, msgid: str, slot) -> QPushButton:
        button = QPushButton(self)
        named(button, name, self.texts, msgid)
        self.texts.bind(button.setText, msgid)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def load_clerks(self) -> None:
        from ozq_desktop.domain.accounts import list_users

        actor = self._clerk.user
        self._services.tasks.read(
            lambda s: [(u.id, u.full_name) for u in list_users(session=s, actor=actor)],
            self._show_clerks,
            self._failed,
            owner=self,
        )

    def _show_clerks(self, users: list[tuple[int, str]]) -> None:
        self.clerk_combo.blockSignals(True)
        while self.clerk_combo.count() > 1:
            self.clerk_combo.removeItem(1)
        for user_id, name in users:
            self.clerk_combo.addItem(name, user_id)
        self.clerk_combo.blockSignals(False)

    @property
    def day(self) -> date:
        return date_of(self.day_edit)

    @property
    def clerk_id(self) -> int | None:
        return self.clerk_combo.currentData()

    def refresh(self) -> None:
        from ozq_desktop.domain.registers import daily_register

        day, clerk_id = self.day, self.clerk_id
        self._services.tasks.read(
            lambda s: daily_register(session=s, day=day, clerk_id=clerk_id),
            self._show,
            self._failed,
            owner=self,
        )

    def _changed(self, changes: Changes) -> None:
        if changes.packages or self.day in changes.registers:
            self.refresh()
        if changes.users:
            self.load_clerks()

    def _show(self, register: DailyRegister) -> None:
        self.register = register
        self.model.set_rows(register.entries)
        self._show_state()

    def retranslate(self) -> None:
        self.texts.apply()
        self.clerk_combo.setItemText(0, tr(N_("All clerks")))
        self.model.retranslate()
        self._show_state()

    def _show_state(self) -> None:
        register = self.register
        if register is None:
            self.state_label.setText("")
        elif register.frozen:
            self.state_label.setText(
                tr(
                    N_("The day is closed: signed by {name} on {day} at {time}."),
                    name=register.signed_by,
                    day=day_text(register.signed_at),
                    time=time_text(register.signed_at),
                )
            )
        else:
            self.state_label.setText(
                tr(N_("Entries: {count}. The day is not closed yet."), count=len(register.entries))
            )
        self.close_button.setEnabled(register is not None and not register.frozen)

    # -- printing, exporting, closing ----------------------------------------------------

    def _day_ref(self, one_clerk: bool = True) -> Day:
        clerk_id = self.clerk_id if one_clerk else None
        return Day(self.day, clerk_id, self._clerk.user.full_name)

    def print_register(self) -> None:
        self._preview(Kind.REGISTER, self._day_ref())

    def print_transfer(self) -> None:
        """The paper originals of the day's accepted packages go to the committee with this."""
        self._preview(Kind.TRANSFER, self._day_ref(one_clerk=False))

    def _preview(self, kind: Kind, ref: Day) -> None:
        self.preview = PdfPreviewDialog(
            self._services,
            kind,
            ref,
            self,
            file_stem=f"{kind}-{ref.day.isoformat()}",
            user_id=self._clerk.user.id,
            object_id=ref.day.isoformat(),
        )
        self.preview.open()

    def export_xlsx(self) -> None:
        ask_xlsx_path(self, f"register-{self.day.isoformat()}.xlsx", self._export_to)

    def _export_to(self, path: Path) -> None:
        render = render_job(self._services, Kind.REGISTER_XLSX, self._day_ref(), current_language())

        def job() -> Path:
            path.write_bytes(render())
            return path

        self._services.tasks.run(job, self._exported, self._failed, owner=self)

    def _exported(self, path: Path) -> None:
        self.state_label.setText(tr(N_("The register was saved to {path}."), path=str(path)))

    def close_day(self) -> None:
        from ozq_desktop.domain.registers import close_day

        day, actor, at = self.day, self._clerk.user, self._services.clock()
        if not ask_close_day(self, day):
            return
        self._services.tasks.write(
            lambda s: close_day(session=s, actor=actor, day=day, at=at),
            None,  # the page follows the channel: the day's register was signed
            self._failed,
            owner=self,
        )

    def _failed(self, exc: BaseException) -> None:
        self.state_label.setText(error_text(exc))
