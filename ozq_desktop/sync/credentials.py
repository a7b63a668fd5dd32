"""The device token lives in the OS keyring, never in a file or the database (docs/sync.md,
"Devices and people")."""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError, NoKeyringError

from ozq_desktop.errors import OzqError

SERVICE = "ozq-desktop-hub"


class KeyringUnavailableError(OzqError):
    """No usable OS keyring: the token cannot be stored safely."""


def _unavailable(exc: Exception) -> KeyringUnavailableError:
    return KeyringUnavailableError(
        "This computer has no secure password storage (keyring), so the hub token cannot be "
        "kept. Work offline, or ask the administrator to enable the system keyring. ({reason})",
        reason=type(exc).__name__,
    )


def store_token(device_id: str, token: str) -> None:
    try:
        keyring.set_password(SERVICE, device_id, token)
    except (NoKeyringError, KeyringError, RuntimeError) as exc:
        raise _unavailable(exc) from exc


def load_token(device_id: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, device_id)
    except (NoKeyringError, KeyringError, RuntimeError) as exc:
        raise _unavailable(exc) from exc
