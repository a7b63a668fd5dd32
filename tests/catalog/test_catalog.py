"""The shipped catalog against the seed (Decree No. 586): terms, documents, texts, annexes."""

from __future__ import annotations

import re
import string

import pytest
from pydantic import BaseModel

from ozq_wire.catalog import ApplicantType, ResultKind, TermUnit, load_catalog
from ozq_wire.catalog.schema import Service, Text
from tests.catalog.seed import (
    ANNEX1_CAPTIONS,
    PUT_BACK_IN_ORDER,
    raw_seed,
    squash,
    standard,
)

LE = ApplicantType.LEGAL_ENTITY
NP = ApplicantType.NATURAL_PERSON
NR = ApplicantType.NON_RESIDENT_LEGAL_ENTITY


def service(number: int) -> Service:
    return next(s for s in load_catalog() if s.number == number)


def texts(obj: object, path: str = ""):
    """Every bilingual Text inside a catalog model, with where it sits."""
    if isinstance(obj, Text):
        yield path, obj
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from texts(item, f"{path}.{i}")
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from texts(getattr(obj, name), f"{path}.{name}" if path else name)


def test_the_shipped_catalog_has_the_three_services_in_the_seeds_order():
    catalog = load_catalog()
    assert [s.number for s in catalog] == [1, 2, 3]
    assert [s.id for s in catalog] == [
        "attestation",
        "technology-permit",
        "declaration-registration",
    ]


def test_the_seed_texts_the_tests_rely_on_are_really_there():
    seed = squash(raw_seed())
    for extracted, _ in PUT_BACK_IN_ORDER:
        assert squash(extracted) in seed, extracted
    for caption in ANNEX1_CAPTIONS:
        assert squash(caption) in seed, caption


# --- §4 term, §8.2 early hand-over -------------------------------------------------------------

TERMS = [
    (1, 15, TermUnit.WORKING_DAYS, 0, "15 (он бес) жұмыс күнінен аспайды"),
    (2, 15, TermUnit.CALENDAR_DAYS, 0, "күнтізбелік 15 (он бес) күннен аспайды"),
    (3, 7, TermUnit.WORKING_DAYS, 1, "7 (жеті) жұмыс күнінен аспайды"),
]


@pytest.mark.parametrize(("number", "count", "unit", "early", "seed_words"), TERMS)
def test_term_is_the_seeds(number, count, unit, early, seed_words):
    term = service(number).term
    assert (term.count, term.unit, term.early_days_at_service_centre) == (count, unit, early)
    assert squash(seed_words) in standard(number).body


@pytest.mark.parametrize("number", [1, 2, 3])
def test_only_service_3_hands_the_result_over_a_day_early(number):
    # Seed, service 3, §8.2: "...мерзімі аяқталудан бір күн бұрын ұсынады".
    early_rule = squash("мемлекеттік қызмет көрсетуді мерзімі аяқталудан бір күн бұрын ұсынады")
    in_seed = early_rule in standard(number).body
    assert in_seed == (number == 3)
    assert (service(number).term.early_days_at_service_centre == 1) == in_seed


# --- applicants, results, law articles ----------------------------------------------------------

APPLICANTS = [
    (1, {LE}, "Заңды тұлға (бұдан әрі - көрсетілетін қызметті алушы)"),
    (
        2,
        {LE, NP, NR},
        "Заңды және жеке тұлғалар, сондай-ақ, Қазақстан Республикасының резиденті емес заңды "
        "тұлға (бұдан әрі - көрсетілетін қызметті алушы)",
    ),
    (3, {LE, NP}, "Жеке және заңды тұлға (бұдан әрі - көрсетілетін қызметті алушы)"),
]


@pytest.mark.parametrize(("number", "kinds", "seed_words"), APPLICANTS)
def test_applicant_types_are_the_seeds(number, kinds, seed_words):
    assert set(service(number).applicant_types) == kinds
    assert squash(seed_words) in standard(number).body


