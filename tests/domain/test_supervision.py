from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from ozq_desktop.domain import accounts, complaints, deadlines, handover, registers
from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.domain.accounts import HUB
from ozq_desktop.domain.calendar_store import load_calendar, put_override
from ozq_desktop.domain.drafts import Place
from ozq_desktop.errors import (
    AuthorizationError,
    ConflictError,
    IllegalTransitionError,
    ValidationError,
)
from ozq_desktop.models import AuditRow, Package
from ozq_desktop.storage.engine import reading, transaction
from ozq_wire.calendar import OverrideKind
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, VALID_IIN, draft_for
from tests.signing.pki import sign_draft

CATALOG = load_catalog()
S3 = ["application", "declaration", "expert_conclusion"]
AT = datetime(2026, 11, 25, 11, 0)


def accept(desk, codes=S3, at=AT, name=None):
    draft = draft_for("declaration-registration", "legal_entity", VALID_BIN, codes, started_at=at)
    if name:
        draft.applicant.name = name
    with transaction(desk["factory"]) as s:
        return accept_package(
            session=s,
            catalog=CATALOG,
            draft=draft,
            clerk=desk["clerk"],
            at=at,
            signature=sign_draft(draft),
        )


def decide(desk, package_id, version=1, granted=True):
    with transaction(desk["factory"]) as s:
        return handover.apply_decision(
            session=s,
            actor=HUB,
            package_id=package_id,
            decision=handover.DecisionData(
                version=version,
                granted=granted,
                kind="registration" if granted else None,
                number="ДПБ-2026-0042" if granted else None,
                decided_on=date(2026, 12, 1),
                reason=None if granted else "Декларация толық емес",
            ),
        )


def status(desk, package_id):
    with reading(desk["factory"]) as s:
        return s.get(Package, package_id).status


def test_decision_moves_a_queued_package_to_result_ready_and_ignores_old_versions(desk):
    r = accept(desk)
    assert decide(desk, r.package_id, version=2)
    assert status(desk, r.package_id) == "decision_granted"
    assert not decide(desk, r.package_id, version=1, granted=False)
    assert not decide(desk, r.package_id, version=2, granted=False)
    assert status(desk, r.package_id) == "decision_granted"
    assert decide(desk, r.package_id, version=3, granted=False)
    with reading(desk["factory"]) as s:
        p = s.get(Package, r.package_id)
        assert (p.status, p.decision_reason, p.decision_version) == (
            "decision_refused",
            "Декларация толық емес",
            3,
        )


def test_hand_over_to_the_applicant_then_package_is_issued(desk):
    r = accept(desk)
    decide(desk, r.package_id)
    with transaction(desk["factory"]) as s:
        handover.hand_over(
            session=s,
            clerk=desk["clerk"],
            package_id=r.package_id,
            recipient=handover.Recipient(full_name="Ахметов Болат", iin=VALID_IIN),
            at=datetime(2026, 12, 2, 10, 0),
        )
    assert status(desk, r.package_id) == "issued"
    with pytest.raises(IllegalTransitionError), transaction(desk["factory"]) as s:
        handover.hand_over(
            session=s,
            clerk=desk["clerk"],
            package_id=r.package_id,
            recipient=handover.Recipient(full_name="Again"),
        )


