"""The whole EDS path: the clerk's PKCS#12 key signs the package at the counter, the desk
pushes it, and a real hub process that trusts the test CA verifies it (seed: applications are
certified by the clerk's EDS). A damaged signature waits in "needs attention"."""

from __future__ import annotations

import json
import random
import secrets
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from ozq_desktop.counter import accept_at_counter
from ozq_desktop.domain.checklist import Outcome
from ozq_desktop.domain.drafts import ScanDraft
from ozq_desktop.errors import ValidationError
from ozq_desktop.models import AuditRow, OutboxItem, Package
from ozq_desktop.signing import Signature, SigningError
from ozq_desktop.signing.pkcs12 import Pkcs12Signer
from ozq_desktop.storage.engine import reading, transaction
from ozq_desktop.sync import push
from ozq_hub.db import Database, sqlite_url
from ozq_hub.devtools import HubProcess
from ozq_hub.models import Package as HubPackage
from ozq_hub.service.signatures import verify_detached
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, draft_for
from tests.signing.pki import make_pki
from tests.sync.conftest import Hub

CATALOG = load_catalog()
CODES = ["application", "declaration", "expert_conclusion"]


@pytest.fixture(scope="module")
def pki():
    return make_pki("Сейітова Әлия")


@pytest.fixture
def hub(tmp_path, pki):
    """Overrides the plain hub: this one trusts the test root and wants every package signed."""
    folder = tmp_path / "hub"
    folder.mkdir()
    process = HubProcess(
        sqlite_url(folder / "hub.sqlite3"),
        folder / "blobs",
        committee_token=secrets.token_urlsafe(16),
        trusted_ca=[pki.root_pem(folder / "root.pem")],
    ).start()
    h = Hub(process, folder)
    yield h
    h.process.stop()


@pytest.fixture
def signer(pki, tmp_path) -> Pkcs12Signer:
    return Pkcs12Signer.from_file(pki.pkcs12(tmp_path / "clerk.p12", "кілт-123"), "кілт-123")


class CountingSigner:
    """The real signer, counting how often the clerk was asked to sign."""

    def __init__(self, inner: Pkcs12Signer) -> None:
        self.inner, self.calls = inner, 0

    def sign(self, content: bytes) -> Signature:
        self.calls += 1
        return self.inner.sign(content)


class CancelledSigner:
    """What NCALayer answers when the clerk closes its dialog."""

    def sign(self, content: bytes) -> Signature:
        raise SigningError("The key file's password is wrong.")


def draft_with_scans(store, codes=CODES, seed=0):
    rng = random.Random(seed)
    draft = draft_for("declaration-registration", "legal_entity", VALID_BIN, codes)
    for code in codes:
        ref = store.add_bytes(b"%PDF-1.4\n" + rng.randbytes(5000) + b"\n%%EOF\n", f"{code}.pdf")
        draft.documents[code].scans = [ScanDraft(ref.sha256, ref.size, ref.mime, ref.name)]
    return draft


def accept(desk, store, signer, draft=None):
    return accept_at_counter(
        factory=desk["factory"],
        catalog=CATALOG,
        store=store,
        draft=draft or draft_with_scans(store),
        clerk=desk["clerk"],
        at=datetime.now().replace(microsecond=0),
        lang="kk",
        signer=signer,
    )


def hub_row(hub: Hub, package_id: str) -> HubPackage:
    database = Database(hub.process.database_url)
    try:
        with database.reading() as session:
            rows = session.scalars(select(HubPackage)).all()
            return next(r for r in rows if str(r.uuid) == package_id)
    finally:
        database.dispose()


