"""First run can enrol the desk with the hub at once (address + one-time code), or go on
offline when the hub refuses, with the desk set up either way."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ozq_desktop.app import DeskApp
from ozq_desktop.storage.engine import reading
from ozq_desktop.sync import state
from tests.sync.conftest import hub  # noqa: F401  (the real hub process fixture)
from tests.ui.conftest import close_recovery_sheet
from tests.ui.test_start import FIRST_RUN


def fill_first_run(qtbot, app: DeskApp, hub_url: str, code: str):
    with qtbot.waitSignal(app.ready, timeout=20000):
        app.start()
    window = app.first_run
    for key, value in FIRST_RUN.items():
        window.edits[key].setText(value)
    window.edits["hub_url"].setText(hub_url)
    window.edits["hub_code"].setText(code)
    qtbot.mouseClick(window.submit_button, Qt.MouseButton.LeftButton)
    return window


def hub_url_on_desk(app: DeskApp) -> str | None:
    with reading(app.desk.factory) as s:
        return state.get(s, state.HUB_URL)


def test_first_run_enrols_with_the_hub(qtbot, data_folder, hub):  # noqa: F811
    code = hub.cli("enrol-code", "--branch", FIRST_RUN["branch_code"])
    app = DeskApp(data_folder)
    try:
        window = fill_first_run(qtbot, app, hub.url, code)
        close_recovery_sheet(qtbot, window)
        qtbot.waitUntil(lambda: app.first_run is None and app.login.isVisible(), timeout=20000)
        assert hub_url_on_desk(app) == hub.url
    finally:
        app.shutdown()


def test_a_refused_code_leaves_the_desk_set_up_and_offers_to_go_on_offline(
    qtbot,
    data_folder,
    hub,  # noqa: F811
):
    app = DeskApp(data_folder)
    try:
        window = fill_first_run(qtbot, app, hub.url, "WRONG-CODE-123")
        qtbot.waitUntil(lambda: "код" in window.error_label.text().lower(), timeout=20000)
        assert window.submit_button.text() == "Желісіз жалғастыру"
        assert hub_url_on_desk(app) is None
        qtbot.mouseClick(window.submit_button, Qt.MouseButton.LeftButton)
        close_recovery_sheet(qtbot, window)
        qtbot.waitUntil(lambda: app.first_run is None and app.login.isVisible(), timeout=10000)
        assert app.login.login_edit.text() == FIRST_RUN["sv_login"]
    finally:
        app.shutdown()
