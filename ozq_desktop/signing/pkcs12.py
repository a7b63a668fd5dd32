"""The clerk's RSA key from a PKCS#12 file (.p12/.pfx), signing through `cryptography`.

The signature is a CMS (PKCS#7) SignedData, detached, DER, SHA-256, carrying the signer's
certificate and the chain certificates found in the file, so the hub can build the path to
the CA it trusts. GOST and EC keys are not signed here: they sign through NCALayer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import NameOID

from ozq_desktop.signing import Signature, SigningError


def signer_name(cert: x509.Certificate) -> str:
    """The subject as people read it: the CN, then the serialNumber (e.g. IIN…) if any."""
    subject = cert.subject
    names = [str(a.value) for a in subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    serials = [str(a.value) for a in subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)]
    text = ", ".join(names + serials)
    return text or subject.rfc4514_string()


def _looks_like_pfx(data: bytes) -> bool:
    """A DER SEQUENCE whose first element is the PFX version INTEGER 3."""
    if len(data) < 8 or data[0] != 0x30:
        return False
    length_octets = data[1] - 0x80 if data[1] & 0x80 else 0
    start = 2 + length_octets
    return data[start : start + 3] == b"\x02\x01\x03"


def _load(path: Path, password: str) -> pkcs12.PKCS12KeyAndCertificates:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(
            "The key file {path} cannot be read: {reason}", path=path, reason=exc.strerror or exc
        ) from exc
    try:
        return pkcs12.load_pkcs12(data, password.encode("utf-8"))
    except ValueError as exc:
        if _looks_like_pfx(data) and "password" in str(exc).lower():
            raise SigningError("The key file's password is wrong.") from exc
        raise SigningError("The file {path} is not a PKCS#12 key file.", path=path) from exc


def _check_validity(cert: x509.Certificate, at: datetime) -> None:
    if at < cert.not_valid_before_utc:
        raise SigningError(
            "The signing certificate is not valid yet: it starts on {date}.",
            date=cert.not_valid_before_utc.date().isoformat(),
        )
    if at > cert.not_valid_after_utc:
        raise SigningError(
            "The signing certificate expired on {date}.",
            date=cert.not_valid_after_utc.date().isoformat(),
        )


class Pkcs12Signer:
    """Signs with the RSA key and certificate held in one PKCS#12 file."""

    def __init__(
        self,
        key: rsa.RSAPrivateKey,
        certificate: x509.Certificate,
        chain: list[x509.Certificate],
    ) -> None:
        self.key = key
        self.certificate = certificate
        self.chain = chain

    @classmethod
    def from_file(cls, path: Path, password: str) -> Pkcs12Signer:
        """Open the key file; SigningError (with a message for the clerk) when it cannot sign."""
        loaded = _load(Path(path), password)
        if loaded.key is None or loaded.cert is None:
            raise SigningError("The key file holds no private key with its certificate.")
        if not isinstance(loaded.key, rsa.RSAPrivateKey):
            raise SigningError(
                "The key in this file is not an RSA key (GOST or EC keys sign through NCALayer)."
            )
        certificate = loaded.cert.certificate
        _check_validity(certificate, datetime.now(UTC))
        chain = [c.certificate for c in loaded.additional_certs]
        return cls(loaded.key, certificate, chain)

    @property
    def signer(self) -> str:
        return signer_name(self.certificate)

    def sign(self, content: bytes) -> Signature:
        _check_validity(self.certificate, datetime.now(UTC))
        builder = (
            pkcs7.PKCS7SignatureBuilder()
            .set_data(content)
            .add_signer(self.certificate, self.key, hashes.SHA256())
        )
        for cert in self.chain:
            builder = builder.add_certificate(cert)
        cms = builder.sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary],
        )
        return Signature(cms=cms, signer=self.signer)
