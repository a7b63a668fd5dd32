"""The counter's front door for taking an application, Qt-free: the wizard's last step.

An accepted package always carries its Annex 1 application as an electronic document (seed
§9: "the application in the form of an electronic document"), rendered here and kept in the
scan store, so it travels to the committee in the package's manifest."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from ozq_desktop.documents import annex1_for, foreign
from ozq_desktop.domain.acceptance import (
    AcceptanceResult,
    accept_package,
    content_to_sign,
    final_decision,
    judge,
)
from ozq_desktop.domain.accounts import branch
from ozq_desktop.domain.checklist import Outcome
from ozq_desktop.domain.drafts import DocumentDraft, PackageDraft, ScanDraft
from ozq_desktop.i18n import current_language
from ozq_desktop.models import User
from ozq_desktop.printing import render_annex1
from ozq_desktop.signing import Signature, Signer
from ozq_desktop.storage.engine import reading, transaction
from ozq_desktop.storage.pages import count_pages
from ozq_desktop.storage.scans import ScanStore
from ozq_wire.catalog import Catalog

APPLICATION_FILE = "annex1-application-{lang}.pdf"


def _with_application(
    *,
    draft: PackageDraft,
    catalog: Catalog,
    store: ScanStore,
    session: Session,
    at: datetime,
    lang: str,
) -> PackageDraft:
    service = catalog.get(draft.service_id)
    code = next((d.code for d in service.documents if d.is_application), None)
    if code is None:
        return draft
    a = draft.applicant
    settings = branch(session=session)
    pdf = render_annex1(
        annex1_for(
            service=service,
            organisation=a.name.strip(),
            requisites=[
                a.name,
                a.address,
                a.idn,
                foreign(a.foreign_reg_no, a.country),
                a.phone,
                a.email,
            ],
            values=dict(draft.annex1),
            on=at.date(),
            settings=settings,
            training=bool(settings.training),
        ),
        lang,
    )
    ref = store.add_bytes(pdf, APPLICATION_FILE.format(lang=lang))
    pages = count_pages(pdf, ref.mime)
    generated = ScanDraft(ref.sha256, ref.size, ref.mime, ref.name, pages, generated=True)
    current = draft.documents.get(code) or DocumentDraft(code=code)
    scans = [
        s for s in current.scans if not (s.generated or s.name.startswith("annex1-application-"))
    ]
    documents = dict(draft.documents)
    documents[code] = replace(current, scans=[generated, *scans])
    return replace(draft, documents=documents)


@dataclass(frozen=True)
class Prepared:
    """A draft ready to be written: with its Annex 1 PDF when it will be accepted, and the
    bytes the clerk's EDS signs (None for a refusal, which is never signed, and in training
    mode, which signs nothing)."""

    draft: PackageDraft
    to_sign: bytes | None
    training: bool = False


def prepare(
    *,
    factory: sessionmaker[Session],
    catalog: Catalog,
    store: ScanStore,
    draft: PackageDraft,
    at: datetime,
    lang: str | None = None,
) -> Prepared:
    """Step 1: judge the draft; an accepted one gets its rendered Annex 1 application.
    Raises ValidationError when the draft cannot be written yet."""
    lang = lang or current_language()
    with reading(factory) as s:
        training = bool(branch(session=s).training)
        if judge(catalog, draft, at.date()).outcome is not Outcome.ACCEPT:
            return Prepared(draft, None, training)  # a refusal: checked when written, unsigned
        draft = _with_application(
            draft=draft, catalog=catalog, store=store, session=s, at=at, lang=lang
        )
    accepted = final_decision(catalog, draft, at, training=training).outcome is Outcome.ACCEPT
    to_sign = content_to_sign(draft) if accepted and not training else None
    return Prepared(draft, to_sign, training)


def write_prepared(
    *,
    session: Session,
    catalog: Catalog,
    prepared: Prepared,
    clerk: User,
    at: datetime,
    signature: Signature | None = None,
) -> AcceptanceResult:
    """Step 3, in the caller's write transaction (step 2 is signing `prepared.to_sign`)."""
    return accept_package(
        session=session,
        catalog=catalog,
        draft=prepared.draft,
        clerk=clerk,
        at=at,
        signature=signature,
    )


def accept_at_counter(
    *,
    factory: sessionmaker[Session],
    catalog: Catalog,
    store: ScanStore,
    draft: PackageDraft,
    clerk: User,
    at: datetime,
    lang: str | None = None,
    signer: Signer | None = None,
) -> AcceptanceResult:
    """Judge the draft and write the outcome; an accepted package gets its Annex 1 PDF and,
    with a signer, the clerk's EDS over its manifest (seed: the application is certified by
    the clerk's EDS). Signing may wait for the clerk in NCALayer, so it happens before the
    write transaction opens; a SigningError leaves nothing written. The wizard runs the same
    three steps (prepare, sign, write_prepared) on the task helper's workers."""
    prepared = prepare(factory=factory, catalog=catalog, store=store, draft=draft, at=at, lang=lang)
    signature = None
    if signer is not None and prepared.to_sign is not None:
        signature = signer.sign(prepared.to_sign)
    with transaction(factory) as s:
        return write_prepared(
            session=s, catalog=catalog, prepared=prepared, clerk=clerk, at=at, signature=signature
        )
