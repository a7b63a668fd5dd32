"""Dialect-aware INSERT … ON CONFLICT: uniqueness is the database's job, never check-then-insert.

The statements are built once per table, column set and dialect, with bind parameters:
building a statement and its cache key costs more than running it on the hot paths.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _dialect(session: Session) -> str:
    return "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"


def insert_for(session: Session, table: Table):
    """An INSERT of the session's dialect, for a statement that needs its own ON CONFLICT."""
    return (postgresql if _dialect(session) == "postgresql" else sqlite).insert(table)


@functools.lru_cache(maxsize=256)
def _insert_or_ignore(dialect: str, table: Table, columns: tuple[str, ...], key: tuple[str, ...]):
    module = postgresql if dialect == "postgresql" else sqlite
    return (
        module.insert(table)
        .values({name: bindparam(name, type_=table.c[name].type) for name in columns})
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(*(table.c[name] for name in key))
    )


def insert_or_ignore(
    session: Session, model: type, values: Mapping[str, Any], key: Sequence[str]
) -> bool:
    """INSERT … ON CONFLICT (key) DO NOTHING. True when the row was inserted."""
    statement = _insert_or_ignore(_dialect(session), model.__table__, tuple(values), tuple(key))
    return session.execute(statement, dict(values)).first() is not None


def upsert(session: Session, model: type, values: Mapping[str, Any], key: Sequence[str]) -> None:
    """INSERT … ON CONFLICT (key) DO UPDATE every other column."""
    statement = insert_for(session, model.__table__).values(**values)
    updates = {name: statement.excluded[name] for name in values if name not in key}
    session.execute(statement.on_conflict_do_update(index_elements=key, set_=updates))
