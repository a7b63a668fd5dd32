"""The clerk's main paths through the real main window, each ending in the database."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from ozq_desktop.domain import packages
from ozq_desktop.domain.checklist import Outcome
from ozq_desktop.storage.engine import reading
from tests.ui.conftest import VALID_BIN, idle, make_pdf
from tests.ui.driver import WizardDriver


def test_service_1_complete_package_gets_a_receipt(qtbot, desk_app, main_window, tmp_path):
    drive = WizardDriver(qtbot, desk_app)
    drive.start("attestation")
    drive.place()
    drive.applicant(VALID_BIN, "«Қазмұнай» ЖШС")
    drive.documents(
        {
            "application": [make_pdf(tmp_path / "application.pdf", 1, "application")],
            "expert_conclusion": [make_pdf(tmp_path / "conclusion.pdf", 3, "conclusion")],
            "specialists_and_base": [make_pdf(tmp_path / "staff.pdf", 2, "staff")],
        }
    )
    drive.annex1({"industry_sector": "мұнай-газ", "activity_kind": "сараптама"})
    drive.consent()
    drive.confirm()

    result = drive.wizard.result
    assert result is not None and result.outcome is Outcome.ACCEPT
    assert result.receipt_no == "ALA01-D1-0000001"
    assert result.receipt_no in drive.wizard.done_page.receipt_label.text()
    with reading(desk_app.desk.factory) as s:
        stored = packages.by_receipt(session=s, receipt_no=result.receipt_no)
        assert stored.status == "queued"
        assert stored.applicant_idn == VALID_BIN
        assert len(stored.files) == 3
        assert stored.annex1["industry_sector"] == "мұнай-газ"
        assert stored.result_date is not None and stored.result_date > date.today()

    qtbot.mouseClick(drive.wizard.done_page.next_button, Qt.MouseButton.LeftButton)
    idle(qtbot, desk_app)
    home = drive.main.home
    assert drive.main.wizard is None
    assert [home.model.row_at(i).receipt_no for i in range(home.model.rowCount())] == [
        result.receipt_no
    ]
