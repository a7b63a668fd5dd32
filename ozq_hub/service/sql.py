"""Dialect-aware INSERT … ON CONFLICT: uniqueness is the database's job, never check-then-insert."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def _insert(session: Session, model: type):
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model)


def insert_or_ignore(
    session: Session, model: type, values: Mapping[str, Any], key: Sequence[str]
) -> bool:
    """INSERT … ON CONFLICT (key) DO NOTHING. True when the row was inserted."""
    statement = _insert(session, model).values(**values).on_conflict_do_nothing(index_elements=key)
    return session.execute(statement).rowcount == 1


def upsert(session: Session, model: type, values: Mapping[str, Any], key: Sequence[str]) -> None:
    """INSERT … ON CONFLICT (key) DO UPDATE every other column."""
    statement = _insert(session, model).values(**values)
    updates = {name: statement.excluded[name] for name in values if name not in key}
    session.execute(statement.on_conflict_do_update(index_elements=key, set_=updates))
