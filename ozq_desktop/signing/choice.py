"""Which of the two signers a clerk uses, as stored on the user (users.signing_kind and
users.signing_key_path), and how one is made for a signing."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from ozq_desktop.signing import Signer, SigningError

# NCALayer listens here; OZQ_NCALAYER_URL points elsewhere (a test stand-in, a remote desktop).
NCALAYER_URL = "wss://127.0.0.1:13579/"
ENV_NCALAYER_URL = "OZQ_NCALAYER_URL"


class SigningKind(StrEnum):
    PKCS12 = "pkcs12"  # an RSA key file, signed here with `cryptography`
    NCALAYER = "ncalayer"  # NCALayer on this PC (GOST keys, tokens); it asks for the PIN


def can_sign(kind: str | None, key_path: str | None) -> bool:
    """Whether the clerk's EDS is set up to sign now: NCALayer chosen, or a key file chosen
    that is still there. Its password and its certificate are checked when it signs."""
    if kind == SigningKind.PKCS12:
        return bool(key_path) and Path(key_path).is_file()
    return kind == SigningKind.NCALAYER


def needs_password(kind: str | None) -> bool:
    """The desk asks for the key file's password; NCALayer asks for its own PIN."""
    return kind == SigningKind.PKCS12


def signer_for(
    kind: str | None, key_path: str | None, password: str = "", lang: str = "ru"
) -> Signer | None:
    """The clerk's signer, or None when the clerk has no EDS set up. Loading a key file
    checks its password and validity now, so a wrong one is said before anything is written."""
    if not kind:
        return None
    if kind == SigningKind.PKCS12:
        from ozq_desktop.signing.pkcs12 import Pkcs12Signer

        if not key_path:
            raise SigningError("Choose the key file (.p12) first.")
        return Pkcs12Signer.from_file(Path(key_path), password)
    if kind == SigningKind.NCALAYER:
        from ozq_desktop.signing.ncalayer import NcaLayerSigner

        url = os.environ.get(ENV_NCALAYER_URL) or NCALAYER_URL
        return NcaLayerSigner(url, lang=lang if lang in ("kk", "ru") else "ru")
    raise SigningError("Unknown way of signing: {kind}.", kind=kind)
