"""The result hand-over receipt: a granted result and a reasoned refusal, two copies each."""

from __future__ import annotations

import pytest

from ozq_desktop.printing import render_handover
from tests.printing import samples
from tests.printing.pdf import flat, metadata, pages_text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_registered_declaration(lang):
    data = samples.handover(granted=True)
    pages = pages_text(render_handover(data, lang))
    assert len(pages) == 2
    expected = {
        "kk": (
            "Мемлекеттік көрсетілетін қызмет нәтижесін беру туралы қолхат",
            "мемлекеттік қызмет көрсетілді, 2026 жылғы 14 желтоқсан",
            "Декларацияның тіркеу шифры: ДПБ-01-2026/0457",
            "Берілген күні мен уақыты: 2026 жылғы 15 желтоқсан, 15:05",
            "Алдым",
        ),
        "ru": (
            "Расписка о выдаче результата оказания государственной услуги",
            "государственная услуга оказана, 14 декабря 2026 г.",
            "Регистрационный шифр декларации: ДПБ-01-2026/0457",
            "Дата и время выдачи: 15 декабря 2026 г., 15:05",
            "Получил(а)",
        ),
    }[lang]
    for page in pages:
        for text in expected:
            assert text in page
        assert f"№ {data.receipt_no}" in page
        assert f"«{flat(data.service_name[lang])}»" in page
        assert data.recipient_name in page and data.recipient_idn in page
        assert data.representative.name in page
        assert data.clerk_full_name in page
    assert pages[0].startswith(
        "Көрсетілетін қызметті алушының данасы" if lang == "kk" else "Экземпляр услугополучателя"
    )
    assert pages[1].startswith("ХҚО данасы" if lang == "kk" else "Экземпляр ЦОН")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_reasoned_refusal_lists_its_reasons(lang):
    data = samples.handover(granted=False)
    page = pages_text(render_handover(data, lang))[0]
    decision = {
        "kk": "мемлекеттік қызмет көрсетуден дәлелді бас тарту",
        "ru": "мотивированный отказ в оказании государственной услуги",
    }[lang]
    assert decision in page
    first, second = data.refusal_reasons
    assert f"1) {flat(first[lang])}" in page
    assert f"2) {flat(second)}" in page


def test_metadata():
    data = samples.handover()
    info = metadata(render_handover(data, "kk"))
    assert info["/Subject"] == data.receipt_no
    assert info["/Author"] == data.branch.name["kk"]
