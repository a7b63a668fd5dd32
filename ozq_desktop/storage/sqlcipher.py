"""A raw SQLCipher connection, without SQLAlchemy: what the engine builds on, and what the
start-up's first look at the database uses (storage/glance.py)."""

from __future__ import annotations

from pathlib import Path


def raw_key(key: bytes) -> str:
    """The SQL literal of a raw 256-bit SQLCipher key: no key derivation, so no ~100 ms open."""
    return f"\"x'{key.hex()}'\""


def connect_keyed(db_path: Path, key: bytes, **kwargs):
    """A DB-API connection to the SQLCipher file at `db_path`, keyed."""
    import sqlcipher3  # only desks with encryption on need it

    conn = sqlcipher3.connect(str(db_path), **kwargs)
    conn.execute(f"PRAGMA key = {raw_key(key)}")
    return conn
