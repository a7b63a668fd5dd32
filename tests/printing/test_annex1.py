"""The Annex 1 application of each service, filled in, read back in both languages."""

from __future__ import annotations

import shutil
import subprocess

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
        "25 ноября 2026 г.",
    ),
}


SIGNATURE = {
    "kk": "(ұйым басшысының қолы, Т.А.Ә.)",
    "ru": "(подпись руководителя организации, Ф.И.О.)",
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
    # the caption under the head's signature: service 3's own, «(ұйым басшысының қолы)»
    caption = {
        ("kk", 3): "(ұйым басшысының қолы)",
        ("ru", 3): "(подпись руководителя организации)",
    }.get((lang, number), SIGNATURE[lang])
    assert f"{caption} " in f"{page} "
    assert (SIGNATURE[lang] in page) == (number != 3)
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


def test_the_russian_application_of_service_1_asks_in_the_third_person():
    """«ТОО», руководствуясь…, просит Вас… — not «прошу»; the sector follows «…безопасности»."""
    page = pages_text(render_annex1(samples.annex1(1), "ru"))[0]
    assert "просит Вас" in page and "прошу" not in page
    assert (
        "аттестат на право проведения работ в области промышленной безопасности в следующих "
        "отраслях промышленности: мұнай-газ өнеркәсібі / нефтегазовая промышленность"
    ) in page


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_requisites_rules_touch_no_text(lang, tmp_path):
    """The rules of the requisites block run clear of the letters above and below them: the
    pixel rows next to each rule are blank across the block."""
    from PIL import Image

    (tmp_path / "a.pdf").write_bytes(render_annex1(samples.annex1(1), lang))
    subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-png",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            tmp_path / "a.pdf",
            tmp_path / "p",
        ],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    width, height = image.size
    left = int(width * 0.42)  # the right-hand block (95 mm of 210)
    right = width - int(width * 15 / 210) - 2
    pixels = image.load()

    def dark(row: int) -> int:
        return sum(1 for x in range(left, right) if pixels[x, row] < 128)

    block = [y for y in range(int(height * 0.4)) if dark(y) > (right - left) * 0.8]
    rules = [y for y in block if y - 1 not in block]
    assert len(rules) >= 4  # name (two lines), address, BIN, phone: a rule under each
    for rule in rules:
        bottom = max(y for y in block if y >= rule and all(r in block for r in range(rule, y)))
        for y in (*range(rule - 3, rule), *range(bottom + 1, bottom + 4)):
            assert dark(y) == 0, f"letters touch the rule at pixel row {rule}"
