"""The data key that encrypts the local database (SQLCipher) and the scans (AES-GCM).

It is made once per desk, 32 random bytes, and kept in the OS keyring. Where the machine has
no usable keyring (a kiosk without a desktop session, a server), the documented fallback is a
key file next to the data, readable by the user only: the data is then protected against
another account on the machine and against a copied database file, but not against someone
who takes the whole disk. Setting OZQ_REQUIRE_KEYRING=1 refuses that fallback."""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import keyring
from keyring.errors import KeyringError, NoKeyringError

from ozq_desktop.errors import StorageError
from ozq_wire.durable import fsync_dir

SERVICE = "ozq-desktop-data"
USERNAME = "data-key"
KEY_FILE = "data.key"
SOURCE_FILE = "data.key-source"


class KeySource(StrEnum):
    KEYRING = "keyring"
    FILE = "file"


@dataclass(frozen=True)
class DataKey:
    key: bytes
    source: KeySource


def _from_keyring() -> bytes | None:
    stored = keyring.get_password(SERVICE, USERNAME)
    if stored is None:
        new = secrets.token_bytes(32)
        keyring.set_password(SERVICE, USERNAME, base64.b64encode(new).decode())
        stored = keyring.get_password(SERVICE, USERNAME)
    return base64.b64decode(stored) if stored else None


def _from_file(folder: Path) -> bytes:
    path = folder / KEY_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(base64.b64encode(secrets.token_bytes(32)))
            out.flush()
            os.fsync(out.fileno())
        fsync_dir(folder)  # the key's name must outlive a power cut as surely as its data
    return base64.b64decode(path.read_bytes())


def data_key(folder: Path) -> DataKey:
    """The desk's data key: from the keyring, or (documented fallback) from the key file.
    Once the data was encrypted with a key from one source, only that source is used."""
    marker = folder / SOURCE_FILE
    recorded = KeySource(marker.read_text().strip()) if marker.exists() else None
    if recorded is not KeySource.FILE:
        try:
            key = _from_keyring()
            if key is not None:
                marker.write_text(KeySource.KEYRING.value)
                return DataKey(key, KeySource.KEYRING)
        except (NoKeyringError, KeyringError, RuntimeError) as exc:
            if recorded is KeySource.KEYRING:
                raise StorageError(
                    "The data of this desk is locked with a key in the system keyring, and the "
                    "keyring cannot be reached now ({reason}). Sign in to the desktop session "
                    "normally and start the program again.",
                    reason=type(exc).__name__,
                ) from exc
            if os.environ.get("OZQ_REQUIRE_KEYRING") == "1":
                raise StorageError(
                    "This computer has no system keyring to keep the data key, and this desk "
                    "is set to require one. Ask the administrator.",
                ) from exc
    key = _from_file(folder)
    marker.write_text(KeySource.FILE.value)
    return DataKey(key, KeySource.FILE)
