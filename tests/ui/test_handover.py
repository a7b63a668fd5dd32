"""Handing over the committee's result: only a result-ready package is offered, a
representative needs a power of attorney, the package becomes issued, and the hand-over
receipt is previewed as a real PDF naming the recipient."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt

from ozq_desktop.models import Package
from ozq_desktop.storage.engine import reading
from ozq_desktop.ui.actions import ActionId
from tests.ui.conftest import idle
from tests.ui.supervisor.helpers import accept_one, decide


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_representative_takes_the_result_and_the_receipt_is_previewed(
    qtbot, desk_app, main_window
):
    clerk = main_window.clerk.user
    waiting = accept_one(desk_app, clerk, seed=1)
    ready = accept_one(desk_app, clerk, seed=2)
    decide(desk_app, ready.package_id)

    main_window.actions[ActionId.HANDOVER].trigger()
    dialog = main_window.handover_dialog
    assert dialog.isVisible() and not dialog.hand_over_button.isEnabled()

    # A package still with the committee is found but not offered.
    dialog.search_box.setText(waiting.receipt_no)
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    idle(qtbot, desk_app)
    assert dialog.model.rowCount() == 0
    assert dialog.found_label.text() == (
        "Табылған топтамалардың берілетін нәтижесі әлі дайын емес."
    )

    dialog.search_box.setText(ready.receipt_no)
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    idle(qtbot, desk_app)
    assert dialog.model.rowCount() == 1
    assert dialog.selected().id == ready.package_id
    # the due date, and beside it the date the applicant's receipt gave (service 3)
    assert dialog.model.index(0, 6).data() == (
        f"{ready.result_date:%d.%m.%Y} (қолхатта: {ready.promised_date:%d.%m.%Y})"
    )
    assert dialog.name_edit.text() == "«Қазмұнай» ЖШС"  # the applicant, until told otherwise

    # A representative without the power of attorney is refused by the domain.
    dialog.by_poa.setChecked(True)
    assert dialog.name_edit.text() == "" and dialog.poa_number_edit.isEnabled()
    dialog.name_edit.setText("Ахметов Ерлан Болатұлы")
    dialog.iin_edit.setText("900101300017")
    qtbot.mouseClick(dialog.hand_over_button, Qt.MouseButton.LeftButton)
    idle(qtbot, desk_app)
    assert "сенімхат" in dialog.message.text().lower()
    with reading(desk_app.desk.factory) as s:
        assert s.get(Package, ready.package_id).status == "decision_granted"

    dialog.poa_number_edit.setText("СН-1234")
    dialog.poa_date_edit.setDate(QDate(2026, 11, 20))
    with qtbot.waitSignal(dialog.handed_over, timeout=10000):
        qtbot.mouseClick(dialog.hand_over_button, Qt.MouseButton.LeftButton)
    assert ready.receipt_no in dialog.message.text()
    with reading(desk_app.desk.factory) as s:
        package = s.get(Package, ready.package_id)
        assert package.status == "issued"
        assert package.handed_over_to["poa_number"] == "СН-1234"
        assert package.handed_over_to["poa_date"] == date(2026, 11, 20).isoformat()
        assert package.handed_over_to["is_representative"] is True
    assert dialog.model.rowCount() == 0  # an issued result is not offered again

    preview = dialog.preview
    assert preview is not None and preview.isVisible()
    qtbot.waitUntil(lambda: preview.pdf_bytes.startswith(b"%PDF-"), timeout=20000)
    text = _text(preview.pdf_bytes)
    assert ready.receipt_no in text
    assert "Ахметов" in text and "СН-1234" in text
    preview.close()
    dialog.close()
    idle(qtbot, desk_app)
