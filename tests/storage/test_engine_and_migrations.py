from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from ozq_desktop.errors import StorageError
from ozq_desktop.storage import migrations
from ozq_desktop.storage.engine import make_engine, make_session_factory, reading, transaction


def test_upgrade_head_builds_every_model_table(engine, db_path):
    from ozq_desktop.models import Base

    assert migrations.current_revision(engine) == migrations.head_revision()
    con = sqlite3.connect(db_path)
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    con.close()
    assert set(Base.metadata.tables) <= tables


def test_connections_use_wal_foreign_keys_and_full_sync(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def test_schema_matches_models_after_upgrade(engine):
    """Autogenerate finds nothing to add: the migrations and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from ozq_desktop.models import Base

    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(
                conn,
                opts={"compare_type": True, "include_name": migrations.include_name},
            ),
            Base.metadata,
        )
    assert diff == []


def test_downgrade_to_base_and_back(engine, db_path):
    migrations.downgrade(engine, "base")
    con = sqlite3.connect(db_path)
    names = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    con.close()
    assert "packages" not in names
    migrations.upgrade(engine)
    assert migrations.current_revision(engine) == migrations.head_revision()


def test_backup_and_upgrade_keeps_a_consistent_copy(engine, db_path):
    factory = make_session_factory(engine)
    with transaction(factory) as s:
        s.execute(text("insert into sync_state(key, value) values ('cursor', '42')"))
    taken = migrations.backup_and_upgrade(engine, db_path)
    assert taken is not None and taken.exists()
    con = sqlite3.connect(taken)
    assert con.execute("select value from sync_state where key='cursor'").fetchone() == ("42",)
    con.close()


def test_failed_migration_restores_the_backup(engine, db_path, monkeypatch):
    factory = make_session_factory(engine)
    with transaction(factory) as s:
        s.execute(text("insert into sync_state(key, value) values ('keep', 'me')"))
    engine.dispose()

    def broken_upgrade(eng, revision="head"):
        with eng.begin() as conn:
            conn.exec_driver_sql("delete from sync_state")
            conn.exec_driver_sql("create table half_done(x)")
        raise RuntimeError("disk full")

    monkeypatch.setattr(migrations, "upgrade", broken_upgrade)
    with pytest.raises(StorageError) as err:
        migrations.backup_and_upgrade(engine, db_path)
    assert "disk full" in err.value.message("ru")
    eng = make_engine(db_path)
    with reading(make_session_factory(eng)) as s:
        assert s.execute(text("select value from sync_state where key='keep'")).scalar() == "me"
        names = {r[0] for r in s.execute(text("select name from sqlite_master"))}
    assert "half_done" not in names
    eng.dispose()


def test_backups_are_pruned(db_path, engine):
    for _ in range(migrations.KEEP_BACKUPS + 3):
        migrations.backup(db_path)
    assert len(list((db_path.parent / "backups").glob("*.db"))) == migrations.KEEP_BACKUPS


@pytest.mark.parametrize("revision", ["0001", "0002"])
def test_upgrade_from_previous_schema_version_keeps_data(tmp_path, revision):
    """A database made at an earlier revision (0002 is the previous release) upgrades to head
    with its rows intact, and the new columns get their defaults."""
    path = tmp_path / "old.db"
    eng = make_engine(path)
    migrations.upgrade(eng, revision)
    with eng.begin() as conn:
        conn.exec_driver_sql("insert into sync_state(key, value) values ('cursor', '7')")
        conn.exec_driver_sql(
            "insert into branch_settings(id, branch_code, branch_name, department_no, address,"
            " phone, desk_code, created_at) values (1, 'ALA01', 'Филиал', '3', 'Алматы', '',"
            " 'D1', '2026-11-01 09:00:00')"
        )
    migrations.backup_and_upgrade(eng, path)
    with eng.connect() as conn:
        assert conn.exec_driver_sql("select value from sync_state").scalar() == "7"
        row = conn.exec_driver_sql("select branch_name, lock_minutes from branch_settings").one()
        assert tuple(row) == ("Филиал", 10)  # auto-lock defaults to ten minutes
    assert migrations.current_revision(eng) == migrations.head_revision()
    eng.dispose()
