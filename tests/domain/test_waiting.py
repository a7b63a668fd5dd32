"""The applicant's wait and the service time: tickets as typed or read by a barcode reader, a
ticket issued before midnight, a missing issue time, and the figures over many packages."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ozq_desktop.domain.waiting import (
    Figures,
    Ticket,
    median,
    parse_ticket,
    percentile,
    service_seconds,
    ticket_issued_at,
    wait_seconds,
)
from ozq_desktop.errors import ValidationError


@pytest.mark.parametrize(
    ("typed", "ticket"),
    [
        ("A123", Ticket("A123")),
        ("  a123 ", Ticket("A123")),
        ("А-015 09:15", Ticket("А-015", time(9, 15))),
        ("A123;0915", Ticket("A123", time(9, 15))),
        ("B7|09:15:07", Ticket("B7", time(9, 15, 7))),
        ("Қ12\t091507", Ticket("Қ12", time(9, 15, 7))),
        ("A123 2026-11-25 23:50", Ticket("A123", time(23, 50), date(2026, 11, 25))),
        ("A123;25.11.2026 09:05", Ticket("A123", time(9, 5), date(2026, 11, 25))),
        ("A123|2026-11-25T09:15:07", Ticket("A123", time(9, 15, 7), date(2026, 11, 25))),
        ("1234", Ticket("1234")),
    ],
)
def test_a_ticket_typed_or_read_by_a_barcode_reader(typed, ticket):
    assert parse_ticket(typed) == ticket


@pytest.mark.parametrize(
    "typed", ["", "   ", "A123 25:99", "A123 9", "A 123 09:15", "A123 31.02.2026 09:15", "-"]
)
def test_what_is_not_a_ticket_is_refused_with_the_reason(typed):
    with pytest.raises(ValidationError) as caught:
        parse_ticket(typed)
    assert caught.value.message("ru") and caught.value.message("kk")


@given(st.text(max_size=40))
def test_any_text_is_a_ticket_or_a_validation_error(text):
    try:
        ticket = parse_ticket(text)
    except ValidationError:
        return
    assert 1 <= len(ticket.number) <= 12


START = datetime(2026, 11, 25, 10, 0)


def test_the_wait_runs_from_the_ticket_to_the_start_of_service():
    issued = ticket_issued_at(time(9, 41, 30), START)
    assert issued == datetime(2026, 11, 25, 9, 41, 30)
    assert wait_seconds(issued, START) == 18 * 60 + 30


def test_a_ticket_issued_before_midnight_waited_across_it():
    start = datetime(2026, 11, 26, 0, 10)
    issued = ticket_issued_at(time(23, 50), start)
    assert issued == datetime(2026, 11, 25, 23, 50)
    assert wait_seconds(issued, start) == 20 * 60


def test_a_ticket_with_its_own_date_is_taken_at_its_word():
    issued = ticket_issued_at(time(9, 0), START, date(2026, 11, 24))
    assert wait_seconds(issued, START) == 25 * 3600


def test_a_queue_clock_a_few_minutes_ahead_is_no_wait_not_a_day():
    issued = ticket_issued_at(time(10, 4), START)  # the queue machine's clock runs ahead
    assert issued.date() == START.date()
    assert wait_seconds(issued, START) == 0


def test_a_missing_issue_time_is_an_unknown_wait():
    assert wait_seconds(None, START) is None


def test_service_time_never_negative():
    assert service_seconds(START, datetime(2026, 11, 25, 10, 12, 5)) == 725
    assert service_seconds(START, datetime(2026, 11, 25, 9, 59)) == 0


def test_median_and_nearest_rank_percentile():
    values = [60, 120, 180, 240, 300, 360, 420, 480, 540, 1200]
    assert median(values) == 330
    assert percentile(values, 0.9) == 540  # the 9th of 10
    assert percentile(values, 0.5) == 300
    assert percentile([7], 0.9) == 7
    assert median([]) is None and percentile([], 0.9) is None
    figures = Figures.of(values, 900)
    assert (figures.count, figures.within_norm) == (10, 0.9)
    assert Figures.of([], 900) == Figures(0, None, None, None)
