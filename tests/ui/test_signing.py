"""The clerk's EDS in the real application: choosing a key file or NCALayer, checking it, and
accepted packages signed at the counter (a wrong password loses nothing)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from ozq_desktop.domain.accounts import set_signing
from ozq_desktop.models import AuditRow, Package, User
from ozq_desktop.signing.choice import ENV_NCALAYER_URL
from ozq_desktop.storage.engine import reading, transaction
from ozq_desktop.sync.push import declaration
from ozq_desktop.ui.actions import ActionId
from ozq_hub.service.signatures import verify_detached
from tests.signing.ncalayer_standin import NcaLayerStandIn, SigningKey
from tests.signing.pki import make_pki
from tests.ui.conftest import VALID_BIN, idle, make_pdf
from tests.ui.driver import WizardDriver
from tests.ui.test_start import unnamed_inputs

PASSWORD = "key-pass-1"


@pytest.fixture(scope="module")
def pki():
    return make_pki("Жұмабаев Нұрлан")


@pytest.fixture
def key_file(pki, tmp_path) -> Path:
    return pki.pkcs12(tmp_path / "RSA256_clerk.p12", PASSWORD)


def open_dialog(qtbot, main_window):
    main_window.actions[ActionId.SIGNING].trigger()
    dialog = main_window.signing_dialog
    assert dialog.isVisible()
    return dialog


def answer_password(qtbot, dialog, password: str) -> None:
    prompt = dialog.password_dialog
    qtbot.waitUntil(prompt.isVisible)
    prompt.setTextValue(password)
    prompt.accept()


def test_a_key_file_is_checked_and_saved(qtbot, desk_app, main_window, key_file):
    use_signing(desk_app, main_window, None)  # a clerk who has not chosen yet
    dialog = open_dialog(qtbot, main_window)
    assert dialog.radio[""].isChecked()  # nobody signs until they choose
    assert unnamed_inputs(dialog) == []
    assert not dialog.path_edit.isEnabled()
    dialog.radio["pkcs12"].setChecked(True)
    assert dialog.path_edit.isEnabled()
    dialog.path_edit.setText(str(key_file))

    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    answer_password(qtbot, dialog, "wrong")
    qtbot.waitUntil(lambda: dialog.message.kind == "error", timeout=10000)
    assert dialog.message.text() == "Кілт файлының құпиясөзі қате."

    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    answer_password(qtbot, dialog, PASSWORD)
    qtbot.waitUntil(lambda: dialog.message.kind == "ok", timeout=10000)
    assert "Жұмабаев Нұрлан" in dialog.message.text()

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    idle(qtbot, desk_app)
    with reading(desk_app.desk.factory) as s:
        user = s.get(User, main_window.clerk.user.id)
        assert (user.signing_kind, user.signing_key_path) == ("pkcs12", str(key_file))
        row = s.scalars(
            select(AuditRow).where(AuditRow.action == "signing_set").order_by(AuditRow.id.desc())
        ).first()
        assert row.details == {"kind": "pkcs12", "key_file": "RSA256_clerk.p12"}
    assert main_window.clerk.user.signing_kind == "pkcs12"


def test_ncalayer_is_checked_through_its_protocol(
    qtbot, desk_app, main_window, pki, key_file, monkeypatch
):
    with NcaLayerStandIn(SigningKey.from_pkcs12(key_file, PASSWORD)) as standin:
        monkeypatch.setenv(ENV_NCALAYER_URL, standin.start())
        dialog = open_dialog(qtbot, main_window)
        dialog.radio["ncalayer"].setChecked(True)
        assert not dialog.path_edit.isEnabled()
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.message.kind == "ok", timeout=15000)
        assert "Жұмабаев Нұрлан" in dialog.message.text()
        assert standin.requests[-1]["module"] == "kz.gov.pki.knca.basics"


def test_a_closed_ncalayer_is_said_plainly(qtbot, desk_app, main_window, monkeypatch):
    monkeypatch.setenv(ENV_NCALAYER_URL, "ws://127.0.0.1:9/")  # nothing listens there
    dialog = open_dialog(qtbot, main_window)
    dialog.radio["ncalayer"].setChecked(True)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.kind == "error", timeout=15000)
    assert "NCALayer" in dialog.message.text()


def signed_packages(app) -> list[tuple[str, bytes | None, str | None]]:
    with reading(app.desk.factory) as s:
        return [(p.receipt_no, p.signature, p.signer) for p in s.scalars(select(Package))]


def use_signing(app, window, kind: str, path: Path | None = None) -> None:
    """The clerk's saved choice, as the signing dialog stores it."""
    with transaction(app.desk.factory) as s:
        set_signing(
            session=s, user=window.clerk.user, kind=kind, key_path=str(path) if path else None
        )
    window.clerk.user.signing_kind = kind
    window.clerk.user.signing_key_path = str(path) if path else None


