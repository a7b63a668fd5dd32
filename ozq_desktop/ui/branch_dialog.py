"""The branch's name and address in Russian, for the documents printed in Russian: asked at
first run; this dialog is for desks set up before they were asked, and for corrections."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.domain.accounts import set_branch_in_russian
from ozq_desktop.i18n import N_
from ozq_desktop.ui.context import Clerk, DeskServices
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.message_label import MessageLabel


class BranchInRussianDialog(QDialog):
    def __init__(self, services: DeskServices, clerk: Clerk, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("branch_in_russian")
        self._services = services
        self._clerk = clerk
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, N_("Branch name and address in Russian"))
        intro = QLabel(self)
        intro.setWordWrap(True)
        self.texts.bind(
            intro.setText,
            N_("Documents printed in Russian carry these; those in Kazakh keep the Kazakh ones."),
        )
        branch = clerk.branch
        self.name_edit = QLineEdit(branch.branch_name_ru or "", self)
        named(self.name_edit, "branch_name_ru", self.texts, N_("Branch name in Russian"))
        self.name_edit.setPlaceholderText(branch.branch_name)
        self.address_edit = QLineEdit(branch.address_ru or "", self)
        named(self.address_edit, "address_ru", self.texts, N_("Address in Russian"))
        self.address_edit.setPlaceholderText(branch.address)
        form = QFormLayout()
        for widget, msgid in (
            (self.name_edit, N_("Branch name in Russian")),
            (self.address_edit, N_("Address in Russian")),
        ):
            label = QLabel(self)
            label.setBuddy(widget)
            self.texts.bind(label.setText, msgid)
            form.addRow(label, widget)
        self.message = MessageLabel("branch_in_russian_message", self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        named(self.save_button, "branch_in_russian_save", self.texts, N_("Save"))
        self.texts.bind(self.save_button.setText, N_("Save"))
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.texts.bind(cancel.setText, N_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(640, 200)
        follow_language(self.retranslate)

    def retranslate(self) -> None:
        self.texts.apply()

    def save(self) -> None:
        name, address, actor = self.name_edit.text(), self.address_edit.text(), self._clerk.user
        self.save_button.setEnabled(False)
        self._services.tasks.write(
            lambda s: set_branch_in_russian(
                session=s, actor=actor, branch_name_ru=name, address_ru=address
            ),
            self._saved,
            self._failed,
            owner=self,
        )

    def _saved(self, settings) -> None:
        self._clerk.branch.branch_name_ru = settings.branch_name_ru
        self._clerk.branch.address_ru = settings.address_ru
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.message.show_error(exc)
