"""The start-up's glance at the database: the sign-in facts of a normal desk without
SQLAlchemy; None whenever the full opening must run first (new, plain, behind the schema)."""

from __future__ import annotations

import subprocess
import sys

from ozq_desktop.app import open_desk
from ozq_desktop.storage import migrations
from ozq_desktop.storage.engine import transaction
from ozq_desktop.storage.glance import Glance, glance
from ozq_desktop.storage.schema_head import script_head
from tests.conftest import set_up_test_desk


def test_a_set_up_desk_at_the_newest_schema_is_seen_at_a_glance(tmp_path, memory_keyring):
    assert glance(tmp_path) is None  # nothing there yet
    desk = open_desk(tmp_path)
    assert glance(tmp_path) == Glance(first_run=True, branch_name="")
    with transaction(desk.factory) as s:
        set_up_test_desk(s)
    desk.close()
    assert glance(tmp_path) == Glance(False, "«Азаматтарға арналған үкімет» филиалы, Алматы")


def test_a_schema_behind_the_newest_migration_takes_the_full_path(tmp_path, memory_keyring):
    desk = open_desk(tmp_path)
    migrations.downgrade(desk.engine, "0002")
    desk.close()
    assert script_head() != "0002"
    assert glance(tmp_path) is None
    open_desk(tmp_path).close()  # the full path migrates (after a backup)
    assert glance(tmp_path) is not None
    assert len(list((tmp_path / "backups").glob("*.db"))) == 1


def test_a_plain_database_takes_the_full_path(tmp_path, memory_keyring):
    import sqlite3

    sqlite3.connect(tmp_path / "ozq.db").execute("create table t(x)").connection.close()
    assert glance(tmp_path) is None


def test_the_glance_imports_neither_sqlalchemy_nor_alembic():
    code = (
        "import sys; import ozq_desktop.storage.glance; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'pydantic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
