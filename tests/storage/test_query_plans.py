"""The home screen's deadline counts are answered from an index alone.

The counts leave out training packages. While the status/result-date index did not hold
`training`, SQLite looked every counted package up in the table: on an encrypted desk of
1,000,000 packages the counts took a second (bench/bench_supervision.py), and the main window
waited for them after sign-in. The plans are read with EXPLAIN QUERY PLAN for the statements
the real functions send."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, text

from ozq_desktop.domain.calendar_store import load_calendar
from ozq_desktop.domain.deadlines import deadline_counts, deadline_lists
from ozq_desktop.storage.engine import reading


def _plans(engine, factory, call) -> list[str]:
    sent: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith("SELECT") and "packages" in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with reading(factory) as session:
            call(session)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert sent, "no statement on packages was sent"
    plans = []
    with engine.connect() as conn:
        for statement, parameters in sent:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            plans.append(" | ".join(row[-1] for row in rows))
    return plans


def test_deadline_counts_read_a_covering_index(engine, factory, desk):
    today = date(2026, 12, 4)

    def counts(session):
        deadline_counts(session=session, calendar=load_calendar(session=session), today=today)

    plans = _plans(engine, factory, counts)
    assert len(plans) == 3  # overdue, due today, due soon
    for plan in plans:
        assert "COVERING INDEX ix_packages_status_due" in plan, plan


def test_deadline_lists_search_by_the_index_not_the_table(engine, factory, desk):
    today = date(2026, 12, 4)

    def lists(session):
        deadline_lists(session=session, calendar=load_calendar(session=session), today=today)

    for plan in _plans(engine, factory, lists):
        assert "USING INDEX ix_packages_status_due" in plan, plan
        assert "SCAN packages" not in plan, plan


def test_the_index_holds_training_between_status_and_result_date(engine):
    with engine.connect() as conn:
        columns = [
            row[2] for row in conn.execute(text("PRAGMA index_info(ix_packages_status_due)"))
        ]
    assert columns == ["status", "training", "result_date"]