RESULTS = [
    (
        1,
        [ResultKind.ATTESTATION_CERTIFICATE, ResultKind.REASONED_REFUSAL],
        [
            "нәтижесі - өнеркәсіптік қауіпсіздік саласында жұмыстар жүргізу құқығына берілетін аттестат",
            "мемлекеттік қызмет көрсетуден бас тарту туралы дәлелді жауап",
        ],
    ),
    (
        # §6 names only the permission, and §10 gives no grounds for a refusal.
        2,
        [ResultKind.PERMISSION],
        ["нәтижесі - қауіпті өндірістік объектілерде қолданылатын технологияларды"],
    ),
    (
        3,
        [ResultKind.REGISTRATION, ResultKind.REASONED_REFUSAL],
        ["нәтижесі - тіркеу шифрін бере отырып", "не дәлелді бас тартуды ұсынады"],
    ),
]


@pytest.mark.parametrize(("number", "kinds", "seed_words"), RESULTS)
def test_result_kinds_are_the_seeds(number, kinds, seed_words):
    assert service(number).results == kinds
    for words in seed_words:
        assert squash(words) in standard(number).body, words


def test_only_services_whose_standard_gives_a_reasoned_refusal_list_it():
    refusal = squash("дәлелді")
    for number in (1, 2, 3):
        section_6 = standard(number).body.split(squash("6. Мемлекеттік көрсетілетін қызметтің"))[1]
        section_6 = section_6.split(squash("7. Мемлекеттік көрсетілетін қызмет"))[0]
        assert (refusal in section_6) == service(number).can_refuse(), number


def test_service_2_sends_non_residents_to_the_provider_as_its_standard_does():
    # §9 of service 2: non-resident legal entities hand their documents to the authorised
    # body; the service-centre list ("ХҚО-ға") does not name them.
    assert squash("резиденті емес-заңды тұлғалары") in standard(2).body
    assert squash("уәкілетті органға мыналарды ұсынады") in standard(2).body
    assert squash("резиденті емес") not in standard(2).service_centre_list
    assert service(2).provider_only == [NR]
    assert NR not in service(2).counter_applicant_types
    assert all(not service(n).provider_only for n in (1, 3))


@pytest.mark.parametrize(("number", "article"), [(1, 72), (2, 74), (3, 76)])
def test_law_article_is_the_one_annex_1_cites(number, article):
    svc = service(number)
    assert svc.law_article == article
    assert squash(f"Заңының {article}-бабын басшылыққа ала отырып") in standard(number).annex1
    assert f"{article}-бабын" in svc.annex1.body.kk
    assert f"статьёй {article} " in svc.annex1.body.ru


# --- §9 documents at the service centre ---------------------------------------------------------

DOCUMENTS = [
    (1, {LE: 3}),
    (2, {LE: 2, NP: 2, NR: 2}),
    (3, {LE: 3, NP: 3}),
]


@pytest.mark.parametrize(("number", "per_type"), DOCUMENTS)
def test_documents_per_applicant_type(number, per_type):
    svc = service(number)
    seed_items = re.findall(r"[:;.](\d+)\)", standard(number).service_centre_list)
    assert [int(n) for n in seed_items] == list(range(1, len(svc.documents) + 1))
    for kind in ApplicantType:
        docs = svc.documents_for(kind)
        assert len(docs) == per_type.get(kind, 0)
        if kind in per_type:  # every applicant hands in the whole §9 list
            assert [d.code for d in docs] == [d.code for d in svc.documents]


@pytest.mark.parametrize("number", [1, 2, 3])
def test_document_names_are_the_seeds_service_centre_list_word_for_word(number):
    seed_list = standard(number).service_centre_list
    svc = service(number)
    for i, doc in enumerate(svc.documents, 1):
        assert squash(f"{i}) {doc.name.kk}") in seed_list, doc.code
        assert doc.seed_ref == f"service {number}, §9, ХҚО-ға {i})"
    assert [d.code for d in svc.documents if d.is_application] == ["application"]
    assert all(d.clerk_eds for d in svc.documents if d.is_application)
    assert [d.code for d in svc.documents if d.expert_conclusion] == ["expert_conclusion"]


