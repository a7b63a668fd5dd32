"""Sync in the window, against a real hub process: the supervisor enrols the desk, "Sync now"
pushes the outbox, a committee decision comes back to the status bar, a package the hub
cannot take is listed under "Needs attention" and can be retried."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ozq_desktop.models import Package
from ozq_desktop.storage.engine import reading
from ozq_desktop.ui.actions import ActionId
from tests.sync.conftest import hub  # noqa: F401  (the real hub process fixture)
from tests.ui.conftest import idle, set_up_desk, sign_in, start_app
from tests.ui.supervisor.helpers import accept_one


def sync_finished(qtbot, main) -> None:
    qtbot.waitUntil(lambda: not main.sync.running and main.sync.report is not None, timeout=20000)


def test_enrol_sync_receive_a_decision_and_retry_a_failed_package(
    qtbot,
    data_folder,
    hub,  # noqa: F811
):
    set_up_desk(data_folder)
    app = start_app(qtbot, data_folder)
    try:
        main = sign_in(qtbot, app, "boss", "supersecret")
        sync_finished(qtbot, main)
        status = main.status
        assert status.connection_label.text() == "желіден тыс — синхрондау бапталмаған"
        assert main.actions[ActionId.HUB_SETTINGS].isVisible()

        # The supervisor enrols the desk; a wrong code is refused in the clerk's language.
        main.actions[ActionId.HUB_SETTINGS].trigger()
        dialog = main.hub_dialog
        assert dialog.isVisible()
        idle(qtbot, app)
        assert dialog.current.text() == "Бұл үстел әлі хабқа қосылмаған."
        dialog.url_edit.setText(hub.url)
        dialog.code_edit.setText("not-a-code")
        qtbot.mouseClick(dialog.enrol_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.enrol_button.isEnabled(), timeout=15000)
        assert dialog.device_id is None
        assert dialog.message.text() not in ("", "Тіркелуде…")
        code = hub.cli("enrol-code", "--branch", "ALA01", "--branch-name", "Алматы филиалы")
        dialog.code_edit.setText(code)
        with qtbot.waitSignal(dialog.enrolled, timeout=15000):
            qtbot.mouseClick(dialog.enrol_button, Qt.MouseButton.LeftButton)
        assert dialog.message.text() == "Тіркелді. Синхрондау басталады."
        assert hub.url in dialog.current.text()
        dialog.close()
        qtbot.waitUntil(
            lambda: main.sync.report.configured and not main.sync.running, timeout=20000
        )
        assert status.connection_label.text().startswith("желіде")

        # Two accepted packages; Sync now sends them.
        a = accept_one(app, main.clerk.user, seed=1)
        b = accept_one(app, main.clerk.user, seed=2)
        main.actions[ActionId.SYNC_NOW].trigger()
        qtbot.waitUntil(
            lambda: main.sync.report.pushed == 2 and not main.sync.running, timeout=20000
        )
        assert status.outbox_label.text() == "Жіберу кезегінде: 0"
        assert "соңғы синхрондау" in status.connection_label.text()

        # The committee decides; the next cycle tells the clerk.
        hub.cli("decide", "--receipt", a.receipt_no, "refused", "--reason", "Толық емес")
        with qtbot.waitSignal(main.sync.decisions_arrived, timeout=20000) as got:
            main.actions[ActionId.SYNC_NOW].trigger()
        assert got.args[0] == [a.receipt_no]
        assert a.receipt_no in status.currentMessage()
        assert status.currentMessage().startswith("Комиссия шешімдері алынды")

        # A scan damaged on the disk: the hub refuses it for good, it needs attention.
        c = accept_one(app, main.clerk.user, seed=3)
        with reading(app.desk.factory) as s:
            sha = s.get(Package, c.package_id).files[0].sha256
        path = app.desk.scans.path_of(sha)
        good = path.read_bytes()
        path.write_bytes(good[:100] + bytes([good[100] ^ 1]) + good[101:])
        main.actions[ActionId.SYNC_NOW].trigger()
        qtbot.waitUntil(
            lambda: main.sync.report.failed == 1 and not main.sync.running, timeout=20000
        )

        main.actions[ActionId.NEEDS_ATTENTION].trigger()
        attention = main.attention_dialog
        qtbot.waitUntil(lambda: attention.table.rowCount() == 1, timeout=10000)
        assert attention.table.item(0, 0).text() == c.receipt_no
        assert attention.table.item(0, 1).text()  # the reason, as the hub gave it
        path.write_bytes(good)  # the cause is fixed
        with qtbot.waitSignal(attention.retried, timeout=10000):
            qtbot.mouseClick(attention.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: attention.table.rowCount() == 0, timeout=10000)
        assert attention.hint.text() == "Назар аударуды қажет ететін топтама жоқ."
        qtbot.waitUntil(
            lambda: main.sync.report.pushed == 1 and not main.sync.running, timeout=20000
        )
        with reading(app.desk.factory) as s:
            assert s.get(Package, c.package_id).status == "received"
            assert s.get(Package, b.package_id).status == "received"
        attention.close()
    finally:
        app.shutdown()


def test_a_clerk_does_not_see_the_hub_settings(qtbot, main_window):
    assert not main_window.actions[ActionId.HUB_SETTINGS].isVisible()
    assert main_window.actions[ActionId.SYNC_NOW].isVisible()
