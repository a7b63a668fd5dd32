"""From a stored package to the printed PDF, read back."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from ozq_desktop import documents
from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.errors import ValidationError
from ozq_desktop.printing import render_receipt
from ozq_desktop.printing.refusal import render_refusal
from ozq_desktop.storage.engine import reading, transaction
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, VALID_IIN, draft_for

CATALOG = load_catalog()
AT = datetime(2026, 11, 25, 11, 0)


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def accept(desk, draft):
    with transaction(desk["factory"]) as s:
        return accept_package(session=s, catalog=CATALOG, draft=draft, clerk=desk["clerk"], at=AT)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_acceptance_receipt_of_a_stored_package(desk, lang):
    draft = draft_for(
        "attestation",
        "legal_entity",
        VALID_BIN,
        ["application", "expert_conclusion", "specialists_and_base"],
    )
    result = accept(desk, draft)
    with reading(desk["factory"]) as s:
        data = documents.receipt_data(session=s, catalog=CATALOG, package_id=result.package_id)
        with pytest.raises(ValidationError):
            documents.refusal_data(session=s, catalog=CATALOG, package_id=result.package_id)
    text = text_of(render_receipt(data, lang))
    assert result.receipt_no in text
    assert "Жұмабаев Нұрлан Серікұлы" in text
    assert VALID_BIN in text
    assert "17.12.2026" in text or ("17" in text and ("желтоқсан" in text or "декабря" in text))
    assert len(data.documents) == 3


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_refusal_receipt_of_a_stored_package_lists_the_missing_document(desk, lang):
    draft = draft_for(
        "declaration-registration",
        "natural_person",
        VALID_IIN,
        ["application", "expert_conclusion"],
    )
    result = accept(desk, draft)
    with reading(desk["factory"]) as s:
        data = documents.refusal_data(session=s, catalog=CATALOG, package_id=result.package_id)
        with pytest.raises(ValidationError):
            documents.receipt_data(session=s, catalog=CATALOG, package_id=result.package_id)
    assert [m[lang] for m in data.missing_documents] == [
        CATALOG.get("declaration-registration").document("declaration").name.get(lang)
    ]
    text = text_of(render_refusal(data, lang))
    assert "1)" in text
    assert "+7 701 111 22 33" in text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_transfer_register_lists_the_days_accepted_packages_only(desk, lang):
    from ozq_desktop.printing import render_transfer

    kept = accept(
        desk,
        draft_for(
            "declaration-registration",
            "legal_entity",
            VALID_BIN,
            ["application", "declaration", "expert_conclusion"],
        ),
    )
    refused = accept(
        desk, draft_for("declaration-registration", "natural_person", VALID_IIN, ["application"])
    )
    with reading(desk["factory"]) as s:
        data = documents.transfer_data(
            session=s, catalog=CATALOG, day=AT.date(), handed_over_by="Жұмабаев Н."
        )
    assert [r.receipt_no for r in data.rows] == [kept.receipt_no]
    assert data.rows[0].documents == 3 and data.rows[0].pages == 9
    text = text_of(render_transfer(data, lang))
    flat = text.replace(" ", "")
    assert kept.receipt_no in flat and refused.receipt_no not in flat
