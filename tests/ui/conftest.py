"""The UI tests drive the real application: DeskApp from the composition root, on a real
SQLite file in the test's data folder, signed in through the real login window."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QPainter, QPdfWriter
from PySide6.QtWidgets import QApplication, QWidget

from ozq_desktop.app import DeskApp, open_desk
from ozq_desktop.domain import accounts
from ozq_desktop.storage.engine import transaction
from tests.conftest import set_up_test_desk
from tests.signing.pki import clerk_key_file

CLERK_LOGIN, CLERK_PASSWORD = "clerk", "clerkpass1"
VALID_IIN = "900101300017"
VALID_BIN = "940140000385"


@pytest.fixture(autouse=True)
def _keyring(memory_keyring):
    """The data key goes to an in-memory keyring, never to the keyring of the machine."""
    return memory_keyring


@pytest.fixture(autouse=True)
def _no_untranslated_messages(caplog):
    with caplog.at_level(logging.WARNING, logger="ozq_desktop.i18n"):
        yield
    untranslated = [r.getMessage() for r in caplog.records if "untranslated" in r.getMessage()]
    assert not untranslated, untranslated


def set_up_desk(
    folder: Path, role: accounts.Role = accounts.Role.CLERK, *, signing: bool = True
) -> None:
    """A desk as after first run: branch ALA01, desk D1, a supervisor and one clerk. With
    `signing`, both have chosen their EDS key file (tests/signing/pki.py; password
    KEY_PASSWORD): accepting needs it."""
    desk = open_desk(folder)
    try:
        with transaction(desk.factory) as s:
            users = set_up_test_desk(s, role)
            if signing:
                for user in users:
                    accounts.set_signing(
                        session=s, user=user, kind="pkcs12", key_path=str(clerk_key_file())
                    )
    finally:
        desk.close()


def supervisor_of(app: DeskApp):
    """The supervisor «boss» of a desk made by set_up_desk, as a domain actor."""
    from sqlalchemy import select

    from ozq_desktop.models import User
    from ozq_desktop.storage.engine import reading

    with reading(app.desk.factory) as s:
        return s.scalars(select(User).where(User.login == "boss")).one()


def close_recovery_sheet(qtbot, window: QWidget) -> bytes:
    """First run ends with the recovery sheet: wait until it is rendered, close it; its PDF."""
    qtbot.waitUntil(
        lambda: (
            getattr(window, "recovery_sheet_dialog", None) is not None
            and window.recovery_sheet_dialog.isVisible()
            and bool(window.recovery_sheet_dialog.pdf_bytes)
        ),
        timeout=20000,
    )
    dialog = window.recovery_sheet_dialog
    pdf = dialog.pdf_bytes
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    return pdf


def start_app(qtbot, folder: Path) -> DeskApp:
    app = DeskApp(folder)
    with qtbot.waitSignal(app.ready, timeout=20000):
        app.start()
    return app


def sign_in(qtbot, app: DeskApp, login: str = CLERK_LOGIN, password: str = CLERK_PASSWORD):
    window = app.login
    assert window is not None and window.isVisible() and window.ready
    window.login_edit.setText(login)
    window.password_edit.setText(password)
    with qtbot.waitSignal(app.main_window_shown, timeout=20000):
        qtbot.mouseClick(window.sign_in_button, Qt.MouseButton.LeftButton)
    main = app.main_window
    qtbot.waitUntil(lambda: app.tasks.pending == 0, timeout=10000)
    return main


@pytest.fixture
def data_folder(_isolated_data_dir) -> Path:
    return _isolated_data_dir


@pytest.fixture
def desk_app(qtbot, data_folder):
    set_up_desk(data_folder)
    app = start_app(qtbot, data_folder)
    yield app
    app.shutdown()


@pytest.fixture
def main_window(qtbot, desk_app):
    return sign_in(qtbot, desk_app)


def type_text(widget: QWidget, text: str) -> None:
    """Type as a keyboard would, one key event per character (Cyrillic included)."""
    widget.setFocus()
    for ch in text:
        QApplication.sendEvent(
            widget, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch)
        )


def press(widget: QWidget, key: Qt.Key) -> None:
    QApplication.sendEvent(
        widget, QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier)
    )


def idle(qtbot, app: DeskApp) -> None:
    qtbot.waitUntil(lambda: app.tasks.pending == 0, timeout=15000)


def make_pdf(path: Path, pages: int = 2, text: str = "scan") -> Path:
    """A real small PDF, as a scanner would give."""
    writer = QPdfWriter(str(path))
    writer.setResolution(72)
    painter = QPainter(writer)
    font = painter.font()
    for page in range(pages):
        if page:
            writer.newPage()
        font.setPointSize(28)
        painter.setFont(font)
        painter.drawText(60, 110, f"{text} — {page + 1}")
        font.setPointSize(11)
        painter.setFont(font)
        for line in range(30):
            painter.drawLine(60, 160 + line * 20, 60 + 400 - (line % 5) * 40, 160 + line * 20)
        painter.drawRect(40, 40, 515, 760)
    painter.end()
    return path


def pytest_collection_modifyitems(items):
    # The offscreen platform says this whenever a top-level window's size hints change;
    # it is about the test platform, not the program.
    for item in items:
        if "tests/ui/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore("does not support propagateSizeHints"))