def at_review(qtbot, app, tmp_path) -> WizardDriver:
    drive = WizardDriver(qtbot, app)
    drive.complete_attestation(tmp_path)
    return drive


def hub_check(app, pki, receipt_no: str) -> str:
    """Verify the stored signature as the hub does, over the package's manifest."""
    with reading(app.desk.factory) as s:
        package = s.scalars(select(Package).where(Package.receipt_no == receipt_no)).one()
        request = declaration(package, package_clerk(s, package))
    assert request.signature is not None
    signer = verify_detached(
        base64.b64decode(request.signature),
        request.content_to_sign(),
        [pki.root.cert],
        datetime.now(UTC),
    )
    names = {e.name for e in request.manifest}
    assert "application.1.annex1-application-kk.pdf" in names  # the Annex 1 PDF is signed too
    return signer.subject


def package_clerk(session, package):
    return session.get(User, package.clerk_id)


def test_an_accepted_package_is_signed_with_the_key_file(
    qtbot, desk_app, main_window, pki, key_file, tmp_path
):
    use_signing(desk_app, main_window, "pkcs12", key_file)
    drive = at_review(qtbot, desk_app, tmp_path)
    drive.next()
    qtbot.waitUntil(lambda: drive.wizard.flow.password_dialog is not None, timeout=15000)
    prompt = drive.wizard.flow.password_dialog
    prompt.setTextValue("wrong")
    prompt.accept()
    qtbot.waitUntil(lambda: drive.wizard.problem.kind == "error", timeout=15000)
    assert drive.wizard.problem.text() == "Кілт файлының құпиясөзі қате."
    idle(qtbot, desk_app)
    assert signed_packages(desk_app) == []  # nothing written
    assert drive.wizard.next_button.isEnabled()  # the clerk tries again

    drive.next()
    qtbot.waitUntil(lambda: drive.wizard.flow.password_dialog not in (None, prompt), timeout=15000)
    drive.wizard.flow.password_dialog.setTextValue(PASSWORD)
    drive.wizard.flow.password_dialog.accept()
    qtbot.waitUntil(lambda: drive.wizard.result is not None, timeout=15000)
    idle(qtbot, desk_app)
    [(receipt_no, signature, signer)] = signed_packages(desk_app)
    assert receipt_no == drive.wizard.result.receipt_no
    assert signature and signer == "Жұмабаев Нұрлан, IIN900101300001"
    assert "CN=Жұмабаев Нұрлан" in hub_check(desk_app, pki, receipt_no)


def test_an_accepted_package_is_signed_through_ncalayer(
    qtbot, desk_app, main_window, pki, key_file, tmp_path, monkeypatch
):
    with NcaLayerStandIn(SigningKey.from_pkcs12(key_file, PASSWORD)) as standin:
        monkeypatch.setenv(ENV_NCALAYER_URL, standin.start())
        use_signing(desk_app, main_window, "ncalayer")
        drive = at_review(qtbot, desk_app, tmp_path)
        drive.confirm()  # no password asked by the desk: NCALayer asks for its PIN
        receipt_no = drive.wizard.result.receipt_no
        assert "CN=Жұмабаев Нұрлан" in hub_check(desk_app, pki, receipt_no)
        assert len(standin.requests) == 1


def test_a_refusal_is_not_signed(qtbot, desk_app, main_window, key_file, tmp_path):
    use_signing(desk_app, main_window, "pkcs12", key_file)
    drive = WizardDriver(qtbot, desk_app)
    drive.start("attestation")
    drive.place()
    drive.applicant(VALID_BIN, "«Қазмұнай» ЖШС")
    drive.documents({"application": [make_pdf(tmp_path / "a.pdf", 1)]})  # incomplete: Annex 2
    drive.annex1({"industry_sector": "мұнай-газ", "activity_kind": "сараптама"})
    drive.consent()
    drive.confirm()  # no password prompt
    assert drive.wizard.flow.password_dialog is None
    [(_receipt, signature, signer)] = signed_packages(desk_app)
    assert signature is None and signer is None
