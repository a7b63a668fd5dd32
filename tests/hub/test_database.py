"""The schema the migrations build, and the change log's commit-order guarantee."""

from __future__ import annotations

import datetime as dt
import threading

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from ozq_hub import migrate
from ozq_hub.db import utcnow
from ozq_hub.models import Base
from ozq_hub.service import calendar, changelog
from ozq_wire.protocol import CalendarDay


def test_the_migrations_build_exactly_the_models(hub_database):
    with hub_database.engine.connect() as connection:
        include = migrate.include_object_for(connection.dialect.name)
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include}
        )
        assert compare_metadata(context, Base.metadata) == []
    assert migrate.is_current(hub_database)


def test_the_migrations_go_down_and_up_again(hub_database):
    migrate.downgrade(hub_database, "base")
    assert inspect(hub_database.engine).get_table_names() in ([], ["alembic_version"])
    migrate.upgrade(hub_database)
    with hub_database.reading() as session:
        assert changelog.last_seq(session) == 0
        assert len(changelog.hub_meta(session).epoch) == 32


def _log(session, day: int) -> int:
    calendar.set_override(
        session, day=dt.date(2027, 1, day), kind=CalendarDay.DAY_OFF, note="", now=utcnow()
    )
    return changelog.last_seq(session)


def test_a_later_sequence_number_cannot_commit_before_an_earlier_one(hub_database):
    """Transaction A takes seq N and dawdles; B, asking for N+1, must wait for A's commit,
    so a reader never sees N+1 without N (docs/sync.md: two transactions out of order)."""
    a_holds, a_may_commit, b_done = threading.Event(), threading.Event(), threading.Event()
    seqs: dict[str, int] = {}

    def transaction_a():
        with hub_database.writing() as session:
            seqs["a"] = _log(session, 1)
            a_holds.set()
            a_may_commit.wait(30)

    def transaction_b():
        a_holds.wait(30)
        with hub_database.writing() as session:
            seqs["b"] = _log(session, 2)
        b_done.set()

    threads = [threading.Thread(target=transaction_a), threading.Thread(target=transaction_b)]
    for thread in threads:
        thread.start()
    a_holds.wait(30)
    blocked = not b_done.wait(1.0)
    with hub_database.reading() as session:
        visible = changelog.read_changes(session, branch_code="ORD", after=None, limit=10)
    a_may_commit.set()
    for thread in threads:
        thread.join(30)
    assert blocked, "B committed while A, holding an earlier number, was still open"
    assert visible.changes == []
    assert seqs["b"] == seqs["a"] + 1
    with hub_database.reading() as session:
        page = changelog.read_changes(session, branch_code="ORD", after=None, limit=10)
    assert [c.seq for c in page.changes] == [seqs["a"], seqs["b"]]
