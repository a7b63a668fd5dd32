"""The daily register: viewed, printed, exported to XLSX, then signed off and frozen."""

from __future__ import annotations

import io

import openpyxl
from pypdf import PdfReader
from PySide6.QtCore import Qt

from ozq_desktop.ui.actions import ActionId
from ozq_desktop.ui.supervisor import register as register_module
from tests.ui.cells import cell, rows
from tests.ui.conftest import idle
from tests.ui.supervisor.helpers import accept_one


def test_the_register_is_printed_exported_and_frozen_by_the_sign_off(
    qtbot, boss_app, boss_window, tmp_path, monkeypatch
):
    first = accept_one(boss_app, boss_window.clerk.user, seed=1)
    boss_window.actions[ActionId.REGISTER].trigger()
    window = boss_window.supervision
    page = window.register
    assert window.tabs.currentWidget() is page
    idle(qtbot, boss_app)
    assert rows(page.table) == 1
    assert cell(page.table, 0, 1) == first.receipt_no
    assert cell(page.table, 0, 5) == "Қабылданды"
    assert page.state_label.text() == "Жазбалар: 1. Күн әлі жабылмаған."
    # Both users are offered as a filter; the clerk has accepted nothing.
    assert page.clerk_combo.count() == 3
    page.clerk_combo.setCurrentIndex(page.clerk_combo.findText("Жұмабаев Нұрлан Серікұлы"))
    idle(qtbot, boss_app)
    assert rows(page.table) == 0
    page.clerk_combo.setCurrentIndex(0)
    idle(qtbot, boss_app)

    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    preview = page.preview
    qtbot.waitUntil(lambda: preview.pdf_bytes.startswith(b"%PDF-"), timeout=20000)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(preview.pdf_bytes)).pages)
    assert first.receipt_no in "".join(text.split())  # a narrow cell may wrap the number
    preview.close()

    target = tmp_path / "out" / "register.xlsx"
    target.parent.mkdir()
    monkeypatch.setattr(register_module, "ask_xlsx_path", lambda _parent, _name, then: then(target))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: target.exists() and "сақталды" in page.state_label.text(), timeout=20000
    )
    sheet = openpyxl.load_workbook(target).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert first.receipt_no in cells

    # Cancelling the question changes nothing; answering yes signs the day.
    monkeypatch.setattr(register_module, "ask_close_day", lambda _parent, _day: False)
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert not page.register.frozen
    monkeypatch.setattr(register_module, "ask_close_day", lambda _parent, _day: True)
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert page.register.frozen
    assert page.state_label.text().startswith("Күн жабылды: ")
    assert "Сейітова Ләззат" in page.state_label.text()
    assert not page.close_button.isEnabled()

    # A package accepted after the sign-off does not enter the signed register.
    accept_one(boss_app, boss_window.clerk.user, seed=2)
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    idle(qtbot, boss_app)
    assert rows(page.table) == 1
    assert page.register.frozen
    window.close()


def test_the_transfer_register_lists_the_days_accepted_packages(qtbot, boss_app, boss_window):
    accepted = accept_one(boss_app, boss_window.clerk.user, seed=3)
    boss_window.actions[ActionId.REGISTER].trigger()
    page = boss_window.supervision.register
    idle(qtbot, boss_app)
    qtbot.mouseClick(page.transfer_button, Qt.MouseButton.LeftButton)
    preview = page.preview
    qtbot.waitUntil(lambda: preview.pdf_bytes.startswith(b"%PDF-"), timeout=20000)
    text = "".join(
        "".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(preview.pdf_bytes)).pages
    )
    assert accepted.receipt_no in text
    assert "тізілім" in text.lower()
    preview.close()
    boss_window.supervision.close()
