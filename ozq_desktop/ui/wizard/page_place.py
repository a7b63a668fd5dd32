"""Step 1: the queue ticket, the service, and where the documents are taken: at the counter or
at the applicant's home (seed §13: an applicant who cannot come for health reasons). A home
visit has no ticket."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.domain.acceptance import check_place
from ozq_desktop.domain.drafts import PackageDraft, Place
from ozq_desktop.errors import OzqError
from ozq_desktop.i18n import N_, current_language
from ozq_desktop.ui.forms import add_row, new_form
from ozq_desktop.ui.language import named
from ozq_desktop.ui.wizard.base import WizardPage
from ozq_desktop.ui.wizard.ticket_fields import TicketFields


class PlacePage(WizardPage):
    title_msgid = N_("Service and place")

    def __init__(self, services, clerk, parent: QWidget | None = None) -> None:
        super().__init__(services, clerk, parent)
        self.setObjectName("page_place")
        self._started_at = services.clock()
        form = new_form()
        self.ticket = TicketFields(lambda: self._started_at, self)
        add_row(form, self.texts, N_("Queue ticket"), self.ticket.number, field=self.ticket)
        self.service_combo = QComboBox(self)
        self.service_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.service_combo.setMinimumContentsLength(30)
        for service in services.catalog:
            self.service_combo.addItem("", service.id)
        self.add_row(form, N_("State service"), self.service_combo, "service")

        self.counter_radio = QRadioButton(self)
        named(self.counter_radio, "place_counter", self.texts, N_("At the counter"))
        self.texts.bind(self.counter_radio.setText, N_("At the counter"))
        self.home_radio = QRadioButton(self)
        named(self.home_radio, "place_home_visit", self.texts, N_("Home visit"))
        self.texts.bind(self.home_radio.setText, N_("Home visit"))
        group = QButtonGroup(self)
        group.addButton(self.counter_radio)
        group.addButton(self.home_radio)
        places = QWidget(self)
        row = QHBoxLayout(places)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.counter_radio)
        row.addWidget(self.home_radio)
        row.addStretch(1)
        self.add_row(form, N_("Where the documents are taken"), self.counter_radio, "", places)

        self.visit_address = QLineEdit(self)
        self.add_row(form, N_("Address of the home visit"), self.visit_address, "visit_address")
        self.visit_reason = QLineEdit(self)
        self.add_row(form, N_("Reason for the home visit"), self.visit_reason, "visit_reason")
        self.texts.bind(
            self.visit_reason.setPlaceholderText,
            N_("e.g. the applicant cannot come for health reasons"),
        )

        note = QLabel(self)
        note.setObjectName("place_note")
        note.setWordWrap(True)
        self.texts.bind(
            note.setText,
            N_(
                "An applicant who cannot come to the service centre for health reasons is "
                "visited at home, and the documents are accepted there (paragraph 13 of the "
                "service standard)."
            ),
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)

        self.ticket.changed.connect(self.changed)
        self.service_combo.currentIndexChanged.connect(self.changed)
        self.counter_radio.toggled.connect(self._place_toggled)
        self.visit_address.textChanged.connect(self.changed)
        self.visit_reason.textChanged.connect(self.changed)
        self.setTabOrder(self.ticket.time, self.service_combo)
        self.setTabOrder(self.service_combo, self.counter_radio)
        self.setTabOrder(self.counter_radio, self.home_radio)
        self.setTabOrder(self.home_radio, self.visit_address)
        self.setTabOrder(self.visit_address, self.visit_reason)
        self.retranslate()

    def _place_toggled(self, *_args: object) -> None:
        self._sync_enabled()
        self.changed()

    def _sync_enabled(self) -> None:
        home = self.home_radio.isChecked()
        self.visit_address.setEnabled(home)
        self.visit_reason.setEnabled(home)
        self.ticket.setEnabled(not home)

    def load(self, draft: PackageDraft) -> None:
        self.service_combo.setCurrentIndex(self.service_combo.findData(draft.service_id))
        home = draft.place is Place.HOME_VISIT
        self.home_radio.setChecked(home)
        self.counter_radio.setChecked(not home)
        self.visit_address.setText(draft.visit_address)
        self.visit_reason.setText(draft.visit_reason)
        self._started_at = draft.started_at
        self.ticket.load(draft.ticket_number, draft.ticket_time, draft.ticket_date)
        self._sync_enabled()

    def store(self, draft: PackageDraft) -> None:
        draft.service_id = self.service_combo.currentData()
        draft.place = Place.HOME_VISIT if self.home_radio.isChecked() else Place.COUNTER
        draft.visit_address = self.visit_address.text() if draft.place is Place.HOME_VISIT else ""
        draft.visit_reason = self.visit_reason.text() if draft.place is Place.HOME_VISIT else ""
        if draft.place is Place.HOME_VISIT:
            draft.ticket_number, draft.ticket_time, draft.ticket_date = "", None, None
        else:
            draft.ticket_number, draft.ticket_time, draft.ticket_date = self.ticket.values()

    def problem(self, draft: PackageDraft) -> OzqError | None:
        if draft.place is Place.COUNTER and (found := self.ticket.problem()) is not None:
            return found
        try:
            check_place(draft)
        except OzqError as exc:
            return exc
        return None

    def first_input(self) -> QWidget:
        """The ticket at the counter, where the barcode reader types; else the address."""
        return self.visit_address if self.home_radio.isChecked() else self.ticket.number

    def retranslate(self) -> None:
        super().retranslate()
        lang = current_language()
        for i, service in enumerate(self.services.catalog):
            self.service_combo.setItemText(i, f"{service.number}. {service.name.get(lang)}")
