"""Dates as each language writes them on official papers."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ozq_desktop.errors import ValidationError
from ozq_desktop.printing.dates import format_date, format_datetime, format_time

KK_LONG = [
    "қаңтардағы",
    "ақпандағы",
    "наурыздағы",
    "сәуірдегі",
    "мамырдағы",
    "маусымдағы",
    "шілдедегі",
    "тамыздағы",
    "қыркүйектегі",
    "қазандағы",
    "қарашадағы",
    "желтоқсандағы",
]
KK_ON = [
    "қаңтарда",
    "ақпанда",
    "наурызда",
    "сәуірде",
    "мамырда",
    "маусымда",
    "шілдеде",
    "тамызда",
    "қыркүйекте",
    "қазанда",
    "қарашада",
    "желтоқсанда",
]
KK_PLAIN = [
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
]
RU = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]


def test_the_issue_example():
    assert format_date(date(2026, 11, 25), "kk") == "2026 жылғы 25 қарашадағы"
    assert format_date(date(2026, 11, 25), "ru") == "25 ноября 2026 г."


def test_the_seed_dates_come_out_as_the_seed_writes_them():
    # «… 2014 жылғы 11 сәуірдегі …», «2014 жылғы 30 мамырдағы № 586 қаулысы»
    assert format_date(date(2014, 4, 11), "kk") == "2014 жылғы 11 сәуірдегі"
    assert format_date(date(2014, 5, 30), "kk") == "2014 жылғы 30 мамырдағы"
    assert format_date(date(2013, 4, 15), "kk") == "2013 жылғы 15 сәуірдегі"


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_in_every_style(month):
    day = date(2027, month, 3)
    i = month - 1
    assert format_date(day, "kk", "long") == f"2027 жылғы 3 {KK_LONG[i]}"
    assert format_date(day, "kk", "on") == f"2027 жылғы 3 {KK_ON[i]}"
    assert format_date(day, "kk", "plain") == f"2027 жылғы 3 {KK_PLAIN[i]}"
    assert format_date(day, "kk", "form") == f"2027 ж. «3» {KK_PLAIN[i]}"
    assert format_date(day, "ru", "long") == f"3 {RU[i]} 2027 г."
    assert format_date(day, "ru", "form") == f"«3» {RU[i]} 2027 г."
    assert (
        format_date(day, "kk", "short") == format_date(day, "ru", "short") == f"03.{month:02d}.2027"
    )


def test_datetime_and_time():
    moment = datetime(2026, 1, 5, 9, 7)
    assert format_time(moment) == "09:07"
    assert format_datetime(moment, "kk") == "2026 жылғы 5 қаңтар, 09:07"
    assert format_datetime(moment, "ru") == "5 января 2026 г., 09:07"
    assert format_datetime(moment, "kk", "long") == "2026 жылғы 5 қаңтардағы, 09:07"


def test_unknown_language_or_style_is_refused():
    with pytest.raises(ValidationError):
        format_date(date(2026, 1, 1), "en")
    with pytest.raises(ValidationError):
        format_date(date(2026, 1, 1), "kk", "fancy")
