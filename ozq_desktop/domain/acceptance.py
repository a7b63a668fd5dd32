"""Taking a package at the counter: judge it against the catalog, then write it in one
transaction (package, documents, manifest, receipt number, outbox row, audit row).

Seed §9: a complete package gets the acceptance receipt; §10: an incomplete one gets the
Annex 2 refusal-to-accept receipt."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from ozq_desktop.domain import audit
from ozq_desktop.domain.accounts import Role, branch, require_role
from ozq_desktop.domain.calendar_store import load_calendar
from ozq_desktop.domain.checklist import ChecklistDecision, Outcome, decide
from ozq_desktop.domain.drafts import PackageDraft, Place, discard_draft
from ozq_desktop.domain.identifiers import validate
from ozq_desktop.domain.lifecycle import PackageStatus, check_transition
from ozq_desktop.domain.receipts import next_receipt_number
from ozq_desktop.domain.waiting import service_seconds, ticket_issued_at, wait_seconds
from ozq_desktop.errors import ValidationError
from ozq_desktop.models import OutboxItem, Package, PackageDocument, PackageFile, User
from ozq_desktop.signing import Signature
from ozq_wire import protocol
from ozq_wire.catalog import ApplicantType, Catalog, DocumentSpec, Service

# An identifier's kind each applicant type must present; a non-resident may have none.
IDN_KIND = {
    ApplicantType.LEGAL_ENTITY: "bin",
    ApplicantType.NATURAL_PERSON: "iin",
    ApplicantType.NON_RESIDENT_LEGAL_ENTITY: "bin",
}


@dataclass(frozen=True)
class AcceptanceResult:
    package_id: str
    receipt_no: str
    outcome: Outcome
    accepted_at: datetime
    result_date: date | None
    presented: list[DocumentSpec]
    missing: list[DocumentSpec]


def check_applicant(service: Service, draft: PackageDraft) -> None:
    """Raise ValidationError on the first thing wrong with who is applying."""
    applicant = draft.applicant
    if not applicant.type or ApplicantType(applicant.type) not in service.applicant_types:
        raise ValidationError("Choose the applicant type.")
    kind = ApplicantType(applicant.type)
    if kind is not ApplicantType.NON_RESIDENT_LEGAL_ENTITY or applicant.idn.strip():
        ident = validate(applicant.idn)
        if ident.kind != IDN_KIND[kind]:
            raise ValidationError(
                "A BIN is needed for a legal entity."
                if IDN_KIND[kind] == "bin"
                else "An IIN is needed for a natural person."
            )
    if not applicant.name.strip():
        raise ValidationError("Enter the applicant's name.")
    if draft.place is Place.HOME_VISIT and not draft.visit_address.strip():
        raise ValidationError("Enter the address of the home visit.")
    rep = draft.representative
    if not rep.is_empty():
        if not rep.full_name.strip():
            raise ValidationError("Enter the representative's full name.")
        if validate(rep.iin).kind != "iin":
            raise ValidationError("An IIN is needed for a natural person.")
        if not rep.poa_number.strip() or rep.poa_date is None:
            raise ValidationError("Enter the number and date of the power of attorney.")


def judge(catalog: Catalog, draft: PackageDraft, today: date) -> ChecklistDecision:
    """What the rules say of the draft as it stands: accept, or refuse with what is missing."""
    service = catalog.get(draft.service_id)
    return decide(service, draft.applicant.type, draft.presented(), today)


def manifest_of(draft: PackageDraft) -> list[dict[str, object]]:
    """The package's files as the hub will see them. Each entry's name is unique within the
    package: the document code, the scan's place, and the file's own name."""
    entries = []
    for code, doc in draft.documents.items():
        if not doc.presented:
            continue
        for index, scan in enumerate(doc.scans, start=1):
            safe = re.sub(r"[/\\\x00-\x1f]", "_", scan.name)[:200] or "scan"
            entries.append(
                {
                    "document": code,
                    "name": f"{code}.{index}.{safe}",
                    "sha256": scan.sha256,
                    "size": scan.size,
                    "mime": scan.mime,
                }
            )
    return entries


def manifest_hash(manifest: list[dict[str, object]]) -> str:
    """The same hash the hub computes (ozq_wire.protocol.manifest_hash)."""
    return protocol.manifest_hash(
        protocol.ManifestEntry(
            name=str(e["name"]), sha256=str(e["sha256"]), size=int(e["size"]), mime=str(e["mime"])
        )  # type: ignore[arg-type]
        for e in manifest
    )


def fold_name(name: str) -> str:
    """The form names are searched by: case-folded, spaces collapsed."""
    return " ".join(name.casefold().split())


def final_decision(catalog: Catalog, draft: PackageDraft, at: datetime) -> ChecklistDecision:
    """The decision the draft is written with; ValidationError when it cannot be written yet."""
    service = catalog.get(draft.service_id)
    check_applicant(service, draft)
    decision = decide(service, draft.applicant.type, draft.presented(), at.date())
    if decision.pending_choices:
        raise ValidationError(
            "The expert conclusion is more than three months old: choose whether to accept it."
        )
    if decision.outcome is Outcome.ACCEPT and not draft.consent:
        raise ValidationError(
            "The applicant's consent to the use of protected information is required."
        )
    return decision


def content_to_sign(draft: PackageDraft) -> bytes:
    """What the clerk's EDS signs for an accepted draft (protocol.signed_content)."""
    return protocol.signed_content(
        draft.id, draft.service_id, draft.applicant.idn.strip(), manifest_of(draft)
    )


