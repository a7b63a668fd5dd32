"""The changes channel: a write in one screen updates the other open screens through
`TaskRunner.changed`, with no refresh call made for it. The desk's clock is fixed (the
services' clock is the composition root's seam) so that a package is due today."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QDate, Qt

from ozq_desktop.domain.calendar_store import load_calendar
from ozq_desktop.domain.changes import Changes
from ozq_desktop.domain.lifecycle import status_label
from ozq_desktop.storage.engine import reading
from ozq_desktop.ui.actions import ActionId
from ozq_desktop.ui.main_window import MainWindow
from ozq_desktop.ui.supervisor.window import Tab
from ozq_wire.calendar import OverrideKind
from tests.ui.conftest import idle, set_up_desk, sign_in, start_app
from tests.ui.supervisor.helpers import accept_one, decide

TODAY = datetime(2026, 11, 25, 10, 0)  # a Wednesday, a working day


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr("ozq_desktop.app.wall_clock", lambda: TODAY)


@pytest.fixture
def boss(qtbot, data_folder, fixed_clock, monkeypatch):
    set_up_desk(data_folder)
    app = start_app(qtbot, data_folder)
    calls = []
    original = MainWindow.refresh
    monkeypatch.setattr(MainWindow, "refresh", lambda self: (calls.append(1), original(self)))
    window = sign_in(qtbot, app, "boss", "supersecret")
    yield app, window, calls
    app.shutdown()


def accepted_due_today(app, clerk):
    """A package accepted on an earlier day whose result is due TODAY."""
    with reading(app.desk.factory) as s:
        calendar = load_calendar(session=s)
    term = app.desk.catalog.get("declaration-registration").term
    for days_back in range(1, 30):
        at = TODAY - timedelta(days=days_back)
        due = calendar.result_date(at, term.count, term.unit, term.early_days_at_service_centre)
        if due == TODAY.date():
            return accept_one(app, clerk, seed=days_back, at=at)
    raise AssertionError("no acceptance day gives a result due today")


def test_a_hand_over_and_a_calendar_change_update_the_other_open_screens(qtbot, boss):
    app, window, refresh_calls = boss
    clerk = window.clerk.user
    due_today = accepted_due_today(app, clerk)
    ready = accept_one(app, clerk, seed=99, at=TODAY - timedelta(minutes=30))
    decide(app, ready.package_id)
    window.actions[ActionId.REFRESH].trigger()  # F5: see what the test put in the database
    idle(qtbot, app)
    refresh_calls.clear()
    home = window.home
    assert home.deadline_counts.due_today == 1 and home.deadline_counts.due_soon == 0
    assert [home.model.row_at(i).status for i in range(home.model.rowCount())] == [
        "decision_granted"
    ]
    announced: list[Changes] = []
    app.tasks.changed.connect(announced.append)

    # The supervision window stays open on the deadlines tab: the package due today is listed.
    window.open_supervision(Tab.DEADLINES)
    supervision = window.supervision
    idle(qtbot, app)
    assert [p.id for p in supervision.deadlines.lists.due_today] == [due_today.package_id]

    # 1. A hand-over in the hand-over dialog: the home list beneath shows the result issued.
    window.actions[ActionId.HANDOVER].trigger()
    dialog = window.handover_dialog
    dialog.search_box.setText(ready.receipt_no)
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    idle(qtbot, app)
    with qtbot.waitSignal(dialog.handed_over, timeout=10000):
        qtbot.mouseClick(dialog.hand_over_button, Qt.MouseButton.LeftButton)
    idle(qtbot, app)
    assert Changes(packages=frozenset({ready.package_id}), audit=True) in announced
    assert home.model.row_at(0).status == "issued"
    assert home.model.index(0, 5).data() == status_label("issued")
    dialog.preview.close()
    dialog.close()

    # 2. Today made a day off in the calendar tab: the package is no longer due today; the
    #    home screen's counts and the deadlines tab follow.
    supervision.show_tab(Tab.CALENDAR)
    page = supervision.calendar
    idle(qtbot, app)
    page.day_edit.setDate(QDate(TODAY.date()))
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(OverrideKind.DAY_OFF))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.confirm_dialog is not None and page.confirm_dialog.isVisible())
    qtbot.mouseClick(page.confirm_dialog.save_button, Qt.MouseButton.LeftButton)  # what moves
    idle(qtbot, app)
    assert any(c.calendar for c in announced)
    assert home.deadline_counts.due_today == 0 and home.deadline_counts.due_soon == 1
    assert "1" in home.deadlines_label.text()
    supervision.tabs.setCurrentIndex(int(Tab.DEADLINES))
    idle(qtbot, app)
    assert supervision.deadlines.lists.due_today == []
    assert [p.id for p in supervision.deadlines.lists.due_soon] == [due_today.package_id]

    assert refresh_calls == []  # nobody refreshed the main window by hand
    supervision.close()


def test_a_hidden_screen_catches_up_when_shown(qtbot, boss):
    """The home screen under the wizard is hidden: it keeps what changed and redraws once it
    is shown again (the wizard closed), not while hidden."""
    app, window, _calls = boss
    home = window.home
    window.new_package("attestation")
    assert not home.isVisible()
    reads = []
    original = home.refresh
    home.refresh = lambda: (reads.append(1), original())
    accept_one(app, window.clerk.user, seed=7, at=TODAY)
    app.tasks.write(lambda s: Changes(packages=frozenset({"x"})))  # an announced write
    idle(qtbot, app)
    assert reads == []  # hidden: nothing read
    window.show_home()
    idle(qtbot, app)
    assert reads == [1]
    assert home.model.rowCount() == 1
