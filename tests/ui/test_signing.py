"""The clerk's EDS in the real application: choosing a key file or NCALayer, checking it, and
accepted packages signed at the counter (a wrong password loses nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from ozq_desktop.models import AuditRow, Package, User
from ozq_desktop.signing.choice import ENV_NCALAYER_URL
from ozq_desktop.storage.engine import reading
from ozq_desktop.ui.actions import ActionId
from tests.signing.ncalayer_standin import NcaLayerStandIn, SigningKey
from tests.signing.pki import make_pki
from tests.ui.conftest import idle

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
    dialog = open_dialog(qtbot, main_window)
    assert dialog.radio[""].isChecked()  # nobody signs until they choose
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
        row = s.scalars(select(AuditRow).where(AuditRow.action == "signing_set")).one()
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
