"""The one background-task helper: callbacks on the GUI thread, database jobs in order,
errors delivered, and the development watchdog noticing a stalled GUI thread."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from PySide6.QtCore import QObject, QTimer

from ozq_desktop.domain import drafts
from ozq_desktop.domain.drafts import PackageDraft
from ozq_desktop.errors import ValidationError
from ozq_desktop.ui.tasks import StallWatchdog, TaskRunner


@pytest.fixture
def runner(qtbot, factory):
    tasks = TaskRunner(factory)
    yield tasks
    tasks.wait_idle()
    tasks.shutdown()


def test_callbacks_come_back_on_the_gui_thread(qtbot, runner):
    seen = {}

    def job():
        seen["worker"] = threading.current_thread() is threading.main_thread()
        return 42

    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.run(
            job,
            lambda v: seen.update(
                value=v, gui=threading.current_thread() is threading.main_thread()
            ),
        )
    assert seen == {"worker": False, "value": 42, "gui": True}


def test_an_error_reaches_on_error_and_otherwise_the_default_handler(qtbot, runner):
    errors, fallback = [], []
    runner.default_error = fallback.append

    def fail():
        raise ValidationError("Enter your login and password.")

    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.run(fail, on_error=errors.append)
        runner.run(fail)
    assert [e.msgid for e in errors] == ["Enter your login and password."]
    assert len(fallback) == 1 and isinstance(fallback[0], ValidationError)


def test_database_jobs_run_one_after_another_in_order(qtbot, runner, desk):
    """A write asked for first is committed before a later read looks."""
    clerk = desk["clerk"]
    order, found = [], []
    draft = PackageDraft(service_id="attestation")
    for n in range(5):

        def save(s, n=n):
            order.append(n)
            draft.applicant.name = f"applicant {n}"
            drafts.save_draft(session=s, actor=clerk, draft=draft)

        runner.write(save)
    runner.read(lambda s: drafts.drafts_of(session=s, user_id=clerk.id), found.extend)
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=10000)
    assert order == [0, 1, 2, 3, 4]
    assert [d.applicant.name for d in found] == ["applicant 4"]


def test_callbacks_of_a_destroyed_owner_are_dropped(qtbot, runner):
    owner, called = QObject(), []
    gate = threading.Event()
    runner.run(lambda: gate.wait(5), called.append, owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner), timeout=5000)
    gate.set()
    qtbot.waitUntil(lambda: runner.pending == 0, timeout=5000)
    assert called == []


def _alive(obj) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


def test_the_watchdog_logs_a_stall_of_the_gui_thread(qtbot, caplog):
    watchdog = StallWatchdog(threshold_ms=100, interval_ms=20)
    watchdog.start()
    with caplog.at_level(logging.WARNING, logger="ozq_desktop.ui.tasks"):
        QTimer.singleShot(0, lambda: time.sleep(0.35))  # a deliberately frozen GUI thread
        qtbot.waitUntil(lambda: bool(watchdog.stalls), timeout=5000)
    watchdog.stop()
    assert max(watchdog.stalls) >= 200
    assert any("GUI thread stalled" in r.getMessage() for r in caplog.records)
