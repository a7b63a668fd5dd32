"""Secrets the hub hands out once and keeps only as hashes.

Device and committee tokens are 32 random bytes (urlsafe base64); enrolment codes
are 80 random bits in groups of four, easy to read out over the phone. Both have
enough entropy for a plain SHA-256 to be a safe thing to store.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Crockford's base32 without I, L, O, U: nothing to mistake for 1 or 0.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 16


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_enrolment_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    """What the clerk typed, minus dashes and spaces, upper-case, with O read as 0 and I/L as 1."""
    cleaned = "".join(ch for ch in code.upper() if ch not in "- \t")
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(secret_hash(given), secret_hash(expected))
