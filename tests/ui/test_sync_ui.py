"""Sync in the window, against a real hub process: the supervisor enrols the desk, "Sync now"
pushes the outbox, a committee decision comes back to the status bar, a package the hub
cannot take is listed under "Needs attention" and can be retried."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from ozq_desktop.models import Package
from ozq_desktop.storage.engine import reading
from ozq_desktop.sync.engine import SyncEngine
from ozq_desktop.ui.actions import ActionId
from tests.sync.conftest import hub  # noqa: F401  (the real hub process fixture)
from tests.ui.conftest import (
    VALID_BIN,
    idle,
    make_pdf,
    set_up_desk,
    sign_in,
    start_app,
    supervisor_of,
)
from tests.ui.driver import WizardDriver
from tests.ui.supervisor.helpers import accept_one
from tests.ui.test_wizard_flows import DECLARATION_DOCUMENTS


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
        assert status.currentMessage() == ("Бұл үстел әлі хабқа қосылмаған: Үстел → Хабқа қосылу…")

        # The supervisor enrols the desk; a wrong code is refused in the clerk's language.
        main.actions[ActionId.HUB_SETTINGS].trigger()
        dialog = main.hub_dialog
        assert dialog.isVisible()
        idle(qtbot, app)
        assert dialog.current.text() == "Бұл үстел әлі хабқа қосылмаған."
        assert main.sync.timer.interval() == 5 * 60_000
        dialog.interval_spin.setValue(7)
        assert main.sync.timer.interval() == 7 * 60_000
        assert int(app.settings.value("sync/interval_minutes")) == 7
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

        # The hub goes away: the desk says so, with the last successful sync kept.
        hub.process.stop()
        main.actions[ActionId.SYNC_NOW].trigger()
        qtbot.waitUntil(
            lambda: not main.sync.report.online and not main.sync.running, timeout=30000
        )
        text = status.connection_label.text()
        assert text.startswith("желіден тыс · соңғы синхрондау ")
        assert text.endswith("Хабқа қосылу мүмкін емес; жұмыс желісіз жалғасады.")
        assert status.connection_label.toolTip() == text
    finally:
        app.shutdown()


def test_a_clerk_does_not_see_the_hub_settings(qtbot, main_window):
    assert not main_window.actions[ActionId.HUB_SETTINGS].isVisible()
    assert main_window.actions[ActionId.SYNC_NOW].isVisible()


def test_a_package_accepted_in_the_wizard_is_sent_at_once(
    qtbot,
    data_folder,
    tmp_path,
    hub,  # noqa: F811
):
    set_up_desk(data_folder)
    app = start_app(qtbot, data_folder)
    try:
        assert app.desk is not None
        code = hub.cli("enrol-code", "--branch", "ALA01", "--branch-name", "Алматы филиалы")
        SyncEngine(
            factory=app.desk.factory,
            store=app.desk.scans,
            catalog=app.desk.catalog,
            folder=data_folder,
        ).enrol(hub_url=hub.url, code=code, desk_code="D1", actor=supervisor_of(app))
        main = sign_in(qtbot, app)
        sync_finished(qtbot, main)
        assert main.sync.report.online and main.sync.report.pushed == 0

        drive = WizardDriver(qtbot, app)
        drive.start("declaration-registration")
        drive.place()
        drive.applicant(VALID_BIN, "«Шахтер» ЖШС", kind="legal_entity")
        drive.documents(
            {code: [make_pdf(tmp_path / f"{code}.pdf", 1)] for code in DECLARATION_DOCUMENTS},
            expertise_date=date.today() - timedelta(days=10),
        )
        drive.annex1({"head_position": "директор"})
        drive.consent()
        drive.confirm()
        result = drive.wizard.result
        qtbot.waitUntil(
            lambda: main.sync.report.pushed == 1 and not main.sync.running, timeout=20000
        )
        with reading(app.desk.factory) as s:
            assert s.get(Package, result.package_id).status == "received"
        assert main.status.outbox_label.text() == "Жіберу кезегінде: 0"
    finally:
        app.shutdown()
