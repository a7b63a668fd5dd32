"""The transfer register of one batch handed to the committee."""

from __future__ import annotations

import pytest

from ozq_desktop.printing import render_transfer
from tests.printing import samples
from tests.printing.pdf import flat, metadata, pages_text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_package_totals_and_signatures(lang):
    data = samples.transfer(30)
    pages = pages_text(render_transfer(data, lang))
    text = " ".join(pages)
    assert len(pages) > 1
    title, batch, to, total, handed, received, pager = {
        "kk": (
            "Көрсетілетін қызметті берушіге берілген құжаттар топтамаларының тізілімі",
            f"№ {data.batch_id} топтама, 2026 жылғы 25 қараша",
            "Кімге:",
            "Барлық топтамалар: 30",
            "Тапсырды (ХҚО қызметкері)",
            "Қабылдап алды (көрсетілетін қызметті беруші)",
            "1-бет, барлығы {n} бет",
        ),
        "ru": (
            "Реестр пакетов документов, переданных услугодателю",
            f"Партия № {data.batch_id}, 25 ноября 2026 г.",
            "Кому:",
            "Всего пакетов: 30",
            "Передал (работник ЦОН)",
            "Принял (услугодатель)",
            "Страница 1 из {n}",
        ),
    }[lang]
    for expected in (title, batch, to, handed, received):
        assert expected in text
    assert flat(data.committee[lang]) in pages[0]
    assert pager.format(n=len(pages)) in pages[0]
    for number, row in enumerate(data.rows, start=1):
        assert f"{number} {row.receipt_no} {row.accepted_on:%d.%m.%Y}" in text
    documents = sum(r.documents for r in data.rows)
    sheets = sum(r.pages for r in data.rows)
    assert f"{total} {documents} {sheets}" in text
    assert data.handed_over_by in pages[-1]


def test_metadata():
    data = samples.transfer(3)
    info = metadata(render_transfer(data, "kk"))
    assert info["/Subject"] == data.batch_id
    assert info["/Author"] == data.branch.name["kk"]
