"""Handing the committee's result to the applicant: find the package (receipt number, IIN/BIN
or name; only a package whose result is ready can be handed over), say who takes it (the
applicant, or a representative with a power of attorney), record it, preview the receipt."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.documents import Kind
from ozq_desktop.domain.changes import Changes
from ozq_desktop.domain.handover import Recipient
from ozq_desktop.domain.lifecycle import RESULT_READY
from ozq_desktop.domain.packages import PackageSummary
from ozq_desktop.i18n import N_, tr
from ozq_desktop.ui import screen_fit
from ozq_desktop.ui.changes import follow_changes
from ozq_desktop.ui.context import DeskServices, SignedIn
from ozq_desktop.ui.date_field import DateField
from ozq_desktop.ui.dialogs import error_text
from ozq_desktop.ui.forms import add_row, new_form
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.package_table import PackageTableModel
from ozq_desktop.ui.pdf_preview import PdfPreviewDialog
from ozq_desktop.ui.tables import table_view


def find_ready(session, text: str) -> tuple[list[PackageSummary], int]:
    """Result-ready packages matching `text`, and how many others matched."""
    from ozq_desktop.domain.packages import search

    found = search(session=session, text=text)
    ready = [p for p in found if p.status in {str(s) for s in RESULT_READY}]
    return ready, len(found) - len(ready)


class HandoverDialog(QDialog):
    handed_over = Signal(str)  # package id

    def __init__(
        self, services: DeskServices, clerk: SignedIn, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("handover")
        self._services = services
        self._clerk = clerk
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, N_("Hand over a result"))
        self.preview: PdfPreviewDialog | None = None

        self.search_box = QLineEdit(self)
        named(
            self.search_box,
            "handover_search",
            self.texts,
            N_("Search by receipt number, IIN/BIN or name"),
        )
        self.texts.bind(
            self.search_box.setPlaceholderText, N_("Receipt number, IIN/BIN or applicant's name")
        )
        self.search_button = QPushButton(self)
        named(self.search_button, "handover_search_button", self.texts, N_("Find"))
        self.texts.bind(self.search_button.setText, N_("Find"))
        self.search_box.returnPressed.connect(self.run_search)
        self.search_button.clicked.connect(self.run_search)
        self.search_button.setAutoDefault(False)

        self.model = PackageTableModel(services.catalog, self)
        self.table = table_view(
            self, "handover_results", self.texts, N_("Packages with a result ready"), self.model
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())
        self.found_label = QLabel(self)
        self.found_label.setObjectName("handover_found")
        self.found_label.setWordWrap(True)

        self.recipient_box = QGroupBox(self)
        self.texts.bind(self.recipient_box.setTitle, N_("Who takes the result"))
        self.in_person = QRadioButton(self.recipient_box)
        named(self.in_person, "recipient_applicant", self.texts, N_("The applicant in person"))
        self.texts.bind(self.in_person.setText, N_("The applicant in person"))
        self.by_poa = QRadioButton(self.recipient_box)
        named(
            self.by_poa,
            "recipient_representative",
            self.texts,
            N_("A representative by power of attorney"),
        )
        self.texts.bind(self.by_poa.setText, N_("A representative by power of attorney"))
        self.kind = QButtonGroup(self)
        self.kind.addButton(self.in_person)
        self.kind.addButton(self.by_poa)
        self.in_person.setChecked(True)
        self.in_person.toggled.connect(lambda _on: self._kind_changed())

        self.name_edit = self._edit("recipient_name", N_("Full name of the recipient"))
        self.iin_edit = self._edit("recipient_iin", N_("Recipient's IIN"))
        self.iin_edit.setMaxLength(12)
        self.poa_number_edit = self._edit("poa_number", N_("Power of attorney number"))
        self.poa_date_edit = DateField(self.recipient_box, today=lambda: services.clock().date())
        named(self.poa_date_edit, "poa_date", self.texts, N_("Power of attorney date"))
        form = new_form(self.recipient_box)
        kinds = QHBoxLayout()
        kinds.addWidget(self.in_person)
        kinds.addWidget(self.by_poa)
        kinds.addStretch(1)
        form.addRow(kinds)
        for widget, msgid in (
            (self.name_edit, N_("Full name of the recipient")),
            (self.iin_edit, N_("Recipient's IIN")),
            (self.poa_number_edit, N_("Power of attorney number")),
            (self.poa_date_edit, N_("Power of attorney date")),
        ):
            add_row(form, self.texts, msgid, widget)

        self.message = QLabel(self)
        self.message.setObjectName("handover_message")
        self.message.setWordWrap(True)
        self.hand_over_button = QPushButton(self)
        named(self.hand_over_button, "hand_over_button", self.texts, N_("Record the hand-over"))
        self.texts.bind(self.hand_over_button.setText, N_("Record the hand-over"))
        self.hand_over_button.clicked.connect(self.record)
        self.hand_over_button.setAutoDefault(False)
        self.close_button = QPushButton(self)
        named(self.close_button, "handover_close", self.texts, N_("Close"))
        self.texts.bind(self.close_button.setText, N_("Close"))
        self.close_button.clicked.connect(self.reject)
        self.close_button.setAutoDefault(False)

        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.search_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.hand_over_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.found_label)
        layout.addWidget(self.recipient_box)
        layout.addLayout(bottom)
        self.rows: list[PackageSummary] = []
        self._others = 0
        self._kind_changed()
        self._chosen()
        screen_fit.fit(self, (980, 680))  # no larger than the screen it opens on
        follow_language(self.retranslate)
        follow_changes(services.tasks, self, self._changed)
        self.retranslate()

    def _edit(self, name: str, msgid: str) -> QLineEdit:
        edit = QLineEdit(self.recipient_box)
        named(edit, name, self.texts, msgid)
        return edit

    def retranslate(self) -> None:
        self.texts.apply()
        self.model.retranslate()
        self._show_found()

    # -- finding -------------------------------------------------------------------------

    def _changed(self, changes: Changes) -> None:
        if changes.packages and self.search_box.text().strip():
            self.run_search()  # a result came back or went out: ask again

    def run_search(self) -> None:
        text = self.search_box.text()
        self._services.tasks.read(
            lambda s: find_ready(s, text), self._found, self._failed, owner=self
        )

    def _found(self, found: tuple[list[PackageSummary], int]) -> None:
        self.rows, self._others = found
        self.model.set_rows(self.rows)
        if self.rows:
            self.table.selectRow(0)
        self._chosen()
        self._show_found()

    def _show_found(self) -> None:
        if not self.search_box.text().strip():
            text = tr(
                N_("Find the package by its receipt number, the applicant's IIN/BIN or name.")
            )
        elif self.rows:
            text = ""
        elif self._others:
            text = tr(N_("Found packages have no result ready to hand over yet."))
        else:
            text = tr(N_("Nothing found."))
        self.found_label.setText(text)

    def selected(self) -> PackageSummary | None:
        row = self.table.currentIndex().row()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    # -- the recipient -------------------------------------------------------------------

    def _chosen(self) -> None:
        package = self.selected()
        self.hand_over_button.setEnabled(package is not None)
        self.recipient_box.setEnabled(package is not None)
        if package is not None and self.in_person.isChecked():
            self.name_edit.setText(package.applicant_name)
            self.iin_edit.setText(package.applicant_idn)

    def _kind_changed(self) -> None:
        representative = self.by_poa.isChecked()
        self.poa_number_edit.setEnabled(representative)
        self.poa_date_edit.setEnabled(representative)
        if representative:
            self.name_edit.clear()
            self.iin_edit.clear()
            self.name_edit.setFocus()
        else:
            self._chosen()

    def recipient(self) -> Recipient:
        representative = self.by_poa.isChecked()
        poa_date: date | None = self.poa_date_edit.date() if representative else None
        return Recipient(
            full_name=self.name_edit.text(),
            iin=self.iin_edit.text(),
            poa_number=self.poa_number_edit.text() if representative else "",
            poa_date=poa_date,
            is_representative=representative,
        )

    # -- recording -----------------------------------------------------------------------

    def record(self) -> None:
        package = self.selected()
        if package is None:
            return
        from ozq_desktop.domain.handover import hand_over

        recipient, user, at = self.recipient(), self._clerk.user, self._services.clock()
        self.hand_over_button.setEnabled(False)
        self._services.tasks.write(
            lambda s: hand_over(
                session=s, clerk=user, package_id=package.id, recipient=recipient, at=at
            ),
            lambda _written: self._recorded(package.id, package.receipt_no),
            self._failed,
            owner=self,
        )

    def _recorded(self, package_id: str, receipt_no: str) -> None:
        """The list follows the channel (the package is no longer ready); the receipt opens."""
        self.message.setText(tr(N_("The result of {receipt} was handed over."), receipt=receipt_no))
        self.handed_over.emit(package_id)
        self.preview = PdfPreviewDialog(
            self._services,
            Kind.HANDOVER,
            package_id,
            self,
            file_stem=f"handover-{receipt_no}",
            user_id=self._clerk.user.id,
            object_id=package_id,
        )
        self.preview.open()

    def _failed(self, exc: BaseException) -> None:
        self.hand_over_button.setEnabled(self.selected() is not None)
        self.message.setText(error_text(exc))
