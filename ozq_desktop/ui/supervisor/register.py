"""The daily register: one date, all clerks or one; view it, print it, export it to XLSX, and
close the day (the supervisor's sign-off freezes the register)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.context import Clerk, DeskServices
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.labels import day_text, time_text
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.pdf_preview import PdfPreviewDialog
from ozq_desktop.ui.supervisor.common import date_edit, date_of, fill, table

HEADERS = (
    N_("Clerk"),
    N_("Receipt number"),
    N_("Time"),
    N_("Service"),
    N_("Applicant"),
    N_("Outcome"),
)
OUTCOMES = {
    "accepted": N_("Accepted"),
    "refused": N_("Refused"),
    "handed_over": N_("Handed over"),
}


def ask_xlsx_path(parent: QWidget, suggested: str) -> Path | None:
    """Where to save the XLSX export; None when the supervisor cancels."""
    name, _filter = QFileDialog.getSaveFileName(
        parent, tr(N_("Export the register")), suggested, "Excel (*.xlsx)"
    )
    return Path(name) if name else None


def ask_close_day(parent: QWidget, day: date) -> bool:
    answer = QMessageBox.question(
        parent,
        tr(N_("Close the day")),
        tr(N_("Sign the register of {day}? It cannot be changed afterwards."), day=day_text(day)),
    )
    return answer == QMessageBox.StandardButton.Yes


def register_bytes(services: DeskServices, day: date, clerk_id, supervisor: str, xlsx: bool):
    """A function of the language rendering the register (PDF or XLSX) from the database."""
    factory, catalog = services.tasks.factory, services.catalog

    def render(lang: str) -> bytes:
        from ozq_desktop import documents
        from ozq_desktop.domain.registers import daily_register
        from ozq_desktop.printing import render_register, render_register_xlsx
        from ozq_desktop.storage.engine import reading

        with reading(factory) as s:
            register = daily_register(session=s, day=day, clerk_id=clerk_id)
            data = documents.register_data(
                session=s, catalog=catalog, register=register, supervisor_name=supervisor
            )
        return (render_register_xlsx if xlsx else render_register)(data, lang)

    return render


def transfer_bytes(services: DeskServices, day: date, handed_over_by: str):
    """A function of the language rendering the day's transfer register for the committee."""
    factory, catalog = services.tasks.factory, services.catalog

    def render(lang: str) -> bytes:
        from ozq_desktop import documents
        from ozq_desktop.printing import render_transfer
        from ozq_desktop.storage.engine import reading

        with reading(factory) as s:
            data = documents.transfer_data(
                session=s, catalog=catalog, day=day, handed_over_by=handed_over_by
            )
        return render_transfer(data, lang)

    return render


class RegisterPage(QWidget):
    def __init__(self, services: DeskServices, clerk: Clerk, parent: QWidget | None = None) -> None:
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
        self.table = table(self, "register_table", self.texts, N_("Daily register"))
        self.state_label = QLabel(self)
        self.state_label.setObjectName("register_state")
        self.state_label.setWordWrap(True)
        self.day_edit.dateChanged.connect(lambda _d: self.refresh())
        self.clerk_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        top = QHBoxLayout()
        for label_msgid, widget in ((N_("Day"), self.day_edit), (N_("Clerk"), self.clerk_combo)):
            label = QLabel(self)
            self.texts.bind(label.setText, label_msgid)
            label.setBuddy(widget)
            top.addWidget(label)
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

    def _show(self, register) -> None:
        self.register = register
        self.retranslate()

    def _rows(self) -> list[list[str]]:
        if self.register is None:
            return []
        lang = current_language()
        rows = []
        for e in self.register.entries:
            service = self._services.catalog.get(e.service_id).short_name.get(lang)
            outcome = tr(OUTCOMES[e.outcome]) if e.outcome in OUTCOMES else e.outcome
            rows.append([e.clerk_name, e.receipt_no, e.time, service, e.applicant, outcome])
        return rows

    def retranslate(self) -> None:
        self.texts.apply()
        self.clerk_combo.setItemText(0, tr(N_("All clerks")))
        fill(self.table, HEADERS, self._rows())
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

    def print_register(self) -> None:
        render = register_bytes(
            self._services, self.day, self.clerk_id, self._clerk.user.full_name, xlsx=False
        )
        self._preview(N_("Daily register"), render, "register")

    def print_transfer(self) -> None:
        """The paper originals of the day's accepted packages go to the committee with this."""
        render = transfer_bytes(self._services, self.day, self._clerk.user.full_name)
        self._preview(N_("Transfer register"), render, "transfer")

    def _preview(self, title_msgid: str, render, kind: str) -> None:
        self.preview = PdfPreviewDialog(
            self._services.tasks,
            self._services.settings,
            title_msgid,
            render,
            kind=kind,
            file_stem=f"{kind}-{self.day.isoformat()}",
            parent=self,
            user_id=self._clerk.user.id,
            object_id=self.day.isoformat(),
            printers=self._services.printers,
        )
        self.preview.open()

    def export_xlsx(self) -> None:
        path = ask_xlsx_path(self, f"register-{self.day.isoformat()}.xlsx")
        if path is None:
            return
        render = register_bytes(
            self._services, self.day, self.clerk_id, self._clerk.user.full_name, xlsx=True
        )
        lang = current_language()

        def job() -> Path:
            path.write_bytes(render(lang))
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
            self._show,
            self._failed,
            owner=self,
        )

    def _failed(self, exc: BaseException) -> None:
        self.state_label.setText(error_text(exc))
