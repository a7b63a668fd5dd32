"""Opening the desk's database encrypted at rest, and encrypting one that is not yet.

An unencrypted database left by an earlier version is copied into a new SQLCipher file,
checked table by table, and only then put in place of the old one (an atomic rename), so a
power cut at any moment leaves one whole database. The old plain backups are removed
afterwards, since they would leak what the encryption protects."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError

from ozq_desktop.errors import StorageError
from ozq_desktop.storage.engine import DB_FILENAME, connect_keyed, make_engine, raw_key
from ozq_desktop.storage.keys import DataKey, data_key
from ozq_desktop.storage.migrations import backup_and_upgrade
from ozq_wire.durable import replace_synced

SQLITE_HEADER = b"SQLite format 3\x00"


def is_plain_sqlite(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(16) == SQLITE_HEADER


def _counts(conn, tables: list[str]) -> dict[str, int]:
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def encrypt_existing(path: Path, key: bytes) -> None:
    """Turn the plain SQLite file at `path` into a SQLCipher file with `key`, losing nothing."""
    import sqlcipher3

    plain = sqlite3.connect(path)
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        tables = [
            r[0]
            for r in plain.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        expected = _counts(plain, tables)
    finally:
        plain.close()
    tmp = path.with_name(path.name + ".encrypting")
    tmp.unlink(missing_ok=True)
    conn = sqlcipher3.connect(str(path))
    try:
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY {raw_key(key)}", (str(tmp),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    check = connect_keyed(tmp, key)
    try:
        if _counts(check, tables) != expected:
            raise StorageError(
                "The encrypted copy of the database does not match the original; "
                "the original was kept unchanged."
            )
    finally:
        check.close()
    with tmp.open("rb+") as f:
        os.fsync(f.fileno())
    replace_synced(tmp, path)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    for old in (path.parent / "backups").glob(f"{path.stem}-*.db"):
        if is_plain_sqlite(old):
            old.unlink()


@dataclass
class OpenedDatabase:
    path: Path
    engine: Engine
    key: DataKey


def open_database(folder: Path) -> OpenedDatabase:
    """The desk's database, encrypted, backed up and migrated to the current schema."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / DB_FILENAME
    key = data_key(folder)
    if path.exists() and path.stat().st_size > 0 and is_plain_sqlite(path):
        encrypt_existing(path, key.key)
    import sqlcipher3

    engine = make_engine(path, key=key.key)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM sqlite_master"))
    except (DatabaseError, sqlcipher3.DatabaseError) as exc:
        engine.dispose()
        raise StorageError(
            "The database cannot be opened with this desk's data key: it was made with another "
            "key, or it is damaged. Nothing was changed. Restore it from a backup or ask the "
            "administrator.",
        ) from exc
    backup_and_upgrade(engine, path, key=key.key)
    return OpenedDatabase(path, engine, key)
