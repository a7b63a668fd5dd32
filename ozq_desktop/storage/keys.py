"""The data key that encrypts the local database (SQLCipher) and the scans (AES-GCM).

It is made once per desk, 32 random bytes, and kept in the OS keyring. Where the machine has
no usable keyring (a kiosk without a desktop session, a server), the documented fallback is a
key file next to the data, readable by the user only: the data is then protected against
another account on the machine and against a copied database file, but not against someone
who takes the whole disk. Setting OZQ_REQUIRE_KEYRING=1 refuses that fallback.

The rule that keeps data readable: **a key is made only when nothing encrypted can exist
yet** — no database, no backup, no scan, no recovery file. Otherwise a missing key is retried
(a keyring may answer "nothing" once for an entry that exists) and then reported, naming
which key is missing and how to get it back (`ozq-desktop recover` with the recovery sheet),
and nothing on disk is changed. `data.key-source` records which of the two places holds the
key; it is written durably, and a damaged one is reported, not guessed at."""

from __future__ import annotations

import base64
import binascii
import secrets as random_bytes
from dataclasses import dataclass
from pathlib import Path

from ozq_desktop.errors import StorageError
from ozq_desktop.storage import secrets
from ozq_desktop.storage.engine import DB_FILENAME
from ozq_desktop.storage.secrets import KeySource
from ozq_wire.durable import write_durably

__all__ = ["KEY_FILE", "SERVICE", "SOURCE_FILE", "DataKey", "KeySource", "data_key"]

SERVICE = "ozq-desktop-data"
USERNAME = "data-key"
KEY_FILE = "data.key"
SOURCE_FILE = "data.key-source"
KEY_BYTES = 32
RECOVER_COMMAND = "ozq-desktop recover"
# Beside the database: what, if present, was encrypted with the key (see data_exists).
BACKUPS_FOLDER = "backups"
SCANS_FOLDER = "scans"
RECOVERY_FILE = "data.key-recovery.json"
SQLITE_HEADER = b"SQLite format 3\x00"
ENCRYPTED_PREFIX = b"OZQ-AESG"  # every encrypted scan format starts so (storage/scans.py)


@dataclass(frozen=True)
class DataKey:
    key: bytes
    source: KeySource


def _head(path: Path, size: int) -> bytes:
    try:
        with path.open("rb") as f:
            return f.read(size)
    except OSError:
        return b""


def is_plain_db(path: Path) -> bool:
    """Whether the database file is plain SQLite (left by a version before encryption)."""
    return _head(path, 16) == SQLITE_HEADER


def data_exists(folder: Path) -> bool:
    """Whether anything encrypted with a data key is in `folder` (a database or a backup that
    is not plain SQLite, an encrypted scan, the recovery file): then the key must never be new.
    A plain database left by an earlier version needs no key: it is encrypted on start."""
    db = folder / DB_FILENAME
    if db.exists() and db.stat().st_size > 0 and _head(db, 16) != SQLITE_HEADER:
        return True
    if (folder / RECOVERY_FILE).exists():
        return True
    if any(_head(b, 16) != SQLITE_HEADER for b in (folder / BACKUPS_FOLDER).glob("*.db")):
        return True
    scans = folder / SCANS_FOLDER
    return scans.is_dir() and any(
        p.is_file() and not p.name.startswith(".") and _head(p, 8) == ENCRYPTED_PREFIX
        for p in scans.rglob("*")
    )


def read_marker(folder: Path) -> KeySource | None:
    marker = folder / SOURCE_FILE
    if not marker.exists():
        return None
    try:
        return KeySource(marker.read_bytes().decode("ascii").strip())
    except (UnicodeDecodeError, ValueError, OSError):
        raise StorageError(
            "The file {file} in {folder}, which records where this desk's data key is kept, "
            "is empty or damaged. Nothing was changed. Write «keyring» or «file» into it "
            "(whichever this desk uses), or delete it so that the program looks in both places; "
            "if the key is found in neither, restore it with the recovery sheet: {command}",
            file=SOURCE_FILE,
            folder=str(folder),
            command=RECOVER_COMMAND,
        ) from None


def write_marker(folder: Path, source: KeySource) -> None:
    write_durably(folder / SOURCE_FILE, source.value.encode("ascii"), 0o600)