def test_the_documents_asked_for_in_electronic_form_need_their_file():
    # §9, ХҚО-ға: "электрондық көшірмесі" (a copy) or "электрондық құжат" (an e-document);
    # the application is made by the desk itself.
    for svc in load_catalog():
        seed_list = standard(svc.number).service_centre_list
        items = re.split(r"[:;.]\d+\)", seed_list)[1:]
        for doc, item in zip(svc.documents, items, strict=True):
            electronic = squash("электрондық") in item
            assert electronic, (svc.number, doc.code)  # every item at the centre is electronic
            assert doc.needs_file == (not doc.is_application), (svc.number, doc.code)


def test_only_the_declaration_is_certified_by_the_applicants_eds():
    certified = [(s.number, d.code) for s in load_catalog() for d in s.documents if d.applicant_eds]
    assert certified == [(3, "declaration")]


# --- names and the annexes ----------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2, 3])
def test_service_name_is_the_standards_title(number):
    name = service(number).name.kk
    assert squash(f"«{name}» мемлекеттік көрсетілетін қызмет стандарты") in standard(number).body


@pytest.mark.parametrize("number", [1, 2, 3])
def test_annex_1_texts_are_the_seeds(number):
    annex1 = service(number).annex1
    seed_annex = standard(number).annex1_without_blanks
    assert squash(annex1.header.kk) in seed_annex
    assert squash(annex1.title.kk) in seed_annex
    body = re.sub(r"\{[a-z_]+\}", "", annex1.body.kk)
    assert squash(body) in seed_annex
    attachments = squash("Қосымшалар:" + "".join(a.kk for a in annex1.attachments))
    assert attachments in seed_annex


@pytest.mark.parametrize("number", [1, 2, 3])
def test_annex_1_placeholders_are_fields_and_agree_between_languages(number):
    svc = service(number)

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    kk, ru = fields(svc.annex1.body.kk), fields(svc.annex1.body.ru)
    assert kk == ru
    assert kk <= {f.key for f in svc.annex1_fields} | {"organisation"}
    assert "organisation" in kk


@pytest.mark.parametrize("number", [1, 2, 3])
def test_annex_2_copies_sentence_is_the_seeds_word_for_word(number):
    sentence = service(number).annex2.copies_sentence.kk
    assert squash(sentence) in standard(number).annex2


def test_annex_2_copies_sentence_differs_in_service_3_as_in_the_seed():
    s1, s2, s3 = (service(n).annex2.copies_sentence.kk for n in (1, 2, 3))
    assert s1 == s2 == "Осы қолхат 2 данада әр тарапқа бір данадан жасалды."
    assert s3 == "Осы қолхат 2 данада жасалды, әр тарап үшін бір данадан."


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_signature_caption_of_annex_1_is_the_seeds(number):
    caption = service(number).annex1.signature_caption
    text = caption.kk if caption else "(ұйым басшысының қолы, Т.А.Ә.)"
    # Service 1's seed misprints the initials as «Т.А.Ө.»; the form keeps «Т.А.Ә.».
    seed = standard(number).annex1.replace(squash("Т.А.Ө."), squash("Т.А.Ә."))
    assert squash(text) in seed
    assert (caption is not None) == (number == 3)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_receipt_item_4_is_the_standards_own_wording(number):
    item = service(number).receipt.result_item.kk
    assert squash(item) in standard(number).body
    assert squash("құжаттарды қабылдаған жауапты адамның") in standard(number).body


