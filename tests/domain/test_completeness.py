"""What makes a package complete (checklist.assess, acceptance.review), what acceptance needs
(the clerk's EDS, or training mode) and what it writes (receipt numbers, dates, the outbox)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from ozq_desktop.domain import acceptance, accounts, packages, registers
from ozq_desktop.domain.acceptance import NO_SIGNING_KEY, review
from ozq_desktop.domain.checklist import Outcome, assess
from ozq_desktop.domain.deadlines import deadline_counts
from ozq_desktop.domain.profiles import branch_profile
from ozq_desktop.errors import ValidationError
from ozq_desktop.models import OutboxItem, Package
from ozq_desktop.storage.engine import reading, transaction
from ozq_wire.calendar import WorkingCalendar
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, VALID_IIN, draft_for, scan
from tests.signing.pki import sign_draft

CATALOG = load_catalog()
AT = datetime(2026, 11, 25, 11, 30)  # a Wednesday
S1 = ["application", "expert_conclusion", "specialists_and_base"]
S3 = ["application", "declaration", "expert_conclusion"]


def s1_draft():
    draft = draft_for("attestation", "legal_entity", VALID_BIN, S1)
    draft.annex1 = {"industry_sector": "мұнай-газ", "activity_kind": "сараптама"}
    return draft


def problems(draft, **options) -> list[str]:
    return [p.msgid for p in review(CATALOG, draft, AT, **options).problems]


def accept(desk, draft, signature=True):
    with transaction(desk["factory"]) as s:
        return acceptance.accept_package(
            session=s,
            catalog=CATALOG,
            draft=draft,
            clerk=desk["clerk"],
            at=AT,
            signature=sign_draft(draft) if signature else None,
        )


# --- sheets and files -------------------------------------------------------------------------


def test_a_presented_document_with_no_sheets_and_no_file_blocks_acceptance():
    draft = s1_draft()
    staff = draft.documents["specialists_and_base"]
    staff.scans, staff.pages = [], 0
    found = review(CATALOG, draft, AT, can_sign=True)
    assert found.decision.outcome is Outcome.ACCEPT
    assert [p.msgid for p in found.problems] == [
        "Attach the file of «{document}»: the standard asks for it in electronic form.",
        "Enter the number of sheets of «{document}».",
    ]
    assert "Сведения в форме электронного документа" in found.problem.message("ru")


def test_a_refusal_sets_aside_what_only_acceptance_needs_and_still_names_it():
    draft = s1_draft()
    del draft.documents["expert_conclusion"]  # missing: the package is refused
    staff = draft.documents["specialists_and_base"]
    staff.scans, staff.pages = [], 0
    decision = review(CATALOG, draft, AT, can_sign=True).decision
    assert decision.outcome is Outcome.REFUSE
    assert decision.problems == []  # a file and a sheet count do not stop a refusal
    assert decision.notes("specialists_and_base") == ["no file attached", "no number of sheets"]
    assert decision.notes("application") == []


def test_a_document_the_standard_wants_electronic_needs_its_file_even_with_sheets_typed():
    draft = s1_draft()
    draft.documents["expert_conclusion"].scans = []
    draft.documents["expert_conclusion"].pages = 40
    assert problems(draft, can_sign=True) == [
        "Attach the file of «{document}»: the standard asks for it in electronic form."
    ]


def test_the_application_needs_no_file_of_the_clerk_the_desk_makes_it():
    draft = s1_draft()
    draft.documents["application"].scans, draft.documents["application"].pages = [], 0
    assert problems(draft, can_sign=True) == []


def test_sheets_come_from_the_scans_and_a_second_scan_changes_them():
    draft = s1_draft()
    doc = draft.documents["expert_conclusion"]
    doc.pages = 99  # what the clerk typed no longer counts once the scans are counted
    doc.scans = [scan("c1.pdf", "1", pages=12)]
    assert (
        assess(CATALOG.get("attestation"), "legal_entity", draft.presented(), AT.date()).sheets[
            "expert_conclusion"
        ]
        == 12
    )
    doc.scans.append(scan("c2.pdf", "2", pages=5))
    decision = assess(CATALOG.get("attestation"), "legal_entity", draft.presented(), AT.date())
    assert decision.sheets["expert_conclusion"] == 17


def test_the_clerks_count_stands_for_scans_that_could_not_be_counted():
    draft = s1_draft()
    doc = draft.documents["expert_conclusion"]
    doc.scans, doc.pages = [scan("damaged.pdf", "d", pages=0)], 8
    decision = assess(CATALOG.get("attestation"), "legal_entity", draft.presented(), AT.date())
    assert decision.sheets["expert_conclusion"] == 8


def test_the_stored_package_and_its_receipt_carry_the_scans_sheets(desk):
    draft = s1_draft()
    draft.documents["expert_conclusion"].scans = [
        scan("c1.pdf", "1", pages=12),
        scan("c2.pdf", "2", pages=5),
    ]
    result = accept(desk, draft)
    with reading(desk["factory"]) as s:
        docs = {
            d.code: d.pages
            for d in packages.by_id(session=s, package_id=result.package_id).documents
        }
    assert docs["expert_conclusion"] == 17


def test_sheets_and_files_do_not_stop_a_refusal():
    """A package refused for a missing document is refused whatever its other papers lack."""
    draft = draft_for("declaration-registration", "legal_entity", VALID_BIN, S3[:2])
    draft.documents["declaration"].scans = []
    found = review(CATALOG, draft, AT, can_sign=False)
    assert found.decision.outcome is Outcome.REFUSE and found.problems == ()


# --- the expert conclusion's date -------------------------------------------------------------


def test_the_conclusions_date_is_required_in_the_domain(desk):
    draft = draft_for(
        "declaration-registration", "legal_entity", VALID_BIN, S3, expertise_date=None
    )
    with pytest.raises(ValidationError) as err:
        accept(desk, draft)
    assert err.value.msgid == "Enter the date of the expertise: «{document}»."
    # ...and a refusal cannot be written without it either: the date decides what is missing.
    draft.documents.pop("declaration")
    with pytest.raises(ValidationError):
        accept(desk, draft)


def test_a_conclusion_dated_in_the_future_is_refused_as_input(desk):
    draft = draft_for(
        "declaration-registration", "legal_entity", VALID_BIN, S3, expertise_date=date(2026, 12, 1)
    )
    with pytest.raises(ValidationError) as err:
        accept(desk, draft)
    assert err.value.msgid == "The date of the expertise is in the future: «{document}»."


def test_an_expired_conclusion_is_missing_and_the_decision_says_until_when():
    draft = draft_for(
        "declaration-registration", "legal_entity", VALID_BIN, S3, expertise_date=date(2026, 8, 1)
    )
    decision = review(CATALOG, draft, AT, can_sign=True).decision
    assert decision.outcome is Outcome.REFUSE
    assert [d.code for d in decision.missing] == ["expert_conclusion"]
    assert decision.expired("expert_conclusion").valid_until == date(2026, 11, 1)


# --- the clerk's EDS and training mode --------------------------------------------------------


def test_accepting_needs_the_clerks_eds(desk):
    draft = s1_draft()
    assert problems(draft, can_sign=False) == [NO_SIGNING_KEY]
    assert problems(draft, can_sign=False, training=True) == []
    with pytest.raises(ValidationError) as err:
        accept(desk, draft, signature=False)
    assert err.value.msgid == NO_SIGNING_KEY
    with reading(desk["factory"]) as s:
        assert s.scalar(select(func.count()).select_from(Package)) == 0


def test_a_refusal_needs_no_eds(desk):
    draft = draft_for("declaration-registration", "legal_entity", VALID_BIN, ["application"])
    assert accept(desk, draft, signature=False).outcome is Outcome.REFUSE


def test_training_mode_is_the_supervisors_and_is_audited(desk):
    with transaction(desk["factory"]) as s, pytest.raises(Exception) as err:
        accounts.set_training(session=s, actor=desk["clerk"], on=True)
    assert type(err.value).__name__ == "AuthorizationError"
    with transaction(desk["factory"]) as s:
        assert accounts.set_training(session=s, actor=desk["supervisor"], on=True).branch
    with reading(desk["factory"]) as s:
        assert branch_profile(session=s).training


def test_a_training_package_is_unsigned_unsent_and_numbered_apart(desk):
    with transaction(desk["factory"]) as s:
        accounts.set_training(session=s, actor=desk["supervisor"], on=True)
    draft = s1_draft()
    result = accept(desk, draft, signature=False)
    assert result.outcome is Outcome.ACCEPT and result.training
    assert result.receipt_no == "ALA01-D1-T000001"
    with reading(desk["factory"]) as s:
        package = packages.by_id(session=s, package_id=result.package_id)
        assert package.training and package.signature is None
        assert package.status == "accepted"  # never queued
        assert s.scalar(select(func.count()).select_from(OutboxItem)) == 0
        # no register, no transfer to the committee, no deadline counts
        day = registers.daily_register(session=s, day=AT.date())
        assert day.entries == []
        counts = deadline_counts(session=s, calendar=WorkingCalendar(), today=date(2027, 6, 1))
        assert counts.overdue == 0
    # a signature offered in training mode is not kept either
    other = s1_draft()
    with transaction(desk["factory"]) as s:
        second = acceptance.accept_package(
            session=s,
            catalog=CATALOG,
            draft=other,
            clerk=desk["clerk"],
            at=AT,
            signature=sign_draft(other),
        )
    assert second.receipt_no == "ALA01-D1-T000002"
    with transaction(desk["factory"]) as s:
        accounts.set_training(session=s, actor=desk["supervisor"], on=False)
    real = accept(desk, s1_draft())
    assert real.receipt_no == "ALA01-D1-0000001"  # no real number was spent on training


# --- dates: the receipt's promise and the committee's due date ---------------------------------


def test_service_3_promises_the_legal_end_and_is_due_a_working_day_earlier(desk):
    draft = draft_for("declaration-registration", "natural_person", VALID_IIN, S3)
    result = accept(desk, draft)
    # 7 working days from Thu 26 Nov 2026: Fri 4 Dec; the committee's due date is Thu 3 Dec.
    assert result.promised_date == date(2026, 12, 4)
    assert result.result_date == date(2026, 12, 3)
    with reading(desk["factory"]) as s:
        package = packages.by_id(session=s, package_id=result.package_id)
        assert (package.promised_date, package.result_date) == (
            date(2026, 12, 4),
            date(2026, 12, 3),
        )
        [summary] = packages.search(session=s, text=result.receipt_no)
        assert summary.promise_differs


def test_services_1_and_2_promise_their_due_date(desk):
    result = accept(desk, s1_draft())
    assert result.promised_date == result.result_date == date(2026, 12, 17)


def test_training_packages_stay_out_of_the_service_time_report(desk):
    from ozq_desktop.domain import service_times

    with transaction(desk["factory"]) as s:
        accounts.set_training(session=s, actor=desk["supervisor"], on=True)
    accept(desk, s1_draft(), signature=False)
    with reading(desk["factory"]) as s:
        assert service_times.visits_between(s, AT.date(), AT.date()) == []


def test_the_application_the_desk_renders_counts_only_without_the_applicants_own():
    from ozq_desktop.domain.drafts import DocumentDraft

    made = scan("annex1-application-kk.pdf", "9", pages=1)
    made.generated = True
    alone = DocumentDraft(code="application", presented=True, scans=[made])
    assert alone.sheets == 1
    signed = DocumentDraft(
        code="application", presented=True, scans=[made, scan("signed.pdf", "8", pages=2)]
    )
    assert signed.sheets == 2  # the signed paper the applicant handed in, not the e-copy
