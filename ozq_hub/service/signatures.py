"""Checking a clerk's EDS: a detached CMS (PKCS#7) SignedData over the package's signed
content (`protocol.signed_content`), by a certificate that chains to a CA the hub trusts.

What is ours: what must be signed (one signer, SHA-256, the signed attributes binding the
content) and which CAs and revocation lists the operator trusts (`TrustStore`). Everything
else is pyhanko-certvalidator's, a maintained validator: the signature's cryptography, the
path (signatures, names, CA flags, path lengths, validity at the moment of declaration,
critical extensions), the signing certificate's key usage, and revocation through CRLs read
from files the operator refreshes, or OCSP and CRL fetching when configured.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import cms, crl, pem, x509
from cryptography import x509 as cx509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import AlgorithmNotSupported, PathError, ValidationError
from pyhanko_certvalidator.sig_validate import (
    DEFAULT_SIGNATURE_VALIDATOR,
    SignatureValidationContext,
)

# What parsing hostile bytes may raise in asn1crypto's lazy parsing.
MALFORMED = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError)
REVOCATION_MODES = ("soft-fail", "hard-fail", "require")


class SignatureInvalid(Exception):
    """The signature does not prove what it should; `reason` says why, in English."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class SignerInfo:
    subject: str  # RFC 4514, e.g. "serialNumber=IIN900101300001,CN=…,C=KZ"
    serial: str  # the signing certificate's serial number, hex
    fingerprint_sha256: str  # of the signing certificate's DER, hex


def _pem_or_der(data: bytes) -> list[bytes]:
    if pem.detect(data):
        return [der for _kind, _headers, der in pem.unarmor(data, multiple=True)]
    return [data]


def load_trusted_cas(paths: Sequence[Path]) -> list[x509.Certificate]:
    """Every certificate in the PEM (or DER) files; ValueError naming a file that holds none."""
    trusted: list[x509.Certificate] = []
    for path in paths:
        try:
            certs = [x509.Certificate.load(der) for der in _pem_or_der(Path(path).read_bytes())]
            for cert in certs:
                cert.native  # noqa: B018 - parse now, so a damaged file fails at start
        except (OSError, *MALFORMED) as exc:
            raise ValueError(f"{path}: not a readable certificate file ({exc})") from exc
        if not certs:
            raise ValueError(f"{path}: holds no certificate")
        trusted += certs
    return trusted


def load_crls(path: Path) -> list[crl.CertificateList]:
    """The CRLs in one PEM or DER file; ValueError naming a file that holds none."""
    try:
        lists = [crl.CertificateList.load(der) for der in _pem_or_der(Path(path).read_bytes())]
        for item in lists:
            item.native  # noqa: B018
    except (OSError, *MALFORMED) as exc:
        raise ValueError(f"{path}: not a readable CRL file ({exc})") from exc
    if not lists:
        raise ValueError(f"{path}: holds no CRL")
    return lists


@dataclass
class TrustStore:
    """The CAs clerks' certificates must chain to, and how revocation is checked.

    CRL files are re-read when the operator replaces them (their size or mtime changes), so
    refreshing them needs no restart. With CRLs or OCSP, revocation is checked in
    `revocation_mode`: "require" by default, so every certificate of the chain needs a
    current CRL (or OCSP answer) and one whose status cannot be established, or is known
    only from an out-of-date CRL, is refused."""

    trusted: list[x509.Certificate] = field(default_factory=list)
    crl_files: list[Path] = field(default_factory=list)
    ocsp: bool = False  # fetch OCSP answers (and CRLs) named in the certificates
    revocation_mode: str = "require"
    _crl_cache: dict[Path, tuple[tuple[float, int], list[crl.CertificateList]]] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def from_files(
        cls,
        ca_files: Sequence[Path] = (),
        crl_files: Sequence[Path] = (),
        *,
        ocsp: bool = False,
        revocation_mode: str = "require",
    ) -> TrustStore:
        """ValueError at once for an unreadable CA or CRL file."""
        if revocation_mode not in REVOCATION_MODES:
            raise ValueError(f"revocation mode {revocation_mode!r}: one of {REVOCATION_MODES}")
        store = cls(load_trusted_cas(ca_files), [Path(f) for f in crl_files], ocsp, revocation_mode)
        store.crls()
        return store

    @property
    def enabled(self) -> bool:
        return bool(self.trusted)

    def crls(self) -> list[crl.CertificateList]:
        lists: list[crl.CertificateList] = []
        for path in self.crl_files:
            stat = os.stat(path)
            stamp = (stat.st_mtime, stat.st_size)
            cached = self._crl_cache.get(path)
            if cached is None or cached[0] != stamp:
                cached = (stamp, load_crls(path))
                self._crl_cache[path] = cached
            lists += cached[1]
        return lists

    def verify(self, cms_der: bytes, content: bytes, at: datetime) -> SignerInfo:
        """Who signed `content`, once the signature and the signing certificate's path to a
        trusted CA hold at `at`; SignatureInvalid with the reason otherwise."""
        try:
            signed, signer, cert = _parse(cms_der)
            _check_signed_attributes(signed, signer, content)
            _check_signature(signer, cert)
            included = [c for c in _certificates(signed) if c.dump() != cert.dump()]
        except MALFORMED as exc:
            raise SignatureInvalid(f"the signature is malformed ({exc})") from exc
        self._validate_path(cert, included, at)
        return SignerInfo(
            subject=_subject(cert),
            serial=format(cert.serial_number, "x"),
            fingerprint_sha256=hashlib.sha256(cert.dump()).hexdigest(),
        )

    def _validate_path(
        self, cert: x509.Certificate, included: list[x509.Certificate], at: datetime
    ) -> None:
        checking = bool(self.crl_files) or self.ocsp
        context = ValidationContext(
            trust_roots=self.trusted,
            other_certs=included,
            moment=at,
            crls=self.crls() if checking else None,
            allow_fetching=self.ocsp,
            revocation_mode=self.revocation_mode if checking else "soft-fail",
        )
        validator = CertificateValidator(cert, included, validation_context=context)
        try:
            asyncio.run(validator.async_validate_usage({"digital_signature"}))
        except PathError as exc:
            raise SignatureInvalid(f"no chain to a trusted CA: {exc}") from exc
        except ValidationError as exc:
            raise SignatureInvalid(f"the certificate does not validate: {exc}") from exc
        except (*MALFORMED, UnsupportedAlgorithm) as exc:
            raise SignatureInvalid(f"a certificate is malformed ({exc})") from exc


