"""Dialect-aware INSERT … ON CONFLICT: uniqueness is the database's job, never check-then-insert."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert(session: Session, table):
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


def insert_or_ignore(
    session: Session, model: type, values: Mapping[str, Any], key: Sequence[str]
) -> bool:
    """INSERT … ON CONFLICT (key) DO NOTHING. True when the row was inserted."""
    table = model.__table__
    statement = (
        _insert(session, table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=key)
        .returning(*(table.c[name] for name in key))
    )
    return session.execute(statement).first() is not None


def upsert(session: Session, model: type, values: Mapping[str, Any], key: Sequence[str]) -> None:
    """INSERT … ON CONFLICT (key) DO UPDATE every other column."""
    statement = _insert(session, model.__table__).values(**values)
    updates = {name: statement.excluded[name] for name in values if name not in key}
    session.execute(statement.on_conflict_do_update(index_elements=key, set_=updates))
