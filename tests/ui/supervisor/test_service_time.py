"""The supervisor's service-time report: per clerk and service, against the 15-minute norm."""

from __future__ import annotations

from datetime import datetime, timedelta

from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.storage.engine import transaction
from ozq_desktop.ui.supervisor.service_time import minutes_text
from ozq_desktop.ui.supervisor.window import Tab
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, draft_for


def test_minutes_text():
    assert minutes_text(754.4) == "12:34"


def test_the_report_shows_median_and_share_within_the_norm(qtbot, boss_app, boss_window):
    now = datetime.now().replace(microsecond=0)
    with transaction(boss_app.desk.factory) as s:
        for minutes in (10, 12, 20):  # two within 15 min, one over
            draft = draft_for(
                "declaration-registration",
                "legal_entity",
                VALID_BIN,
                ["application", "declaration", "expert_conclusion"],
                started_at=now - timedelta(minutes=minutes),
            )
            accept_package(
                session=s, catalog=load_catalog(), draft=draft, clerk=boss_window.clerk.user, at=now
            )
    boss_window.open_supervision(Tab.SERVICE_TIME)
    page = boss_window.supervision.service_time
    page.refresh()
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10000)
    cells = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    assert cells[0] == "Сейітова Ләззат"
    assert cells[2:] == ["3", "12:00", "67%"]
    boss_window.supervision.close()
