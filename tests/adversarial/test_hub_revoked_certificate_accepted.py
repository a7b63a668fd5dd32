"""Issue 12, finding 10: the hub checked a clerk's certificate chain with hand-written code
and no revocation at all. Now pyhanko-certvalidator checks the path, and the CRLs an operator
keeps in files: a certificate revoked in its CA's CRL is refused, with the reason."""

from __future__ import annotations

import base64
import secrets

from cryptography.hazmat.primitives import serialization

from ozq_hub.db import sqlite_url
from ozq_hub.devtools import HubProcess
from ozq_wire import protocol as p
from tests.hub.helpers import HubUnderTest, scans
from tests.hub.test_signatures import sign
from tests.signing.pki import issue, make_pki, revoke


def test_a_package_signed_with_a_revoked_certificate_is_refused(tmp_path):
    pki = make_pki()
    fired = issue("Клерк Уволенный", issuer=pki.intermediate, serial="IIN850505300002")
    crl_file = tmp_path / "nca.crl"
    crl_file.write_bytes(revoke(pki.intermediate).public_bytes(serialization.Encoding.PEM))
    root_crl = tmp_path / "root.crl"
    root_crl.write_bytes(revoke(pki.root).public_bytes(serialization.Encoding.DER))
    process = HubProcess(
        sqlite_url(tmp_path / "hub.sqlite3"),
        tmp_path / "blobs",
        committee_token=secrets.token_urlsafe(16),
        trusted_ca=[pki.root_pem(tmp_path / "root.pem")],
        extra_args=["--crl", str(crl_file), "--crl", str(root_crl)],
    )
    hub = HubUnderTest(process.start(), "sqlite")
    try:
        desk = hub.enrol()

        def signed_by(signer):
            unsigned = desk.declaration(scans(300), metadata={"applicant_idn": "940140000385"})
            cms_der = sign(unsigned.content_to_sign(), signer, pki.intermediate)
            return unsigned.model_copy(update={"signature": base64.b64encode(cms_der).decode()})

        assert desk.declare(signed_by(fired)).status_code == 200  # not revoked yet
        # The CA revokes the certificate; the operator drops the new CRL in place.
        crl_file.write_bytes(
            revoke(pki.intermediate, fired).public_bytes(serialization.Encoding.PEM)
        )
        answer = desk.declare(signed_by(fired))
        assert answer.status_code == 422, answer.text
        body = p.ApiError.model_validate(answer.json())
        assert body.code == p.ErrorCode.SIGNATURE_INVALID
        assert "revoked" in body.detail
        assert desk.declare(signed_by(pki.clerk)).status_code == 200  # others still sign
    finally:
        process.stop()


def test_an_out_of_date_crl_refuses_rather_than_trusts(tmp_path):
    pki = make_pki()
    stale = tmp_path / "nca.crl"
    stale.write_bytes(
        revoke(pki.intermediate, next_update_days=-1).public_bytes(serialization.Encoding.PEM)
    )
    root_crl = tmp_path / "root.crl"
    root_crl.write_bytes(revoke(pki.root).public_bytes(serialization.Encoding.PEM))
    process = HubProcess(
        sqlite_url(tmp_path / "hub.sqlite3"),
        tmp_path / "blobs",
        trusted_ca=[pki.root_pem(tmp_path / "root.pem")],
        extra_args=["--crl", str(stale), "--crl", str(root_crl)],
    )
    hub = HubUnderTest(process.start(), "sqlite")
    try:
        desk = hub.enrol()
        unsigned = desk.declaration(scans(300), metadata={"applicant_idn": "940140000385"})
        cms_der = sign(unsigned.content_to_sign(), pki.clerk, pki.intermediate)
        request = unsigned.model_copy(update={"signature": base64.b64encode(cms_der).decode()})
        answer = desk.declare(request)
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == p.ErrorCode.SIGNATURE_INVALID
    finally:
        process.stop()
