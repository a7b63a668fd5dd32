"""What each printed document says about a stored package: the bridge from the database's
packages to the printing layer's plain data. Qt-free; `ozq_desktop.documents.render` calls
these, then hands the result to `ozq_desktop.printing`."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import Session

from ozq_desktop.domain.accounts import branch as branch_settings
from ozq_desktop.domain.checklist import conclusion_flag
from ozq_desktop.domain.lifecycle import PackageStatus
from ozq_desktop.domain.packages import by_id
from ozq_desktop.domain.recovery import RevealedSheet
from ozq_desktop.domain.registers import DailyRegister
from ozq_desktop.domain.service_times import TimesReport
from ozq_desktop.errors import ValidationError
from ozq_desktop.i18n import LANGUAGES, tr
from ozq_desktop.models import BranchSettings, Package, PackageDocument, User
from ozq_desktop.printing import data as pd
from ozq_desktop.printing.dates import format_date
from ozq_desktop.printing.recovery_sheet import RecoverySheetData
from ozq_desktop.sync import state as sync_state
from ozq_wire.calendar import OfficeHours
from ozq_wire.catalog import Catalog, Service


def branch_info(settings: BranchSettings) -> pd.BranchInfo:
    """The branch in both languages; a desk set up before the Russian ones were asked for
    prints the Kazakh ones until the supervisor enters them (Desk → Branch in Russian…)."""
    return pd.BranchInfo(
        name={"kk": settings.branch_name, "ru": settings.branch_name_ru or settings.branch_name},
        department_no=settings.department_no,
        address={"kk": settings.address, "ru": settings.address_ru or settings.address},
        desk_code=settings.desk_code,
        phone=settings.phone,
    )


def notice(service: Service) -> list[dict[str, str]]:
    """What every receipt tells the applicant: where to learn the status, how to complain."""
    return [service.notice.status.as_dict(), service.notice.complaints.as_dict()]


def _names(service: Service) -> dict[str, str]:
    return service.name.as_dict()


def _short_names(catalog: Catalog) -> dict[str, dict[str, str]]:
    return {s.id: s.short_name.as_dict() for s in catalog}


def _representative(raw: dict | None) -> pd.Representative | None:
    if not raw:
        return None
    poa = raw.get("poa_date")
    return pd.Representative(
        name=raw.get("full_name", ""),
        iin=raw.get("iin", ""),
        poa_number=raw.get("poa_number", ""),
        poa_date=date.fromisoformat(poa) if poa else None,
    )


def receipt_data(*, session: Session, catalog: Catalog, package_id: str) -> pd.ReceiptData:
    """The acceptance receipt: seed §9 2), its six items and the branch's details."""
    package = by_id(session=session, package_id=package_id)
    if package.status == PackageStatus.REFUSED_AT_COUNTER or package.result_date is None:
        raise ValidationError("This package was refused at the counter: print the refusal receipt.")
    service = catalog.get(package.service_id)
    desk = branch_settings(session=session)
    clerk = session.get(User, package.clerk_id)
    documents = [
        pd.DocumentLine(name={"kk": d.name_kk, "ru": d.name_ru}, pages=d.pages or None)
        for d in package.documents
        if d.presented
    ]
    # The receipt promises the legal end of the term (service 3: not the committee's earlier
    # due date), as printed at acceptance: a later calendar change never moves it.
    promised = package.promised_date or package.result_date
    home = package.place == "home_visit"
    return pd.ReceiptData(
        receipt_no=package.receipt_no,
        accepted_at=package.accepted_at,
        branch=branch_info(desk),
        service_name=_names(service),
        documents=documents,
        result_date=datetime.combine(promised, OfficeHours().opens),
        result_place=branch_info(desk).address,
        clerk_full_name=clerk.full_name if clerk else "",
        applicant_name=package.applicant_name,
        applicant_idn=package.applicant_idn,
        applicant_address=package.applicant_address,
        applicant_phone=package.applicant_phone,
        applicant_email=package.applicant_email,
        representative=_representative(package.representative),
        home_visit_address=package.visit_address if home else None,
        home_visit_reason=package.visit_reason if home else "",
        applicant_foreign_registration=foreign_registration(package),
        result_item=service.receipt.result_item.as_dict(),
        notice=notice(service),
        training=bool(package.training),
        status_url=sync_state.status_page_link(session, package.receipt_no),
    )


def foreign(number: str, country: str) -> str:
    """A non-resident's registration abroad: «number, country»."""
    return ", ".join(p.strip() for p in (number, country) if p.strip())


def foreign_registration(package: Package) -> str:
    return foreign(package.applicant_foreign_reg_no, package.applicant_country)