def encode(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise StorageError(
            "This desk's data key in {where} is damaged. Nothing was changed. Restore it with "
            "the recovery sheet: {command}",
            where=where,
            command=RECOVER_COMMAND,
        )
    return key


def _keyring_place() -> str:
    return f"{SERVICE} / {USERNAME}"


def _missing(folder: Path, recorded: KeySource | None) -> StorageError:
    if recorded is KeySource.KEYRING:
        return StorageError(
            "This desk's data key is missing from the system keyring (entry {entry}), but data "
            "encrypted with it is in {folder}. Nothing was changed. If the keyring is only "
            "unavailable for a moment, sign in to the desktop session normally and start the "
            "program again; otherwise restore the key with the recovery sheet: {command}",
            entry=_keyring_place(),
            folder=str(folder),
            command=RECOVER_COMMAND,
        )
    if recorded is KeySource.FILE:
        return StorageError(
            "This desk's key file {file} is missing from {folder}, but data encrypted with it "
            "is there. Nothing was changed. Put the key file back, or restore the key with the "
            "recovery sheet: {command}",
            file=KEY_FILE,
            folder=str(folder),
            command=RECOVER_COMMAND,
        )
    return StorageError(
        "This desk's data key is neither in the system keyring (entry {entry}) nor in the key "
        "file {file}, but data encrypted with it is in {folder}. Nothing was changed. Restore "
        "the key with the recovery sheet: {command}",
        entry=_keyring_place(),
        file=KEY_FILE,
        folder=str(folder),
        command=RECOVER_COMMAND,
    )


def _keyring_unreachable(reason: str) -> StorageError:
    return StorageError(
        "The data of this desk is locked with a key in the system keyring, and the "
        "keyring cannot be reached now ({reason}). Sign in to the desktop session "
        "normally and start the program again.",
        reason=reason,
    )


def _from_file(folder: Path) -> bytes | None:
    text = secrets.read_file(folder / KEY_FILE)
    return None if text is None else _decode(text, str(folder / KEY_FILE))


def data_key(folder: Path) -> DataKey:
    """The desk's data key, from the place `data.key-source` names (or, before it names one,
    the keyring, then the key file). A new key only for a folder with no data in it."""
    recorded = read_marker(folder)
    if recorded is KeySource.FILE:
        key = _from_file(folder)
        if key is not None:
            return DataKey(key, KeySource.FILE)
        if data_exists(folder):
            raise _missing(folder, recorded)
        return _make(folder, keyring_usable=False)
    try:
        stored = secrets.keyring_read(SERVICE, USERNAME)
        keyring_usable = True
    except secrets.KeyringUnavailable as exc:
        if recorded is KeySource.KEYRING:
            raise _keyring_unreachable(exc.reason) from None
        if secrets.keyring_required():
            raise StorageError(
                "This computer has no system keyring to keep the data key, and this desk "
                "is set to require one. Ask the administrator.",
            ) from None
        stored, keyring_usable = None, False
    if stored is not None:
        key = _decode(stored, _keyring_place())
        if recorded is None:
            write_marker(folder, KeySource.KEYRING)
        return DataKey(key, KeySource.KEYRING)
    if recorded is None:
        key = _from_file(folder)
        if key is not None:
            write_marker(folder, KeySource.FILE)
            return DataKey(key, KeySource.FILE)
    if data_exists(folder):
        raise _missing(folder, recorded)
    return _make(folder, keyring_usable=keyring_usable)


def _make(folder: Path, *, keyring_usable: bool) -> DataKey:
    """A new key for a folder with nothing encrypted in it: stored (and read back), then the
    marker written, before anything is encrypted with it."""
    folder.mkdir(parents=True, exist_ok=True)
    key = random_bytes.token_bytes(KEY_BYTES)
    if keyring_usable and secrets.keyring_write(SERVICE, USERNAME, encode(key)):
        write_marker(folder, KeySource.KEYRING)
        return DataKey(key, KeySource.KEYRING)
    if secrets.keyring_required():
        raise StorageError(
            "This computer has no system keyring to keep the data key, and this desk "
            "is set to require one. Ask the administrator.",
        )
    store_in_file(folder, key)
    return DataKey(key, KeySource.FILE)


def store_in_file(folder: Path, key: bytes) -> None:
    """The documented fallback: the key file (0600), then the marker naming it."""
    secrets.write_file(folder / KEY_FILE, encode(key))
    write_marker(folder, KeySource.FILE)


def store_in_keyring(folder: Path, key: bytes) -> bool:
    """Put `key` in the keyring (read back) and name it in the marker; False if it would not."""
    if not secrets.keyring_write(SERVICE, USERNAME, encode(key)):
        return False
    write_marker(folder, KeySource.KEYRING)
    return True
