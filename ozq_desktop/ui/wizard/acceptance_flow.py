"""The wizard's last step as three background jobs: prepare the package (the database
worker, after any draft save still queued), sign it with the clerk's EDS (a pool worker: a key
file's password is asked first; NCALayer may wait minutes for the clerk's PIN without holding
the database), then write it in one transaction. Any failure leaves nothing written and the
draft as it was, so the clerk can correct and try again."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ozq_desktop.counter import Prepared, prepare, write_prepared
from ozq_desktop.domain.acceptance import NO_SIGNING_KEY
from ozq_desktop.domain.drafts import PackageDraft
from ozq_desktop.errors import ValidationError
from ozq_desktop.i18n import N_, current_language
from ozq_desktop.signing import Signature
from ozq_desktop.signing.choice import SigningKind, needs_password, signer_for
from ozq_desktop.ui.context import DeskServices, SignedIn
from ozq_desktop.ui.signing_dialog import ask_password


class AcceptanceFlow(QObject):
    accepted = Signal(object)  # AcceptanceResult
    failed = Signal(object)  # the exception, shown to the clerk
    cancelled = Signal()  # the clerk closed the password prompt
    progress = Signal(str)  # a message id for the wizard's status line

    def __init__(
        self, services: DeskServices, clerk: SignedIn, parent: QWidget, at: datetime
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._clerk = clerk
        self._parent = parent
        self._at = at
        self._lang = current_language()
        self._password = ""
        self.password_dialog = None

    def start(self, draft: PackageDraft) -> None:
        services, at, lang = self._services, self._at, self._lang
        self._services.tasks.with_factory(
            lambda factory: prepare(
                factory=factory,
                catalog=services.catalog,
                store=services.scans,
                draft=draft,
                at=at,
                lang=lang,
            ),
            self._prepared,
            self.failed.emit,
            owner=self,
        )

    def _prepared(self, prepared: Prepared) -> None:
        kind = self._clerk.user.signing_kind
        if prepared.to_sign is None:  # a refusal, or training mode: nothing to sign
            self._write(prepared, None)
        elif not kind:  # the domain would refuse to write it unsigned
            self.failed.emit(ValidationError(NO_SIGNING_KEY))
        elif needs_password(kind):
            dialog = ask_password(self._parent, lambda pw: self._sign(prepared, pw))
            dialog.rejected.connect(self.cancelled)
            # Closed, it gives the keyboard back to the wizard's window (the step it shows
            # next puts the focus on its first input).
            dialog.finished.connect(lambda _result: self._parent.window().activateWindow())
            self.password_dialog = dialog
        else:
            self._sign(prepared, "")

    def _sign(self, prepared: Prepared, password: str) -> None:
        user, lang = self._clerk.user, self._lang
        kind, path = user.signing_kind, user.signing_key_path
        to_sign = prepared.to_sign
        assert to_sign is not None
        if kind == SigningKind.NCALAYER:
            self.progress.emit(N_("Confirm the signature in NCALayer…"))
        else:
            self.progress.emit(N_("Signing the package…"))

        def sign() -> Signature:
            signer = signer_for(kind, path, password, lang)
            assert signer is not None
            return signer.sign(to_sign)

        self._services.tasks.run(
            sign, lambda signature: self._write(prepared, signature), self.failed.emit, owner=self
        )

    def _write(self, prepared: Prepared, signature: Signature | None) -> None:
        services, user, at = self._services, self._clerk.user, self._at
        services.tasks.write(
            lambda s: write_prepared(
                session=s,
                catalog=services.catalog,
                prepared=prepared,
                clerk=user,
                at=at,
                signature=signature,
            ),
            self.accepted.emit,
            self.failed.emit,
            owner=self,
        )
