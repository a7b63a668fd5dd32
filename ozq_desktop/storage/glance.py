"""The start-up's first look at the desk's database, before SQLAlchemy is even imported.

The sign-in window needs two facts: is this desk set up yet, and what is its branch called.
When the database is already encrypted and at the newest schema (a normal start), one keyed
SQLCipher connection and three small queries give them in milliseconds, and sign-in opens;
the full storage (SQLAlchemy, the ORM) opens right after, while the clerk types. Anything
else — a new desk, a plain database still to encrypt, a schema to migrate — returns None, and
the start takes the full path first (storage/encryption.py), which may back up and migrate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ozq_desktop.paths import DB_FILENAME
from ozq_desktop.storage.keys import data_key
from ozq_desktop.storage.schema_head import script_head
from ozq_desktop.storage.sqlcipher import connect_keyed

PLAIN_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Glance:
    first_run: bool
    branch_name: str


def glance(folder: Path) -> Glance | None:
    """The sign-in facts of an encrypted database at the newest schema; None otherwise (or
    when anything looks wrong: the full opening says what)."""
    path = folder / DB_FILENAME
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        with path.open("rb") as f:
            if f.read(16) == PLAIN_HEADER:
                return None
        key = data_key(folder)
        conn = connect_keyed(path, key.key)
    except Exception:
        return None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            return None
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone() or (None,)
        if revision != script_head():
            return None
        users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
        row = conn.execute("SELECT branch_name FROM branch_settings WHERE id = 1").fetchone()
        return Glance(first_run=users == 0, branch_name=row[0] if row else "")
    except Exception:
        return None
    finally:
        conn.close()