def test_a_signed_package_travels_to_a_strict_hub_and_is_verified(
    desk, scan_store, enrolled, hub, signer
):
    result = accept(desk, scan_store, signer)
    assert result.outcome is Outcome.ACCEPT
    with reading(desk["factory"]) as s:
        package = s.get(Package, result.package_id)
        assert package.signature and package.signer == "Сейітова Әлия, IIN900101300001"
        (row,) = s.scalars(select(AuditRow).where(AuditRow.object_id == result.package_id)).all()
        assert row.action == "package_accepted" and row.details["signer"] == package.signer
    report = enrolled.run_once()
    assert report.pushed == 1 and report.failed == 0, report
    with reading(desk["factory"]) as s:
        assert s.get(Package, result.package_id).status == "received"
    on_hub = hub_row(hub, result.package_id)
    assert on_hub.signature_verified is True
    assert on_hub.signature == package.signature
    assert on_hub.signer and "CN=Сейітова Әлия" in on_hub.signer


def test_a_corrupted_signature_waits_in_needs_attention(desk, scan_store, enrolled, hub, signer):
    result = accept(desk, scan_store, signer)
    with transaction(desk["factory"]) as s:
        package = s.get(Package, result.package_id)
        damaged = bytearray(package.signature)
        damaged[-20] ^= 0xFF  # inside the RSA signature value
        package.signature = bytes(damaged)
    first = enrolled.run_once()
    assert first.pushed == 0 and first.failed == 1, first
    with reading(desk["factory"]) as s:
        [(receipt, package_id, reason)] = push.needs_attention(session=s)
        assert (receipt, package_id) == (result.receipt_no, result.package_id)
        assert "signature_invalid" in reason and "signature does not match" in reason
        attempts = s.scalars(select(OutboxItem.attempts)).one()
    again = enrolled.run_once()  # not retried on its own
    assert again.pushed == again.failed == 0
    with reading(desk["factory"]) as s:
        assert s.scalars(select(OutboxItem.attempts)).one() == attempts
        assert s.get(Package, result.package_id) is not None  # never deleted
        assert s.get(Package, result.package_id).status != "received"


def test_the_desk_does_not_accept_without_the_clerks_eds(desk, scan_store):
    with pytest.raises(ValidationError) as err:
        accept(desk, scan_store, signer=None)
    assert "ЭЦҚ" in err.value.message("kk")
    with reading(desk["factory"]) as s:
        assert s.scalars(select(Package)).all() == []


def test_an_unsigned_package_is_refused_by_a_strict_hub(desk, scan_store, signer, enrolled):
    """A package without a signature (from a desk older than the rule, or tampered with)."""
    result = accept(desk, scan_store, signer)
    with transaction(desk["factory"]) as s:
        s.get(Package, result.package_id).signature = None
    report = enrolled.run_once()
    assert report.failed == 1
    with reading(desk["factory"]) as s:
        [(_, _, reason)] = push.needs_attention(session=s)
    assert "signature_required" in reason


def test_a_refusal_is_not_signed(desk, scan_store, signer):
    counting = CountingSigner(signer)
    draft = draft_with_scans(scan_store, codes=["application"])
    result = accept(desk, scan_store, counting, draft)
    assert result.outcome is Outcome.REFUSE and counting.calls == 0
    with reading(desk["factory"]) as s:
        package = s.get(Package, result.package_id)
        assert package.signature is None and package.signer is None


def test_the_signature_covers_what_the_desk_declares(desk, scan_store, signer, pki):
    """The desk signs before the transaction; the content it signed is the one the hub
    recomputes from the declaration it sends."""
    result = accept(desk, scan_store, signer)
    with reading(desk["factory"]) as s:
        package = s.get(Package, result.package_id)
        request = push.declaration(package, desk["clerk"], [])
    content = json.loads(request.content_to_sign())
    assert content["package_uuid"] == result.package_id
    assert content["applicant_idn"] == VALID_BIN
    assert {e["name"] for e in content["manifest"]} == {f.name for f in package.files}
    now = datetime.now(UTC)
    verify_detached(package.signature, request.content_to_sign(), [pki.root.cert], now)


def test_a_signing_failure_writes_nothing(desk, scan_store):
    draft = draft_with_scans(scan_store)
    with pytest.raises(SigningError):
        accept(desk, scan_store, CancelledSigner(), draft)
    with reading(desk["factory"]) as s:
        assert s.get(Package, draft.id) is None
        assert s.scalars(select(OutboxItem)).all() == []
