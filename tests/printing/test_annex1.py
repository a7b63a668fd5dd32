"""The Annex 1 application of each service, filled in, read back in both languages."""

from __future__ import annotations

import pytest

from ozq_desktop.printing import render_annex1
from tests.printing import samples
from tests.printing.pdf import flat, metadata, pages_text

FRAME = {
    "kk": (
        "Қазақстан Республикасы ТЖМ Төтенше жағдайларды және өнеркәсіптік қауіпсіздікті "
        "мемлекеттік бақылау комитетінің төрағасы ________ мырзаға",
        "Өтініш",
        "Қосымшалар:",
        "Ақпараттық жүйелердегі мемлекет қорғайтын құпия болып табылатын ақпараттарды "
        "пайдалануға келісім беремін.",
        "(ұйым басшысының лауазымы)",
        "(ұйым басшысының қолы, Т.А.Ә.)",
        "2026 жылғы 25 қараша",
    ),
    "ru": (
        "Председателю Комитета по государственному контролю за чрезвычайными ситуациями и "
        "промышленной безопасностью МЧС Республики Казахстан господину ________",
        "Заявление",
        "Приложения:",
        "Даю согласие на использование сведений, составляющих охраняемую законом тайну, "
        "содержащихся в информационных системах.",
        "(должность руководителя организации)",
        "(подпись руководителя организации, Ф.И.О.)",
        "25 ноября 2026 г.",
    ),
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_application_of_each_service(lang, number):
    service = samples.service(number)
    data = samples.annex1(number)
    pages = pages_text(render_annex1(data, lang))
    assert len(pages) == 1
    page = pages[0]
    for text in FRAME[lang]:
        assert flat(text) in page
    assert flat(service.annex1.header.get(lang)) in page
    assert flat(service.annex1.title.get(lang)) in page
    for paragraph in data.body[lang].split("\n"):
        assert flat(paragraph) in page
    for attachment in service.annex1.attachments:
        assert flat(attachment.get(lang)) in page
    for line in data.applicant_requisites:
        assert flat(line) in page
    assert flat(samples.ANNEX1_VALUES["organisation"]) in page
    assert data.head_position in page and data.head_name in page
    corner = {
        "kk": f"«{flat(service.name.kk)}» мемлекеттік көрсетілетін қызмет стандартына 1-қосымша",
        "ru": f"Приложение 1 к стандарту государственной услуги «{flat(service.name.ru)}»",
    }[lang]
    assert corner in page


def test_filled_values_of_service_2_are_in_the_body():
    page = pages_text(render_annex1(samples.annex1(2), "kk"))[0]
    assert "ГНКТ-20 үлгісіндегі ұңғыма сағасының жабдығы" in page
    assert "Қысқаша сипаттама: Мұнай ұңғымаларын жөндеуге арналған" in page


def test_the_kazakh_purpose_comes_before_the_word_application_as_in_the_seed():
    page = pages_text(render_annex1(samples.annex1(3), "kk"))[0]
    assert page.index("тіркеу шифрін беруге") < page.index("Өтініш")
    page = pages_text(render_annex1(samples.annex1(3), "ru"))[0]
    assert page.index("Заявление") < page.index("на присвоение регистрационного шифра")


def test_metadata():
    data = samples.annex1(1)
    info = metadata(render_annex1(data, "kk"))
    assert info["/Subject"] == data.receipt_no
    assert info["/Author"] == data.branch.name["kk"]
    assert info["/Title"].startswith("Өтініш: ")