# Sentences of the notice the applicant gets (status, complaints), word for word in §11-§17.
NOTICE_FROM_SEED = (
    "Мемлекеттік қызметті көрсетудің тәртібі мен мәртебесі жөніндегі ақпаратты порталдың",
    "«жеке кабинеті», көрсетілетін қызметті берушінің кеңсесі арқылы, сондай-ақ мемлекеттік "
    "қызметтер көрсету мәселелері жөніндегі бірыңғай байланыс орталығы арқылы қашықтықтан қол "
    "жеткізу режимінде алуға",
    "Көрсетілетін қызметті беруші кеңсесінің байланыс телефоны: 8 (7172) 74-98-20, "
    "мемлекеттік қызметтер көрсету мәселелері жөніндегі бірыңғай байланыс орталығының "
    "байланыс телефоны: 1414.",
    "Министрлік басшысының атына мына мекенжай бойынша беріледі: 010000, Астана қаласы, "
    "Орынбор көшесі, 8, «Министрліктер үйі» ғимараты, № 2 кіреберіс",
    "ХҚО қызметкерлерінің әрекетіне (әрекетсіздігіне) шағымдар ХҚО-ның басшысына ХҚО-ның "
    "www.con.gov.kz интернет-ресурсында көрсетілген мекенжайлар мен телефондар арқылы "
    "жолданады.",
    "Көрсетілетін қызметті берушінің, Министрліктің немесе ХҚО-ның мекенжайына келіп түскен "
    "көрсетілетін қызметті алушының шағымы тіркелген күнінен бастап 5 (бес) жұмыс күні ішінде "
    "қаралуға жатады.",
    "шағымдану тәртібі туралы ақпаратты мемлекеттік қызметтер көрсету мәселелері жөніндегі "
    "бірыңғай байланыс орталығының 1414 телефоны арқылы алуға болады.",
)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_applicant_notice_is_taken_from_the_seed(number):
    notice = service(number).notice
    both = squash(notice.status.kk + notice.complaints.kk)
    for sentence in NOTICE_FROM_SEED:
        assert squash(sentence) in both, sentence
        # the seed of this very standard has it (service 3 misspells one word elsewhere)
        assert squash(sentence) in standard(number).body, sentence
    assert "www.emer.kz" in notice.complaints.kk and "www.emer.kz" in standard(number).body
    for words in ("1414", "8 (7172) 74-98-20", "5 (пяти) рабочих дней", "www.con.gov.kz"):
        assert words in notice.status.ru + notice.complaints.ru, words


# --- the expert conclusion's contents (§9) -------------------------------------------------------

MUST_CONTAIN = "қамтуы тиіс"


def seed_sentence(section) -> str:
    """The seed's sentence rebuilt from a section: "<lead>: 1) a; 2) b ... n) z қамтуы тиіс."."""
    lead = section.title.kk.removesuffix(f" {MUST_CONTAIN}")
    assert lead != section.title.kk, "the title ends with the sentence's verb"
    items = "; ".join(f"{i}) {item.kk}" for i, item in enumerate(section.items, 1))
    return f"{lead}: {items} {MUST_CONTAIN}."


@pytest.mark.parametrize(("number", "counts"), [(1, [11, 5, 3]), (2, [13, 3, 2, 2]), (3, [14])])
def test_expert_conclusion_item_counts(number, counts):
    sections = service(number).expert_conclusion
    assert [len(s.items) for s in sections] == counts
    assert sections[0].applies_to is None  # the general list applies to every conclusion
    assert all(s.applies_to is not None for s in sections[1:])


@pytest.mark.parametrize("number", [1, 2, 3])
def test_expert_conclusion_sections_rebuild_the_seeds_sentences(number):
    body = standard(number).body
    for section in service(number).expert_conclusion:
        assert squash(seed_sentence(section)) in body, section.title.kk


def test_validity_and_signature_rules_are_not_in_the_data():
    # Seed §9: 3 months' validity, signature, seal, binding: enforced in code, not data.
    for svc in load_catalog():
        for _, text in texts(svc):
            assert "үш ай" not in text.kk and "мөрімен" not in text.kk
            assert "месяц" not in text.ru and "печать" not in text.ru


# --- the Russian side ----------------------------------------------------------------------------

KAZAKH_ONLY_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


@pytest.mark.parametrize("number", [1, 2, 3])
def test_every_russian_text_is_russian_and_keeps_the_kazakh_numbers(number):
    for where, text in texts(service(number)):
        assert not KAZAKH_ONLY_LETTERS & set(text.ru), f"{where}: Kazakh letters in ru"
        assert sorted(re.findall(r"\d+", text.kk)) == sorted(re.findall(r"\d+", text.ru)), where


@pytest.mark.parametrize("number", [1, 2, 3])
def test_expert_conclusion_titles_say_must_contain_in_both_languages(number):
    for i, section in enumerate(service(number).expert_conclusion):
        assert section.title.kk.endswith(MUST_CONTAIN)
        ending = "должно содержать" if i == 0 else "должно дополнительно содержать"
        assert section.title.ru.endswith(ending)
        assert ("қосымша мыналарды" in section.title.kk) == (i > 0)
