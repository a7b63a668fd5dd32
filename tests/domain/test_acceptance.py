from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from ozq_desktop.domain import acceptance, audit, drafts, packages
from ozq_desktop.domain.checklist import Outcome, conclusion_valid_until
from ozq_desktop.errors import AuthorizationError, ValidationError
from ozq_desktop.models import AuditRow, Draft, OutboxItem, Package
from ozq_desktop.storage.engine import reading, transaction
from ozq_wire.catalog import Catalog, load_catalog
from tests.domain.helpers import VALID_BIN, VALID_IIN, draft_for, non_resident_bin
from tests.signing.pki import sign_draft

AT = datetime(2026, 11, 25, 11, 30)  # a Wednesday
CATALOG = load_catalog()


def accept(desk, draft, at=AT, clerk=None):
    with transaction(desk["factory"]) as s:
        return acceptance.accept_package(
            session=s,
            catalog=CATALOG,
            draft=draft,
            clerk=clerk or desk["clerk"],
            at=at,
            signature=sign_draft(draft),
        )


def counts(desk):
    with reading(desk["factory"]) as s:
        return tuple(s.scalar(select(func.count()).select_from(t)) for t in (Package, OutboxItem))


def test_service_1_complete_package_is_accepted_queued_and_audited(desk):
    draft = draft_for(
        "attestation",
        "legal_entity",
        VALID_BIN,
        ["application", "expert_conclusion", "specialists_and_base"],
    )
    draft.annex1 = {"industry_sector": "мұнай-газ", "activity_kind": "сараптама"}
    with transaction(desk["factory"]) as s:
        drafts.save_draft(session=s, actor=desk["clerk"], draft=draft)
    result = accept(desk, draft)
    assert result.outcome is Outcome.ACCEPT
    assert result.receipt_no == "ALA01-D1-0000001"
    assert [d.code for d in result.presented] == [
        "application",
        "expert_conclusion",
        "specialists_and_base",
    ]
    # 15 working days counted from Thu 26 Nov 2026; 16 Dec (Independence Day) is a day off.
    assert result.result_date == date(2026, 12, 17)
    with reading(desk["factory"]) as s:
        pkg = packages.by_receipt(session=s, receipt_no=result.receipt_no)
        assert pkg.status == "queued"
        assert pkg.service_seconds == 90 * 60
        assert len(pkg.documents) == 3 and all(d.presented for d in pkg.documents)
        assert len(pkg.files) == 3 and len(pkg.manifest_hash) == 64
        assert (
            s.scalar(select(OutboxItem.state).where(OutboxItem.package_id == pkg.id)) == "pending"
        )
        assert s.scalar(select(func.count()).select_from(Draft)) == 0
        row = s.scalars(select(AuditRow).where(AuditRow.object_id == pkg.id)).one()
        assert row.action == "package_accepted" and row.details["receipt_no"] == result.receipt_no
        assert audit.verify_chain(session=s) is None


def test_service_2_sends_non_residents_to_the_committee(desk):
    """Service 2, §9: a non-resident legal entity hands its documents to the authorised body,
    not to the service centre: the counter takes nothing, by type or by a non-resident BIN."""
    codes = ["application", "expert_conclusion"]
    for kind, idn in (
        ("non_resident_legal_entity", non_resident_bin()),
        ("non_resident_legal_entity", ""),
        ("legal_entity", non_resident_bin()),
    ):
        draft = draft_for("technology-permit", kind, idn, codes)
        with pytest.raises(ValidationError) as err:
            accept(desk, draft)
        assert "комитеттің өзіне" in err.value.message("kk")
        assert "в сам комитет" in err.value.message("ru")
    assert counts(desk) == (0, 0)


def test_service_2_legal_entity_complete(desk):
    draft = draft_for(
        "technology-permit", "legal_entity", VALID_BIN, ["application", "expert_conclusion"]
    )
    result = accept(desk, draft)
    assert result.outcome is Outcome.ACCEPT
    # 15 calendar days from 26 Nov end on Thu 10 Dec 2026, a working day.
    assert result.result_date == result.promised_date == date(2026, 12, 10)


def counter_non_residents() -> Catalog:
    """The catalog with service 2 taking non-residents at the counter, as a standard might."""
    services = [
        s.model_copy(update={"provider_only": []}) if s.id == "technology-permit" else s
        for s in CATALOG
    ]
    return Catalog(tuple(services))


