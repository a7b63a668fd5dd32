"""`ozq-hub backup` and `ozq-hub restore`: the database and the stored blobs, together.

A backup is a folder:

    manifest.json        when, from which hub epoch, what is in it
    database.dump        PostgreSQL: `pg_dump --format=custom`
    database.sqlite3     or SQLite: an online copy (sqlite3's backup API)
    objects/<aa>/<sha>   every finished blob, copied from the store as stored (sealed
                         with the hub key: keep the key, which is not in the backup)

The database is dumped first and the blobs copied after, so every blob the dump knows is in
the backup (blobs are only ever added). Partial uploads are not backed up.

Restore goes into an empty database and any store: the blobs are copied in, the dump is
loaded, unfinished uploads are forgotten (the desks send those again from the start), and a
new hub epoch is taken so that every desk re-reads its branch's state and sends again what
the backup missed (docs/hub.md, "Backups").
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.engine import make_url

from ozq_hub.blobstore import BlobStore, object_key
from ozq_hub.blobstore.backends import FilesystemObjects
from ozq_hub.db import Database, utcnow
from ozq_hub.models import Blob, Upload
from ozq_hub.service import changelog

FORMAT = 1


@dataclass
class BackupReport:
    folder: Path
    blobs: int
    missing: list[str]
    epoch: str


def _libpq(url: str) -> list[str]:
    """pg_dump/pg_restore connection arguments for a SQLAlchemy PostgreSQL URL."""
    parsed = make_url(url)
    conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return ["--dbname", conninfo]


def backup(database: Database, store: BlobStore, folder: Path) -> BackupReport:
    folder.mkdir(parents=True, exist_ok=False)
    with database.reading() as session:
        epoch = changelog.current_epoch(session)
    if database.is_sqlite:
        source = sqlite3.connect(make_url(database.url).database)
        target = sqlite3.connect(folder / "database.sqlite3")
        with target:
            source.backup(target)
        source.close()
        target.close()
        dump = "database.sqlite3"
    else:
        dump = "database.dump"
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(folder / dump),
                *_libpq(database.url),
            ],
            check=True,
            capture_output=True,
        )
    with database.reading() as session:  # what the dump knows (or less: it was taken first)
        known = list(session.execute(select(Blob.sha256)).scalars())
    copy = FilesystemObjects(folder)
    missing = []
    for sha256 in known:
        key = object_key(sha256)
        try:
            copy.put(key, store.backend.get(key))
        except FileNotFoundError:
            missing.append(sha256)
    manifest = {
        "format": FORMAT,
        "taken_at": utcnow().isoformat(),
        "hub_epoch": epoch,
        "database": dump,
        "blobs": len(known) - len(missing),
        "missing_blobs": missing,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return BackupReport(folder, len(known) - len(missing), missing, epoch)


def restore(folder: Path, database_url: str, store: BlobStore) -> BackupReport:
    """Into an empty database (a fresh PostgreSQL database, or a SQLite file not there yet)."""
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{folder}: not a backup this hub can read")
    source = FilesystemObjects(folder)
    copied = 0
    for key in source.keys("objects/"):
        if not store.backend.exists(key):
            store.backend.put(key, source.get(key))
        copied += 1
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        target = Path(url.database)
        if target.exists():
            raise FileExistsError(f"{target} exists: restore into a new file")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / manifest["database"], target)
    else:
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                str(folder / manifest["database"]),
                *_libpq(database_url),
            ],
            check=True,
            capture_output=True,
        )
    database = Database(database_url)
    try:
        with database.writing() as session:
            session.execute(delete(Upload))  # their chunks were not backed up
            epoch = changelog.new_epoch(session)
        with database.reading() as session:
            known = list(session.execute(select(Blob.sha256)).scalars())
        missing = [sha for sha in known if not store.backend.exists(object_key(sha))]
    finally:
        database.dispose()
    return BackupReport(folder, copied, missing, epoch)


def timestamped(parent: Path) -> Path:
    return parent / f"ozq-hub-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}"
