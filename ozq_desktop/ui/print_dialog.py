"""Choosing where a document is printed, in the clerk's language: the system's printers with
their state in words, the number of copies, both sides where the printer can and the document
allows, and, for the receipts, whether to print them at once after acceptance.

The list comes from the print system in a worker; nothing here waits on a printer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.devices.printer import (
    NoPrinterError,
    PrinterInfo,
    PrinterState,
    PrintSystem,
    choose_printer,
    policy_for,
    request_for,
    send,
)
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.message_label import MessageLabel
from ozq_desktop.ui.tasks import TaskRunner

PRINTER_KEY = "printing/printer"
COPIES_KEY = "printing/copies/{kind}"
DUPLEX_KEY = "printing/duplex/{kind}"
AT_ONCE_KEY = "printing/receipt_at_once"
AT_ONCE_KINDS = ("receipt", "refusal")

STATE_NAMES = {
    PrinterState.READY: N_("ready"),
    PrinterState.PRINTING: N_("printing"),
    PrinterState.PAUSED: N_("paused"),
    PrinterState.OUT_OF_PAPER: N_("out of paper"),
    PrinterState.NOT_ACCEPTING: N_("not accepting documents"),
    PrinterState.ERROR: N_("error"),
}


@dataclass(frozen=True)
class PrintChoice:
    printer: str
    copies: int
    duplex: bool


def remembered_choice(settings: QSettings, kind: str, printer: str = "") -> PrintChoice:
    """What this desk last chose for this kind of document."""
    return PrintChoice(
        printer=printer or str(settings.value(PRINTER_KEY, "") or ""),
        copies=max(1, int(settings.value(COPIES_KEY.format(kind=kind), 1) or 1)),
        duplex=str(settings.value(DUPLEX_KEY.format(kind=kind), "false")).lower() == "true",
    )


def print_at_once(settings: QSettings) -> bool:
    return str(settings.value(AT_ONCE_KEY, "false")).lower() == "true"


class PrintDialog(QDialog):
    def __init__(
        self,
        tasks: TaskRunner,
        printers: PrintSystem,
        settings: QSettings,
        kind: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("print_dialog")
        self.resize(560, 420)
        self._settings = settings
        self._kind = kind
        self._policy = policy_for(kind)
        self.found: list[PrinterInfo] = []
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, N_("Print"))

        self.printers = QListWidget(self)
        named(self.printers, "print_printers", self.texts, N_("Printer"))
        self.copies = QSpinBox(self)
        named(self.copies, "print_copies", self.texts, N_("Copies"))
        self.copies.setRange(1, 20)
        self.duplex = QCheckBox(self)
        named(self.duplex, "print_duplex", self.texts, N_("Print on both sides"))
        self.texts.bind(self.duplex.setText, N_("Print on both sides"))
        self.at_once = QCheckBox(self)
        named(self.at_once, "print_at_once", self.texts, N_("Print the receipt at once"))
        self.texts.bind(
            self.at_once.setText,
            N_("Print the receipt at once after acceptance, without the preview"),
        )
        self.at_once.setVisible(kind in AT_ONCE_KINDS)
        self.note = QLabel(self)
        self.note.setObjectName("print_note")
        self.note.setWordWrap(True)
        self.note.setVisible(self._policy.one_copy_per_sheet)
        self.texts.bind(
            self.note.setText,
            N_(
                "The document holds both copies, one for each party: they are printed on "
                "separate sheets, never on two sides of one."
            ),
        )
        self.status = MessageLabel("print_status", self)
        self.buttons = QDialogButtonBox(self)
        self.print_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        named(self.print_button, "print_ok", self.texts, N_("Print"))
        self.texts.bind(self.print_button.setText, N_("Print"))
        self.print_button.setDefault(True)
        cancel = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        named(cancel, "print_cancel", self.texts, N_("Cancel"))
        self.texts.bind(cancel.setText, N_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        printers_label, copies_label = QLabel(self), QLabel(self)
        self.texts.bind(printers_label.setText, N_("Printer"))
        self.texts.bind(copies_label.setText, N_("Copies"))
        printers_label.setBuddy(self.printers)
        copies_label.setBuddy(self.copies)
        form.addRow(copies_label, self.copies)
        layout = QVBoxLayout(self)
        layout.addWidget(printers_label)
        layout.addWidget(self.printers, 1)
        layout.addLayout(form)
        layout.addWidget(self.duplex)
        layout.addWidget(self.note)
        layout.addWidget(self.at_once)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)

        choice = remembered_choice(settings, kind)
        self.copies.setValue(choice.copies)
        self.duplex.setChecked(choice.duplex)
        self.at_once.setChecked(print_at_once(settings))
        self.printers.currentRowChanged.connect(self._printer_changed)
        self.print_button.setEnabled(False)
        follow_language(self.retranslate)
        self.retranslate()
        self.status.show_message(N_("Looking for printers…"), "note")
        tasks.run(printers.printers, self._listed, self._failed, owner=self)

    def _listed(self, found: list[PrinterInfo]) -> None:
        self.found = found
        if not found:
            self.status.show_error(NoPrinterError())
            return
        self.status.clear_message()
        self._fill()
        chosen = choose_printer(found, remembered_choice(self._settings, self._kind).printer)
        self.printers.setCurrentRow(next(i for i, p in enumerate(found) if p.name == chosen))
        self.printers.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.status.show_error(exc)

    def _fill(self) -> None:
        row = self.printers.currentRow()
        self.printers.clear()
        for info in self.found:
            text = f"{info.description} ({info.name}) — {tr(STATE_NAMES[info.state])}"
            if info.is_default:
                text += f" · {tr(N_('default'))}"
            item = QListWidgetItem(text)
            item.setToolTip(", ".join(info.reasons))
            self.printers.addItem(item)
        if 0 <= row < len(self.found):
            self.printers.setCurrentRow(row)

    def _printer_changed(self, row: int) -> None:
        info = self.found[row] if 0 <= row < len(self.found) else None
        self.print_button.setEnabled(info is not None)
        can = info is not None and info.duplex and not self._policy.one_copy_per_sheet
        self.duplex.setEnabled(can)
        if not can:
            self.duplex.setChecked(False)

    def choice(self) -> PrintChoice:
        row = self.printers.currentRow()
        return PrintChoice(
            printer=self.found[row].name if 0 <= row < len(self.found) else "",
            copies=self.copies.value(),
            duplex=self.duplex.isChecked() and self.duplex.isEnabled(),
        )

    def accept(self) -> None:
        choice = self.choice()
        if not choice.printer:
            return
        s = self._settings
        s.setValue(PRINTER_KEY, choice.printer)
        s.setValue(COPIES_KEY.format(kind=self._kind), choice.copies)
        s.setValue(DUPLEX_KEY.format(kind=self._kind), "true" if choice.duplex else "false")
        if self._kind in AT_ONCE_KINDS:
            s.setValue(AT_ONCE_KEY, "true" if self.at_once.isChecked() else "false")
        super().accept()

    def retranslate(self) -> None:
        self.texts.apply()
        self._fill()


@dataclass(frozen=True)
class PrintedDocument:
    """What the audit trail says of a printout: who printed which document, in which
    language (ozq_desktop/domain/audit.py record_printing)."""

    kind: str
    title: str
    user_id: int | None
    object_id: str
    lang: str


def print_pdf(
    tasks: TaskRunner,
    printers: PrintSystem,
    document: PrintedDocument,
    pdf: Callable[[], bytes],
    choice: PrintChoice,
    on_sent: Callable[[PrintChoice], None],
    on_failed: Callable[[BaseException], None],
    owner: QObject | None = None,
) -> None:
    """Make the PDF and send it to the printer in a worker, then write the audit row. With
    no printer in `choice`, the system's default is used. A PrinterError reaches `on_failed`
    and nothing was printed."""

    def work() -> PrintChoice:
        name = choice.printer or choose_printer(printers.printers(), "")
        request = request_for(document.kind, pdf(), document.title, choice.copies, choice.duplex)
        send(printers, name, request)
        return replace(choice, printer=name)

    def sent(done: PrintChoice) -> None:
        from ozq_desktop.domain.audit import record_printing

        tasks.write(
            lambda s: record_printing(
                session=s,
                user_id=document.user_id,
                document=document.kind,
                object_id=document.object_id,
                lang=document.lang,
                destination="printer",
                target=done.printer,
                copies=done.copies,
            ),
            None,
            on_failed,
            owner=owner,
        )
        on_sent(done)

    tasks.run(work, sent, on_failed, owner=owner)