def test_a_non_resident_without_a_bin_gives_its_foreign_registration(desk):
    catalog = counter_non_residents()
    draft = draft_for(
        "technology-permit", "non_resident_legal_entity", "", ["application", "expert_conclusion"]
    )
    draft.applicant.name = "Steppe Energy GmbH"
    with pytest.raises(ValidationError) as err, transaction(desk["factory"]) as s:
        acceptance.accept_package(
            session=s,
            catalog=catalog,
            draft=draft,
            clerk=desk["clerk"],
            at=AT,
            signature=sign_draft(draft),
        )
    assert "foreign registration number" in err.value.msgid
    draft.applicant.foreign_reg_no, draft.applicant.country = "HRB 123456", "Германия"
    with transaction(desk["factory"]) as s:
        result = acceptance.accept_package(
            session=s,
            catalog=catalog,
            draft=draft,
            clerk=desk["clerk"],
            at=AT,
            signature=sign_draft(draft),
        )
    with reading(desk["factory"]) as s:
        pkg = packages.by_receipt(session=s, receipt_no=result.receipt_no)
        assert (pkg.applicant_foreign_reg_no, pkg.applicant_country) == ("HRB 123456", "Германия")
        assert [p.receipt_no for p in packages.search(session=s, text="hrb 1234")] == [
            result.receipt_no
        ]


def test_service_3_without_declaration_is_refused_listing_it(desk):
    draft = draft_for(
        "declaration-registration",
        "natural_person",
        VALID_IIN,
        ["application", "expert_conclusion"],
    )
    result = accept(desk, draft)
    assert result.outcome is Outcome.REFUSE
    assert [d.code for d in result.missing] == ["declaration"]
    assert result.result_date is None
    with reading(desk["factory"]) as s:
        pkg = packages.by_receipt(session=s, receipt_no=result.receipt_no)
        assert pkg.status == "refused_at_counter"
        assert pkg.missing_documents == ["declaration"]
        assert [d.code for d in pkg.documents if not d.presented] == ["declaration"]
    assert counts(desk) == (1, 0)


def test_refusal_does_not_need_consent_but_acceptance_does(desk):
    refused = draft_for(
        "declaration-registration", "legal_entity", VALID_BIN, ["application"], consent=False
    )
    assert accept(desk, refused).outcome is Outcome.REFUSE
    complete = draft_for(
        "declaration-registration",
        "legal_entity",
        VALID_BIN,
        ["application", "declaration", "expert_conclusion"],
        consent=False,
    )
    with pytest.raises(ValidationError) as err:
        accept(desk, complete)
    assert "келісім" in err.value.message("kk")
    assert counts(desk) == (1, 0)


@pytest.mark.parametrize(
    ("applicant_type", "idn", "msgid"),
    [
        ("legal_entity", "900101300012", "Invalid"),
        ("legal_entity", VALID_IIN, "A BIN is needed for a legal entity."),
        ("natural_person", VALID_BIN, "An IIN is needed for a natural person."),
        ("", VALID_BIN, "Choose the applicant type."),
    ],
)
def test_bad_applicant_blocks_acceptance_and_writes_nothing(desk, applicant_type, idn, msgid):
    draft = draft_for(
        "declaration-registration",
        applicant_type,
        idn,
        ["application", "declaration", "expert_conclusion"],
    )
    with pytest.raises(ValidationError) as err:
        accept(desk, draft)
    if msgid != "Invalid":
        assert err.value.msgid == msgid
    assert counts(desk) == (0, 0)


def test_service_1_does_not_admit_natural_persons(desk):
    draft = draft_for("attestation", "natural_person", VALID_IIN, ["application"])
    with pytest.raises(ValidationError):
        accept(desk, draft)


def test_an_expired_conclusion_is_a_missing_document(desk):
    old = date(2026, 8, 24)
    assert conclusion_valid_until(old) == date(2026, 11, 24)
    codes = ["application", "declaration", "expert_conclusion"]
    draft = draft_for(
        "declaration-registration", "legal_entity", VALID_BIN, codes, expertise_date=old
    )
    refused = accept(desk, draft)  # no choice to make: the seed's three months decide
    assert refused.outcome is Outcome.REFUSE
    assert [d.code for d in refused.missing] == ["expert_conclusion"]
    with reading(desk["factory"]) as s:
        pkg = packages.by_receipt(session=s, receipt_no=refused.receipt_no)
        doc = next(d for d in pkg.documents if d.code == "expert_conclusion")
        assert (doc.presented, doc.expertise_date) == (False, old)
        assert doc.expired_choice == "treat_as_missing"
        assert pkg.missing_documents == ["expert_conclusion"]


def test_a_draft_saved_with_accept_anyway_is_still_refused(desk):
    """Drafts from before the rule carry an "accept anyway" choice: it is dropped on load."""
    codes = ["application", "declaration", "expert_conclusion"]
    draft = draft_for(
        "declaration-registration",
        "legal_entity",
        VALID_BIN,
        codes,
        expertise_date=date(2026, 8, 1),
    )
    data = draft.to_dict()
    data["documents"]["expert_conclusion"]["expired_choice"] = "accept_anyway"
    loaded = drafts.PackageDraft.from_dict(data)
    assert accept(desk, loaded).outcome is Outcome.REFUSE


