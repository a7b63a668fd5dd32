"""The console's rate limits: fixed-window counters in the database (service/throttle.py),
bumped in one statement, dropped by the daily maintenance once their window is over."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ozq_hub.blobstore import BlobSettings, open_store
from ozq_hub.models import RateLimit
from ozq_hub.service import maintenance, throttle
from ozq_hub.settings import ConsoleSettings, HubSettings

T0 = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)


def _count(database, key: str, at: dt.datetime, limit: int = 3, durable: bool = True) -> int:
    with database.writing(durable=durable) as session:
        return throttle.count_attempt(session, key=key, limit=limit, window_seconds=3600, now=at)


def test_attempts_are_counted_per_key_and_window(hub_database):
    answers = [_count(hub_database, "status-ip:a", T0 + dt.timedelta(minutes=i)) for i in range(5)]
    assert answers[:3] == [0, 0, 0]
    # The fourth and fifth wait for the window that opened at T0 to end.
    assert answers[3:] == [(60 - 3) * 60, (60 - 4) * 60]
    assert _count(hub_database, "status-ip:b", T0 + dt.timedelta(minutes=5)) == 0
    # A new window starts the count again; a counter that need not be durable counts the same.
    later = T0 + dt.timedelta(hours=1, minutes=1)
    assert [_count(hub_database, "status-ip:a", later, durable=False) for _ in range(4)] == [
        0,
        0,
        0,
        3600,
    ]


def test_the_daily_maintenance_drops_counters_whose_window_is_over(hub_database, tmp_path):
    _count(hub_database, "old", T0)
    _count(hub_database, "current", T0 + dt.timedelta(minutes=50))
    settings = HubSettings(console=ConsoleSettings(rate_window_seconds=3600))
    store = open_store(BlobSettings(root=tmp_path / "blobs"))
    report = maintenance.run(hub_database, store, settings, T0 + dt.timedelta(minutes=90))
    assert report.throttle_rows == 1
    with hub_database.reading() as session:
        assert session.execute(select(RateLimit.key)).scalars().all() == ["current"]
        assert session.execute(select(func.count()).select_from(RateLimit)).scalar() == 1


def test_several_keys_are_counted_in_one_statement_and_the_longest_wait_wins(hub_database):
    def both(at: dt.datetime) -> int:
        with hub_database.writing() as session:
            return throttle.count_attempts(
                session, limits={"k:ip": 3, "k:receipt": 1}, window_seconds=3600, now=at
            )

    assert both(T0) == 0
    # The receipt's limit (1) is spent; its window opened at T0.
    assert both(T0 + dt.timedelta(minutes=10)) == 50 * 60
    # The address's counter opened at T0 too; the receipt's is reset by a fresh key below.
    with hub_database.writing() as session:
        assert (
            throttle.count_attempt(
                session,
                key="k:other",
                limit=1,
                window_seconds=3600,
                now=T0 + dt.timedelta(minutes=20),
            )
            == 0
        )
    assert both(T0 + dt.timedelta(minutes=30)) == 30 * 60
    with hub_database.reading() as session:
        counts = dict(session.execute(select(RateLimit.key, RateLimit.count)).all())
    assert (counts["k:ip"], counts["k:receipt"]) == (3, 3)
