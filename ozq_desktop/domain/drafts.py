"""The wizard's input as plain data, and its saving as the clerk goes.

A draft is stored after every page, so a closed window or a crash loses nothing: the next
login offers to resume it."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ozq_desktop.domain.accounts import ANY_ROLE, require_role
from ozq_desktop.domain.checklist import PresentedDocument
from ozq_desktop.errors import AuthorizationError
from ozq_desktop.models import Draft, User
from ozq_desktop.models.base import now as wall_clock


class Place(StrEnum):
    COUNTER = "counter"
    HOME_VISIT = "home_visit"


@dataclass
class ScanDraft:
    sha256: str
    size: int
    mime: str
    name: str
    pages: int = 0  # counted from the stored file (storage/pages.py); 0: not counted
    # Made by the desk (the Annex 1 application rendered at acceptance), not handed in: its
    # pages count only for a document with no file of the applicant's.
    generated: bool = False


@dataclass
class DocumentDraft:
    code: str
    presented: bool = False
    pages: int = 0
    scans: list[ScanDraft] = field(default_factory=list)
    expertise_date: date | None = None
    signed_by_head: bool | None = None
    sealed: bool | None = None
    bound: bool | None = None
    bound_pages: int | None = None

    def as_presented(self) -> PresentedDocument:
        return PresentedDocument(
            code=self.code,
            presented=self.presented,
            pages=self.pages,
            scan_pages=tuple(scan.pages for scan in self._counted_scans()),
            expertise_date=self.expertise_date,
            signed_by_head=self.signed_by_head,
            sealed=self.sealed,
            bound=self.bound,
            bound_pages=self.bound_pages,
        )

    def _counted_scans(self) -> list[ScanDraft]:
        handed = [scan for scan in self.scans if not scan.generated]
        return handed or list(self.scans)

    @property
    def sheets(self) -> int:
        return self.as_presented().sheets


@dataclass
class Representative:
    full_name: str = ""
    iin: str = ""
    poa_number: str = ""
    poa_date: date | None = None

    def is_empty(self) -> bool:
        return not (self.full_name.strip() or self.iin.strip() or self.poa_number.strip())


@dataclass
class ApplicantDraft:
    type: str = ""
    idn: str = ""
    name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    # A non-resident legal entity without a Kazakh BIN: its registration abroad.
    foreign_reg_no: str = ""
    country: str = ""


@dataclass
class PackageDraft:
    service_id: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    place: Place = Place.COUNTER
    visit_address: str = ""
    visit_reason: str = ""
    # The queue ticket (domain/waiting.py): its number, and the time (and date, when the
    # ticket shows one) it was issued. Empty for a home visit.
    ticket_number: str = ""
    ticket_time: time | None = None
    ticket_date: date | None = None
    applicant: ApplicantDraft = field(default_factory=ApplicantDraft)
    representative: Representative = field(default_factory=Representative)
    documents: dict[str, DocumentDraft] = field(default_factory=dict)
    annex1: dict[str, str] = field(default_factory=dict)
    consent: bool = False
    started_at: datetime = field(default_factory=wall_clock)
    page: int = 0

    def presented(self) -> dict[str, PresentedDocument]:
        return {code: doc.as_presented() for code, doc in self.documents.items()}

    def to_dict(self) -> dict[str, Any]:
        return _encode(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PackageDraft:
        docs = {}
        for code, raw in data.get("documents", {}).items():
            raw = dict(raw)
            raw["scans"] = [ScanDraft(**s) for s in raw.get("scans", [])]
            raw["expertise_date"] = _date(raw.get("expertise_date"))
            # Drafts saved before an expired conclusion became simply missing carry a choice
            # to "accept it anyway" that no longer exists: it is dropped.
            raw.pop("expired_choice", None)
            docs[code] = DocumentDraft(**raw)
        rep = dict(data.get("representative") or {})
        rep["poa_date"] = _date(rep.get("poa_date"))
        return cls(
            service_id=data["service_id"],
            id=data["id"],
            place=Place(data.get("place", Place.COUNTER)),
            visit_address=data.get("visit_address", ""),
            visit_reason=data.get("visit_reason", ""),
            ticket_number=data.get("ticket_number", ""),
            ticket_time=time.fromisoformat(data["ticket_time"])
            if data.get("ticket_time")
            else None,
            ticket_date=_date(data.get("ticket_date")),
            applicant=ApplicantDraft(**(data.get("applicant") or {})),
            representative=Representative(**rep),
            documents=docs,
            annex1=dict(data.get("annex1") or {}),
            consent=bool(data.get("consent")),
            started_at=datetime.fromisoformat(data["started_at"]),
            page=int(data.get("page", 0)),
        )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def _owned(session: Session, actor: User, draft_id: str) -> Draft | None:
    """The stored draft, if any; AuthorizationError when it is another user's."""
    require_role(actor, *ANY_ROLE)
    row = session.get(Draft, draft_id)
    if row is not None and row.user_id != actor.id:
        raise AuthorizationError("This draft belongs to another user.")
    return row


def save_draft(*, session: Session, actor: User, draft: PackageDraft) -> None:
    row = _owned(session, actor, draft.id)
    if row is None:
        row = Draft(
            id=draft.id, user_id=actor.id, service_id=draft.service_id, started_at=draft.started_at
        )
        session.add(row)
    row.data = draft.to_dict()
    row.updated_at = wall_clock()


def drafts_of(*, session: Session, user_id: int) -> list[PackageDraft]:
    rows = session.scalars(
        select(Draft).where(Draft.user_id == user_id).order_by(Draft.updated_at.desc())
    )
    return [PackageDraft.from_dict(row.data) for row in rows]


def discard_draft(*, session: Session, actor: User, draft_id: str) -> None:
    if _owned(session, actor, draft_id) is not None:
        session.execute(delete(Draft).where(Draft.id == draft_id))
