"""Drives the wizard of the real main window the way a clerk does: through its widgets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt

from ozq_desktop.app import DeskApp
from ozq_desktop.ui.wizard.wizard import DONE, PackageWizard
from tests.signing.pki import KEY_PASSWORD
from tests.ui.conftest import VALID_BIN, idle, make_pdf


class WizardDriver:
    def __init__(self, qtbot, app: DeskApp) -> None:
        self.qtbot = qtbot
        self.app = app

    @property
    def main(self):
        assert self.app.main_window is not None
        return self.app.main_window

    @property
    def wizard(self) -> PackageWizard:
        assert self.main.wizard is not None
        return self.main.wizard

    def page(self, name: str):
        page = self.wizard.stack.currentWidget()
        assert page.objectName() == name, f"on {page.objectName()}, expected {name}"
        return page

    def start(self, service_id: str) -> PackageWizard:
        button = next(b for b in self.main.home.service_buttons if b.service.id == service_id)
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        return self.wizard

    def next(self) -> None:
        assert self.wizard.next_button.isEnabled(), self.wizard.problem.text()
        self.qtbot.mouseClick(self.wizard.next_button, Qt.MouseButton.LeftButton)

    def place(self, home: bool = False, address: str = "", reason: str = "") -> None:
        page = self.page("page_place")
        if home:
            self.qtbot.mouseClick(page.home_radio, Qt.MouseButton.LeftButton)
            page.visit_address.setText(address)
            page.visit_reason.setText(reason)
        self.next()

    def applicant(
        self,
        idn: str,
        name: str,
        kind: str | None = None,
        address: str = "Астана қ., Мәңгілік Ел, 1",
        phone: str = "+7 700 000 00 00",
        email: str = "info@example.kz",
    ) -> None:
        page = self.page("page_applicant")
        if kind is not None:
            page.type_combo.setCurrentIndex(page.type_combo.findData(kind))
        page.idn.setText(idn)
        page.name_edit.setText(name)
        page.address_edit.setText(address)
        page.phone_edit.setText(phone)
        page.email_edit.setText(email)
        self.next()

    def documents(
        self,
        present: dict[str, list[Path]],
        expertise_date: date | None = None,
    ) -> None:
        page = self.page("page_documents")
        for code, paths in present.items():
            editor = page.editors[code]
            editor.presented.setChecked(True)
            if paths:
                editor.scan_list.add_paths(paths)
                wanted = len(paths)
                self.qtbot.waitUntil(
                    lambda e=editor, n=wanted: len(e.scan_list.scans) == n, timeout=10000
                )
            if editor.conclusion is not None:
                c = editor.conclusion
                day = expertise_date or date.today()
                c.expertise_date.setDate(QDate(day.year, day.month, day.day))
                c.signed.setChecked(True)
                c.sealed.setChecked(True)
                c.bound.setChecked(True)
                c.bound_pages.setValue(42)
        idle(self.qtbot, self.app)
        self.next()

    def annex1(self, values: dict[str, str]) -> None:
        page = self.page("page_annex1")
        for key, value in values.items():
            editor = page.editors[key]
            if hasattr(editor, "setPlainText"):
                editor.setPlainText(value)
            else:
                editor.setText(value)
        self.next()

    def consent(self, given: bool = True) -> None:
        page = self.page("page_consent")
        page.consent.setChecked(given)
        self.next()

    def complete_attestation(self, folder: Path) -> None:
        """Service 1 for a legal entity with every document scanned, up to the review step."""
        self.start("attestation")
        self.place()
        self.applicant(VALID_BIN, "«Қазмұнай» ЖШС")
        self.documents(
            {
                code: [make_pdf(folder / f"{code}.pdf", 1)]
                for code in ("application", "expert_conclusion", "specialists_and_base")
            }
        )
        self.annex1({"industry_sector": "мұнай-газ", "activity_kind": "сараптама"})
        self.consent()
        self.page("page_review")

    def confirm(self, password: str = KEY_PASSWORD) -> None:
        """Next on the review page; the key file's password when the desk asks for it."""
        self.page("page_review")
        self.next()
        wizard = self.wizard

        def prompt():
            return wizard.flow.password_dialog if wizard.flow is not None else None

        self.qtbot.waitUntil(lambda: wizard.index == DONE or prompt() is not None, timeout=15000)
        if wizard.index != DONE:
            prompt().setTextValue(password)
            prompt().accept()
            self.qtbot.waitUntil(lambda: wizard.index == DONE, timeout=15000)
        idle(self.qtbot, self.app)
