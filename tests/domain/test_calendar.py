"""The working calendar and the counting rule, against dates worked out by hand.

Calendar facts used below (checked against a printed 2026 calendar):
- 1 Jan 2026 is a Thursday; 1-2 Jan (New Year) and 7 Jan (Orthodox Christmas, Wednesday) are off.
- 8 Mar 2026 is a Sunday, so Monday 9 Mar is off in its place.
- Nauryz: 21-23 Mar 2026 (Sat-Mon) plus 24-25 Mar (Tue-Wed) in place of the weekend days.
- 1 May 2026 is a Friday (holiday); 7 May (Thursday) is off; 9 May is a Saturday, so
  Monday 11 May is off in its place.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ozq_desktop.domain.day_names import days_off, holiday_name, override_kind_name
from ozq_wire.calendar import (
    COMPLAINT_WORKING_DAYS,
    OfficeHours,
    Override,
    OverrideKind,
    WorkingCalendar,
)
from ozq_wire.catalog import TermUnit, load_catalog

WD, CD = TermUnit.WORKING_DAYS, TermUnit.CALENDAR_DAYS


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# --- days off ---------------------------------------------------------------------------


def test_nauryz_2026_is_five_days_off(cal):
    for day in range(21, 26):
        assert cal.is_day_off(date(2026, 3, day))
    assert cal.is_working_day(date(2026, 3, 20)) and cal.is_working_day(date(2026, 3, 26))
    assert cal.next_working_day(date(2026, 3, 20)) == date(2026, 3, 26)


def test_new_year_and_orthodox_christmas_2026(cal):
    off = [d for d in (date(2026, 1, n) for n in range(1, 13)) if cal.is_day_off(d)]
    # 1-2 Jan, the weekend 3-4, 7 Jan, the weekend 10-11.
    assert [d.day for d in off] == [1, 2, 3, 4, 7, 10, 11]


def test_saturday_is_not_a_working_day_and_decree_moves_of_the_library_count(cal):
    assert cal.is_day_off(date(2026, 2, 14))  # a Saturday
    # 2025: Friday 3 Jan was off in exchange for Sunday 5 Jan, which was worked.
    assert cal.is_day_off(date(2025, 1, 3))
    assert cal.is_working_day(date(2025, 1, 5))


def test_next_working_day_is_strictly_after(cal):
    assert cal.next_working_day(date(2026, 4, 14)) == date(2026, 4, 15)
    assert cal.next_working_day(date(2026, 4, 17)) == date(2026, 4, 20)  # Fri -> Mon


def test_add_working_days_forward_backward_and_zero(cal):
    friday = date(2026, 3, 20)
    assert cal.add_working_days(friday, 0) == friday
    assert cal.add_working_days(friday, 2) == date(2026, 3, 27)  # 26, 27 (Nauryz skipped)
    assert cal.add_working_days(date(2026, 3, 26), -1) == friday
    # Across the year end: 31 Dec 2025 (Wed) -> Mon 5 Jan 2026.
    assert cal.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)
    assert cal.add_working_days(date(2026, 1, 5), -1) == date(2025, 12, 31)


def test_working_days_between(cal):
    assert cal.working_days_between(date(2026, 3, 20), date(2026, 3, 27)) == 2
    assert cal.working_days_between(date(2026, 3, 27), date(2026, 3, 20)) == -2
    assert cal.working_days_between(date(2026, 3, 20), date(2026, 3, 20)) == 0
    assert cal.working_days_between(date(2026, 3, 21), date(2026, 3, 25)) == 0


def test_a_datetime_is_refused_where_a_date_is_meant(cal):
    # datetime(2026, 3, 21) != date(2026, 3, 21): it would silently miss every day off.
    with pytest.raises(TypeError):
        cal.is_day_off(datetime(2026, 3, 21, 10))


# --- the counting rule ------------------------------------------------------------------


def test_nauryz_pushes_a_working_day_term(cal):
    # Accepted Fri 20 Mar 2026 10:00; the day of acceptance is not counted.
    # Working days after it: 26, 27, 30, 31 Mar, 1, 2, 3 Apr -> the 7th is Fri 3 Apr.
    assert cal.result_date(datetime(2026, 3, 20, 10), 7, WD) == date(2026, 4, 3)


def test_new_year_pushes_a_working_day_term(cal):
    # Accepted Wed 31 Dec 2025 15:00. 1-4 Jan off; 5 (1), 6 (2), 7 off, 8 (3), 9 (4),
    # 10-11 weekend, 12 (5) -> Mon 12 Jan 2026.
    assert cal.result_date(datetime(2025, 12, 31, 15), 5, WD) == date(2026, 1, 12)


def test_saturday_evening_acceptance(cal):
    # Sat 14 Feb 2026 18:00: the counter is open, but Saturday is no working day, so the
    # documents count as accepted on Mon 16 Feb and the term starts on Tue 17 Feb.
    # 15 working days: 17-20 Feb (4), 23-27 Feb (9), 2-6 Mar (14), 9 Mar off, 10 Mar (15).
    accepted = datetime(2026, 2, 14, 18)
    assert cal.effective_acceptance_day(accepted) == date(2026, 2, 16)
    assert cal.result_date(accepted, 15, WD) == date(2026, 3, 10)


def test_acceptance_after_hours_on_a_weekday(cal):
    # Tue 14 Apr 2026 20:30 counts as Wed 15 Apr; 15 calendar days later is Thu 30 Apr.
    late = datetime(2026, 4, 14, 20, 30)
    assert cal.effective_acceptance_day(late) == date(2026, 4, 15)
    assert cal.result_date(late, 15, CD) == date(2026, 4, 30)
    # The same day at 19:59 counts as Tue 14 Apr -> Wed 29 Apr; 20:00 sharp is after hours.
    assert cal.result_date(datetime(2026, 4, 14, 19, 59), 15, CD) == date(2026, 4, 29)
    assert cal.effective_acceptance_day(datetime(2026, 4, 14, 20, 0)) == date(2026, 4, 15)


def test_acceptance_before_opening_counts_that_day(cal):
    assert cal.effective_acceptance_day(datetime(2026, 4, 14, 7, 30)) == date(2026, 4, 14)


def test_acceptance_on_a_holiday(cal):
    # Mon 23 Mar 2026 (Nauryz, e.g. a home visit) counts as Thu 26 Mar.
    assert cal.effective_acceptance_day(datetime(2026, 3, 23, 11)) == date(2026, 3, 26)


def test_calendar_day_term_ending_on_a_sunday_moves_to_monday(cal):
    # Thu 2 Apr 2026 + 10 calendar days = Sun 12 Apr -> Mon 13 Apr.
    assert cal.result_date(datetime(2026, 4, 2, 10), 10, CD) == date(2026, 4, 13)


def test_calendar_day_term_ending_on_a_holiday_moves_past_the_weekend(cal):
    # Service 2: Thu 16 Apr 2026 + 15 days = Fri 1 May (holiday), 2-3 May weekend -> Mon 4 May.
    assert cal.result_date(datetime(2026, 4, 16, 10), 15, CD) == date(2026, 5, 4)


def test_decree_overrides_change_a_result_date():
    accepted = datetime(2026, 3, 13, 10)  # Fri 13 Mar 2026
    # Plain: 16, 17, 18, 19, 20 Mar, (Nauryz) 26, 27 Mar -> Fri 27 Mar.
    assert WorkingCalendar().result_date(accepted, 7, WD) == date(2026, 3, 27)
    # Mon 16 Mar made a day off: 17, 18, 19, 20, 26, 27, 30 Mar -> Mon 30 Mar.
    day_off = Override(date(2026, 3, 16), OverrideKind.DAY_OFF, "Constitution Day")
    assert WorkingCalendar([day_off]).result_date(accepted, 7, WD) == date(2026, 3, 30)
    # And Sat 28 Mar made a working day: 17, 18, 19, 20, 26, 27, 28 -> Sat 28 Mar.
    saturday = Override(date(2026, 3, 28), OverrideKind.WORKING_DAY, "Moved from 16 Mar")
    both = WorkingCalendar([day_off, saturday])
    assert both.is_working_day(date(2026, 3, 28))
    assert both.result_date(accepted, 7, WD) == date(2026, 3, 28)


def test_an_override_can_cancel_a_library_holiday():
    calendar = WorkingCalendar([Override(date(2026, 3, 25), "working_day")])
    assert calendar.is_working_day(date(2026, 3, 25))
    assert calendar.next_working_day(date(2026, 3, 20)) == date(2026, 3, 25)


def test_a_later_override_for_the_same_day_wins():
    first = Override(date(2026, 4, 15), OverrideKind.DAY_OFF)
    second = Override(date(2026, 4, 15), OverrideKind.WORKING_DAY)
    assert WorkingCalendar([first, second]).is_working_day(date(2026, 4, 15))
    assert WorkingCalendar([second, first]).is_day_off(date(2026, 4, 15))
    assert WorkingCalendar([first, second]).overrides == (second,)


def test_service_3_hands_the_result_over_one_working_day_early():
    term = next(s for s in load_catalog() if s.number == 3).term
    assert (term.count, term.unit, term.early_days_at_service_centre) == (7, WD, 1)
    # Accepted Mon 4 May 2026. Working days: 5 (1), 6 (2), 7 off, 8 (3), 9-10 weekend,
    # 11 off, 12 (4), 13 (5), 14 (6), 15 (7): the term ends Fri 15 May; one working day
    # earlier is Thu 14 May.
    accepted = datetime(2026, 5, 4, 10)
    calendar = WorkingCalendar()
    assert calendar.result_date(accepted, term.count, term.unit) == date(2026, 5, 15)
    assert calendar.result_date(
        accepted, term.count, term.unit, term.early_days_at_service_centre
    ) == date(2026, 5, 14)


def test_early_days_step_back_over_days_off(cal):
    # Accepted Tue 17 Mar 2026: 18 (1), 19 (2), 20 (3), Nauryz, 26 (4), 27 (5), 30 (6),
    # 31 (7) -> Tue 31 Mar. Three working days earlier: 30, 27, 26 -> Thu 26 Mar.
    assert cal.result_date(datetime(2026, 3, 17, 10), 7, WD) == date(2026, 3, 31)
    assert cal.result_date(datetime(2026, 3, 17, 10), 7, WD, early_days=3) == date(2026, 3, 26)


def test_early_days_never_reach_before_the_first_day_of_the_term(cal):
    # Fri 20 Mar 2026, 2 working days (26, 27 Mar), 5 early: floored at Thu 26 Mar.
    assert cal.result_date(datetime(2026, 3, 20, 10), 2, WD, early_days=5) == date(2026, 3, 26)


def test_result_date_rejects_nonsense_terms(cal):
    with pytest.raises(ValueError):
        cal.result_date(datetime(2026, 3, 20, 10), 0, WD)
    with pytest.raises(ValueError):
        cal.result_date(datetime(2026, 3, 20, 10), 7, WD, early_days=-1)
    with pytest.raises(ValueError):
        cal.result_date(datetime(2026, 3, 20, 10), 7, "fortnights")


def test_complaint_deadline(cal):
    assert COMPLAINT_WORKING_DAYS == 5
    # Registered Fri 6 Mar 2026 16:00. 7-8 weekend, 9 off (Women's Day moved), then
    # 10 (1), 11 (2), 12 (3), 13 (4), 16 (5) -> Mon 16 Mar.
    assert cal.complaint_deadline(datetime(2026, 3, 6, 16)) == date(2026, 3, 16)
    # Registered the same evening at 20:15: counts as Tue 10 Mar -> 11, 12, 13, 16, 17.
    assert cal.complaint_deadline(datetime(2026, 3, 6, 20, 15)) == date(2026, 3, 17)


def test_other_office_hours():
    calendar = WorkingCalendar(hours=OfficeHours(opens=time(8), closes=time(18)))
    assert calendar.effective_acceptance_day(datetime(2026, 4, 14, 18, 30)) == date(2026, 4, 15)
    with pytest.raises(ValueError):
        OfficeHours(opens=time(20), closes=time(9))


# --- names --------------------------------------------------------------------------------


def test_days_off_have_names_in_both_languages():
    note = "Decree No. 1 of 2026"
    calendar = WorkingCalendar(
        [
            Override(date(2026, 3, 16), OverrideKind.DAY_OFF, note),
            Override(date(2026, 4, 15), OverrideKind.DAY_OFF),
            Override(date(2026, 3, 28), OverrideKind.WORKING_DAY, "worked"),
        ]
    )
    ru = dict(days_off(calendar, 2026, "ru"))
    kk = dict(days_off(calendar, 2026, "kk"))
    assert list(ru) == list(kk) == sorted(ru)
    assert ru[date(2026, 1, 1)] == "Новый год" and kk[date(2026, 1, 1)] == "Жаңа жыл"
    assert ru[date(2026, 3, 24)] == "Наурыз мейрамы (перенесённый выходной день)"
    assert kk[date(2026, 3, 24)] == "Наурыз мейрамы (ауыстырылған демалыс күні)"
    assert ru[date(2026, 5, 27)] == "Курбан айт (предполагаемая дата)"
    assert ru[date(2026, 2, 14)] == "Еженедельный выходной день"
    assert kk[date(2026, 2, 14)] == "Апталық демалыс күні"
    assert ru[date(2026, 3, 16)] == kk[date(2026, 3, 16)] == note
    assert ru[date(2026, 4, 15)] == "Дополнительный выходной день"
    assert kk[date(2026, 4, 15)] == "Қосымша демалыс күні"
    assert date(2026, 3, 28) not in ru
    # 2026 has 104 weekend days (it starts on a Thursday, 52 weeks + 1 day) and 14 weekday
    # days off in holidays.KZ (1, 2, 7 Jan; 9, 23, 24, 25 Mar; 1, 7, 11, 27 May; 6 Jul;
    # 26 Oct; 16 Dec); the overrides add 16 Mar and 15 Apr and take away Sat 28 Mar.
    assert len(ru) == 104 + 14 + 2 - 1
    assert set(ru) == {
        d for d in (date(2026, 1, 1) + timedelta(n) for n in range(365)) if calendar.is_day_off(d)
    }


def test_days_off_name_a_moved_day():
    ru = dict(days_off(WorkingCalendar(), 2025, "ru"))
    assert ru[date(2025, 1, 3)] == "Выходной день, перенесённый с 05.01.2025"
    kk = dict(days_off(WorkingCalendar(), 2025, "kk"))
    assert kk[date(2025, 1, 3)] == "05.01.2025 күнінен ауыстырылған демалыс күні"


def test_holiday_names():
    assert (
        holiday_name("Victory Day (observed)", "ru") == "День Победы (перенесённый выходной день)"
    )
    assert holiday_name("Eid al-Adha (observed, estimated)", "kk") == (
        "Құрбан айт (ауыстырылған демалыс күні, болжамды күні)"
    )
    # A name a newer library brings is shown as the library gives it.
    assert holiday_name("Some New Day", "ru") == "Some New Day"
    assert override_kind_name("working_day", "ru") == "Рабочий день"
    assert override_kind_name(OverrideKind.DAY_OFF, "kk") == "Демалыс күні"


# --- properties --------------------------------------------------------------------------

acceptance_times = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 10, 31))
some_days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
overrides = st.lists(
    st.builds(Override, some_days, st.sampled_from(OverrideKind)), max_size=12
).map(WorkingCalendar)
terms = st.tuples(st.integers(1, 30), st.sampled_from(TermUnit), st.integers(0, 3))


@given(overrides, acceptance_times, terms)
def test_result_is_a_working_day_after_the_acceptance_date(calendar, accepted_at, term):
    count, unit, early = term
    result = calendar.result_date(accepted_at, count, unit, early)
    assert calendar.is_working_day(result)
    assert result > accepted_at.date()
    assert (
        calendar.working_days_between(calendar.effective_acceptance_day(accepted_at), result) >= 1
    )


@given(overrides, acceptance_times, terms, some_days)
def test_an_extra_day_off_never_makes_a_result_earlier(calendar, accepted_at, term, extra):
    count, unit, early = term
    if unit is CD:
        early = 0  # stepping back from a calendar-day end may legitimately land earlier
    more = WorkingCalendar([*calendar.overrides, Override(extra, OverrideKind.DAY_OFF)])
    assert more.result_date(accepted_at, count, unit, early) >= calendar.result_date(
        accepted_at, count, unit, early
    )


@given(overrides, some_days, st.integers(-40, 40))
def test_working_days_between_inverts_add_working_days(calendar, day, n):
    later = calendar.add_working_days(day, n)
    assert calendar.working_days_between(day, later) == n
    if n:
        assert calendar.is_working_day(later)


@given(overrides, acceptance_times, st.integers(1, 30))
def test_a_working_day_term_counts_exactly_its_working_days(calendar, accepted_at, count):
    start = calendar.effective_acceptance_day(accepted_at)
    assert calendar.is_working_day(start)
    result = calendar.result_date(accepted_at, count, WD)
    assert calendar.working_days_between(start, result) == count
