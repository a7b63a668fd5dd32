from __future__ import annotations

import io
from datetime import datetime

from pypdf import PdfReader

from ozq_desktop.counter import accept_at_counter
from ozq_desktop.domain.checklist import Outcome
from ozq_desktop.models import Package
from ozq_desktop.storage.engine import reading
from ozq_desktop.storage.scans import ScanStore
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, VALID_IIN, draft_for
from tests.signing.pki import clerk_signer

CATALOG = load_catalog()
AT = datetime(2026, 11, 25, 11, 0)


def test_an_accepted_package_carries_its_annex1_application(desk, tmp_path):
    store = ScanStore(tmp_path / "scans")
    draft = draft_for(
        "attestation",
        "legal_entity",
        VALID_BIN,
        ["application", "expert_conclusion", "specialists_and_base"],
    )
    draft.documents["application"].scans = []  # the clerk attached nothing for the application
    draft.annex1 = {"industry_sector": "мұнай-газ өнеркәсібі", "activity_kind": "сараптама"}
    result = accept_at_counter(
        factory=desk["factory"],
        catalog=CATALOG,
        store=store,
        draft=draft,
        clerk=desk["clerk"],
        at=AT,
        lang="kk",
        signer=clerk_signer(),
    )
    assert result.outcome is Outcome.ACCEPT
    with reading(desk["factory"]) as s:
        files = s.get(Package, result.package_id).files
    (app,) = [f for f in files if f.document_code == "application"]
    assert app.name == "application.1.annex1-application-kk.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(store.read(app.sha256))).pages)
    assert "мұнай-газ өнеркәсібі" in " ".join(text.split())
    assert "72-бабын" in text


def test_a_refused_package_gets_no_generated_application(desk, tmp_path):
    store = ScanStore(tmp_path / "scans")
    draft = draft_for("declaration-registration", "natural_person", VALID_IIN, ["application"])
    result = accept_at_counter(
        factory=desk["factory"],
        catalog=CATALOG,
        store=store,
        draft=draft,
        clerk=desk["clerk"],
        at=AT,
    )
    assert result.outcome is Outcome.REFUSE
    assert not list(store.root.rglob("*.pdf")) and not [
        p for p in store.root.rglob("*") if p.is_file()
    ]