NO_TRUST = TrustStore()


def _parse(cms_der: bytes) -> tuple[cms.SignedData, cms.SignerInfo, x509.Certificate]:
    try:
        info = cms.ContentInfo.load(cms_der, strict=True)
        if info["content_type"].native != "signed_data":
            raise SignatureInvalid("the CMS structure is not SignedData")
        signed = info["content"]
        signed.native  # noqa: B018 - parse everything now, so a malformed part fails here
    except SignatureInvalid:
        raise
    except MALFORMED as exc:
        raise SignatureInvalid(f"not a DER CMS structure ({exc})") from exc
    if signed["encap_content_info"]["content"].native is not None:
        raise SignatureInvalid("the signature is not detached: it carries content")
    if len(signed["signer_infos"]) != 1:
        raise SignatureInvalid(f"{len(signed['signer_infos'])} signers; exactly one is expected")
    signer = signed["signer_infos"][0]
    return signed, signer, _signing_certificate(signer, _certificates(signed))


def _certificates(signed: cms.SignedData) -> list[x509.Certificate]:
    return [c.chosen for c in signed["certificates"] or [] if c.name == "certificate"]


def _signing_certificate(signer: cms.SignerInfo, certs: list[x509.Certificate]) -> x509.Certificate:
    sid = signer["sid"]
    for cert in certs:
        if sid.name == "issuer_and_serial_number":
            if (
                sid.chosen["serial_number"].native == cert.serial_number
                and sid.chosen["issuer"] == cert.issuer
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    raise SignatureInvalid("the signing certificate is not included in the signature")


def _attribute(signed_attrs: cms.CMSAttributes, name: str) -> object:
    values = [a["values"] for a in signed_attrs if a["type"].native == name]
    if len(values) != 1 or len(values[0]) != 1:
        raise SignatureInvalid(f"the signed attribute {name} is missing or repeated")
    return values[0][0].native


def _check_signed_attributes(signed: cms.SignedData, signer: cms.SignerInfo, content: bytes):
    """What we require be signed: SHA-256 over exactly this content, bound by the signed
    attributes (RFC 5652 §5.3)."""
    digest = signer["digest_algorithm"]["algorithm"].native
    if digest != "sha256":
        raise SignatureInvalid(f"digest algorithm {digest} is not SHA-256")
    attrs = signer["signed_attrs"]
    if not attrs.native:
        raise SignatureInvalid("the signature has no signed attributes")
    encapsulated = signed["encap_content_info"]["content_type"].native
    if _attribute(attrs, "content_type") != encapsulated:
        raise SignatureInvalid("the content-type attribute does not match the signed content")
    if _attribute(attrs, "message_digest") != hashlib.sha256(content).digest():
        raise SignatureInvalid("the message digest does not match the content (changed content)")


def _check_signature(signer: cms.SignerInfo, cert: x509.Certificate) -> None:
    signed_bytes = b"\x31" + signer["signed_attrs"].dump()[1:]  # signed as a SET OF (§5.4)
    try:
        DEFAULT_SIGNATURE_VALIDATOR.validate_signature(
            signer["signature"].native,
            signed_bytes,
            cert.public_key,
            signer["signature_algorithm"],
            SignatureValidationContext(contextual_md_algorithm="sha256"),
        )
    except AlgorithmNotSupported as exc:
        raise SignatureInvalid(
            f"{exc} This hub verifies RSA, ECDSA and EdDSA signatures; GOST signatures "
            "cannot be checked here"
        ) from exc
    except (InvalidSignature, AssertionError) as exc:
        raise SignatureInvalid("the signature does not match the signed attributes") from exc
    except UnsupportedAlgorithm as exc:
        raise SignatureInvalid(f"the signing certificate's key cannot be used ({exc})") from exc


def _subject(cert: x509.Certificate) -> str:
    return cx509.load_der_x509_certificate(cert.dump()).subject.rfc4514_string(
        {NameOID.SERIAL_NUMBER: "serialNumber"}  # "IIN…" in Kazakh certificates
    )


def describe_unchecked(cms_der: bytes) -> str | None:
    """The signer's subject as the signature states it, without checking anything: for a
    hub with no trusted CAs, which stores signatures as they come."""
    try:
        return _subject(_parse(cms_der)[2])
    except (SignatureInvalid, *MALFORMED):
        return None


def verify_detached(
    cms_der: bytes, content: bytes, trusted: Sequence[object], at: datetime
) -> SignerInfo:
    """`TrustStore.verify` against these CAs, without revocation data: for callers that hold
    certificates rather than files (asn1crypto's, or `cryptography`'s)."""
    certs = [
        cert
        if isinstance(cert, x509.Certificate)
        else x509.Certificate.load(cert.public_bytes(Encoding.DER))  # type: ignore[attr-defined]
        for cert in trusted
    ]
    return TrustStore(certs).verify(cms_der, content, at)
