"""The device token: in the OS keyring, or — on a machine with no usable keyring, the same
documented fallback as the data key's — in a protected file beside the data (`hub.token`,
mode 0600; storage/secrets.py). Never in the database. OZQ_REQUIRE_KEYRING=1 refuses the file.

`check_storable` runs before an enrolment spends the hub's one-time code, so that a code is
never used up for a token the desk could not keep."""

from __future__ import annotations

from pathlib import Path

from ozq_desktop.errors import OzqError
from ozq_desktop.storage import secrets
from ozq_desktop.storage.secrets import KeySource

SERVICE = "ozq-desktop-hub"
TOKEN_FILE = "hub.token"


class KeyringUnavailableError(OzqError):
    """No usable OS keyring, and the file fallback is refused: the token cannot be kept."""


def _unavailable(reason: str) -> KeyringUnavailableError:
    return KeyringUnavailableError(
        "This computer has no secure password storage (keyring), so the hub token cannot be "
        "kept. Work offline, or ask the administrator to enable the system keyring. ({reason})",
        reason=reason,
    )


def _unwritable(folder: Path) -> KeyringUnavailableError:
    return KeyringUnavailableError(
        "The hub token can be kept neither in the system keyring nor in a protected file in "
        "{folder}. Nothing was sent to the hub; the enrolment code is still valid.",
        folder=str(folder),
    )


def check_storable(folder: Path) -> KeySource:
    """Where a token would be kept now; KeyringUnavailableError if nowhere. No code is spent."""
    if secrets.keyring_works(SERVICE):
        return KeySource.KEYRING
    if secrets.keyring_required():
        raise _unavailable("OZQ_REQUIRE_KEYRING")
    if not secrets.folder_writable(folder):
        raise _unwritable(folder)
    return KeySource.FILE


def store_token(device_id: str, token: str, folder: Path) -> KeySource:
    if secrets.keyring_write(SERVICE, device_id, token):
        (folder / TOKEN_FILE).unlink(missing_ok=True)  # an older desk's file token, if any
        return KeySource.KEYRING
    if secrets.keyring_required():
        raise _unavailable("OZQ_REQUIRE_KEYRING")
    try:
        secrets.write_file(folder / TOKEN_FILE, f"{device_id} {token}")
    except OSError as exc:
        raise _unwritable(folder) from exc
    return KeySource.FILE


def _from_file(device_id: str, folder: Path) -> str | None:
    text = secrets.read_file(folder / TOKEN_FILE)
    if not text:
        return None
    owner, _, token = text.partition(" ")
    return token if owner == device_id and token else None


def load_token(device_id: str, folder: Path) -> str | None:
    """The token, or None when neither place has one (re-enrolment needed). A keyring that
    cannot be reached, with no file token, is reported as such rather than as "no token"."""
    try:
        token = secrets.keyring_read(SERVICE, device_id)
    except secrets.KeyringUnavailable as exc:
        token = _from_file(device_id, folder)
        if token is None:
            raise _unavailable(exc.reason) from None
        return token
    return token or _from_file(device_id, folder)
