"""Sample documents built from the real catalog, for the tests, the PNG renderings and the bench."""

from __future__ import annotations

from datetime import date, datetime, time

from ozq_desktop.printing import (
    Annex1Data,
    BranchInfo,
    Decision,
    DocumentLine,
    HandoverData,
    Outcome,
    ReceiptData,
    RefusalData,
    RegisterData,
    RegisterRow,
    Representative,
    ResultDocument,
    TransferData,
    TransferRow,
)
from ozq_wire.calendar import WorkingCalendar
from ozq_wire.catalog import ApplicantType, Service, load_catalog

BRANCH = BranchInfo(
    name={
        "kk": "«Халыққа қызмет көрсету орталығы» РМК Астана қаласы бойынша филиалы",
        "ru": "Филиал РГП «Центр обслуживания населения» по городу Астана",
    },
    department_no="3",
    address={
        "kk": "Астана қ., Сарыарқа ауданы, Кенесары көшесі, 10",
        "ru": "г. Астана, район Сарыарка, улица Кенесары, 10",
    },
    desk_code="A07",
    phone="8 (7172) 55-01-07",
)

CLERK = "Сейітқали Гүлнар Бақытжанқызы"
APPLICANT = "«Қазмұнайгазжабдық» жауапкершілігі шектеулі серіктестігі"
REPRESENTATIVE = Representative(
    name="Әбілқасымов Нұрлан Серікұлы",
    iin="900101300017",
    poa_number="47",
    poa_date=date(2026, 11, 2),
)


def service(number: int) -> Service:
    return next(s for s in load_catalog() if s.number == number)


def text(value) -> dict[str, str]:
    """A catalog Text as the {"kk", "ru"} mapping the printing data takes."""
    return {"kk": value.kk, "ru": value.ru}


ACCEPTED_AT = datetime(2026, 11, 25, 10, 42)


def promised_date(svc: Service, accepted_at: datetime = ACCEPTED_AT) -> date:
    """The legal end of the service's term, counted on the working calendar as the desk does
    (the 16 December holidays included)."""
    return WorkingCalendar().result_date(accepted_at, svc.term.count, svc.term.unit)


def notice(svc: Service) -> list[dict[str, str]]:
    return [text(svc.notice.status), text(svc.notice.complaints)]


def receipt(
    number: int = 1,
    *,
    representative: bool = True,
    home_visit: bool = False,
    training: bool = False,
) -> ReceiptData:
    svc = service(number)
    docs = svc.documents_for(ApplicantType.LEGAL_ENTITY)
    return ReceiptData(
        receipt_no="ALA01-D1-0000123",
        accepted_at=ACCEPTED_AT,
        branch=BRANCH,
        service_name=text(svc.name),
        documents=[DocumentLine(name=text(d.name), pages=3 + i * 7) for i, d in enumerate(docs)],
        result_date=promised_date(svc),
        result_place={
            "kk": "ХҚО № 3 бөлімі, Астана қ., Кенесары көшесі, 10, нәтиже беру терезесі",
            "ru": "Отдел № 3 ЦОН, г. Астана, улица Кенесары, 10, окно выдачи результатов",
        },
        clerk_full_name=CLERK,
        applicant_name=APPLICANT,
        applicant_idn="940140000385",
        applicant_address="Астана қ., Есіл ауданы, Қабанбай батыр даңғылы, 17, 4-кеңсе",
        applicant_phone="+7 701 555 12 34",
        applicant_email="office@kmgzh.kz",
        representative=REPRESENTATIVE if representative else None,
        home_visit_address="Астана қ., Сарыарқа ауданы, Жеңіс даңғылы, 5, 12-пәтер"
        if home_visit
        else None,
        home_visit_reason="денсаулық жағдайына байланысты / по состоянию здоровья"
        if home_visit
        else "",
        result_item=text(svc.receipt.result_item),
        notice=notice(svc),
        training=training,
    )


def refusal(number: int = 1) -> RefusalData:
    svc = service(number)
    missing = [d for d in svc.documents if not d.is_application]
    return RefusalData(
        applicant_name=APPLICANT,
        applicant_address="Астана қ., Есіл ауданы, Қабанбай батыр даңғылы, 17, 4-кеңсе",
        service_name=text(svc.name),
        branch=BRANCH,
        missing_documents=[text(d.name) for d in missing],
        clerk_full_name=CLERK,
        executed_by_name=CLERK,
        executed_by_phone="8 (7172) 55-01-07",
        copies_sentence=text(svc.annex2.copies_sentence),
        date=date(2026, 11, 25),
        number="ALA01-D1-0000124",
        notice=notice(svc),
    )


