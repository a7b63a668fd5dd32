"""Step 2: who applies: the type (from the catalog), IIN/BIN with a live decoded hint,
name and contacts, and an optional representative acting by power of attorney."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QGroupBox, QLineEdit, QVBoxLayout, QWidget

from ozq_desktop.domain.acceptance import check_applicant
from ozq_desktop.domain.drafts import ApplicantDraft, PackageDraft, Representative
from ozq_desktop.domain.identifiers import EntityType, Identifier, IdentifierKind
from ozq_desktop.errors import OzqError
from ozq_desktop.i18n import N_
from ozq_desktop.ui.date_field import DateField
from ozq_desktop.ui.forms import new_form
from ozq_desktop.ui.labels import applicant_type_label
from ozq_desktop.ui.language import named
from ozq_desktop.ui.wizard.base import WizardPage
from ozq_desktop.ui.wizard.idn_field import IdnField
from ozq_wire.catalog import ApplicantType


class ApplicantPage(WizardPage):
    title_msgid = N_("Applicant")

    def __init__(self, services, clerk, parent: QWidget | None = None) -> None:
        super().__init__(services, clerk, parent)
        self.setObjectName("page_applicant")
        self._types: list[ApplicantType] = []
        form = new_form()
        # The number comes first: the clerk types it, and the type follows from it.
        self.idn = IdnField("applicant_idn", self)
        self.add_row(form, N_("IIN/BIN"), self.idn.edit, "applicant_idn", self.idn)
        self.type_combo = QComboBox(self)
        self.add_row(form, N_("Applicant type"), self.type_combo, "applicant_type")
        self.type_combo.installEventFilter(self)
        # A non-resident legal entity without a Kazakh BIN: its registration abroad.
        self.foreign_edit = QLineEdit(self)
        self.add_row(
            form, N_("Registration number abroad"), self.foreign_edit, "applicant_foreign_reg_no"
        )
        self.country_edit = QLineEdit(self)
        self.add_row(form, N_("Country of registration"), self.country_edit, "applicant_country")
        self._form = form
        self.name_edit = QLineEdit(self)
        self.add_row(form, N_("Name or full name"), self.name_edit, "applicant_name")
        self.address_edit = QLineEdit(self)
        self.add_row(form, N_("Address"), self.address_edit, "applicant_address")
        self.phone_edit = QLineEdit(self)
        self.add_row(form, N_("Phone"), self.phone_edit, "applicant_phone")
        self.email_edit = QLineEdit(self)
        self.add_row(form, N_("E-mail"), self.email_edit, "applicant_email")

        self.rep_box = QGroupBox(self)
        self.rep_box.setCheckable(True)
        named(self.rep_box, "representative", self.texts, N_("Representative by power of attorney"))
        self.texts.bind(self.rep_box.setTitle, N_("Representative by power of attorney"))
        rep_form = new_form()
        self.rep_name = QLineEdit(self.rep_box)
        self.add_row(rep_form, N_("Representative's full name"), self.rep_name, "rep_full_name")
        self.rep_iin = IdnField("rep_iin", self.rep_box)
        self.add_row(
            rep_form, N_("Representative's IIN"), self.rep_iin.edit, "rep_iin", self.rep_iin
        )
        self.poa_number = QLineEdit(self.rep_box)
        self.add_row(rep_form, N_("Power of attorney number"), self.poa_number, "poa_number")
        self.poa_date = DateField(self.rep_box, today=lambda: services.clock().date())
        self.add_row(rep_form, N_("Power of attorney date"), self.poa_date, "poa_date")
        self.rep_box.setLayout(rep_form)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.rep_box)
        layout.addStretch(1)

        self.type_combo.currentIndexChanged.connect(self._type_changed)
        for edit in (self.name_edit, self.address_edit, self.phone_edit, self.email_edit):
            edit.textChanged.connect(self.changed)
        for edit in (
            self.idn.edit,
            self.foreign_edit,
            self.country_edit,
            self.rep_name,
            self.rep_iin.edit,
            self.poa_number,
        ):
            edit.textChanged.connect(self.changed)
        self.poa_date.dateChanged.connect(self.changed)
        self.rep_box.toggled.connect(self.changed)
        self.idn.identified.connect(self._suggest_type)
        order = [
            self.idn.edit,
            self.type_combo,
            self.foreign_edit,
            self.country_edit,
            self.name_edit,
            self.address_edit,
            self.phone_edit,
            self.email_edit,
            self.rep_box,
            self.rep_name,
            self.rep_iin.edit,
            self.poa_number,
            self.poa_date,
        ]
        for first, second in pairwise(order):
            self.setTabOrder(first, second)
        self._sync_foreign()
        self.retranslate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Digits typed while the type combo has the focus are the number: they go into the
        IIN/BIN field, never into the combo's search, so none is lost."""
        if watched is self.type_combo and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            text = event.text()
            if text.isdigit() and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
                self.idn.edit.setFocus(Qt.FocusReason.OtherFocusReason)
                self.idn.edit.end(False)
                self.idn.edit.insert(text)
                return True
        return super().eventFilter(watched, event)

    def _type_changed(self, *_args: object) -> None:
        self._sync_foreign()
        self.changed()

    def _sync_foreign(self) -> None:
        foreign = self.type_combo.currentData() == ApplicantType.NON_RESIDENT_LEGAL_ENTITY
        for widget in (self.foreign_edit, self.country_edit):
            self._form.setRowVisible(widget, foreign)

    # -- the applicant type follows the catalog ----------------------------------------

    def _fill_types(self, types: list[ApplicantType]) -> None:
        if types == self._types:
            return
        self._types = list(types)
        self.type_combo.setEnabled(len(types) > 1)  # nothing to choose: no Tab stop either
        self.type_combo.clear()
        for kind in types:
            self.type_combo.addItem(applicant_type_label(kind), kind.value)

    def _suggest_type(self, ident: Identifier) -> None:
        """An IIN means a natural person, a BIN a legal entity: switch to the type the number
        says when the service admits it, so a non-resident BIN is not filed as a resident."""
        if self._loading:
            return
        if ident.kind is IdentifierKind.IIN:
            wanted = ApplicantType.NATURAL_PERSON
        elif ident.entity_type is EntityType.NON_RESIDENT_LEGAL_ENTITY:
            wanted = ApplicantType.NON_RESIDENT_LEGAL_ENTITY
        else:
            wanted = ApplicantType.LEGAL_ENTITY
        if wanted in self._types:
            self.type_combo.setCurrentIndex(self._types.index(wanted))

    def load(self, draft: PackageDraft) -> None:
        service = self.service(draft)
        self._fill_types(list(service.applicant_types))
        kind = draft.applicant.type
        index = self.type_combo.findData(kind) if kind else 0
        self.type_combo.setCurrentIndex(max(index, 0))
        applicant = draft.applicant
        self.idn.setText(applicant.idn)
        self.foreign_edit.setText(applicant.foreign_reg_no)
        self.country_edit.setText(applicant.country)
        self._sync_foreign()
        self.name_edit.setText(applicant.name)
        self.address_edit.setText(applicant.address)
        self.phone_edit.setText(applicant.phone)
        self.email_edit.setText(applicant.email)
        rep = draft.representative
        self.rep_box.setChecked(not rep.is_empty())
        self.rep_name.setText(rep.full_name)
        self.rep_iin.setText(rep.iin)
        self.poa_number.setText(rep.poa_number)
        self.poa_date.setDate(rep.poa_date)

    def store(self, draft: PackageDraft) -> None:
        draft.applicant = ApplicantDraft(
            type=self.type_combo.currentData() or "",
            idn=self.idn.text(),
            name=self.name_edit.text(),
            address=self.address_edit.text(),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
        )
        if draft.applicant.type == ApplicantType.NON_RESIDENT_LEGAL_ENTITY:
            draft.applicant.foreign_reg_no = self.foreign_edit.text()
            draft.applicant.country = self.country_edit.text()
        if self.rep_box.isChecked():
            draft.representative = Representative(
                full_name=self.rep_name.text(),
                iin=self.rep_iin.text(),
                poa_number=self.poa_number.text(),
                poa_date=self.poa_date.date(),
            )
        else:
            draft.representative = Representative()

    def problem(self, draft: PackageDraft) -> OzqError | None:
        try:
            check_applicant(self.service(draft), draft)
        except OzqError as exc:
            return exc
        return None

    def first_input(self) -> QWidget:
        return self.idn.edit

    def retranslate(self) -> None:
        super().retranslate()
        for i, kind in enumerate(self._types):
            self.type_combo.setItemText(i, applicant_type_label(kind))