def test_hand_over_to_a_representative_checks_the_power_of_attorney(desk):
    r = accept(desk)
    decide(desk, r.package_id, granted=False)
    rep = handover.Recipient(full_name="Сенімді Өкіл", iin=VALID_IIN, is_representative=True)
    with pytest.raises(ValidationError) as err, transaction(desk["factory"]) as s:
        handover.hand_over(session=s, clerk=desk["clerk"], package_id=r.package_id, recipient=rep)
    assert err.value.msgid == "Enter the number and date of the power of attorney."
    future = handover.Recipient(
        full_name="Сенімді Өкіл",
        iin=VALID_IIN,
        poa_number="12",
        poa_date=date(2027, 1, 1),
        is_representative=True,
    )
    with pytest.raises(ValidationError), transaction(desk["factory"]) as s:
        handover.hand_over(
            session=s,
            clerk=desk["clerk"],
            package_id=r.package_id,
            recipient=future,
            at=datetime(2026, 12, 2, 10),
        )
    ok = handover.Recipient(
        full_name="Сенімді Өкіл",
        iin=VALID_IIN,
        poa_number="12",
        poa_date=date(2026, 11, 30),
        is_representative=True,
    )
    with transaction(desk["factory"]) as s:
        p = handover.hand_over(
            session=s,
            clerk=desk["clerk"],
            package_id=r.package_id,
            recipient=ok,
            at=datetime(2026, 12, 2, 10),
        )
        assert p.handed_over_to["poa_number"] == "12"
    assert status(desk, r.package_id) == "issued"


def test_a_package_without_a_decision_cannot_be_handed_over(desk):
    r = accept(desk)
    with pytest.raises(IllegalTransitionError), transaction(desk["factory"]) as s:
        handover.hand_over(
            session=s,
            clerk=desk["clerk"],
            package_id=r.package_id,
            recipient=handover.Recipient(full_name="X"),
        )


def test_deadline_monitor_counts_and_a_calendar_override_moves_a_deadline(desk):
    # Service 3: 7 working days from Thu 26 Nov end Fri 4 Dec; one day early -> Thu 3 Dec.
    r = accept(desk)
    assert r.result_date == date(2026, 12, 3)
    with reading(desk["factory"]) as s:
        cal = load_calendar(session=s)
        assert deadlines.deadline_counts(
            session=s, calendar=cal, today=date(2026, 12, 2)
        ) == deadlines.DeadlineCounts(overdue=0, due_today=0, due_soon=1)
        assert (
            deadlines.deadline_counts(session=s, calendar=cal, today=date(2026, 12, 3)).due_today
            == 1
        )
        lists = deadlines.deadline_lists(session=s, calendar=cal, today=date(2026, 12, 7))
        assert [p.receipt_no for p in lists.overdue] == [r.receipt_no]
    with transaction(desk["factory"]) as s:
        put_override(
            session=s,
            day=date(2026, 12, 1),
            kind=OverrideKind.DAY_OFF,
            note="Decree transfer",
            actor=desk["supervisor"],
        )
        changed = deadlines.recompute_result_dates(
            session=s, catalog=CATALOG, calendar=load_calendar(session=s), actor=desk["supervisor"]
        )
    # With 1 Dec off the term ends Mon 7 Dec; one day early -> Fri 4 Dec.
    assert changed == 1
    with reading(desk["factory"]) as s:
        assert s.get(Package, r.package_id).result_date == date(2026, 12, 4)


def test_register_groups_outcomes_and_freezes_after_sign_off(desk):
    a = accept(desk, at=datetime(2026, 11, 25, 9, 30), name="Alpha")
    accept(desk, codes=["application"], at=datetime(2026, 11, 25, 10, 0), name="Beta")
    day = date(2026, 11, 25)
    with reading(desk["factory"]) as s:
        reg = registers.daily_register(session=s, day=day)
    assert [(e.applicant, e.outcome, e.time) for e in reg.entries] == [
        ("Alpha", "accepted", "09:30"),
        ("Beta", "refused", "10:00"),
    ]
    assert reg.totals()[("declaration-registration", "accepted")] == 1
    assert list(reg.by_clerk()) == ["Жұмабаев Нұрлан Серікұлы"]
    with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
        registers.close_day(session=s, actor=desk["clerk"], day=day, at=datetime(2026, 11, 25, 20))
    with transaction(desk["factory"]) as s:
        registers.close_day(
            session=s, actor=desk["supervisor"], day=day, at=datetime(2026, 11, 25, 20, 5)
        )
    accept(desk, at=datetime(2026, 11, 25, 19, 0), name="Late")  # after sign-off
    with reading(desk["factory"]) as s:
        frozen = registers.daily_register(session=s, day=day)
        assert frozen.frozen and frozen.signed_by == "Сейітова Ләззат"
        assert [e.applicant for e in frozen.entries] == ["Alpha", "Beta"]
        assert s.scalars(select(AuditRow).where(AuditRow.action == "day_closed")).one()
    with pytest.raises(ConflictError), transaction(desk["factory"]) as s:
        registers.close_day(session=s, actor=desk["supervisor"], day=day, at=datetime(2026, 11, 26))
    decide(desk, a.package_id)
    with transaction(desk["factory"]) as s:
        handover.hand_over(
            session=s,
            clerk=desk["clerk"],
            package_id=a.package_id,
            recipient=handover.Recipient(full_name="Alpha"),
            at=datetime(2026, 12, 3, 11, 15),
        )
    with reading(desk["factory"]) as s:
        later = registers.daily_register(session=s, day=date(2026, 12, 3))
    assert [(e.applicant, e.outcome, e.time) for e in later.entries] == [
        ("Alpha", "handed_over", "11:15")
    ]