def refusal_data(*, session: Session, catalog: Catalog, package_id: str) -> pd.RefusalData:
    """The Annex 2 refusal-to-accept receipt: seed §10 and Annex 2."""
    package = by_id(session=session, package_id=package_id)
    if package.status != PackageStatus.REFUSED_AT_COUNTER:
        raise ValidationError("This package was accepted: print the acceptance receipt.")
    service = catalog.get(package.service_id)
    desk = branch_settings(session=session)
    clerk = session.get(User, package.clerk_id)
    missing = [
        _missing(d, package.accepted_at.date()) for d in package.documents if not d.presented
    ]
    return pd.RefusalData(
        applicant_name=package.applicant_name,
        applicant_address=package.applicant_address,
        service_name=_names(service),
        branch=branch_info(desk),
        missing_documents=missing,
        clerk_full_name=clerk.full_name if clerk else "",
        executed_by_name=clerk.full_name if clerk else "",
        executed_by_phone=(clerk.phone if clerk and clerk.phone else desk.phone),
        copies_sentence=service.annex2.copies_sentence.as_dict(),
        date=package.accepted_at.date(),
        number=package.receipt_no,
        notice=notice(service),
        training=bool(package.training),
    )


def _missing(document: PackageDocument, on: date) -> dict[str, str]:
    """A missing document as the refusal names it; an expired conclusion with its expiry."""
    name = {"kk": document.name_kk, "ru": document.name_ru}
    if document.expertise_date is None:
        return name
    flag = conclusion_flag(document.code, document.expertise_date, on)
    if not flag.expired:
        return name
    return {
        lang: tr(
            "{document} (the expert conclusion of {date} expired on {until}: three months "
            "from the expertise)",
            lang,
            document=name[lang],
            date=format_date(flag.expertise_date, lang, "short"),
            until=format_date(flag.valid_until, lang, "short"),
        )
        for lang in LANGUAGES
    }


def _fill(template: str, values: dict[str, str]) -> str:
    class Blank(dict):
        def __missing__(self, key: str) -> str:
            return "________"

    return template.format_map(Blank({k: v for k, v in values.items() if v}))


def annex1_for(
    *,
    service: Service,
    organisation: str,
    requisites: list[str],
    values: dict[str, str],
    on: date,
    settings: BranchSettings,
    receipt_no: str = "",
    training: bool = False,
) -> pd.Annex1Data:
    """The service's Annex 1 application with its blanks filled from what the clerk typed."""
    annex = service.annex1
    filled = {"organisation": organisation, **values}
    return pd.Annex1Data(
        service_name=_names(service),
        header=annex.header.as_dict(),
        applicant_requisites=[r for r in requisites if r],
        title=annex.title.as_dict(),
        body={"kk": _fill(annex.body.kk, filled), "ru": _fill(annex.body.ru, filled)},
        attachments=[a.as_dict() for a in annex.attachments],
        date=on,
        head_position=values.get("head_position", ""),
        head_name=values.get("head_name", ""),
        receipt_no=receipt_no,
        branch=branch_info(settings),
        signature_caption=annex.signature_caption.as_dict() if annex.signature_caption else None,
        training=training,
    )


def annex1_data(*, session: Session, catalog: Catalog, package_id: str) -> pd.Annex1Data:
    package = by_id(session=session, package_id=package_id)
    return annex1_for(
        service=catalog.get(package.service_id),
        organisation=package.applicant_name,
        requisites=[
            package.applicant_name,
            package.applicant_address,
            package.applicant_idn,
            foreign_registration(package),
            package.applicant_phone,
            package.applicant_email,
        ],
        values=dict(package.annex1 or {}),
        on=package.accepted_at.date(),
        settings=branch_settings(session=session),
        receipt_no=package.receipt_no,
        training=bool(package.training),
    )


def handover_data(*, session: Session, catalog: Catalog, package_id: str) -> pd.HandoverData:
    """The receipt for the committee's result given to the applicant."""
    package = by_id(session=session, package_id=package_id)
    if package.handed_over_at is None or not package.handed_over_to:
        raise ValidationError("The result of this package has not been handed over yet.")
    service = catalog.get(package.service_id)
    to = package.handed_over_to
    clerk = session.get(User, int(to.get("clerk_id", package.clerk_id)))
    granted = package.status == PackageStatus.ISSUED and package.decision_kind != "reasoned_refusal"
    rep = _representative(to) if to.get("is_representative") else None
    return pd.HandoverData(
        receipt_no=package.receipt_no,
        branch=branch_info(branch_settings(session=session)),
        service_name=_names(service),
        decision=pd.Decision.GRANTED if granted else pd.Decision.REFUSED,
        clerk_full_name=clerk.full_name if clerk else "",
        recipient_name=package.applicant_name,
        handed_over_at=package.handed_over_at,
        recipient_idn=package.applicant_idn,
        result_document=pd.ResultDocument(package.decision_kind) if granted else None,
        result_number=package.decision_number or "",
        refusal_reasons=[] if granted else refusal_reasons(package),
        decision_date=package.decision_date,
        accepted_at=package.accepted_at,
        representative=rep,
        training=bool(package.training),
    )


