"""Runs the hub's Alembic migrations from code (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from ozq_hub.db import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: hub processes starting together on PostgreSQL migrate one at a time.
_PG_MIGRATION_LOCK = 0x6F7A71


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema to `revision` in one transaction."""
    config = alembic_config(database.url)
    with database.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(database: Database, revision: str) -> None:
    config = alembic_config(database.url)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def include_object_for(dialect: str):
    """Alembic's `include_object` when the models are compared with a database of `dialect`
    (autogenerate, the drift test): an index the models declare for other databases only
    (`info={"dialects": (...)}`, e.g. a pg_trgm index) is not expected there."""

    def include(obj, _name, type_, reflected, _compare_to) -> bool:
        if type_ == "index" and not reflected:
            dialects = obj.info.get("dialects")
            return dialects is None or dialect in dialects
        return True

    return include


def is_current(database: Database) -> bool:
    """True when the database is at the newest revision the package ships."""
    head = ScriptDirectory.from_config(alembic_config(database.url)).get_current_head()
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() == head
