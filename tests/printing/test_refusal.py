"""The Annex 2 refusal receipt read back: the seed's Kazakh text verbatim, the Russian, two copies."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ozq_desktop.errors import ValidationError
from ozq_desktop.printing import RefusalData, render_refusal
from tests.printing import samples
from tests.printing.pdf import flat, metadata, pages_text

# Annex 2 of the seed, lines put back in order (shared/domain/services.md); the blanks are
# «№ ___», «(мекенжайын көрсету)» and the service name in the quotes.
SEED_SENTENCE = (
    "«Мемлекеттік көрсетілетін қызметтер туралы» 2013 жылғы 15 сәуірдегі Қазақстан "
    "Республикасының Заңы 20-бабының 2-тармағын басшылыққа ала отырып, «Халыққа қызмет "
    "көрсету орталығы» РМК филиалының № ___ бөлімі (мекенжайын көрсету) «<қызмет атауы>» "
    "мемлекеттік көрсетілетін қызметіне құжаттарды қабылдаудан Сіздің мемлекеттік "
    "көрсетілетін қызмет стандартында көзделген тізбеге сәйкес құжаттар топтамасын толық "
    "ұсынбауыңызға байланысты бас тартады, атап айтқанда:"
)
SEED_FIXED_LINES = (
    "(Тегі, аты, болған жағдайда әкесінің аты (бұдан әрі - ТАӘ), не қызмет алушы ұйымының атауы)",
    "(көрсетілетін қызметті алушының мекенжайы)",
    "Құжаттарды қабылдаудан бас тарту туралы қолхат",
    "Жоқ құжаттардың атауы:",
    "ТАӘ (ХҚО қызметкері)",
    "(қолы)",
    "Алдым: ТАӘ/көрсетілетін қызметті алушының қолы",
)
RU_SENTENCE = (
    "Руководствуясь пунктом 2 статьи 20 Закона Республики Казахстан от 15 апреля 2013 года "
    "«О государственных услугах», отдел № {department} филиала РГП «Центр обслуживания "
    "населения» ({address}) отказывает в приёме документов на оказание государственной услуги "
    "«{service}» ввиду представления Вами неполного пакета документов согласно перечню, "
    "предусмотренному стандартом государственной услуги, а именно:"
)
RU_FIXED_LINES = (
    "(Фамилия, имя, при наличии отчество (далее - Ф.И.О.), либо наименование организации услугополучателя)",
    "(адрес услугополучателя)",
    "Расписка об отказе в приёме документов",
    "Наименование отсутствующих документов:",
    "Ф.И.О. (работника ЦОН)",
    "(подпись)",
    "Получил(а): Ф.И.О./подпись услугополучателя",
)


def filled_seed_sentence(data: RefusalData) -> str:
    return (
        SEED_SENTENCE.replace("№ ___", f"№ {data.branch.department_no}")
        .replace("(мекенжайын көрсету)", f"({data.branch.address['kk']})")
        .replace("<қызмет атауы>", data.service_name["kk"])
    )


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_kazakh_text_is_the_seeds_word_for_word(number):
    data = samples.refusal(number)
    pages = pages_text(render_refusal(data, "kk"))
    assert len(pages) == 2
    for page in pages:
        assert flat(filled_seed_sentence(data)) in page
        for line in SEED_FIXED_LINES:
            assert line in page
        assert flat(samples.service(number).annex2.copies_sentence.kk) in page
        assert (
            f"«{flat(data.service_name['kk'])}» мемлекеттік көрсетілетін қызмет стандартына 2-қосымша"
            in page
        )


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_russian_text(number):
    data = samples.refusal(number)
    sentence = RU_SENTENCE.format(
        department=data.branch.department_no,
        address=data.branch.address["ru"],
        service=data.service_name["ru"],
    )
    for page in pages_text(render_refusal(data, "ru")):
        assert flat(sentence) in page
        for line in RU_FIXED_LINES:
            assert line in page
        assert flat(samples.service(number).annex2.copies_sentence.ru) in page
        assert (
            f"Приложение 2 к стандарту государственной услуги «{flat(data.service_name['ru'])}»"
            in page
        )


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_fields_copies_and_numbered_missing_documents(lang):
    data = samples.refusal(1)
    pages = pages_text(render_refusal(data, lang))
    marks = {
        "kk": ("Көрсетілетін қызметті алушының данасы", "ХҚО данасы"),
        "ru": ("Экземпляр услугополучателя", "Экземпляр ЦОН"),
    }[lang]
    executed, phone, received_on = {
        # the date under «Алдым» is the applicant's to write: left blank (seed, Annex 2)
        "kk": (
            "Орындаған:",
            "Телефоны",
            "Алдым: ТАӘ/көрсетілетін қызметті алушының қолы 20____ ж. «____» ______________",
        ),
        "ru": (
            "Исполнитель:",
            "Телефон",
            "Получил(а): Ф.И.О./подпись услугополучателя «____» ______________ 20____ г.",
        ),
    }[lang]
    for page, mark in zip(pages, marks, strict=True):
        assert page.startswith(mark)
        assert data.applicant_name in page and flat(data.applicant_address) in page
        assert flat(data.branch.name[lang]) in page
        first, second = (flat(d[lang]) for d in data.missing_documents)
        assert f"1) {first};" in page
        assert f"2) {second}." in page
        assert page.index(f"1) {first}") < page.index(f"2) {second}")
        assert f"{executed} {data.executed_by_name}" in page
        assert f"{phone} {data.executed_by_phone}" in page
        assert data.clerk_full_name in page
        assert received_on in page
        assert "«25»" not in page  # the accepting day is not written in for the applicant
        assert f"№ {data.number}" in page


def test_metadata():
    data = samples.refusal(2)
    info = metadata(render_refusal(data, "ru"))
    assert info["/Subject"] == data.number
    assert info["/Author"] == data.branch.name["ru"]
    assert info["/Title"].startswith("Расписка об отказе в приёме документов")


def test_a_refusal_must_name_a_missing_document():
    with pytest.raises(ValidationError):
        replace(samples.refusal(1), missing_documents=[])