def refusal_reasons(package: Package) -> list[pd.Localized]:
    """The committee's reasons, in the document's language when it gave both."""
    if package.decision_reason_kk and package.decision_reason_ru:
        return [{"kk": package.decision_reason_kk, "ru": package.decision_reason_ru}]
    return [package.decision_reason] if package.decision_reason else []


def register_data(
    *,
    session: Session,
    catalog: Catalog,
    register: DailyRegister,
    supervisor_name: str = "",
    printed_at: datetime | None = None,
) -> pd.RegisterData:
    names = _short_names(catalog)
    outcome = {
        "accepted": pd.Outcome.ACCEPTED,
        "refused": pd.Outcome.REFUSED,
        "handed_over": pd.Outcome.HANDED_OVER,
    }
    rows = [
        pd.RegisterRow(
            clerk=e.clerk_name,
            receipt_no=e.receipt_no,
            time=time.fromisoformat(e.time),
            service=names.get(e.service_id, e.service_id),
            applicant=e.applicant,
            outcome=outcome[e.outcome],
        )
        for e in register.entries
    ]
    return pd.RegisterData(
        branch=branch_info(branch_settings(session=session)),
        date=register.day,
        rows=rows,
        supervisor_name=register.signed_by or supervisor_name,
        printed_at=printed_at,
    )


def transfer_data(
    *, session: Session, catalog: Catalog, day: date, handed_over_by: str = ""
) -> pd.TransferData:
    """The transfer register: the packages accepted on `day`, whose paper originals go to the
    committee in one batch."""
    from sqlalchemy import select

    settings = branch_settings(session=session)
    names = _short_names(catalog)
    packages = session.scalars(
        select(Package)
        .where(
            Package.accepted_day == day,
            Package.status != PackageStatus.REFUSED_AT_COUNTER,
            Package.training.is_(False),
        )
        .order_by(Package.accepted_at)
    ).all()
    rows = [
        pd.TransferRow(
            receipt_no=p.receipt_no,
            applicant=p.applicant_name,
            service=names.get(p.service_id, p.service_id),
            documents=sum(1 for d in p.documents if d.presented),
            pages=sum(d.pages for d in p.documents if d.presented),
            accepted_on=p.accepted_day,
        )
        for p in packages
    ]
    return pd.TransferData(
        batch_id=f"{settings.branch_code}-{settings.desk_code}-{day:%Y%m%d}",
        batch_date=day,
        branch=branch_info(settings),
        rows=rows,
        committee=catalog.services[0].provider.as_dict(),
        handed_over_by=handed_over_by,
    )


def times_report_data(
    *,
    session: Session,
    catalog: Catalog,
    report: TimesReport,
    printed_at: datetime | None = None,
):
    """The service-time report (domain/service_times.py) as the printing layer's data."""
    from ozq_desktop.charts import hour_bars
    from ozq_desktop.printing.times_report import TimesReportData, TimesRow

    names = _short_names(catalog)

    def row(line, label) -> TimesRow:
        w, s = line.wait, line.service
        return TimesRow(
            label=label,
            packages=line.packages,
            wait_median=w.median,
            wait_p90=w.p90,
            wait_within=w.within_norm,
            service_median=s.median,
            service_p90=s.p90,
            service_within=s.within_norm,
            no_ticket_time=line.no_ticket_time,
        )

    return TimesReportData(
        branch=branch_info(branch_settings(session=session)),
        start=report.start,
        end=report.end,
        by_hour=[row(x, f"{x.key}:00–{int(x.key) + 1:02d}:00") for x in report.by_hour],
        by_clerk=[row(x, x.key) for x in report.by_clerk],
        by_service=[row(x, names.get(x.key, x.key)) for x in report.by_service],
        total=row(report.total, ""),
        bars=hour_bars(report),
        printed_at=printed_at,
    )


def recovery_sheet_data(revealed: RevealedSheet) -> RecoverySheetData:
    """The recovery sheet as the printing layer takes it."""
    return RecoverySheetData(
        branch=branch_info(revealed.branch),
        code=revealed.sheet.code,
        key_id=revealed.sheet.key_id,
        made_on=date.fromisoformat(revealed.sheet.created_at),
        data_folder=str(revealed.folder),
        shown_to=revealed.shown_to,
    )
