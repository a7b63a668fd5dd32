"""The acceptance receipt read back: the seed's six items, branch and desk, QR, two copies."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace

import pytest

from ozq_desktop.printing import DocumentLine, render_receipt
from ozq_desktop.printing.dates import format_date
from tests.printing import samples
from tests.printing.pdf import flat, metadata, pages_text

LANGS = ("kk", "ru")
MARKS = {
    "kk": ("Көрсетілетін қызметті алушының данасы", "ХҚО данасы"),
    "ru": ("Экземпляр услугополучателя", "Экземпляр ЦОН"),
}
ITEMS = {
    "kk": (
        "1. Құжаттардың нөмірі мен қабылдау күні:",
        "2. Сұрау салынған мемлекеттік көрсетілетін қызмет түрі:",
        "3. Қоса берілген құжаттардың саны мен атауы:",
        "5. Құжаттарды қабылдаған жауапты адамның тегі, аты, әкесінің аты:",
        "6. Көрсетілетін қызметті алушының тегі, аты, әкесінің аты (атауы), байланыс деректері:",
    ),
    "ru": (
        "1. Номер и дата приёма документов:",
        "2. Вид запрашиваемой государственной услуги:",
        "3. Количество и наименование приложенных документов:",
        "5. Фамилия, имя, отчество ответственного лица, принявшего документы:",
        "6. Фамилия, имя, отчество (наименование) услугополучателя, контактные данные:",
    ),
}


NOTICE = {
    "kk": (
        "Іс мәртебесін қалай білуге және шағымды қалай беруге болады",
        "бірыңғай байланыс орталығының байланыс телефоны: 1414",
        "8 (7172) 74-98-20",
        "010000, Астана қаласы, Орынбор көшесі, 8, «Министрліктер үйі» ғимараты, № 2 кіреберіс",
        "тіркелген күнінен бастап 5 (бес) жұмыс күні ішінде қаралуға жатады",
    ),
    "ru": (
        "Как узнать статус дела и как обжаловать",
        "Единого контакт-центра по вопросам оказания государственных услуг: 1414",
        "8 (7172) 74-98-20",
        "010000, город Астана, улица Орынбор, 8, здание «Дом министерств», подъезд № 2",
        "в течение 5 (пяти) рабочих дней со дня её регистрации",
    ),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("number", [1, 2, 3])
def test_every_required_item_is_on_both_copies(lang, number):
    data = samples.receipt(number)
    service = samples.service(number)
    pages = pages_text(render_receipt(data, lang))
    assert len(pages) == 2
    for page, mark in zip(pages, MARKS[lang], strict=True):
        assert page.startswith(mark)
        for item in ITEMS[lang]:
            assert item in page
        # item 4 in the standard's own words (service 3 words it its own way, seed §9)
        assert f"4. {flat(service.receipt.result_item.get(lang))}:" in page
        # 1. number and date of acceptance
        assert f"№ {data.receipt_no}" in page
        assert "25 қараша, 10:42" in page if lang == "kk" else "25 ноября 2026 г., 10:42" in page
        # 2. the service, as the catalog names it
        assert f"«{flat(service.name.get(lang))}»" in page
        # 3. the number and the names of the documents
        for doc in data.documents:
            assert flat(doc.name[lang]) in page
        count = len(data.documents)
        total = f"барлығы {count} құжат" if lang == "kk" else f"всего документов: {count}"
        assert total in page
        # 4. date, time and place of issue of the result
        assert flat(format_date(data.result_date, lang, "plain")) in page
        assert flat(data.result_place[lang]) in page
        # 5. the clerk; 6. the applicant with contacts
        assert data.clerk_full_name in page
        for value in (data.applicant_name, data.applicant_idn, data.applicant_phone):
            assert value in page
        assert data.applicant_email in page
        assert flat(data.applicant_address) in page
        # branch and desk
        assert flat(data.branch.name[lang]) in page
        assert ("№ 3 бөлім" if lang == "kk" else "Отдел № 3") in page
        assert "A07" in page
        # how to learn the status and complain (seed §11, §16, §17), on both copies
        for words in NOTICE[lang]:
            assert words in page
        # representative with the power of attorney
        assert data.representative.name in page
        assert (
            "2026 жылғы 2 қарашадағы № 47 сенімхат"
            if lang == "kk"
            else "доверенность № 47 от 2 ноября 2026 г."
        ) in page


@pytest.mark.parametrize("lang", LANGS)
def test_signature_lines_for_clerk_and_applicant(lang):
    data = samples.receipt(representative=False)
    page = pages_text(render_receipt(data, lang))[0]
    clerk, applicant, signature = {
        "kk": ("ХҚО қызметкері", "Көрсетілетін қызметті алушы", "(қолы)"),
        "ru": ("Работник ЦОН", "Услугополучатель", "(подпись)"),
    }[lang]
    tail = page[page.rindex(clerk) :]
    assert tail.count(signature) == 2
    assert data.clerk_full_name in tail and applicant in tail and data.applicant_name in tail


def test_a_result_time_is_printed_when_known_and_working_hours_otherwise():
    with_time = replace(samples.receipt(), result_date=samples.datetime(2026, 12, 16, 11, 30))
    assert "Уақыты: 11:30" in pages_text(render_receipt(with_time, "kk"))[0]
    assert "Время: в часы работы ЦОН" in pages_text(render_receipt(samples.receipt(), "ru"))[0]


def test_home_visit_address_and_reason_are_printed():
    data = replace(
        samples.receipt(),
        home_visit_address="Қостанай қ., Абай даңғылы, 5, 12-пәтер",
        home_visit_reason="денсаулық жағдайына байланысты",
    )
    page = pages_text(render_receipt(data, "kk"))[0]
    assert "Құжаттар үйде қабылданды, мекенжайы: Қостанай қ., Абай даңғылы, 5, 12-пәтер" in page
    assert "себебі: денсаулық жағдайына байланысты" in page
    ru = pages_text(render_receipt(data, "ru"))[0]
    assert "причина: денсаулық жағдайына байланысты" in ru


@pytest.mark.parametrize("number", [1, 2, 3])
def test_every_copy_is_one_page_even_with_a_home_visit_and_a_representative(number):
    for lang in LANGS:
        data = samples.receipt(number, home_visit=True)
        assert len(pages_text(render_receipt(data, lang))) == 2


def test_the_sample_result_dates_are_working_days():
    from ozq_wire.calendar import WorkingCalendar

    for number in (1, 2, 3):
        assert WorkingCalendar().is_working_day(samples.receipt(number).result_date)


def test_a_receipt_longer_than_a_page_still_has_both_copies_in_full():
    many = [
        DocumentLine(name=f"Қосымша құжат {n} " + "сипаттама " * 30, pages=n) for n in range(1, 16)
    ]
    data = replace(samples.receipt(), documents=many)
    pages = pages_text(render_receipt(data, "kk"))
    assert len(pages) > 2
    text = " ".join(pages)
    assert text.count("Көрсетілетін қызметті алушының данасы") == 1
    assert text.count("ХҚО данасы") == 1
    assert text.count("Қосымша құжат 15") == 2
    second = next(i for i, p in enumerate(pages) if p.startswith("ХҚО данасы"))
    assert "Қосымша құжат 1 " in " ".join(pages[second:])


@pytest.mark.parametrize("lang", LANGS)
def test_metadata(lang):
    data = samples.receipt()
    info = metadata(render_receipt(data, lang))
    assert info["/Subject"] == data.receipt_no
    assert info["/Author"] == data.branch.name[lang]
    title = (
        "Құжаттарды қабылдағаны туралы қолхат" if lang == "kk" else "Расписка о приёме документов"
    )
    assert info["/Title"] == f"{title} № {data.receipt_no}"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_the_qr_code_on_each_copy_reads_back_as_the_receipt_number(tmp_path):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    data = replace(samples.receipt(), receipt_no="0104-A07-0004711")
    (tmp_path / "r.pdf").write_bytes(render_receipt(data, "ru"))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", tmp_path / "r.pdf", tmp_path / "p"], check=True
    )
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == 2
    for image in images:
        codes = zxingcpp.read_barcodes(Image.open(image))
        assert [c.text for c in codes] == ["0104-A07-0004711"]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
@pytest.mark.parametrize("lang", LANGS)
def test_with_the_hubs_status_page_the_qr_code_opens_it_and_a_line_says_how(tmp_path, lang):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    link = "https://ozq.example.kz/status?receipt=0104-A07-0004711"
    data = replace(samples.receipt(), receipt_no="0104-A07-0004711", status_url=link)
    pdf = render_receipt(data, lang)
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", tmp_path / "r.pdf", tmp_path / "p"], check=True
    )
    for image in sorted(tmp_path.glob("p-*.png")):
        assert [c.text for c in zxingcpp.read_barcodes(Image.open(image))] == [link]
    text = " ".join(" ".join(pages_text(pdf)).split())
    expected = {"kk": "QR кодты сканерлеңіз", "ru": "отсканируйте QR-код"}[lang]
    assert expected in text
    assert "https://ozq.example.kz/status" in text
