"""Checking a clerk's EDS: a detached CMS (PKCS#7) SignedData over the package's signed
content (`protocol.signed_content`), and its certificate chain up to a CA the hub trusts.

The seed asks that applications be certified by the clerk's EDS. This hub checks RSA
signatures (PKCS#1 v1.5, SHA-256) only: GOST 34.310 signatures, as NCALayer makes with
GOST keys, are refused as unverifiable here (docs/hub.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import cms
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

MAX_CHAIN = 8
# What parsing hostile bytes may raise, in asn1crypto or in cryptography's lazy parsing.
MALFORMED = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError)
NAMES = {NameOID.SERIAL_NUMBER: "serialNumber"}  # "IIN…" in Kazakh certificates
RSA_SIGNATURES = {"rsassa_pkcs1v15"}


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


def load_trusted_cas(paths: Sequence[Path]) -> list[x509.Certificate]:
    """Every certificate in the PEM files; ValueError naming a file that holds none."""
    trusted: list[x509.Certificate] = []
    for path in paths:
        try:
            certs = x509.load_pem_x509_certificates(Path(path).read_bytes())
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: not a readable PEM certificate file ({exc})") from exc
        trusted += certs
    return trusted


def _signed_data(cms_der: bytes) -> cms.SignedData:
    try:
        info = cms.ContentInfo.load(cms_der, strict=True)
        if info["content_type"].native != "signed_data":
            raise SignatureInvalid("the CMS structure is not SignedData")
        signed = info["content"]
        signed.native  # parse everything now, so a malformed inner part fails here  # noqa: B018
    except SignatureInvalid:
        raise
    except MALFORMED as exc:
        raise SignatureInvalid(f"not a DER CMS structure ({exc})") from exc
    if signed["encap_content_info"]["content"].native is not None:
        raise SignatureInvalid("the signature is not detached: it carries content")
    if len(signed["signer_infos"]) != 1:
        raise SignatureInvalid(f"{len(signed['signer_infos'])} signers; exactly one is expected")
    return signed


def _attribute(signed_attrs: cms.CMSAttributes, name: str) -> object:
    values = [a["values"] for a in signed_attrs if a["type"].native == name]
    if len(values) != 1 or len(values[0]) != 1:
        raise SignatureInvalid(f"the signed attribute {name} is missing or repeated")
    return values[0][0].native


def _check_signed_attributes(signed: cms.SignedData, signer: cms.SignerInfo, content: bytes):
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


Included = list[tuple[cms.Certificate, x509.Certificate]]


def _certificates(signed: cms.SignedData) -> Included:
    """The certificates the signature carries, each as asn1crypto and cryptography see it."""
    certs = []
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        try:
            certs.append((choice.chosen, x509.load_der_x509_certificate(choice.chosen.dump())))
        except ValueError as exc:
            raise SignatureInvalid(f"an included certificate is malformed ({exc})") from exc
    return certs


def _signing_certificate(signer: cms.SignerInfo, certs: Included) -> x509.Certificate:
    sid = signer["sid"]
    for raw, cert in certs:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            tbs = raw["tbs_certificate"]
            if (
                wanted["serial_number"].native == tbs["serial_number"].native
                and wanted["issuer"] == tbs["issuer"]
            ):
                return cert
        else:
            try:
                ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
            except x509.ExtensionNotFound:
                continue
            if ski.value.digest == sid.chosen.native:
                return cert
    raise SignatureInvalid("the signing certificate is not included in the signature")


def _check_rsa_signature(signer: cms.SignerInfo, cert: x509.Certificate) -> None:
    algorithm = signer["signature_algorithm"]
    try:
        kind = algorithm.signature_algo
    except ValueError:
        kind = algorithm["algorithm"].dotted
    if kind not in RSA_SIGNATURES:
        raise SignatureInvalid(
            f"signature algorithm {kind} is not RSA PKCS#1 v1.5: this hub verifies RSA "
            "signatures only "
            "(GOST signatures cannot be checked here)"
        )
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureInvalid("the signing certificate's key is not an RSA key")
    attrs_der = signer["signed_attrs"].dump()
    signed_bytes = b"\x31" + attrs_der[1:]  # RFC 5652 §5.4: signed as a SET OF, not [0]
    try:
        key.verify(signer["signature"].native, signed_bytes, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise SignatureInvalid("the RSA signature does not match the signed attributes") from exc


def _valid_at(cert: x509.Certificate, at: datetime, role: str) -> None:
    if not cert.not_valid_before_utc <= at <= cert.not_valid_after_utc:
        raise SignatureInvalid(
            f"the {role} certificate {cert.subject.rfc4514_string()} is not valid at "
            f"{at.isoformat()} (valid {cert.not_valid_before_utc.isoformat()} to "
            f"{cert.not_valid_after_utc.isoformat()})"
        )


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _check_key_usage(cert: x509.Certificate) -> None:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not (usage.digital_signature or usage.content_commitment):
        raise SignatureInvalid("the signing certificate is not meant for signatures")


def _check_chain(
    leaf: x509.Certificate,
    included: list[x509.Certificate],
    trusted: Sequence[x509.Certificate],
    at: datetime,
) -> None:
    """From the signing certificate through the included CA certificates to a trusted one."""
    current, seen = leaf, set()
    _valid_at(leaf, at, "signing")
    for _ in range(MAX_CHAIN):
        anchor = next((ca for ca in trusted if _issued_by(current, ca)), None)
        if anchor is not None:
            if not _is_ca(anchor):
                raise SignatureInvalid("the trusted certificate that issued it is not a CA")
            _valid_at(anchor, at, "trusted CA")
            return
        seen.add(current.fingerprint(hashes.SHA256()))
        issuer = next(
            (
                c
                for c in included
                if c.fingerprint(hashes.SHA256()) not in seen and _issued_by(current, c)
            ),
            None,
        )
        if issuer is None:
            raise SignatureInvalid(
                f"no chain to a trusted CA: nobody trusted or included issued "
                f"{current.subject.rfc4514_string()}"
            )
        if not _is_ca(issuer):
            raise SignatureInvalid(f"{issuer.subject.rfc4514_string()} is not a CA")
        _valid_at(issuer, at, "intermediate CA")
        current = issuer
    raise SignatureInvalid("the certificate chain is too long")


def verify_detached(
    cms_der: bytes, content: bytes, trusted: list[x509.Certificate], at: datetime
) -> SignerInfo:
    """Who signed `content`, once the signature, its attributes and the chain up to one of
    `trusted` all hold at `at`; SignatureInvalid with the reason otherwise."""
    try:
        return _verify(cms_der, content, trusted, at)
    except MALFORMED as exc:
        raise SignatureInvalid(f"the signature is malformed ({exc})") from exc


def _verify(
    cms_der: bytes, content: bytes, trusted: list[x509.Certificate], at: datetime
) -> SignerInfo:
    signed = _signed_data(cms_der)
    signer = signed["signer_infos"][0]
    _check_signed_attributes(signed, signer, content)
    certs = _certificates(signed)
    cert = _signing_certificate(signer, certs)
    _check_rsa_signature(signer, cert)
    _check_key_usage(cert)
    _check_chain(cert, [c for _, c in certs if c != cert], trusted, at)
    return SignerInfo(
        subject=cert.subject.rfc4514_string(NAMES),
        serial=format(cert.serial_number, "x"),
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
    )


def describe_unchecked(cms_der: bytes) -> str | None:
    """The signer's subject as the signature states it, without checking anything: for a
    hub with no trusted CAs, which stores signatures as they come."""
    try:
        signed = _signed_data(cms_der)
        cert = _signing_certificate(signed["signer_infos"][0], _certificates(signed))
        return cert.subject.rfc4514_string(NAMES)
    except (SignatureInvalid, *MALFORMED):
        return None