def accept_package(
    *,
    session: Session,
    catalog: Catalog,
    draft: PackageDraft,
    clerk: User,
    at: datetime,
    signature: Signature | None = None,
) -> AcceptanceResult:
    """Judge the draft and write the outcome. The caller's session must be a write transaction;
    everything here commits together or not at all. `signature` is the clerk's EDS over
    content_to_sign(draft), made before the transaction; a refusal is never signed."""
    require_role(clerk, Role.CLERK, Role.MOBILE_CLERK, Role.SUPERVISOR)
    service = catalog.get(draft.service_id)
    decision = final_decision(catalog, draft, at)
    accepted = decision.outcome is Outcome.ACCEPT
    desk = branch(session=session)
    receipt_no = next_receipt_number(
        session=session, branch_code=desk.branch_code, desk_code=desk.desk_code
    )
    result_date = None
    if accepted:
        result_date = load_calendar(session=session).result_date(
            at, service.term.count, service.term.unit, service.term.early_days_at_service_centre
        )
    manifest = manifest_of(draft) if accepted else []
    status = check_transition(
        PackageStatus.DRAFT,
        PackageStatus.ACCEPTED if accepted else PackageStatus.REFUSED_AT_COUNTER,
    )
    package = _package_row(draft, receipt_no, status, clerk, at, result_date, decision, manifest)
    signed = signature if accepted else None
    if signed is not None:
        package.signature, package.signer = signed.cms, signed.signer
    session.add(package)
    if accepted:
        package.status = check_transition(status, PackageStatus.QUEUED)
        session.add(OutboxItem(package_id=package.id))
    session.flush()
    discard_draft(session=session, actor=clerk, draft_id=draft.id)
    audit.record(
        session=session,
        action="package_accepted" if accepted else "package_refused",
        user_id=clerk.id,
        object_id=package.id,
        details={
            "receipt_no": receipt_no,
            "service": service.id,
            "missing": [d.code for d in decision.missing],
            **({"signer": signed.signer} if signed is not None else {}),
        },
        at=at,
    )
    return AcceptanceResult(
        package.id,
        receipt_no,
        decision.outcome,
        at,
        result_date,
        decision.presented,
        decision.missing,
    )


def _package_row(
    draft: PackageDraft,
    receipt_no: str,
    status: PackageStatus,
    clerk: User,
    at: datetime,
    result_date: date | None,
    decision: ChecklistDecision,
    manifest: list[dict[str, object]],
) -> Package:
    issued_at = None
    if draft.place is Place.COUNTER and draft.ticket_time is not None:
        issued_at = ticket_issued_at(draft.ticket_time, draft.started_at, draft.ticket_date)
    rep = draft.representative
    package = Package(
        id=draft.id,
        receipt_no=receipt_no,
        service_id=draft.service_id,
        status=status.value,
        place=draft.place.value,
        visit_address=draft.visit_address.strip(),
        visit_reason=draft.visit_reason.strip(),
        applicant_type=draft.applicant.type,
        applicant_idn=draft.applicant.idn.strip(),
        applicant_name=draft.applicant.name.strip(),
        applicant_name_fold=fold_name(draft.applicant.name),
        applicant_address=draft.applicant.address.strip(),
        applicant_phone=draft.applicant.phone.strip(),
        applicant_email=draft.applicant.email.strip(),
        representative=None
        if rep.is_empty()
        else {
            "full_name": rep.full_name.strip(),
            "iin": rep.iin.strip(),
            "poa_number": rep.poa_number.strip(),
            "poa_date": rep.poa_date.isoformat() if rep.poa_date else None,
        },
        clerk_id=clerk.id,
        accepted_at=at,
        accepted_day=at.date(),
        result_date=result_date,
        service_seconds=service_seconds(draft.started_at, at),
        ticket_number=draft.ticket_number.strip()[:20] if draft.place is Place.COUNTER else "",
        ticket_issued_at=issued_at,
        wait_seconds=wait_seconds(issued_at, draft.started_at),
        annex1=dict(draft.annex1),
        consent=draft.consent,
        missing_documents=[d.code for d in decision.missing],
        manifest_hash=manifest_hash(manifest) if manifest else "",
    )
    specs = {d.code: d for d in decision.presented + decision.missing}
    for position, (code, spec) in enumerate(specs.items()):
        doc = draft.documents.get(code)
        package.documents.append(
            PackageDocument(
                position=position,
                code=code,
                name_kk=spec.name.kk,
                name_ru=spec.name.ru,
                presented=spec in decision.presented,
                pages=doc.pages if doc else 0,
                expertise_date=doc.expertise_date if doc else None,
                signed_by_head=doc.signed_by_head if doc else None,
                sealed=doc.sealed if doc else None,
                bound=doc.bound if doc else None,
                bound_pages=doc.bound_pages if doc else None,
                expired_choice=doc.expired_choice.value if doc and doc.expired_choice else None,
            )
        )
    for entry in manifest:
        package.files.append(
            PackageFile(
                document_code=str(entry["document"]),
                name=str(entry["name"]),
                sha256=str(entry["sha256"]),
                size=int(entry["size"]),  # type: ignore[arg-type]
                mime=str(entry["mime"]),
            )
        )
    return package
