"""The only place that creates a database engine.

Every connection gets WAL (readers never wait for the writer), foreign keys, and
synchronous=FULL (a committed acceptance survives a power cut). Given a key, the file is a
SQLCipher database, keyed with the raw 256-bit key on every connection
(storage/encryption.py opens the desk's database this way).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from ozq_desktop.paths import DB_FILENAME, data_dir
from ozq_desktop.storage.sqlcipher import connect_keyed, raw_key  # noqa: F401 (their home was here)

WRITE_OPTION = "ozq_write"


def default_db_path() -> Path:
    return data_dir() / DB_FILENAME


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # The driver's own transaction handling is switched off so that BEGIN IMMEDIATE
    # below takes the write lock at the start of every write transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _on_begin(conn) -> None:
    # A write transaction takes the write lock at once, so it waits (busy_timeout) instead of
    # failing half-way when another writer got there first; reads stay deferred and never block.
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _keyed_connect(db_path: Path, key: bytes):
    return lambda: connect_keyed(db_path, key, check_same_thread=False)


def make_engine(path: Path | str | None = None, *, key: bytes | None = None) -> Engine:
    """An engine on the SQLite file at `path` (the user data folder by default). With a `key`
    the file is a SQLCipher database: unreadable without the key, to sqlite3 and to `strings`."""
    db_path = Path(path) if path is not None else default_db_path()
    db_path.parent.mkdir(parents=True, exist_ok=True)
    if key is None:
        engine = create_engine(f"sqlite:///{db_path}")
    else:
        engine = create_engine(
            "sqlite://", creator=_keyed_connect(db_path, key), poolclass=QueuePool
        )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One write unit of work: committed if the block ends normally, rolled back otherwise."""
    with factory() as session, session.begin():
        session.connection(execution_options={WRITE_OPTION: True})
        yield session


@contextmanager
def reading(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A read-only snapshot: never takes the write lock."""
    with factory() as session, session.begin():
        yield session
