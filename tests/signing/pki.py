"""A throwaway PKI for tests: a root CA, an intermediate CA and a clerk's RSA key.

Every test makes its own keys; nothing here is a real certificate."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Issued:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    cert: x509.Certificate


def _name(common_name: str, serial: str | None = None) -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if serial:  # Kazakh certificates carry "IIN<12 digits>" as the subject's serialNumber
        parts.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    return x509.Name(parts)


def issue(
    common_name: str,
    *,
    issuer: Issued | None = None,
    ca: bool = False,
    serial: str | None = None,
    not_before: datetime | None = None,
    days: int = 365,
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | None = None,
) -> Issued:
    """A certificate for `common_name`, self-signed when `issuer` is None."""
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    start = not_before or datetime.now(UTC) - timedelta(days=1)
    subject = _name(common_name, serial)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    cert = builder.sign((issuer.key if issuer else key), hashes.SHA256())
    return Issued(key, cert)


@dataclass(frozen=True)
class TestPki:
    root: Issued
    intermediate: Issued
    clerk: Issued

    def pkcs12(self, path: Path, password: str = "secret") -> Path:
        """The clerk's key, certificate and the intermediate, as a PKCS#12 file."""
        path.write_bytes(
            pkcs12.serialize_key_and_certificates(
                b"clerk",
                self.clerk.key,  # type: ignore[arg-type]
                self.clerk.cert,
                [self.intermediate.cert],
                serialization.BestAvailableEncryption(password.encode()),
            )
        )
        return path

    def root_pem(self, path: Path) -> Path:
        path.write_bytes(self.root.cert.public_bytes(serialization.Encoding.PEM))
        return path


def make_pki(clerk_name: str = "Клерк Тестовый", **clerk_options) -> TestPki:
    root = issue("OZQ Test Root CA", ca=True, days=3650)
    intermediate = issue("OZQ Test NCA", issuer=root, ca=True, days=1825)
    clerk = issue(clerk_name, issuer=intermediate, serial="IIN900101300001", **clerk_options)
    return TestPki(root, intermediate, clerk)


def revoke(
    issuer: Issued, *revoked: Issued, next_update_days: int = 7
) -> x509.CertificateRevocationList:
    """A CRL signed by `issuer` listing `revoked` (as a CA publishes it)."""
    now = datetime.now(UTC)
    next_update = now + timedelta(days=next_update_days)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(min(now - timedelta(minutes=5), next_update - timedelta(days=7)))
        .next_update(next_update)
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.cert.serial_number)
            .revocation_date(now - timedelta(minutes=1))
            .build()
        )
    return builder.sign(issuer.key, hashes.SHA256())  # type: ignore[arg-type]


KEY_PASSWORD = "secret"


@cache
def clerk_key_file() -> Path:
    """One clerk's PKCS#12 key for the whole test run, for tests that accept packages (the
    domain refuses to accept without the clerk's EDS)."""
    folder = Path(tempfile.mkdtemp(prefix="ozq-test-key-"))
    atexit.register(shutil.rmtree, folder, True)
    return make_pki("Жұмабаев Нұрлан").pkcs12(folder / "RSA256_clerk.p12", KEY_PASSWORD)


@cache
def clerk_signer():
    from ozq_desktop.signing.pkcs12 import Pkcs12Signer

    return Pkcs12Signer.from_file(clerk_key_file(), KEY_PASSWORD)


def sign_draft(draft):
    """The clerk's real EDS over what acceptance signs for `draft`."""
    from ozq_desktop.domain.acceptance import content_to_sign

    return clerk_signer().sign(content_to_sign(draft))
