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
from tests.signing.pki import sign_draft

CATALOG = load_catalog()
AT = datetime(2026, 11, 25, 11, 0)


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def accept(desk, draft):
    with transaction(desk["factory"]) as s:
        return accept_package(
            session=s,
            catalog=CATALOG,
            draft=draft,
            clerk=desk["clerk"],
            at=AT,
            signature=sign_draft(draft),
        )


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


def test_service_3_receipt_promises_the_legal_end_of_the_term(desk):
    draft = draft_for(
        "declaration-registration",
        "natural_person",
        VALID_IIN,
        ["application", "declaration", "expert_conclusion"],
    )
    result = accept(desk, draft)  # due to the committee on 3 Dec, legally by 4 Dec 2026
    with reading(desk["factory"]) as s:
        data = documents.receipt_data(session=s, catalog=CATALOG, package_id=result.package_id)
    kk, ru = (text_of(render_receipt(data, lang)) for lang in ("kk", "ru"))
    assert "Күні: 2026 жылғы 4 желтоқсан" in kk and "Дата: 4 декабря 2026 г." in ru
    assert "3 желтоқсан" not in kk
    # service 3's own wording of item 4
    assert "4. Мемлекеттік көрсетілетін қызметті алу күні (уақыты) мен құжаттарды беру орны:" in kk


def test_the_refusal_names_an_expired_conclusion_with_its_expiry_date(desk):
    from datetime import date

    draft = draft_for(
        "declaration-registration",
        "legal_entity",
        VALID_BIN,
        ["application", "declaration", "expert_conclusion"],
        expertise_date=date(2026, 8, 1),
    )
    result = accept(desk, draft)
    with reading(desk["factory"]) as s:
        data = documents.refusal_data(session=s, catalog=CATALOG, package_id=result.package_id)
    kk, ru = (text_of(render_refusal(data, lang)) for lang in ("kk", "ru"))
    assert "01.08.2026 сараптама қорытындысының қолданылу мерзімі 01.11.2026 өтті" in kk
    assert "срок действия заключения экспертизы от 01.08.2026 истёк 01.11.2026" in ru
    for text in (kk, ru):  # both copies tell the applicant where to complain
        assert text.count("1414") == 4


def test_a_home_visit_receipt_prints_its_reason(desk):
    from ozq_desktop.domain.drafts import Place

    draft = draft_for(
        "declaration-registration",
        "natural_person",
        VALID_IIN,
        ["application", "declaration", "expert_conclusion"],
    )
    draft.place = Place.HOME_VISIT
    draft.visit_address = "Алматы, Сатпаева 5, кв. 3"
    draft.visit_reason = "денсаулығына байланысты"
    result = accept(desk, draft)
    with reading(desk["factory"]) as s:
        data = documents.receipt_data(session=s, catalog=CATALOG, package_id=result.package_id)
    assert "себебі: денсаулығына байланысты" in text_of(render_receipt(data, "kk"))


def test_the_russian_receipt_prints_the_branch_in_russian(desk):
    draft = draft_for(
        "attestation",
        "legal_entity",
        VALID_BIN,
        ["application", "expert_conclusion", "specialists_and_base"],
    )
    result = accept(desk, draft)
    with reading(desk["factory"]) as s:
        data = documents.receipt_data(session=s, catalog=CATALOG, package_id=result.package_id)
    ru, kk = text_of(render_receipt(data, "ru")), text_of(render_receipt(data, "kk"))
    assert "Филиал «Правительство для граждан», Алматы" in ru
    assert "г. Алматы, пр. Абая, 10" in ru and "Алматы қ., Абай даңғ., 10" not in ru
    assert "«Азаматтарға арналған үкімет» филиалы, Алматы" in kk


