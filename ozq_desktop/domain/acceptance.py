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
from ozq_desktop.domain.checklist import ChecklistDecision, Outcome, assess
from ozq_desktop.domain.drafts import PackageDraft, Place, discard_draft
from ozq_desktop.domain.identifiers import EntityType, validate
from ozq_desktop.domain.lifecycle import PackageStatus, check_transition
from ozq_desktop.domain.receipts import next_receipt_number
from ozq_desktop.domain.search_text import fold
from ozq_desktop.domain.waiting import service_seconds, ticket_issued_at, wait_seconds
from ozq_desktop.errors import OzqError, ValidationError
from ozq_desktop.i18n import N_, lazy
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
    result_date: date | None  # the committee's due date (the deadline monitor's)
    presented: list[DocumentSpec]
    missing: list[DocumentSpec]
    promised_date: date | None = None  # the date the receipt gives the applicant
    training: bool = False


PROVIDER_ONLY = N_(
    "Under the standard, a {kind} hands these documents to the committee itself, not to the "
    "service centre: refer the applicant to the committee."
)


def check_place(draft: PackageDraft) -> None:
    """Seed §13: documents are taken at home for an applicant who cannot come for health
    reasons; the visit needs its address and its reason."""
    if draft.place is Place.HOME_VISIT:
        if not draft.visit_address.strip():
            raise ValidationError("Enter the address of the home visit.")
        if not draft.visit_reason.strip():
            raise ValidationError("Enter the reason for the home visit.")


def check_applicant(service: Service, draft: PackageDraft) -> None:
    """Raise ValidationError on the first thing wrong with who is applying, and where."""
    applicant = draft.applicant
    if applicant.type and ApplicantType(applicant.type) in service.provider_only:
        raise ValidationError(PROVIDER_ONLY, kind=lazy(KIND_WORDS[ApplicantType(applicant.type)]))
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
        non_resident = ident.entity_type is EntityType.NON_RESIDENT_LEGAL_ENTITY
        if non_resident and ApplicantType.NON_RESIDENT_LEGAL_ENTITY in service.provider_only:
            raise ValidationError(
                PROVIDER_ONLY, kind=lazy(KIND_WORDS[ApplicantType.NON_RESIDENT_LEGAL_ENTITY])
            )
    elif not (applicant.foreign_reg_no.strip() and applicant.country.strip()):
        raise ValidationError(
            "A non-resident without a BIN needs its foreign registration number and country."
        )
    if not applicant.name.strip():
        raise ValidationError("Enter the applicant's name.")
    check_place(draft)
    rep = draft.representative
    if not rep.is_empty():
        if not rep.full_name.strip():
            raise ValidationError("Enter the representative's full name.")
        if validate(rep.iin).kind != "iin":
            raise ValidationError("An IIN is needed for a natural person.")
        if not rep.poa_number.strip() or rep.poa_date is None:
            raise ValidationError("Enter the number and date of the power of attorney.")


KIND_WORDS = {
    ApplicantType.LEGAL_ENTITY: N_("legal entity"),
    ApplicantType.NATURAL_PERSON: N_("natural person"),
    ApplicantType.NON_RESIDENT_LEGAL_ENTITY: N_("non-resident legal entity"),
}


def judge(catalog: Catalog, draft: PackageDraft, today: date) -> ChecklistDecision:
    """What the checklist says of the draft as it stands: accept, or refuse with what is
    missing (checklist.assess). A draft with no valid applicant type has nothing presented."""
    service = catalog.get(draft.service_id)
    try:
        kind = ApplicantType(draft.applicant.type)
    except ValueError:
        return ChecklistDecision(Outcome.REFUSE, [], list(service.documents))
    return assess(service, kind, draft.presented(), today)


@dataclass(frozen=True)
class Review:
    """Everything the rules say of a draft before it is written: the checklist's decision, and
    every problem that must be put right first, in the order the clerk meets them."""

    decision: ChecklistDecision
    problems: tuple[OzqError, ...]
    training: bool = False

    @property
    def problem(self) -> OzqError | None:
        return self.problems[0] if self.problems else None