def test_a_conclusion_on_its_last_valid_day_is_not_expired(desk):
    draft = draft_for(
        "declaration-registration",
        "legal_entity",
        VALID_BIN,
        ["application", "declaration", "expert_conclusion"],
        expertise_date=date(2026, 8, 25),
    )
    assert accept(desk, draft).outcome is Outcome.ACCEPT


def test_home_visit_needs_its_address_and_is_stored(desk):
    draft = draft_for(
        "declaration-registration",
        "natural_person",
        VALID_IIN,
        ["application", "declaration", "expert_conclusion"],
    )
    draft.place = drafts.Place.HOME_VISIT
    with pytest.raises(ValidationError) as err:
        accept(desk, draft)
    assert err.value.msgid == "Enter the address of the home visit."
    draft.visit_address = "Алматы, Сатпаева 5, кв. 3"
    with pytest.raises(ValidationError) as err:
        accept(desk, draft)  # seed §13: the visit is for a reason (health): it is required
    assert err.value.msgid == "Enter the reason for the home visit."
    draft.visit_reason = "денсаулығына байланысты"
    result = accept(desk, draft)
    with reading(desk["factory"]) as s:
        pkg = packages.by_receipt(session=s, receipt_no=result.receipt_no)
        assert (pkg.place, pkg.visit_address) == ("home_visit", "Алматы, Сатпаева 5, кв. 3")
        assert pkg.visit_reason == "денсаулығына байланысты"


def test_representative_must_have_valid_iin_and_power_of_attorney(desk):
    draft = draft_for(
        "declaration-registration",
        "legal_entity",
        VALID_BIN,
        ["application", "declaration", "expert_conclusion"],
    )
    draft.representative = drafts.Representative(full_name="Ахметов Болат", iin=VALID_IIN)
    with pytest.raises(ValidationError) as err:
        accept(desk, draft)
    assert err.value.msgid == "Enter the number and date of the power of attorney."
    draft.representative.poa_number, draft.representative.poa_date = "17", date(2026, 11, 1)
    result = accept(desk, draft)
    with reading(desk["factory"]) as s:
        rep = packages.by_receipt(session=s, receipt_no=result.receipt_no).representative
    assert rep == {
        "full_name": "Ахметов Болат",
        "iin": VALID_IIN,
        "poa_number": "17",
        "poa_date": "2026-11-01",
    }


def test_deactivated_user_cannot_accept(desk):
    clerk = desk["clerk"]
    clerk.is_active = False
    draft = draft_for("declaration-registration", "legal_entity", VALID_BIN, ["application"])
    with pytest.raises(AuthorizationError):
        accept(desk, draft, clerk=clerk)


def test_search_by_receipt_idn_and_name(desk):
    a = accept(
        desk,
        draft_for(
            "declaration-registration",
            "legal_entity",
            VALID_BIN,
            ["application", "declaration", "expert_conclusion"],
        ),
    )
    b_draft = draft_for("declaration-registration", "natural_person", VALID_IIN, ["application"])
    b_draft.applicant.name = "Әбілқасымова Гүлнар"
    accept(desk, b_draft)
    with reading(desk["factory"]) as s:
        assert [p.receipt_no for p in packages.search(session=s, text=a.receipt_no.lower())] == [
            a.receipt_no
        ]
        assert [p.applicant_idn for p in packages.search(session=s, text=VALID_IIN)] == [VALID_IIN]
        assert [p.applicant_name for p in packages.search(session=s, text="әбілқ")] == [
            "Әбілқасымова Гүлнар"
        ]
        assert packages.search(session=s, text="ALA01-D1-9999999") == []
        day = packages.day_listing(session=s, day=AT.date(), clerk_id=desk["clerk"].id)
        assert len(day) == 2


def test_drafts_round_trip_through_the_database(desk):
    draft = draft_for(
        "attestation", "legal_entity", VALID_BIN, ["application", "expert_conclusion"]
    )
    draft.representative = drafts.Representative("Rep", VALID_IIN, "5", date(2026, 1, 2))
    draft.page = 3
    with transaction(desk["factory"]) as s:
        drafts.save_draft(session=s, actor=desk["clerk"], draft=draft)
    with reading(desk["factory"]) as s:
        (loaded,) = drafts.drafts_of(session=s, user_id=desk["clerk"].id)
        assert drafts.drafts_of(session=s, user_id=desk["supervisor"].id) == []
    assert loaded == draft
