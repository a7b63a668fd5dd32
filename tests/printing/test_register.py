"""The daily register: grouped by clerk, totals by service and outcome, page X of Y, XLSX."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import time
from functools import cache

import openpyxl
import pytest

from ozq_desktop.printing import (
    Outcome,
    RegisterData,
    RegisterRow,
    render_register,
    render_register_xlsx,
)
from tests.printing import samples
from tests.printing.pdf import metadata, pages_text

OUTCOMES = {
    "kk": {
        Outcome.ACCEPTED: "Қабылданды",
        Outcome.REFUSED: "Бас тартылды",
        Outcome.HANDED_OVER: "Нәтиже берілді",
    },
    "ru": {
        Outcome.ACCEPTED: "Принято",
        Outcome.REFUSED: "Отказано",
        Outcome.HANDED_OVER: "Результат выдан",
    },
}
CLERK = {"kk": "Қызметкер:", "ru": "Работник:"}
LONG = samples.register(300)


@cache
def long_register_pages(lang: str) -> list[str]:
    return pages_text(render_register(LONG, lang))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_page_x_of_y_on_every_page(lang):
    pages = long_register_pages(lang)
    total = len(pages)
    assert total > 3
    for number, page in enumerate(pages, start=1):
        expected = (
            f"{number}-бет, барлығы {total} бет"
            if lang == "kk"
            else f"Страница {number} из {total}"
        )
        assert expected in page


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_header_rows_grouping_and_subtotals(lang):
    data = LONG
    pages = long_register_pages(lang)
    text = " ".join(pages)
    assert ("Күнделікті тізілім" if lang == "kk" else "Ежедневный реестр") in pages[0]
    assert ("2026 жылғы 25 қараша" if lang == "kk" else "25 ноября 2026 г.") in pages[0]
    assert data.branch.name[lang] in pages[0]
    for row in data.rows:
        assert row.receipt_no in text
    # Each clerk's block starts with the clerk's name; a block running onto the next page
    # repeats it there, so every page of rows names its clerk.
    for page in pages[:-1]:
        assert CLERK[lang] in page
    clerks = sorted(samples.CLERKS)
    firsts = [text.index(f"{CLERK[lang]} {c}") for c in clerks]
    assert firsts == sorted(firsts)
    for clerk in clerks:
        mine = [r for r in data.rows if r.clerk == clerk]
        counts = Counter(r.outcome for r in mine)
        word = "Барлығы" if lang == "kk" else "Всего"
        parts = ", ".join(f"{OUTCOMES[lang][o]} — {counts.get(o, 0)}" for o in Outcome)
        assert f"{word}: {len(mine)} ({parts})" in text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_totals_by_service_and_outcome_and_signature(lang):
    data = samples.register(40)
    last = pages_text(render_register(data, lang))[-1]
    assert (
        "Қызметтер мен нәтижелер бойынша жиынтық"
        if lang == "kk"
        else "Итоги по услугам и результатам"
    ) in last
    for service in samples.service(1), samples.service(2), samples.service(3):
        rows = [r for r in data.rows if r.service == samples.text(service.short_name)]
        counts = Counter(r.outcome for r in rows)
        numbers = " ".join(str(counts.get(o, 0)) for o in Outcome)
        assert f"{service.short_name.get(lang)} {numbers} {len(rows)}" in last
    overall = Counter(r.outcome for r in data.rows)
    word = "Барлығы" if lang == "kk" else "Всего"
    assert f"{word} {' '.join(str(overall[o]) for o in Outcome)} {len(data.rows)}" in last
    assert data.supervisor_name in last
    assert ("Жетекші" if lang == "kk" else "Руководитель") in last
    assert ("(қолы)" if lang == "kk" else "(подпись)") in last


def test_an_empty_day_still_prints_a_signed_register():
    data = RegisterData(branch=samples.BRANCH, date=samples.date(2026, 11, 26), rows=[])
    text = " ".join(pages_text(render_register(data, "kk")))
    assert "Осы күні ештеңе қабылданған, бас тартылған немесе берілген жоқ." in text
    assert "Жетекші" in text


def test_time_given_as_text_and_metadata():
    row = RegisterRow(
        clerk="А", receipt_no="X-1", time="08:05", service="S", applicant="B", outcome="refused"
    )
    data = RegisterData(branch=samples.BRANCH, date=samples.date(2026, 11, 26), rows=[row])
    pdf = render_register(data, "ru")
    assert "1 08:05 X-1 S B Отказано" in pages_text(pdf)[0]
    info = metadata(pdf)
    assert info["/Subject"] == "2026-11-26"
    assert info["/Author"] == samples.BRANCH.name["ru"]
    assert info["/Title"] == "Ежедневный реестр: 26 ноября 2026 г."


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_xlsx_holds_the_same_table(lang):
    data = samples.register(120)
    book = openpyxl.load_workbook(io.BytesIO(render_register_xlsx(data, lang)))
    rows_sheet, totals_sheet = book.worksheets
    values = [list(r) for r in rows_sheet.iter_rows(values_only=True)]
    records = [r for r in values if isinstance(r[0], int)]
    assert len(records) == len(data.rows)
    assert [r[0] for r in records] == list(range(1, len(data.rows) + 1))
    assert {r[2] for r in records} == {r.receipt_no for r in data.rows}
    assert all(isinstance(r[1], time) for r in records)
    assert {r[5] for r in records} == set(OUTCOMES[lang].values())
    headings = [r[0] for r in values if isinstance(r[0], str) and r[0].startswith(CLERK[lang])]
    assert headings == [f"{CLERK[lang]} {c}" for c in sorted(samples.CLERKS)]
    by_receipt = {r.receipt_no: r for r in data.rows}
    for record in records:
        assert OUTCOMES[lang][by_receipt[record[2]].outcome] == record[5]
    totals = [list(r) for r in totals_sheet.iter_rows(values_only=True)]
    overall = Counter(r.outcome for r in data.rows)
    assert totals[-1][1:] == [overall[o] for o in Outcome] + [len(data.rows)]
    assert sum(row[4] for row in totals[1:-1]) == len(data.rows)
    assert book.properties.subject == data.date.isoformat()
    assert re.search(r"\d", book.properties.title)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_receipt_numbers_are_never_broken_across_lines(lang):
    """Desk receipt numbers («ALA01-D1-0001002») fit their column on one line, in the daily
    register and in the transfer register alike."""
    from ozq_desktop.printing import render_transfer

    data = samples.register(40)
    text = " ".join(pages_text(render_register(data, lang)))
    for row in data.rows:
        assert row.receipt_no in text
    transfer = samples.transfer(12)
    text = " ".join(pages_text(render_transfer(transfer, lang)))
    for row in transfer.rows:
        assert row.receipt_no in text