NO_SIGNING_KEY = N_(
    "Accepting needs your signing key (EDS): set it up in Desk → Signing key (EDS)…, or ask "
    "the supervisor for training mode."
)


def review(
    catalog: Catalog,
    draft: PackageDraft,
    at: datetime,
    *,
    training: bool = False,
    can_sign: bool | None = None,
) -> Review:
    """THE judgement of a draft, for the review page and for the write alike.

    `training`: the desk is in training mode (nothing is signed). `can_sign`: whether the
    clerk's EDS is there to certify an accepted application (seed §9: "certified with the
    clerk's EDS"); None leaves it to the write, which checks the signature itself."""
    service = catalog.get(draft.service_id)
    problems: list[OzqError] = []
    try:
        check_applicant(service, draft)
    except ValidationError as exc:
        problems.append(exc)
    decision = judge(catalog, draft, at.date())
    problems += [p.error for p in decision.problems]
    if decision.outcome is Outcome.ACCEPT:
        if not draft.consent:
            problems.append(
                ValidationError(
                    "The applicant's consent to the use of protected information is required."
                )
            )
        if not training and can_sign is False:
            problems.append(ValidationError(NO_SIGNING_KEY))
    return Review(decision, tuple(problems), training)


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


def final_decision(
    catalog: Catalog,
    draft: PackageDraft,
    at: datetime,
    *,
    training: bool = False,
    can_sign: bool | None = None,
) -> ChecklistDecision:
    """The decision the draft is written with; the first problem of `review` when it cannot
    be written yet."""
    found = review(catalog, draft, at, training=training, can_sign=can_sign)
    if found.problem is not None:
        raise found.problem
    return found.decision


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
    desk = branch(session=session)
    training = bool(desk.training)
    decision = final_decision(
        catalog, draft, at, training=training, can_sign=training or signature is not None
    )
    accepted = decision.outcome is Outcome.ACCEPT
    receipt_no = next_receipt_number(
        session=session, branch_code=desk.branch_code, desk_code=desk.desk_code, training=training
    )
    result_date = promised_date = None
    if accepted:
        calendar = load_calendar(session=session)
        term = service.term
        # The committee's due date (service 3: a working day early) and the legal end of the
        # term, which the receipt promises (docs/domain.md, "Counting a term", rule 5).
        result_date = calendar.result_date(
            at, term.count, term.unit, term.early_days_at_service_centre
        )
        promised_date = calendar.result_date(at, term.count, term.unit)
    manifest = manifest_of(draft) if accepted else []
    status = check_transition(
        PackageStatus.DRAFT,
        PackageStatus.ACCEPTED if accepted else PackageStatus.REFUSED_AT_COUNTER,
    )
    package = _package_row(draft, receipt_no, status, clerk, at, result_date, decision, manifest)
    package.promised_date = promised_date
    package.training = training
    # Training mode signs nothing and sends nothing: no signature is kept, no outbox row is
    # made, so a training package can never reach the hub (docs/domain.md, "Training mode").
    signed = signature if accepted and not training else None
    if signed is not None:
        package.signature, package.signer = signed.cms, signed.signer
    session.add(package)
    if accepted and not training:
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
            **({"training": True} if training else {}),
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
        promised_date,
        training,
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
        applicant_name_fold=fold(draft.applicant.name),
        applicant_foreign_reg_no=draft.applicant.foreign_reg_no.strip(),
        applicant_country=draft.applicant.country.strip(),
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
        presented = spec in decision.presented
        package.documents.append(
            PackageDocument(
                position=position,
                code=code,
                name_kk=spec.name.kk,
                name_ru=spec.name.ru,
                presented=presented,
                pages=decision.sheets.get(code, 0) if presented else (doc.sheets if doc else 0),
                expertise_date=doc.expertise_date if doc else None,
                signed_by_head=doc.signed_by_head if doc else None,
                sealed=doc.sealed if doc else None,
                bound=doc.bound if doc else None,
                bound_pages=doc.bound_pages if doc else None,
                # an expired conclusion is missing; the column says why (pushed to the hub)
                expired_choice="treat_as_missing" if decision.expired(code) else None,
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
