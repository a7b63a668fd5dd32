"""The clerk's own EDS setting: sign accepted packages with a key file (.p12), through
NCALayer, or not at all. "Check" signs a test text now, so a wrong password or an expired
certificate shows here rather than at the counter. Loading and signing run in the background."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ozq_desktop.i18n import N_, current_language, tr
from ozq_desktop.signing.choice import SigningKind, needs_password, signer_for
from ozq_desktop.ui.context import DeskServices, SignedIn
from ozq_desktop.ui.file_dialog import Mode, file_dialog
from ozq_desktop.ui.language import Texts, follow_language, named
from ozq_desktop.ui.message_label import MessageLabel

CHECK_TEXT = b"OZQ Desktop: signature check"
NONE = ""


def ask_password(parent: QWidget, on_password) -> QDialog:
    """A non-blocking password prompt for the key file; `on_password(text)` when given."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("key_password_dialog")
    dialog.setWindowTitle(tr(N_("Signing key")))
    dialog.setLabelText(tr(N_("Password of the key file:")))
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    dialog.textValueSelected.connect(on_password)
    dialog.open()
    return dialog


class SigningDialog(QDialog):
    saved = Signal()

    def __init__(self, services: DeskServices, clerk: SignedIn, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("signing_settings")
        self.resize(600, 260)
        self._services = services
        self._clerk = clerk
        self.file_dialog: QFileDialog | None = None
        self.texts = Texts()
        self.texts.bind(self.setWindowTitle, N_("Signing key (EDS)"))
        intro = QLabel(self)
        intro.setWordWrap(True)
        self.texts.bind(
            intro.setText,
            N_("Each accepted package is certified with your EDS. Choose how you sign."),
        )
        self.kinds = QButtonGroup(self)
        self.radio: dict[str, QRadioButton] = {}
        for kind, msgid in (
            (SigningKind.PKCS12, N_("Key file (.p12) with an RSA key")),
            (SigningKind.NCALAYER, N_("NCALayer on this computer (GOST keys, ID card, token)")),
            (NONE, N_("Do not sign")),
        ):
            button = QRadioButton(self)
            named(button, f"signing_{kind or 'none'}", self.texts, msgid)
            self.texts.bind(button.setText, msgid)
            self.kinds.addButton(button)
            self.radio[kind] = button
        self.path_edit = QLineEdit(self)
        named(self.path_edit, "signing_key_path", self.texts, N_("Key file"))
        self.browse_button = QPushButton(self)
        named(self.browse_button, "signing_browse", self.texts, N_("Choose…"))
        self.texts.bind(self.browse_button.setText, N_("Choose…"))
        self.message = MessageLabel("signing_message", self)
        self.buttons = QDialogButtonBox(self)
        self.check_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.ActionRole)
        named(self.check_button, "signing_check", self.texts, N_("Check the signature"))
        self.texts.bind(self.check_button.setText, N_("Check the signature"))
        self.save_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        named(self.save_button, "signing_save", self.texts, N_("Save"))
        self.texts.bind(self.save_button.setText, N_("Save"))
        self.save_button.setDefault(True)
        close = self.buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        named(close, "signing_close", self.texts, N_("Close"))
        self.texts.bind(close.setText, N_("Close"))

        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.radio[SigningKind.PKCS12])
        layout.addLayout(path_row)
        layout.addWidget(self.radio[SigningKind.NCALAYER])
        layout.addWidget(self.radio[NONE])
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        user = clerk.user
        self.radio[user.signing_kind or NONE].setChecked(True)
        self.path_edit.setText(user.signing_key_path or "")
        self.kinds.buttonToggled.connect(lambda *_: self._kind_changed())
        self.browse_button.clicked.connect(self.browse)
        self.check_button.clicked.connect(self.check)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self._kind_changed()
        follow_language(self.retranslate)

    def retranslate(self) -> None:
        self.texts.apply()

    def kind(self) -> str:
        return next((k for k, b in self.radio.items() if b.isChecked()), NONE)

    def _kind_changed(self) -> None:
        key_file = self.kind() == SigningKind.PKCS12
        self.path_edit.setEnabled(key_file)
        self.browse_button.setEnabled(key_file)
        self.check_button.setEnabled(self.kind() != NONE)

    def browse(self) -> None:
        dialog = file_dialog(
            self,
            N_("Key file"),
            self.path_edit.text(),
            tr(N_("Key files (*.p12 *.pfx)")),
            Mode.OPEN_ONE,
        )
        dialog.fileSelected.connect(self._key_file_chosen)
        self.file_dialog = dialog
        dialog.open()

    def _key_file_chosen(self, path: str) -> None:
        self.file_dialog = None
        if path:
            self.path_edit.setText(path)

    # -- checking ----------------------------------------------------------------------

    def check(self) -> None:
        if needs_password(self.kind()):
            self.password_dialog = ask_password(self, self.check_with)
        else:
            self.check_with("")

    def check_with(self, password: str) -> None:
        kind, path, lang = self.kind(), self.path_edit.text().strip(), current_language()
        self.check_button.setEnabled(False)
        self.message.show_message(N_("Signing a test text…"), "note")

        def sign() -> str:
            signer = signer_for(kind, path, password, lang)
            assert signer is not None
            return signer.sign(CHECK_TEXT).signer

        self._services.tasks.run(sign, self._checked, self._failed, owner=self)

    def _checked(self, signer: str) -> None:
        self.check_button.setEnabled(True)
        self.message.show_message(N_("The signature works. Signer: {signer}"), "ok", signer=signer)

    def _failed(self, exc: BaseException) -> None:
        self.check_button.setEnabled(self.kind() != NONE)
        self.message.show_error(exc)

    # -- saving ------------------------------------------------------------------------

    def save(self) -> None:
        from ozq_desktop.domain.accounts import set_signing

        user, kind, path = self._clerk.user, self.kind() or None, self.path_edit.text().strip()

        def stored(_changes) -> None:  # the session reads the account again
            self.message.show_message(N_("Saved."), "ok")
            self.saved.emit()

        self._services.tasks.write(
            lambda s: set_signing(session=s, user=user, kind=kind, key_path=path),
            stored,
            self._failed,
            owner=self,
        )
