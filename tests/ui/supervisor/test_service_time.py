"""The supervisor's service-time report: waits and service side by side against the two
15-minute caps, per hour, per clerk and per service; the chart; the printed report."""

from __future__ import annotations

import io
from datetime import date, datetime, time

from pypdf import PdfReader
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor

from ozq_desktop.charts import SERVICE_COLOURS, WAIT_COLOURS, minutes_text
from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.storage.engine import transaction
from ozq_desktop.ui.supervisor.service_time import week_of
from ozq_desktop.ui.supervisor.window import Tab
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, draft_for
from tests.signing.pki import sign_draft
from tests.ui.cells import cell, rows

DAY = date.today()


def at(hh: int, mm: int) -> datetime:
    return datetime.combine(DAY, time(hh, mm))


def test_minutes_text_and_the_working_week():
    assert minutes_text(754.4) == "12:34" and minutes_text(None) == "—"
    assert week_of(date(2026, 11, 25)) == (date(2026, 11, 23), date(2026, 11, 28))


def take(app, clerk, started, accepted, ticket):
    draft = draft_for(
        "declaration-registration",
        "legal_entity",
        VALID_BIN,
        ["application", "declaration", "expert_conclusion"],
        started_at=started,
    )
    draft.ticket_number, draft.ticket_time = "A7", ticket
    with transaction(app.desk.factory) as s:
        accept_package(
            session=s,
            catalog=load_catalog(),
            draft=draft,
            clerk=clerk,
            at=accepted,
            signature=sign_draft(draft),
        )


def colour_count(image, colour: str) -> int:
    wanted = QColor(colour).rgb()
    return sum(
        image.pixel(x, y) == wanted
        for x in range(0, image.width(), 2)
        for y in range(image.height())
    )


def test_waits_and_service_by_hour_clerk_and_service_with_chart_and_print(
    qtbot, boss_app, boss_window
):
    boss = boss_window.clerk.user
    take(boss_app, boss, at(10, 0), at(10, 10), time(9, 50))  # waited 10 min, served 10
    take(boss_app, boss, at(10, 20), at(10, 40), time(9, 40))  # waited 40, served 20
    take(boss_app, boss, at(11, 0), at(11, 5), None)  # a ticket without its time
    boss_window.open_supervision(Tab.SERVICE_TIME)
    page = boss_window.supervision.service_time
    qtbot.mouseClick(page.day_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: rows(page.table) == 2, timeout=10000)

    def table():
        columns = range(page.table.model().columnCount())
        return [[cell(page.table, r, c) for c in columns] for r in range(rows(page.table))]

    model = page.table.model()
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in (0, 2, 5)]
    assert header == ["Тәулік сағаттары бойынша", "Күту: медиана", "Қызмет: медиана"]
    assert table() == [
        ["10:00–11:00", "2", "25:00", "40:00", "50%", "15:00", "20:00", "50%", "0"],
        ["11:00–12:00", "1", "—", "—", "—", "05:00", "05:00", "100%", "1"],
    ]
    page.group.setCurrentIndex(page.group.findData("by_clerk"))
    assert table() == [
        ["Сейітова Ләззат", "3", "25:00", "40:00", "50%", "10:00", "20:00", "67%", "1"]
    ]
    page.group.setCurrentIndex(page.group.findData("by_service"))
    assert table()[0][1:3] == ["3", "25:00"]
    assert "3" in page.total.text() and "25:00" in page.total.text()

    image = page.chart.image(QSize(900, 420))
    for colour in (*WAIT_COLOURS, *SERVICE_COLOURS, "#c62828"):
        assert colour_count(image, colour) > 0, colour
    # The service median of 10:00–11:00 (15 min) stands three times as tall as 11:00's (5 min).
    shapes = page.chart.shapes(900, 420)
    legend_bottom = 20
    service_bars = [
        s for s in shapes if getattr(s, "fill", None) == SERVICE_COLOURS[0] and s.y > legend_bottom
    ]
    heights = sorted(s.h for s in service_bars)
    assert len(heights) == 2 and abs(heights[1] / heights[0] - 3.0) < 0.01

    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    preview = page.preview
    qtbot.waitUntil(lambda: preview.pdf_bytes.startswith(b"%PDF-"), timeout=20000)
    text = " ".join(
        (p.extract_text() or "") for p in PdfReader(io.BytesIO(preview.pdf_bytes)).pages
    )
    assert "Күту және қызмет көрсету уақыты" in text
    assert "25:00" in text and "40:00" in text and "10:00–11:00" in text
    preview.close()

    qtbot.mouseClick(page.week_button, Qt.MouseButton.LeftButton)
    monday, saturday = week_of(DAY)
    assert page.start.date() == monday and page.end.date() == saturday
    boss_window.supervision.close()
