"""`ozq-desktop recover`: give the desk its data key back from the recovery sheet, Qt-free.

The code is read from standard input (never from the command line, where it would stay in the
shell's history). The key it unwraps must open the database (and a scan, if there is one)
before anything is written; then it goes back where the desk keeps it — the keyring, or the
protected key file where the desk has no keyring — and the recovery is recorded in the audit
trail. Exit 0 when the desk can start again, 1 when the code or the recovery file is wrong,
2 when the key was recovered but cannot be stored here."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TextIO

from ozq_desktop.errors import OzqError, StorageError
from ozq_desktop.i18n import current_language, tr
from ozq_desktop.paths import data_dir
from ozq_desktop.storage import keys, recovery, secrets
from ozq_desktop.storage.engine import DB_FILENAME, connect_keyed
from ozq_desktop.storage.keys import KeySource
from ozq_desktop.storage.scans import FORMAT_V1, FORMAT_V2, ScanStore


def check_key_opens(folder: Path, key: bytes) -> None:
    """StorageError unless `key` opens the database and the first encrypted scan found."""
    db = folder / DB_FILENAME
    if db.exists() and db.stat().st_size > 0 and not keys.is_plain_db(db):
        import sqlcipher3

        try:
            conn = connect_keyed(db, key)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                conn.close()
        except sqlcipher3.DatabaseError:
            raise StorageError(
                "The key from the recovery file does not open the database in {folder}. "
                "Nothing was changed.",
                folder=str(folder),
            ) from None
    store = ScanStore(folder / keys.SCANS_FOLDER, key=key)
    for path in sorted((folder / keys.SCANS_FOLDER).rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            with path.open("rb") as f:
                head = f.read(len(FORMAT_V2))
            if head in (FORMAT_V1, FORMAT_V2):
                store.read(path.name)  # StorageError if the key is not the scans' key
                break


def restore_key(folder: Path, key: bytes) -> KeySource:
    """Put the recovered key where the desk keeps its key; where that was."""
    try:
        recorded = keys.read_marker(folder)
    except StorageError:
        recorded = None  # a damaged marker is rewritten below
    keyring_ok = recorded is not KeySource.FILE and secrets.keyring_works(keys.SERVICE)
    if keyring_ok and keys.store_in_keyring(folder, key):
        return KeySource.KEYRING
    if secrets.keyring_required():
        raise StorageError(
            "This computer has no system keyring to keep the data key, and this desk "
            "is set to require one. Ask the administrator.",
        )
    key_file = folder / keys.KEY_FILE
    if key_file.exists():  # a key that does not open the data: kept aside, never destroyed
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        key_file.rename(folder / f"{keys.KEY_FILE}.not-this-desk-{stamp}")
    keys.store_in_file(folder, key)
    return KeySource.FILE


def _record(folder: Path, source: KeySource) -> None:
    from ozq_desktop.domain import audit
    from ozq_desktop.storage.encryption import open_database
    from ozq_desktop.storage.engine import make_session_factory, transaction

    opened = open_database(folder)
    try:
        with transaction(make_session_factory(opened.engine)) as session:
            audit.record(
                session=session,
                action="data_key_recovered",
                user_id=None,
                details={"stored_in": source.value},
            )
    finally:
        opened.engine.dispose()


def recover(
    folder: Path | None = None,
    lang: str | None = None,
    stdin: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    lang = lang or current_language()
    folder = folder or data_dir()
    stdin, stderr = stdin or sys.stdin, stderr or sys.stderr
    print(tr("Type the recovery code from the sheet (8 groups of 6 digits):", lang), file=stderr)
    code = stdin.readline()
    try:
        key = recovery.recover_key(folder, code)
        check_key_opens(folder, key)
    except OzqError as err:
        print(err.message(lang), file=stderr)
        return 1
    try:
        source = restore_key(folder, key)
        _record(folder, source)
    except (OzqError, OSError) as err:
        text = err.message(lang) if isinstance(err, OzqError) else str(err)
        print(text, file=stderr)
        return 2
    where = (
        tr("the system keyring", lang)
        if source is KeySource.KEYRING
        else tr("the key file {file}", lang, file=str(folder / keys.KEY_FILE))
    )
    print(
        tr(
            "The data key of the desk in {folder} is restored and kept in {where}. Start the "
            "program as usual.",
            lang,
            folder=str(folder),
            where=where,
        )
    )
    return 0