S1 = ["application", "expert_conclusion", "specialists_and_base"]


def take(desk, clerk, service, codes, started, at, ticket=None, home=False):
    """A package started at `started`, its receipt at `at`; `ticket` is the issue time typed."""
    draft = draft_for(service, "legal_entity", VALID_BIN, codes, started_at=started)
    draft.ticket_number = "A1"
    draft.ticket_time = ticket
    if home:
        draft.place = Place.HOME_VISIT
        draft.visit_address = "Алматы қ., Абай даңғ., 1"
        draft.visit_reason = "денсаулығына байланысты"
    with transaction(desk["factory"]) as s:
        accept_package(
            session=s,
            catalog=CATALOG,
            draft=draft,
            clerk=desk[clerk],
            at=at,
            signature=sign_draft(draft),
        )


def at(hh, mm):
    return datetime(2026, 11, 25, hh, mm)


def test_service_time_report_of_waits_and_service_by_clerk_service_and_hour(desk):
    S3_ID, S1_ID = "declaration-registration", "attestation"
    take(desk, "clerk", S3_ID, S3, at(10, 0), at(10, 10), time(9, 50))
    take(desk, "clerk", S3_ID, S3, at(10, 20), at(10, 40), time(9, 40))
    take(desk, "clerk", S1_ID, S1, at(11, 0), at(11, 5), time(10, 55))
    take(desk, "supervisor", S3_ID, S3, at(11, 30), at(11, 45))  # ticket without its time
    take(desk, "supervisor", S1_ID, S1, at(14, 0), at(14, 30), home=True)
    with reading(desk["factory"]) as s:
        with pytest.raises(AuthorizationError):
            registers.service_time_report(
                session=s, actor=desk["clerk"], start=AT.date(), end=AT.date()
            )
        report = registers.service_time_report(
            session=s, actor=desk["supervisor"], start=AT.date(), end=AT.date()
        )
        stored = s.scalars(select(Package).order_by(Package.accepted_at)).all()
    assert [p.wait_seconds for p in stored] == [600, 2400, 300, None, None]
    assert [p.ticket_number for p in stored] == ["A1", "A1", "A1", "A1", ""]  # none at home

    def row(line):
        w, sv = line.wait, line.service
        return (line.key, line.packages, w.count, w.median, w.p90, w.within_norm,
                sv.median, sv.p90, sv.within_norm, line.no_ticket_time)  # fmt: skip

    clerk, boss = desk["clerk"].full_name, desk["supervisor"].full_name
    assert sorted(map(row, report.by_clerk)) == sorted([
        (clerk, 3, 3, 600, 2400, 2 / 3, 600, 1200, 2 / 3, 0),
        (boss, 2, 0, None, None, None, 1350, 1800, 0.5, 1),
    ])  # fmt: skip
    assert list(map(row, report.by_service)) == [
        (S1_ID, 2, 1, 300, 300, 1.0, 1050, 1800, 0.5, 0),
        (S3_ID, 3, 2, 1500, 2400, 0.5, 900, 1200, 2 / 3, 1),
    ]
    assert list(map(row, report.by_hour)) == [
        ("10", 2, 2, 1500, 2400, 0.5, 900, 1200, 0.5, 0),
        ("11", 2, 1, 300, 300, 1.0, 600, 900, 1.0, 1),
        ("14", 1, 0, None, None, None, 1800, 1800, 0.0, 0),
    ]
    assert row(report.total) == ("", 5, 3, 600, 2400, 2 / 3, 900, 1800, 0.6, 1)
    assert report.hours() == list(range(9, 20))
    with reading(desk["factory"]) as s:
        empty = registers.service_time_report(
            session=s, actor=desk["supervisor"], start=date(2026, 12, 1), end=date(2026, 12, 7)
        )
    assert empty.total.packages == 0 and empty.by_hour == []