def test_every_document_of_a_training_package_is_marked_not_valid(desk):
    from ozq_desktop.domain import accounts
    from ozq_desktop.printing import render_annex1

    with transaction(desk["factory"]) as s:
        accounts.set_training(session=s, actor=desk["supervisor"], on=True)
    draft = draft_for(
        "attestation",
        "legal_entity",
        VALID_BIN,
        ["application", "expert_conclusion", "specialists_and_base"],
    )
    accepted = accept(desk, draft)
    refused = accept(desk, draft_for("attestation", "legal_entity", VALID_BIN, ["application"]))
    with reading(desk["factory"]) as s:
        pdfs = [
            render_receipt(
                documents.receipt_data(session=s, catalog=CATALOG, package_id=accepted.package_id),
                lang,
            )
            for lang in ("kk", "ru")
        ]
        pdfs += [
            render_annex1(
                documents.annex1_data(session=s, catalog=CATALOG, package_id=accepted.package_id),
                "kk",
            ),
            render_refusal(
                documents.refusal_data(session=s, catalog=CATALOG, package_id=refused.package_id),
                "ru",
            ),
        ]
    marks = [
        "ОҚУ РЕЖИМІ — ЖАРАМСЫЗ",
        "УЧЕБНЫЙ РЕЖИМ — НЕДЕЙСТВИТЕЛЬНО",
        "ОҚУ РЕЖИМІ — ЖАРАМСЫЗ",
        "УЧЕБНЫЙ РЕЖИМ — НЕДЕЙСТВИТЕЛЬНО",
    ]
    for pdf, mark in zip(pdfs, marks, strict=True):
        for page in PdfReader(io.BytesIO(pdf)).pages:
            assert mark in " ".join((page.extract_text() or "").split())


def test_the_committees_reasons_print_in_the_documents_language(desk):
    from ozq_desktop.domain import handover
    from ozq_desktop.domain.accounts import HUB
    from ozq_desktop.printing import render_handover

    draft = draft_for(
        "attestation",
        "legal_entity",
        VALID_BIN,
        ["application", "expert_conclusion", "specialists_and_base"],
    )
    result = accept(desk, draft)
    with transaction(desk["factory"]) as s:
        handover.apply_decision(
            session=s,
            package_id=result.package_id,
            actor=HUB,
            decision=handover.DecisionData(
                version=1,
                granted=False,
                reason="Ұйым талаптарға сәйкес келмейді\n\nОрганизация не соответствует требованиям",
                reason_kk="Ұйым талаптарға сәйкес келмейді",
                reason_ru="Организация не соответствует требованиям",
            ),
        )
        handover.hand_over(
            session=s,
            clerk=desk["clerk"],
            package_id=result.package_id,
            recipient=handover.Recipient(full_name="Ахметов Болат"),
            at=datetime(2026, 12, 18, 10, 0),
        )
    with reading(desk["factory"]) as s:
        data = documents.handover_data(session=s, catalog=CATALOG, package_id=result.package_id)
    kk, ru = (text_of(render_handover(data, lang)) for lang in ("kk", "ru"))
    assert "1) Ұйым талаптарға сәйкес келмейді" in kk and "Организация" not in kk
    assert "1) Организация не соответствует требованиям" in ru and "Ұйым" not in ru


def test_the_desk_keeps_both_languages_reasons_when_the_hub_sends_them():
    """The hub's decision may carry the reason in each language (`reason_kk`, `reason_ru`);
    a hub that sends only `reason` leaves them empty and the desk prints `reason`."""
    import uuid
    from datetime import UTC

    from ozq_desktop.sync.pull import _decision
    from ozq_wire import protocol as p

    older = p.Decision(
        package_uuid=uuid.uuid4(),
        receipt_no="ALA01-D1-0000001",
        version=1,
        outcome=p.Outcome.REFUSED,
        reason="Себебі / Причина",
        decided_at=datetime(2026, 12, 1, 10, tzinfo=UTC),
    )
    assert (_decision(older).reason_kk, _decision(older).reason_ru) == (None, None)
    wire = older.model_dump() | {"reason_kk": "Себебі", "reason_ru": "Причина"}
    newer = type("Decision", (), {**wire, "outcome": older.outcome, "kind": None})
    data = _decision(newer)
    assert (data.reason, data.reason_kk, data.reason_ru) == (
        "Себебі / Причина",
        "Себебі",
        "Причина",
    )
