"""A calendar change is shown before it moves anything: which open packages move (receipt,
old → new), whether the day is today or past; the date on each receipt never moves."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ozq_desktop.domain import packages
from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.domain.calendar_change import CalendarChange, apply, preview
from ozq_desktop.domain.calendar_store import load_calendar
from ozq_desktop.errors import AuthorizationError
from ozq_desktop.storage.engine import reading, transaction
from ozq_wire.calendar import OverrideKind
from ozq_wire.catalog import load_catalog
from tests.domain.helpers import VALID_BIN, draft_for
from tests.signing.pki import sign_draft

CATALOG = load_catalog()
S1 = ["application", "expert_conclusion", "specialists_and_base"]
OFF = OverrideKind.DAY_OFF


def accept_s1(desk, at: datetime):
    draft = draft_for("attestation", "legal_entity", VALID_BIN, S1)
    draft.annex1 = {"industry_sector": "мұнай-газ", "activity_kind": "сараптама"}
    with transaction(desk["factory"]) as s:
        return accept_package(
            session=s,
            catalog=CATALOG,
            draft=draft,
            clerk=desk["clerk"],
            at=at,
            signature=sign_draft(draft),
        )


@pytest.fixture
def two_open(desk):
    """Accepted on 25 Nov 2026 (due 17 Dec) and on 2 Dec 2026 (due 24 Dec)."""
    early = accept_s1(desk, datetime(2026, 11, 25, 10, 0))
    late = accept_s1(desk, datetime(2026, 12, 2, 10, 0))
    assert (early.result_date, late.result_date) == (date(2026, 12, 17), date(2026, 12, 24))
    return desk, early, late


def test_preview_lists_the_moves_and_writes_nothing(two_open):
    desk, early, late = two_open
    change = CalendarChange(date(2026, 12, 4), OFF, "решение акимата")
    with reading(desk["factory"]) as s:
        found = preview(session=s, catalog=CATALOG, change=change, today=date(2026, 12, 3))
    assert [(m.receipt_no, m.old, m.new) for m in found.moves] == [
        (early.receipt_no, date(2026, 12, 17), date(2026, 12, 18)),
        (late.receipt_no, date(2026, 12, 24), date(2026, 12, 25)),
    ]
    assert [m.promised for m in found.moves] == [date(2026, 12, 17), date(2026, 12, 24)]
    assert not found.needs_warning
    with reading(desk["factory"]) as s:
        assert load_calendar(session=s).is_working_day(date(2026, 12, 4))
        assert packages.by_id(session=s, package_id=early.package_id).result_date == date(
            2026, 12, 17
        )


def test_apply_moves_the_due_dates_but_not_the_dates_on_the_receipts(two_open):
    desk, _early, late = two_open
    change = CalendarChange(date(2026, 12, 4), OFF, "")
    with transaction(desk["factory"]) as s:
        moves = apply(session=s, catalog=CATALOG, change=change, actor=desk["supervisor"])
    assert len(moves) == 2
    with reading(desk["factory"]) as s:
        moved = packages.by_id(session=s, package_id=late.package_id)
        assert (moved.result_date, moved.promised_date) == (date(2026, 12, 25), date(2026, 12, 24))
        [summary] = packages.search(session=s, text=late.receipt_no)
        assert summary.promise_differs
    # withdrawing the change is a change too, previewed the same way
    with reading(desk["factory"]) as s:
        back = preview(
            session=s,
            catalog=CATALOG,
            change=CalendarChange(date(2026, 12, 4), None),
            today=date(2026, 12, 3),
        )
    assert [(m.old, m.new) for m in back.moves] == [
        (date(2026, 12, 18), date(2026, 12, 17)),
        (date(2026, 12, 25), date(2026, 12, 24)),
    ]


def test_a_day_after_the_term_moves_nothing(two_open):
    desk, *_ = two_open
    with reading(desk["factory"]) as s:
        found = preview(
            session=s,
            catalog=CATALOG,
            change=CalendarChange(date(2027, 2, 3), OFF),
            today=date(2026, 12, 3),
        )
    assert found.moves == ()


def test_today_and_past_days_are_warned_with_what_was_accepted_then(two_open):
    desk, early, late = two_open
    with reading(desk["factory"]) as s:
        today = preview(
            session=s,
            catalog=CATALOG,
            change=CalendarChange(date(2026, 12, 2), OFF),
            today=date(2026, 12, 2),
        )
        past = preview(
            session=s,
            catalog=CATALOG,
            change=CalendarChange(date(2026, 11, 25), OFF),
            today=date(2026, 12, 2),
        )
    assert today.is_today and not today.is_past and today.accepted_that_day == 1
    assert past.is_past and past.accepted_that_day == 1
    # the day falls in the first package's term; the second was accepted on it and now counts
    # as accepted on the next working day
    assert [(m.receipt_no, m.new) for m in today.moves] == [
        (early.receipt_no, date(2026, 12, 18)),
        (late.receipt_no, date(2026, 12, 25)),
    ]


def test_only_the_supervisor_changes_the_calendar(two_open):
    desk, *_ = two_open
    with transaction(desk["factory"]) as s, pytest.raises(AuthorizationError):
        apply(
            session=s,
            catalog=CATALOG,
            change=CalendarChange(date(2026, 12, 4), OFF),
            actor=desk["clerk"],
        )
