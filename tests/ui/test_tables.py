"""Every table of the desk is a `RowsModel` shown in a `QTableView` (ui/tables.py). Each
model is checked by pytest-qt's qtmodeltester with real rows, and a language switch re-reads
the cells instead of rebuilding them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt

from ozq_desktop import i18n
from ozq_desktop.domain.complaints import ComplaintLine
from ozq_desktop.domain.packages import PackageSummary
from ozq_desktop.domain.profiles import Account
from ozq_desktop.domain.registers import RegisterEntry
from ozq_desktop.domain.service_times import TimesLine, Visit
from ozq_desktop.ui.package_table import PackageTableModel
from ozq_desktop.ui.supervisor import calendar_page, complaints, register, service_time, users
from ozq_desktop.ui.sync_panel import ATTENTION_COLUMNS
from ozq_desktop.ui.tables import HIGHLIGHT, RowsModel
from ozq_wire.calendar import Override, OverrideKind
from ozq_wire.catalog import load_catalog

CATALOG = load_catalog()
AT = datetime(2026, 11, 25, 10, 30)

SUMMARY = PackageSummary(
    id="a", receipt_no="ALA01-D1-0000001", service_id="attestation", status="queued",
    applicant_name="«Қазмұнай» ЖШС", applicant_idn="940140000385", accepted_at=AT,
    result_date=date(2026, 12, 16), clerk_id=2,
)  # fmt: skip
ENTRY = RegisterEntry(
    2, "Жұмабаев Нұрлан", "ALA01-D1-0000001", "10:30", "attestation", "A", "accepted"
)
LINE = ComplaintLine(1, "Ш-17", date(2026, 11, 2), "Ахметова", "Кезек", "…", date(2026, 11, 9),
                     None, None, True)  # fmt: skip

MODELS = {
    "packages": lambda: (PackageTableModel(CATALOG), [SUMMARY]),
    "register": lambda: (RowsModel(register.register_columns(CATALOG)), [ENTRY] * 3),
    "service time": lambda: (
        RowsModel(service_time.times_columns(CATALOG, lambda: "by_hour")),
        [TimesLine.of("10", [Visit("Жұмабаев", "attestation", AT, 720, 300, False)])],
    ),
    "users": lambda: (RowsModel(users.COLUMNS), [Account(1, "boss", "Сейітова", "supervisor")]),
    "complaints": lambda: (RowsModel(complaints.COLUMNS, highlight=lambda c: c.overdue), [LINE]),
    "days off": lambda: (
        RowsModel(calendar_page.DAYS_OFF_COLUMNS),
        [(date(2026, 12, 16), "Тәуелсіздік күні")],
    ),
    "overrides": lambda: (
        RowsModel(calendar_page.OVERRIDE_COLUMNS),
        [Override(date(2026, 12, 31), OverrideKind.DAY_OFF, "Әкім шешімі")],
    ),
    "needs attention": lambda: (
        RowsModel(ATTENTION_COLUMNS),
        [("ALA01-D1-0000001", "a", "manifest_conflict")],
    ),
}


@pytest.mark.parametrize("name", list(MODELS))
def test_every_table_model_passes_the_model_tester(qtmodeltester, name):
    """The tester checks the model with rows, then keeps watching it through a reset to none
    and back (a read that found nothing, then something)."""
    model, rows = MODELS[name]()
    model.set_rows(rows)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(rows)
    assert model.index(0, 0).data()
    assert all(model.index(0, c).data() is not None for c in range(model.columnCount()))
    model.set_rows([])
    assert model.rowCount() == 0
    model.set_rows(rows)
    model.retranslate()


def test_a_language_switch_rereads_the_cells_without_a_reset(qtbot):
    model = RowsModel(register.register_columns(CATALOG))
    model.set_rows([ENTRY] * 2000)
    resets, changed = [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row(), b.column())))
    i18n.set_language("kk")
    assert model.index(0, 5).data() == "Қабылданды"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Қолхат №"
    i18n.set_language("ru")
    model.retranslate()
    assert model.index(0, 5).data() == "Принят"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "№ расписки"
    assert resets == [] and changed == [(0, 1999, 5)]


def test_a_marked_row_is_highlighted_with_its_reason():
    model = RowsModel(
        complaints.COLUMNS, highlight=lambda c: c.overdue, highlight_tip=lambda: "overdue"
    )
    model.set_rows([LINE])
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == HIGHLIGHT
    assert model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) == "overdue"
