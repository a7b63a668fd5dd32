"""Desk → Connect to the hub… with a plain http:// address off this computer (issue 12): the
supervisor is asked; No sends nothing, Yes enrols (the address routed to the real hub, as a
name on the branch's network would be)."""

from __future__ import annotations

from ozq_desktop.sync.client import HubClient
from ozq_desktop.sync.engine import SyncEngine
from ozq_desktop.ui import hub_enrolment
from ozq_desktop.ui.settings_dialog import HubSettingsDialog
from tests.sync.conftest import hub  # noqa: F401  (the real hub process fixture)
from tests.ui.conftest import idle, set_up_desk, sign_in, start_app, supervisor_of

URL = "http://hub.branch.lan:8470"


def test_plain_http_is_confirmed_by_the_supervisor(qtbot, data_folder, hub, monkeypatch):  # noqa: F811
    set_up_desk(data_folder)
    app = start_app(qtbot, data_folder)
    try:
        main = sign_in(qtbot, app, "boss", "supersecret")
        idle(qtbot, app)
        sent: list[str] = []

        def routed(url: str, token: str | None) -> HubClient:
            sent.append(url)
            return HubClient(hub.url, token)

        engine = SyncEngine(
            factory=app.desk.factory,
            store=app.desk.scans,
            catalog=app.desk.catalog,
            client_factory=routed,
            folder=data_folder,
        )
        dialog = HubSettingsDialog(main.services, engine, "D1", supervisor_of(app), main)
        asked: list[str] = []
        answer = {"yes": False}

        def ask(_parent, url):
            asked.append(url)
            return answer["yes"]

        monkeypatch.setattr(hub_enrolment, "ask_plain_http", ask)
        dialog.url_edit.setText(URL)
        dialog.code_edit.setText(hub.cli("enrol-code", "--branch", "ALA01"))
        dialog.enrol()
        qtbot.waitUntil(lambda: dialog.enrol_button.isEnabled(), timeout=20000)
        assert asked == [URL] and sent == []
        assert "http://" in dialog.message.text()

        answer["yes"] = True
        with qtbot.waitSignal(dialog.enrolled, timeout=20000):
            dialog.enrol()
        assert sent == [URL]
        dialog.close()
    finally:
        app.shutdown()
