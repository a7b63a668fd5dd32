"""Where the desk keeps a secret: the OS keyring, or — the documented fallback on a machine with
no usable keyring (a kiosk without a desktop session) — a file beside the data, readable by
its owner only. The data key and the hub token both live this way.

A keyring can hiccup: answer "nothing" once for an entry that exists, or fail for a moment
while the desktop session starts. Reads are therefore retried before "absent" is believed,
and a write is read back before it is trusted. Setting OZQ_REQUIRE_KEYRING=1 refuses the file
fallback."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import keyring
from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

from ozq_wire.durable import write_durably

KEYRING_ERRORS = (NoKeyringError, KeyringError, RuntimeError)
READ_ATTEMPTS = 3
RETRY_DELAYS = (0.2, 0.5)


class KeySource(StrEnum):
    KEYRING = "keyring"
    FILE = "file"


class KeyringUnavailable(Exception):
    """The keyring raised on every attempt; `reason` names its error."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(type(cause).__name__)
        self.reason = type(cause).__name__


def keyring_required() -> bool:
    return os.environ.get("OZQ_REQUIRE_KEYRING") == "1"


def keyring_read(
    service: str,
    entry: str,
    *,
    attempts: int = READ_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> str | None:
    """The entry's value, or None when it is absent on every attempt. KeyringUnavailable when
    the last attempt failed (no keyring, a locked collection, D-Bus gone)."""
    failure: BaseException | None = None
    for attempt in range(attempts):
        try:
            value = keyring.get_password(service, entry)
        except KEYRING_ERRORS as exc:
            failure = exc
        else:
            if value:
                return value
            failure = None
        if attempt + 1 < attempts:
            sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
    if failure is not None:
        raise KeyringUnavailable(failure)
    return None


def keyring_write(service: str, entry: str, value: str) -> bool:
    """Store the value and read it back; False when the keyring cannot keep it."""
    try:
        keyring.set_password(service, entry, value)
        return keyring_read(service, entry) == value
    except (KeyringUnavailable, *KEYRING_ERRORS):
        return False


def keyring_delete(service: str, entry: str) -> None:
    try:
        keyring.delete_password(service, entry)
    except (PasswordDeleteError, *KEYRING_ERRORS):
        pass


def keyring_works(service: str) -> bool:
    """Whether this keyring can store and return a secret now: a throwaway entry is written,
    read back and removed. Used before anything is spent that needs the secret stored."""
    probe = f"probe-{os.getpid()}-{time.monotonic_ns()}"
    ok = keyring_write(service, probe, "probe")
    keyring_delete(service, probe)
    return ok


def read_file(path: Path) -> str | None:
    """A secret file's text, or None when there is none."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return ""  # there, but unreadable: the caller calls it damaged


def write_file(path: Path, value: str) -> None:
    """The protected-file fallback: mode 0600 from its first byte, written durably."""
    write_durably(path, value.encode("ascii"), 0o600)


def folder_writable(folder: Path) -> bool:
    """Whether a protected file can be written in `folder` now (tried, then removed)."""
    probe = folder / f".probe-{os.getpid()}-{time.monotonic_ns()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_file(probe, "probe")
        return True
    except OSError:
        return False
    finally:
        probe.unlink(missing_ok=True)