def test_complaint_deadline_answer_and_overdue(desk):
    boss = desk["supervisor"]
    new = complaints.NewComplaint(
        "К-17", date(2026, 12, 14), "Иванов И.", "Жұмабаев Н.", "Кезек күтуге ұзақ уақыт кетті"
    )
    with transaction(desk["factory"]) as s:
        cal = load_calendar(session=s)
        with pytest.raises(AuthorizationError):
            complaints.register_complaint(session=s, actor=desk["clerk"], calendar=cal, new=new)
        line = complaints.register_complaint(session=s, actor=boss, calendar=cal, new=new)
    # Mon 14 Dec + 5 working days: 15, 17, 18, 21, 22 (Wed 16 Dec is Independence Day).
    assert line.deadline == date(2026, 12, 22)
    with reading(desk["factory"]) as s:
        (j,) = complaints.complaints_journal(session=s, today=date(2026, 12, 23))
    assert j.overdue
    with pytest.raises(ConflictError), transaction(desk["factory"]) as s:
        complaints.register_complaint(session=s, actor=boss, calendar=cal, new=new)
    with transaction(desk["factory"]) as s:
        complaints.answer_complaint(
            session=s,
            actor=boss,
            complaint_id=line.id,
            answer="Кешірім сұраймыз",
            answered_on=date(2026, 12, 18),
        )
    with reading(desk["factory"]) as s:
        (j,) = complaints.complaints_journal(session=s, today=date(2026, 12, 30))
    assert not j.overdue and j.answer == "Кешірім сұраймыз"


@pytest.mark.parametrize("role", [accounts.Role.CLERK, accounts.Role.MOBILE_CLERK])
def test_every_supervisor_only_function_refuses_other_roles(desk, role):
    with transaction(desk["factory"]) as s:
        user = accounts.create_user(
            session=s,
            actor=desk["supervisor"],
            new=accounts.NewUser(f"u{role.value[:5]}", "U", "password1", role),
        )
    calls = [
        lambda s: accounts.create_user(
            session=s, actor=user, new=accounts.NewUser("z", "Z", "password1", role)
        ),
        lambda s: accounts.reset_password(
            session=s, actor=user, user_id=user.id, password="password2"
        ),
        lambda s: accounts.deactivate_user(session=s, actor=user, user_id=desk["clerk"].id),
        lambda s: accounts.list_users(session=s, actor=user),
        lambda s: registers.close_day(session=s, actor=user, day=AT.date(), at=AT),
        lambda s: registers.service_time_report(
            session=s, actor=user, start=AT.date(), end=AT.date()
        ),
        lambda s: complaints.register_complaint(
            session=s,
            actor=user,
            calendar=load_calendar(session=s),
            new=complaints.NewComplaint("1", AT.date(), "a", "b", "c"),
        ),
        lambda s: complaints.answer_complaint(
            session=s, actor=user, complaint_id=1, answer="x", answered_on=AT.date()
        ),
    ]
    for call in calls:
        with pytest.raises(AuthorizationError), transaction(desk["factory"]) as s:
            call(s)
