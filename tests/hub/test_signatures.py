"""The hub checks the clerk's EDS: a detached CMS over the package's signed content, and its
chain up to a CA the hub trusts. Every key and certificate here is made by the test."""

from __future__ import annotations

import base64
import random
import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7
from sqlalchemy import select

from ozq_hub.db import Database, sqlite_url
from ozq_hub.devtools import HubProcess
from ozq_hub.models import Package
from ozq_hub.service.signatures import SignatureInvalid, TrustStore
from ozq_wire import protocol as p
from tests.hub.helpers import HubUnderTest, declaration, scans
from tests.signing.pki import Issued, issue, make_pki
from tests.signing.pki import TestPki as Pki

CONTENT = b'{"package_uuid":"x","manifest":[]}'
# pyhanko-certvalidator's words for "this certificate does not lead to a CA the hub trusts"
NO_TRUSTED_PATH = re.compile(r"no chain to a trusted CA|path could not be validated")
NOW = datetime.now(UTC)


def sign(content: bytes, signer: Issued, *chain: Issued) -> bytes:
    """A detached CMS made straight with `cryptography`, whatever the certificates' state."""
    builder = pkcs7.PKCS7SignatureBuilder().set_data(content)
    builder = builder.add_signer(signer.cert, signer.key, hashes.SHA256())  # type: ignore[arg-type]
    for issued in chain:
        builder = builder.add_certificate(issued.cert)
    options = [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
    return builder.sign(serialization.Encoding.DER, options)


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


def trusting(*roots: Issued) -> TrustStore:
    """A hub's trust store with these CAs (asn1crypto reads what `cryptography` made)."""
    return TrustStore(
        [asn1_x509.Certificate.load(r.cert.public_bytes(serialization.Encoding.DER)) for r in roots]
    )


def verify_detached(cms_der: bytes, content: bytes, roots: list[Issued], at: datetime):
    return trusting(*roots).verify(cms_der, content, at)


def reason(cms_der: bytes, content: bytes, pki: Pki, at: datetime = NOW) -> str:
    with pytest.raises(SignatureInvalid) as caught:
        verify_detached(cms_der, content, [pki.root], at)
    return caught.value.reason


def test_a_good_signature_names_its_signer(pki):
    info = verify_detached(sign(CONTENT, pki.clerk, pki.intermediate), CONTENT, [pki.root], NOW)
    assert info.subject == "serialNumber=IIN900101300001,CN=Клерк Тестовый,C=KZ"
    assert info.fingerprint_sha256 == pki.clerk.cert.fingerprint(hashes.SHA256()).hex()


def test_changed_content_is_rejected(pki):
    good = sign(CONTENT, pki.clerk, pki.intermediate)
    assert "message digest" in reason(good, CONTENT.replace(b"[]", b"[1]"), pki)


def test_a_certificate_from_another_ca_is_rejected(pki):
    other = make_pki()
    assert NO_TRUSTED_PATH.search(
        reason(sign(CONTENT, other.clerk, other.intermediate), CONTENT, pki)
    )


def test_an_expired_clerk_certificate_is_rejected(pki):
    old = make_pki(not_before=NOW - timedelta(days=400), days=30)
    expired = sign(CONTENT, old.clerk, old.intermediate)
    with pytest.raises(SignatureInvalid, match=r"end-entity certificate expired"):
        verify_detached(expired, CONTENT, [old.root], NOW)
    # A good signature, checked after its certificate ran out, is refused as well.
    later = sign(CONTENT, pki.clerk, pki.intermediate)
    assert "expired" in reason(later, CONTENT, pki, at=NOW + timedelta(days=400))


def test_a_chain_without_its_intermediate_is_rejected(pki):
    assert NO_TRUSTED_PATH.search(reason(sign(CONTENT, pki.clerk), CONTENT, pki))


def test_a_clerk_certificate_posing_as_a_ca_is_rejected(pki):
    forged = issue("Forged", issuer=pki.clerk)  # the clerk's key issues a certificate
    with pytest.raises(SignatureInvalid, match="is not a CA"):
        verify_detached(
            sign(CONTENT, forged, pki.clerk, pki.intermediate), CONTENT, [pki.root], NOW
        )


def test_a_tampered_signature_byte_is_rejected(pki):
    good = bytearray(sign(CONTENT, pki.clerk, pki.intermediate))
    good[-20] ^= 0x01  # inside the RSA signature value, the last field of the structure
    assert "signature does not match" in reason(bytes(good), CONTENT, pki)


@pytest.mark.parametrize("junk", [b"", b"not a cms at all", b"\x30\x03\x02\x01\x01", bytes(300)])
def test_bytes_that_are_not_cms_are_rejected(pki, junk):
    assert reason(junk, CONTENT, pki)


def test_an_attached_signature_is_rejected(pki):
    attached = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(CONTENT)
        .add_signer(pki.clerk.cert, pki.clerk.key, hashes.SHA256())  # type: ignore[arg-type]
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    assert "not detached" in reason(attached, CONTENT, pki)


def test_a_gost_signature_is_refused_as_unverifiable_here(pki):
    info = cms.ContentInfo.load(sign(CONTENT, pki.clerk, pki.intermediate))
    signer = info["content"]["signer_infos"][0]
    signer["signature_algorithm"] = {"algorithm": "1.2.398.3.10.1.1.1.2"}  # KZ GOST 34.310
    assert "GOST" in reason(info.dump(force=True), CONTENT, pki)


# ---------------------------------------------------------------- over HTTP


@pytest.fixture(scope="module")
def strict_hub(pki, tmp_path_factory):
    """A real hub process that trusts only the test root."""
    folder = tmp_path_factory.mktemp("strict-hub")
    process = HubProcess(
        sqlite_url(folder / "hub.sqlite3"),
        folder / "blobs",
        committee_token=secrets.token_urlsafe(16),
        trusted_ca=[pki.root_pem(folder / "root.pem")],
    )
    hub = HubUnderTest(process.start(), "sqlite")
    yield hub
    process.stop()


def signed_declaration(pki: Pki, files, **overrides) -> p.DeclareRequest:
    unsigned = declaration(files, metadata={"applicant_idn": "940140000385"}, **overrides)
    cms_der = sign(unsigned.content_to_sign(), pki.clerk, pki.intermediate)
    return unsigned.model_copy(update={"signature": base64.b64encode(cms_der).decode()})


def hub_row(hub: HubUnderTest, request: p.DeclareRequest) -> Package:
    database = Database(hub.db)
    try:
        with database.reading() as session:
            return session.scalars(
                select(Package).where(Package.uuid == request.package_uuid)
            ).one()
    finally:
        database.dispose()


def test_a_strict_hub_accepts_a_signed_package_and_records_the_signer(strict_hub, pki):
    desk = strict_hub.enrol()
    files = scans(1000, 2000)
    request = signed_declaration(pki, files, receipt_no=desk.receipt())
    desk.push(request, files)
    assert desk.declare(request).status_code == 200  # a replay: the same answer
    row = hub_row(strict_hub, request)
    assert row.signature_verified is True
    assert row.signature == base64.b64decode(request.signature or "")
    assert row.signer and "IIN900101300001" in row.signer
    with strict_hub.committee() as committee:  # the committee sees who signed, and that it held
        seen = committee.get(f"/committee/packages/{request.package_uuid}").json()
    assert (seen["signer"], seen["signature_verified"]) == (row.signer, True)
    listed = [line for line in strict_hub.cli("list").splitlines() if request.receipt_no in line]
    assert len(listed) == 1 and " eds-ok " in listed[0]


def test_a_strict_hub_rejects_a_package_changed_after_signing(strict_hub, pki):
    desk = strict_hub.enrol()
    files = scans(1000, 2000)
    signed = signed_declaration(pki, files, receipt_no=desk.receipt())
    swapped = [*signed.manifest[:-1], files[-1].entry().model_copy(update={"size": 2001})]
    tampered = signed.model_copy(
        update={"manifest": swapped, "manifest_hash": p.manifest_hash(swapped)}
    )
    answer = desk.declare(tampered)
    assert answer.status_code == 422, answer.text
    body = p.ApiError.model_validate(answer.json())
    assert body.code == p.ErrorCode.SIGNATURE_INVALID and "message digest" in body.detail
    assert p.handling_for(422, body.code) is p.Handling.PERMANENT
    assert desk.http.get(f"/packages/{signed.package_uuid}").status_code == 404


def test_a_strict_hub_rejects_an_unsigned_package(strict_hub):
    desk = strict_hub.enrol()
    answer = desk.declare(desk.declaration(scans(500)))
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == p.ErrorCode.SIGNATURE_REQUIRED


def test_a_strict_hub_rejects_a_signature_from_an_untrusted_ca(strict_hub):
    desk = strict_hub.enrol()
    answer = desk.declare(signed_declaration(make_pki(), scans(500), receipt_no=desk.receipt()))
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == p.ErrorCode.SIGNATURE_INVALID
    assert NO_TRUSTED_PATH.search(answer.json()["detail"])


def test_a_hub_without_cas_stores_signatures_unchecked(shared_hub, pki):
    desk = shared_hub.enrol()
    files = scans(700)
    signed = signed_declaration(make_pki(), files, receipt_no=desk.receipt())  # untrusted CA
    desk.push(signed, files)
    row = hub_row(shared_hub, signed)
    assert row.signature_verified is False
    assert row.signature == base64.b64decode(signed.signature or "")
    files = scans(300)
    unsigned = desk.declaration(files)
    desk.push(unsigned, files)
    row = hub_row(shared_hub, unsigned)
    assert row.signature is None and row.signer is None and row.signature_verified is False


def test_damaged_signatures_fail_only_as_invalid(pki):
    """Flipped bytes and truncations anywhere: a SignatureInvalid, never another error; a
    flip outside what the signature covers may still verify as the same signer."""
    good = sign(CONTENT, pki.clerk, pki.intermediate)
    rng = random.Random(7)
    damaged = [good[:cut] for cut in rng.sample(range(len(good)), 40)]
    for position in rng.sample(range(len(good)), 300):
        flipped = bytearray(good)
        flipped[position] ^= 1 << rng.randrange(8)
        damaged.append(bytes(flipped))
    for cms_der in damaged:
        try:
            info = verify_detached(cms_der, CONTENT, [pki.root], NOW)
        except SignatureInvalid:
            continue
        assert "Клерк Тестовый" in info.subject
