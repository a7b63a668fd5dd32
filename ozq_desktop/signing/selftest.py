"""For the installer's `--self-test`: prove the bundle carries both signers by loading them
and signing with a throwaway RSA key in a PKCS#12 file (nothing leaves the temporary folder)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ozq_desktop.signing import Signature, Signer
from ozq_desktop.signing.choice import SigningKind, signer_for

PASSWORD = "self-test"


def self_signed(
    key: CertificateIssuerPrivateKeyTypes,
    common_name: str,
    extensions: tuple[x509.ExtensionType, ...] = (),
) -> x509.Certificate:
    """A self-signed certificate valid from a day ago to a day ahead."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
    )
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(key, hashes.SHA256())


def throwaway_key_file(path: Path) -> Path:
    """A self-signed RSA key as a PKCS#12 file."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = self_signed(key, "OZQ self-test")
    encryption = serialization.BestAvailableEncryption(PASSWORD.encode())
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(b"self-test", key, cert, None, encryption)
    )
    return path


def throwaway_signer(folder: Path) -> Signer:
    """A PKCS#12 signer on a throwaway key file in `folder`."""
    path = folder / "self-test.p12"
    if not path.exists():
        throwaway_key_file(path)
    signer = signer_for(SigningKind.PKCS12, str(path), PASSWORD)
    assert signer is not None
    return signer


def sign_with_throwaway_key(folder: Path) -> Signature:
    signer = throwaway_signer(folder)
    signer_for(SigningKind.NCALAYER, None)  # built, not connected: no NCALayer here
    return signer.sign(b"OZQ self-test")
