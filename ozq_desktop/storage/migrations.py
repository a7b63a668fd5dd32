"""Alembic owns the schema. The app backs the database file up, then upgrades it, on every start."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from ozq_desktop.errors import StorageError
from ozq_desktop.storage.engine import connect_keyed

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
KEEP_BACKUPS = 10


# Tables no model describes: the FTS5 search index (migration 0007) and its shadow tables.
UNMODELLED_PREFIX = "package_search"


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """What Alembic compares with the models: everything but the search index."""
    return not (type_ == "table" and name is not None and name.startswith(UNMODELLED_PREFIX))


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config(None))  # type: ignore[arg-type]
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def _connect(path: Path, key: bytes | None):
    return sqlite3.connect(path) if key is None else connect_keyed(path, key)


def backup(
    db_path: Path, backup_dir: Path | None = None, *, key: bytes | None = None
) -> Path | None:
    """A consistent copy of the database (SQLite's online backup), or None when there is none
    yet. An encrypted database is copied encrypted, with the same key."""
    if not db_path.exists():
        return None
    folder = backup_dir or db_path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_path.stem}-{stamp}.db"
    src = _connect(db_path, key)
    try:
        dst = _connect(target, key)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    _prune(folder, db_path.stem)
    return target


def _prune(folder: Path, stem: str) -> None:
    backups = sorted(folder.glob(f"{stem}-*.db"))
    for old in backups[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)


def restore(backup_path: Path, db_path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup_path, db_path)


def backup_and_upgrade(engine: Engine, db_path: Path, *, key: bytes | None = None) -> Path | None:
    """Back the file up, then upgrade to head. A failed upgrade restores the backup and raises."""
    taken = backup(db_path, key=key)
    try:
        upgrade(engine)
    except Exception as exc:
        log.exception("migration failed")
        engine.dispose()
        if taken is not None:
            restore(taken, db_path)
        raise StorageError(
            "The database could not be upgraded; it was restored from the backup {backup}. "
            "Details: {reason}",
            backup=str(taken or "-"),
            reason=str(exc),
        ) from exc
    return taken
