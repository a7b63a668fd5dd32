"""Step 7: the receipt number and the result date, the print buttons, the next applicant.

With "Print the receipt at once" set on this desk, the receipt (or the refusal) goes to the
desk's printer as soon as the package is written; the outcome is shown here, and the print
buttons stay for saving or printing again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ozq_desktop.documents import Kind
from ozq_desktop.domain.acceptance import AcceptanceResult
from ozq_desktop.domain.checklist import Outcome
from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.labels import day_text, minutes_seconds, time_text
from ozq_desktop.ui.language import named
from ozq_desktop.ui.message_label import MessageLabel
from ozq_desktop.ui.pdf_preview import render_job
from ozq_desktop.ui.print_dialog import (
    PrintChoice,
    PrintedDocument,
    print_at_once,
    print_pdf,
    remembered_choice,
)
from ozq_desktop.ui.wizard.base import WizardPage


class DonePage(WizardPage):
    title_msgid = N_("Done")
    next_applicant = Signal()
    print_requested = Signal(object)  # documents.Kind

    def __init__(self, services, clerk, parent: QWidget | None = None) -> None:
        super().__init__(services, clerk, parent)
        self.setObjectName("page_done")
        self.result: AcceptanceResult | None = None
        self.service_seconds = 0
        self.heading = QLabel(self)
        self.heading.setObjectName("done_heading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.receipt_label = QLabel(self)
        self.receipt_label.setObjectName("done_receipt_no")
        self.receipt_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = self.receipt_label.font()
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        self.receipt_label.setFont(big)
        self.details = QLabel(self)
        self.details.setObjectName("done_details")
        self.details.setWordWrap(True)
        self.print_status = MessageLabel("done_print_status", self)

        self.print_receipt = QPushButton(self)
        named(self.print_receipt, "print_receipt", self.texts, N_("Print the receipt"))
        self.texts.bind(self.print_receipt.setText, N_("Print the receipt"))
        self.print_application = QPushButton(self)
        named(self.print_application, "print_application", self.texts, N_("Print the application"))
        self.texts.bind(self.print_application.setText, N_("Print the application (Annex 1)"))
        self.print_refusal = QPushButton(self)
        named(self.print_refusal, "print_refusal", self.texts, N_("Print the refusal"))
        self.texts.bind(self.print_refusal.setText, N_("Print the refusal (2 copies)"))
        self.next_button = QPushButton(self)
        named(self.next_button, "next_applicant", self.texts, N_("Next applicant"))
        self.texts.bind(self.next_button.setText, N_("Next applicant"))
        for button in (
            self.print_receipt,
            self.print_application,
            self.print_refusal,
            self.next_button,
        ):
            button.setAutoDefault(True)
            button.setMinimumHeight(36)

        buttons = QHBoxLayout()
        buttons.addWidget(self.print_receipt)
        buttons.addWidget(self.print_application)
        buttons.addWidget(self.print_refusal)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.receipt_label)
        layout.addWidget(self.details)
        layout.addWidget(self.print_status)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self.print_receipt.clicked.connect(lambda: self.print_requested.emit(Kind.RECEIPT))
        self.print_application.clicked.connect(lambda: self.print_requested.emit(Kind.APPLICATION))
        self.print_refusal.clicked.connect(lambda: self.print_requested.emit(Kind.REFUSAL))
        self.next_button.clicked.connect(self.next_applicant)
        self.setTabOrder(self.print_receipt, self.print_application)
        self.setTabOrder(self.print_application, self.print_refusal)
        self.setTabOrder(self.print_refusal, self.next_button)

    def show_result(self, result: AcceptanceResult, service_seconds: int) -> None:
        self.result = result
        self.service_seconds = service_seconds
        self.print_status.clear_message()
        accepted = result.outcome is Outcome.ACCEPT
        self.print_receipt.setVisible(accepted)
        self.print_application.setVisible(accepted)
        self.print_refusal.setVisible(not accepted)
        self.retranslate()

    def print_now_if_set(self) -> bool:
        """Send the receipt or the refusal straight to the printer when the desk says so."""
        if self.result is None or not print_at_once(self.services.settings):
            return False
        job = Kind.RECEIPT if self.result.outcome is Outcome.ACCEPT else Kind.REFUSAL
        lang = current_language()
        render = render_job(self.services, job, self.result.package_id, lang)
        document = PrintedDocument(
            str(job),
            f"{job}-{self.result.receipt_no}",
            self.clerk.user.id,
            self.result.package_id,
            lang,
        )
        choice = remembered_choice(self.services.settings, str(job))
        self.print_status.show_message(N_("Printing the receipt…"), "note")
        print_pdf(
            self.services.tasks,
            self.services.printers,
            document,
            render,
            choice,
            self._printed,
            self._print_failed,
            owner=self,
        )
        return True

    def _printed(self, choice: PrintChoice) -> None:
        self.print_status.show_message(
            N_("The receipt went to the printer {name}."), "ok", name=choice.printer
        )

    def _print_failed(self, exc: BaseException) -> None:
        self.print_status.show_fn(
            lambda: tr(
                N_("The receipt was not printed: {reason} Use the print button to print it "
                   "again or save it."),
                reason=error_text(exc),
            ),
            "error",
        )  # fmt: skip

    def first_input(self) -> QWidget:
        return self.next_button

    def retranslate(self) -> None:
        super().retranslate()
        result = self.result
        if result is None:
            return
        lang = current_language()
        if result.outcome is Outcome.ACCEPT:
            self.heading.setText(tr(N_("The documents are accepted.")))
            self.heading.setStyleSheet("color: #1b5e20;")
            # The date the receipt gives the applicant (the legal end of the term).
            promised = result.promised_date or result.result_date
            lines = [
                tr(N_("Result date: {date}"), date=day_text(promised)),
                tr(N_("Documents accepted: {count}"), count=len(result.presented)),
            ]
            if result.training:
                lines.append(tr(N_("Training mode: this package is not signed and not sent.")))
        else:
            self.heading.setText(
                tr(N_("Acceptance is refused: the package is incomplete (Annex 2)."))
            )
            self.heading.setStyleSheet("color: #b00020;")
            missing = "; ".join(d.name.get(lang) for d in result.missing)
            lines = [tr(N_("Missing documents: {documents}"), documents=missing)]
        self.receipt_label.setText(tr(N_("Receipt № {number}"), number=result.receipt_no))
        moment = (
            N_("Accepted on {date} at {time}; service time {elapsed}.")
            if result.outcome is Outcome.ACCEPT
            else N_("Refused on {date} at {time}; service time {elapsed}.")
        )
        lines.append(
            tr(
                moment,
                date=day_text(result.accepted_at),
                time=time_text(result.accepted_at),
                elapsed=minutes_seconds(self.service_seconds),
            )
        )
        self.details.setText("\n".join(lines))
