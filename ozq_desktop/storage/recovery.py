"""The recovery key, like BitLocker's: a code on paper that gives the data key back when the
keyring entry and the key file are both lost.

The code is 48 digits in 8 groups of 6 (digits only: nothing to confuse between Latin and
Cyrillic letters on a kk/ru keyboard). Each group is 5 random digits and a check digit, so a
mistyped group is named at once; the 40 random digits carry 132 bits.

Beside the data, `data.key-recovery.json` (written durably, 0600) holds:
- the data key wrapped with AES-256-GCM under a key-encryption key derived from the code with
  argon2id (64 MiB, 3 passes, a random 16-byte salt): a stolen file alone gives nothing, and
  each guess at the code costs the same argon2id work;
- the code itself, sealed with a key derived (HKDF) from the data key, so that the running
  desk — which has the data key anyway — can show and print the same sheet again;
- the key's short fingerprint (`key_id`), printed on the sheet to match sheet and desk.

`recover_key` is what `ozq-desktop recover` runs: code → argon2id → unwrap → the data key."""

from __future__ import annotations

import base64
import json
import os
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ozq_desktop.errors import StorageError
from ozq_desktop.storage.keys import RECOVERY_FILE
from ozq_wire.durable import write_durably

FORMAT = "ozq-recovery-1"
GROUPS = 8
GROUP_DIGITS = 6
ARGON2 = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 2}  # memory in KiB
_WEIGHTS = (3, 1, 3, 1, 3)


@dataclass(frozen=True)
class RecoverySheet:
    """What the printed sheet carries (besides the branch and the date)."""

    code: str  # grouped: 123456-234567-…
    key_id: str  # the data key's fingerprint, e.g. 3F2A-9C01
    created_at: str  # ISO date the code was made


def _check_digit(five: str) -> str:
    total = sum(int(d) * w for d, w in zip(five, _WEIGHTS, strict=True))
    return str((10 - total % 10) % 10)


def new_code() -> str:
    groups = []
    for _ in range(GROUPS):
        five = "".join(str(secrets.randbelow(10)) for _ in range(GROUP_DIGITS - 1))
        groups.append(five + _check_digit(five))
    return "-".join(groups)


def normalise(text: str) -> str:
    """The 48 digits of a code as typed (spaces, dashes, full-width digits allowed), grouped.
    StorageError naming the first group that cannot be right."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())
    digits = "".join(str(unicodedata.digit(ch)) for ch in digits)
    if len(digits) != GROUPS * GROUP_DIGITS:
        raise StorageError(
            "A recovery code has {count} digits in {groups} groups; this one has {typed}.",
            count=GROUPS * GROUP_DIGITS,
            groups=GROUPS,
            typed=len(digits),
        )
    groups = [digits[i : i + GROUP_DIGITS] for i in range(0, len(digits), GROUP_DIGITS)]
    for number, group in enumerate(groups, start=1):
        if _check_digit(group[:-1]) != group[-1]:
            raise StorageError(
                "Group {number} of the recovery code ({group}) is mistyped.",
                number=number,
                group=group,
            )
    return "-".join(groups)


def key_id(data_key: bytes) -> str:
    raw = HKDF(algorithm=SHA256(), length=4, salt=None, info=b"ozq key id v1").derive(data_key)
    text = raw.hex().upper()
    return f"{text[:4]}-{text[4:]}"


def _sheet_key(data_key: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=b"ozq recovery sheet v1").derive(
        data_key
    )


def _kek(code: str, salt: bytes, params: dict[str, int]) -> bytes:
    return hash_secret_raw(
        secret=code.replace("-", "").encode("ascii"),
        salt=salt,
        time_cost=params["time_cost"],
        memory_cost=params["memory_cost"],
        parallelism=params["parallelism"],
        hash_len=32,
        type=Type.ID,
    )


def _seal(key: bytes, data: bytes, aad: bytes) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, data, aad)).decode("ascii")


def _open(key: bytes, text: str, aad: bytes) -> bytes:
    raw = base64.b64decode(text)
    return AESGCM(key).decrypt(raw[:12], raw[12:], aad)


def path_in(folder: Path) -> Path:
    return folder / RECOVERY_FILE


def _read(folder: Path) -> dict:
    path = path_in(folder)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("format") != FORMAT:
            raise ValueError(record.get("format"))
        return record
    except FileNotFoundError:
        raise StorageError(
            "This desk has no recovery file ({file}) in {folder}: no recovery sheet was made "
            "for its data key, so the key cannot be restored with one.",
            file=RECOVERY_FILE,
            folder=str(folder),
        ) from None
    except (OSError, ValueError, UnicodeDecodeError):
        raise StorageError(
            "The recovery file {file} in {folder} is damaged.",
            file=RECOVERY_FILE,
            folder=str(folder),
        ) from None


def create(folder: Path, data_key: bytes) -> RecoverySheet:
    """A new code for this data key, written beside the data; the sheet to show."""
    code = new_code()
    salt = os.urandom(16)
    ident = key_id(data_key)
    aad = f"{FORMAT}|{ident}".encode()
    created = datetime.now().date().isoformat()
    record = {
        "format": FORMAT,
        "key_id": ident,
        "created_at": created,
        "kdf": {"name": "argon2id", **ARGON2, "salt": base64.b64encode(salt).decode("ascii")},
        "wrapped_key": _seal(_kek(code, salt, ARGON2), data_key, aad),
        "sealed_code": _seal(_sheet_key(data_key), code.encode("ascii"), aad),
    }
    write_durably(path_in(folder), json.dumps(record, indent=2).encode("utf-8"), 0o600)
    return RecoverySheet(code, ident, created)


def sheet(folder: Path, data_key: bytes) -> RecoverySheet:
    """The sheet of this desk's data key: the code made before, or a new one if there is none
    yet, or only a damaged one or one for another key (which could not recover this key).
    Only a desk that has its data key gets here, so a new code loses nothing."""
    try:
        record = _read(folder)
    except StorageError:  # none yet, or a damaged one that could recover nothing
        return create(folder, data_key)
    ident = key_id(data_key)
    if record.get("key_id") != ident:
        return create(folder, data_key)
    try:
        code = _open(_sheet_key(data_key), record["sealed_code"], f"{FORMAT}|{ident}".encode())
    except (InvalidTag, KeyError, ValueError):
        return create(folder, data_key)
    return RecoverySheet(code.decode("ascii"), ident, str(record.get("created_at", "")))


def recover_key(folder: Path, code: str) -> bytes:
    """The data key, from the recovery file and the code on the sheet."""
    grouped = normalise(code)
    record = _read(folder)
    try:
        kdf = record["kdf"]
        params = {k: int(kdf[k]) for k in ARGON2}
        salt = base64.b64decode(kdf["salt"])
        aad = f"{FORMAT}|{record['key_id']}".encode()
        key = _open(_kek(grouped, salt, params), record["wrapped_key"], aad)
    except InvalidTag:
        raise StorageError(
            "This recovery code does not open this desk's recovery file: it is the code of "
            "another desk, or of an earlier key."
        ) from None
    except (KeyError, ValueError, TypeError):
        raise StorageError(
            "The recovery file {file} in {folder} is damaged.",
            file=RECOVERY_FILE,
            folder=str(folder),
        ) from None
    if key_id(key) != record["key_id"]:
        raise StorageError(
            "The recovery file {file} in {folder} is damaged.",
            file=RECOVERY_FILE,
            folder=str(folder),
        )
    return key