ANNEX1_VALUES = {
    "organisation": APPLICANT,
    "industry_sector": "мұнай-газ өнеркәсібі / нефтегазовая промышленность",
    "activity_kind": "өнеркәсіптік қауіпсіздік саласындағы сараптама / экспертиза в области промышленной безопасности",
    "items": "ГНКТ-20 үлгісіндегі ұңғыма сағасының жабдығы / оборудование устья скважины типа ГНКТ-20",
    "description": "Мұнай ұңғымаларын жөндеуге арналған / предназначено для ремонта нефтяных скважин",
}


def annex1(number: int = 1) -> Annex1Data:
    svc = service(number)
    body = {lang: svc.annex1.body.get(lang).format(**ANNEX1_VALUES) for lang in ("kk", "ru")}
    return Annex1Data(
        service_name=text(svc.name),
        header=text(svc.annex1.header),
        applicant_requisites=[
            APPLICANT,
            "Астана қ., Есіл ауданы, Қабанбай батыр даңғылы, 17, 4-кеңсе",
            "БСН 940140000385",
            "+7 701 555 12 34",
        ],
        title=text(svc.annex1.title),
        body=body,
        attachments=[text(a) for a in svc.annex1.attachments],
        date=date(2026, 11, 25),
        head_position="Бас директор / Генеральный директор",
        head_name="Жақсыбеков Ерлан Төлегенұлы",
        receipt_no="ALA01-D1-0000123",
        branch=BRANCH,
        signature_caption=text(svc.annex1.signature_caption)
        if svc.annex1.signature_caption
        else None,
    )


def handover(granted: bool = True) -> HandoverData:
    svc = service(3 if granted else 1)
    return HandoverData(
        receipt_no="ALA01-D1-0000123",
        branch=BRANCH,
        service_name=text(svc.name),
        decision=Decision.GRANTED if granted else Decision.REFUSED,
        result_document=ResultDocument.REGISTRATION if granted else None,
        result_number="ДПБ-01-2026/0457" if granted else "",
        refusal_reasons=[]
        if granted
        else [
            {
                "kk": "Ұйым аттестатталған заңды тұлғаларға қойылатын талаптарға сәйкес келмейді",
                "ru": "Организация не соответствует требованиям, предъявляемым к аттестованным юридическим лицам",
            },
            "Сараптама қорытындысының қолданылу мерзімі өтіп кеткен (3 ай)",
        ],
        decision_date=date(2026, 12, 14),
        accepted_at=datetime(2026, 11, 25, 10, 42),
        clerk_full_name=CLERK,
        recipient_name=APPLICANT,
        recipient_idn="940140000385",
        representative=REPRESENTATIVE,
        handed_over_at=datetime(2026, 12, 15, 15, 5),
    )


CLERKS = (CLERK, "Омарова Айгерім Нұрланқызы", "Ким Виктор Александрович", "Тоқтарұлы Дәулет")
OUTCOMES = (Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.REFUSED, Outcome.HANDED_OVER)


def register(rows: int = 40) -> RegisterData:
    services = list(load_catalog())
    items = []
    for i in range(rows):
        svc = services[i % len(services)]
        items.append(
            RegisterRow(
                clerk=CLERKS[i % len(CLERKS)],
                receipt_no=f"ALA01-D1-{1000 + i:07d}",
                time=time(9 + (i * 7 // 60) % 11, (i * 7) % 60),
                service=text(svc.short_name),
                applicant=f"{APPLICANT} {i + 1}" if i % 3 else "Мұхамеджанов Бауыржан Қайратұлы",
                outcome=OUTCOMES[i % len(OUTCOMES)],
            )
        )
    return RegisterData(
        branch=BRANCH,
        date=date(2026, 11, 25),
        rows=items,
        supervisor_name="Нұрпейісова Динара Маратқызы",
        printed_at=datetime(2026, 11, 25, 20, 5),
    )


def transfer(rows: int = 12) -> TransferData:
    services = list(load_catalog())
    return TransferData(
        batch_id="ALA01-D1-20261125",
        batch_date=date(2026, 11, 25),
        branch=BRANCH,
        rows=[
            TransferRow(
                receipt_no=f"ALA01-D1-{1000 + i:07d}",
                applicant=f"{APPLICANT} {i + 1}",
                service=text(services[i % len(services)].name),
                documents=2 + i % 2,
                pages=12 + i,
                accepted_on=date(2026, 11, 24 + i % 2),
            )
            for i in range(rows)
        ],
        committee=text(services[0].provider),
        handed_over_by=CLERK,
        received_by="",
    )
