"""The database and its backups are unreadable without the desk's data key."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import datetime

import keyring
import pytest
from sqlalchemy import select

from ozq_desktop.domain import accounts
from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.errors import StorageError
from ozq_desktop.models import Package
from ozq_desktop.storage import keys
from ozq_desktop.storage.encryption import is_plain_sqlite, open_database
from ozq_desktop.storage.engine import make_engine, make_session_factory, reading, transaction
from ozq_desktop.storage.migrations import upgrade
from ozq_wire.catalog import load_catalog
from tests.conftest import MemoryKeyring
from tests.domain.helpers import VALID_BIN, draft_for
from tests.signing.pki import sign_draft

SECRET_NAME = "Құпиябекова Сырлы"


def fill(engine) -> None:
    factory = make_session_factory(engine)
    with transaction(factory) as s:
        boss = accounts.set_up_desk(
            session=s,
            setup=accounts.BranchSetup(
                "ALA01", "Филиал", "3", "Алматы", "D1", "", "Филиал", "Алматы"
            ),
            supervisor=accounts.NewUser("boss", "Boss", "password1", accounts.Role.SUPERVISOR),
        )
        draft = draft_for(
            "declaration-registration",
            "legal_entity",
            VALID_BIN,
            ["application", "declaration", "expert_conclusion"],
        )
        draft.applicant.name = SECRET_NAME
        accept_package(
            session=s,
            catalog=load_catalog(),
            draft=draft,
            clerk=boss,
            at=datetime(2026, 11, 25, 10),
            signature=sign_draft(draft),
        )


def strings(path) -> str:
    return subprocess.run(["strings", "-e", "S", str(path)], capture_output=True).stdout.decode(
        "utf-8", errors="ignore"
    )


def names(engine) -> list[str]:
    with reading(make_session_factory(engine)) as s:
        return list(s.scalars(select(Package.applicant_name)))


def test_a_new_database_is_encrypted_and_unreadable_without_the_key(tmp_path, memory_keyring):
    opened = open_database(tmp_path)
    fill(opened.engine)
    assert names(opened.engine) == [SECRET_NAME]
    opened.engine.dispose()
    assert opened.key.source is keys.KeySource.KEYRING
    assert not is_plain_sqlite(opened.path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(opened.path).execute("select * from packages").fetchall()
    assert SECRET_NAME not in strings(opened.path)
    assert VALID_BIN not in strings(opened.path)
    again = open_database(tmp_path)  # the next start: backed up (encrypted) and reopened
    assert names(again.engine) == [SECRET_NAME]
    again.engine.dispose()
    for backup in (tmp_path / "backups").glob("*.db"):
        assert not is_plain_sqlite(backup)
        assert SECRET_NAME not in strings(backup)


def test_an_existing_plain_database_is_encrypted_without_losing_anything(tmp_path, memory_keyring):
    plain = make_engine(tmp_path / "ozq.db")
    upgrade(plain)
    fill(plain)
    plain.dispose()
    assert is_plain_sqlite(tmp_path / "ozq.db")
    opened = open_database(tmp_path)
    assert names(opened.engine) == [SECRET_NAME]
    opened.engine.dispose()
    assert not is_plain_sqlite(opened.path)
    assert SECRET_NAME not in strings(opened.path)
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and SECRET_NAME in strings(p)]
    assert leftovers == []


def test_no_keyring_falls_back_to_a_private_key_file(tmp_path, no_keyring):
    opened = open_database(tmp_path)
    opened.engine.dispose()
    assert opened.key.source is keys.KeySource.FILE
    key_file = tmp_path / keys.KEY_FILE
    assert key_file.exists() and (key_file.stat().st_mode & 0o777) == 0o600
    assert open_database(tmp_path).key.key == opened.key.key


def test_a_desk_can_require_the_keyring(tmp_path, no_keyring, monkeypatch):
    monkeypatch.setenv("OZQ_REQUIRE_KEYRING", "1")
    with pytest.raises(StorageError) as err:
        open_database(tmp_path)
    assert "keyring" in err.value.message("kk")
    assert not (tmp_path / "ozq.db").exists()


def test_a_keyring_that_went_away_gives_a_clear_error_not_a_new_key(tmp_path, memory_keyring):
    open_database(tmp_path).engine.dispose()
    from tests.conftest import NoKeyring

    keyring.set_keyring(NoKeyring())
    with pytest.raises(StorageError) as err:
        open_database(tmp_path)
    assert "NoKeyringError" in err.value.message("ru")
    assert not (tmp_path / keys.KEY_FILE).exists()


def test_the_wrong_key_changes_nothing(tmp_path, memory_keyring):
    opened = open_database(tmp_path)
    fill(opened.engine)
    opened.engine.dispose()
    before = opened.path.read_bytes()
    keyring.set_keyring(MemoryKeyring())  # another machine's keyring: a different key
    with pytest.raises(StorageError):
        open_database(tmp_path)
    assert opened.path.read_bytes() == before


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_key_file_is_not_world_readable_even_with_a_loose_umask(tmp_path, no_keyring):
    old = os.umask(0)
    try:
        open_database(tmp_path).engine.dispose()
    finally:
        os.umask(old)
    assert (tmp_path / keys.KEY_FILE).stat().st_mode & 0o077 == 0


def test_a_data_folder_that_does_not_exist_yet_is_made(tmp_path, memory_keyring):
    opened = open_database(tmp_path / "new" / "folder")
    assert opened.path.exists()
    opened.engine.dispose()
