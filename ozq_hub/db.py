"""The hub's one database handle: a SQLite file by default, PostgreSQL through psycopg 3.

SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE` for every write transaction,
so two writers queue instead of failing midway and the change log's sequence
is taken in commit order. Read transactions use a plain deferred `BEGIN`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

_READ_ONLY = "ozq_read_only"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


class Database:
    """Engines and sessions for one database URL."""

    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        parsed = make_url(url)
        self.url = url
        self.backend = parsed.get_backend_name()
        if self.backend == "sqlite":
            if not parsed.database or parsed.database == ":memory:":
                raise ValueError("the hub needs a SQLite file, not an in-memory database")
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(
                url,
                connect_args={"timeout": 30, "check_same_thread": False},
                pool_size=pool_size,
                max_overflow=0,
            )
            _tune_sqlite(self.engine)
        elif self.backend == "postgresql":
            # No pre-ping: it costs a round trip on every checkout. A connection PostgreSQL
            # dropped fails its request with a 503 (the desk retries), and SQLAlchemy then
            # discards the whole pool; pool_recycle retires connections before idle timeouts.
            self.engine = create_engine(url, pool_size=pool_size, max_overflow=0, pool_recycle=1800)
        else:
            raise ValueError(f"unsupported database {self.backend!r}: use sqlite or postgresql")
        self._writer = sessionmaker(self.engine, expire_on_commit=False)
        self._reader = sessionmaker(
            self.engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @contextmanager
    def writing(self, *, durable: bool = True) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any exception.

        `durable=False` is for writes whose loss costs nothing (rate-limit counters): on
        PostgreSQL the commit does not wait for its WAL to reach the disk, so a crash of the
        database server may lose the last fraction of a second of such commits, never half
        of one. SQLite commits as always."""
        with self._writer() as session, session.begin():
            if not durable and self.backend == "postgresql":
                session.execute(text("SET LOCAL synchronous_commit TO OFF"))
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control from the sqlite3 module; "begin" below emits BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=30000",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        read_only = connection.get_execution_options().get(_READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
