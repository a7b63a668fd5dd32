"""The plain data every printed document is made from: the renderers' only input.

No database rows and no catalog objects live here. The caller maps its models onto these
classes. A text that exists in both working languages (a service name from the catalog, a
branch name) may be given as a mapping {"kk": ..., "ru": ...}; the renderer picks the
language it prints in. Any other text is printed as given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from ozq_desktop.errors import ValidationError

Localized = str | Mapping[str, str]


def local(text: Localized, lang: str) -> str:
    """`text` in `lang`: a plain string as is, a {"kk", "ru"} mapping by its key."""
    if isinstance(text, str):
        return text
    value = text.get(lang)
    if not value:
        raise ValidationError(
            "A printed text has no version in {lang}: {text}", lang=lang, text=dict(text)
        )
    return value


def _frozen_tuple(obj: object, *names: str) -> None:
    """Store list fields as tuples, so the data cannot change after it is made."""
    for name in names:
        object.__setattr__(obj, name, tuple(getattr(obj, name)))


class Outcome(StrEnum):
    """What happened to a package at the counter on the register's date."""

    ACCEPTED = "accepted"
    REFUSED = "refused"  # refused at acceptance, Annex 2
    HANDED_OVER = "handed_over"  # the committee's result given to the applicant


class Decision(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"


class ResultDocument(StrEnum):
    """What a granted decision gives; the values match the catalog's result kinds."""

    ATTESTATION_CERTIFICATE = "attestation_certificate"
    PERMISSION = "permission"
    REGISTRATION = "registration"


@dataclass(frozen=True, kw_only=True)
class BranchInfo:
    name: Localized  # «Халыққа қызмет көрсету орталығы» РМК … филиалы
    department_no: str
    address: Localized
    desk_code: str = ""
    phone: str = ""


@dataclass(frozen=True, kw_only=True)
class DocumentLine:
    name: Localized
    pages: int | None = None
    copies: int = 1


@dataclass(frozen=True, kw_only=True)
class Representative:
    """Someone acting for the applicant under a power of attorney (сенімхат)."""

    name: str
    iin: str = ""
    poa_number: str = ""
    poa_date: date | None = None


@dataclass(frozen=True, kw_only=True)
class ReceiptData:
    """The acceptance receipt; seed, §9 2): the six items it must show."""

    receipt_no: str
    accepted_at: datetime
    branch: BranchInfo
    service_name: Localized
    documents: Sequence[DocumentLine]
    result_date: date | datetime  # a datetime also prints the time
    result_place: Localized
    clerk_full_name: str
    applicant_name: str
    applicant_idn: str = ""
    applicant_address: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    representative: Representative | None = None
    home_visit_address: str | None = None  # seed §13: accepted at the applicant's home
    home_visit_reason: str = ""  # seed §13: why the applicant could not come (health)
    applicant_foreign_registration: str = ""  # a non-resident's number and country abroad
    # Item 4 in the service's own wording (the catalog's receipt.result_item); None: common.
    result_item: Localized | None = None
    # What the applicant is told at the end: where to learn the status, how to complain
    # (the catalog's notice: each standard's §11, §16, §17).
    notice: Sequence[Localized] = ()
    training: bool = False  # training mode: every page marked «training, not valid»
    # The hub's status page with this receipt's number: the QR code carries it, and a line
    # tells the applicant how to use it. None (no hub address yet): the QR carries the number.
    status_url: str | None = None

    def __post_init__(self) -> None:
        _frozen_tuple(self, "documents", "notice")


@dataclass(frozen=True, kw_only=True)
class RefusalData:
    """The Annex 2 receipt refusing to accept an incomplete package."""

    applicant_name: str
    applicant_address: str
    service_name: Localized
    branch: BranchInfo
    missing_documents: Sequence[Localized]
    clerk_full_name: str
    executed_by_name: str
    executed_by_phone: str
    copies_sentence: Localized  # the catalog's annex2.copies_sentence
    date: date
    number: str = ""  # the refusal's registration number, if the desk keeps one
    notice: Sequence[Localized] = ()  # as on the acceptance receipt
    training: bool = False

    def __post_init__(self) -> None:
        _frozen_tuple(self, "missing_documents", "notice")
        if not self.missing_documents:
            raise ValidationError("A refusal receipt must name at least one missing document.")


@dataclass(frozen=True, kw_only=True)
class Annex1Data:
    """The Annex 1 application, texts taken from the catalog's `annex1` block, body filled in."""

    service_name: Localized
    header: Localized  # caption of the requisites block
    applicant_requisites: Sequence[str]  # name, address, IIN/BIN, phone, …
    title: Localized
    body: Localized  # already filled; paragraphs separated by "\n"
    attachments: Sequence[Localized]
    date: date
    head_position: str = ""
    head_name: str = ""
    addressee: Localized | None = None  # None: the committee chairman, as in the seed
    consent_sentence: Localized | None = None  # None: the seed's consent sentence
    receipt_no: str = ""
    branch: BranchInfo | None = None
    signature_caption: Localized | None = None  # None: «(ұйым басшысының қолы, Т.А.Ә.)»
    training: bool = False

    def __post_init__(self) -> None:
        _frozen_tuple(self, "applicant_requisites", "attachments")


@dataclass(frozen=True, kw_only=True)
class HandoverData:
    """The receipt for handing the committee's result over to the applicant."""

    receipt_no: str  # the acceptance receipt's number
    branch: BranchInfo
    service_name: Localized
    decision: Decision
    clerk_full_name: str
    recipient_name: str  # the applicant: a person's full name or an organisation's name
    handed_over_at: datetime
    recipient_idn: str = ""
    result_document: ResultDocument | None = None  # for a granted decision
    result_number: str = ""  # certificate or permission number, or the registration cipher
    refusal_reasons: Sequence[Localized] = ()
    decision_date: date | None = None
    accepted_at: datetime | None = None
    representative: Representative | None = None
    training: bool = False

    def __post_init__(self) -> None:
        _frozen_tuple(self, "refusal_reasons")
        object.__setattr__(self, "decision", Decision(self.decision))
        if self.result_document is not None:
            object.__setattr__(self, "result_document", ResultDocument(self.result_document))


@dataclass(frozen=True, kw_only=True)
class RegisterRow:
    clerk: str
    receipt_no: str
    time: time | str  # a time, or already written «HH:MM»
    service: Localized
    applicant: str
    outcome: Outcome

    def __post_init__(self) -> None:
        object.__setattr__(self, "outcome", Outcome(self.outcome))


@dataclass(frozen=True, kw_only=True)
class RegisterData:
    """Everything accepted, refused and handed over at one branch on one date."""

    branch: BranchInfo
    date: date
    rows: Sequence[RegisterRow]
    supervisor_name: str = ""
    printed_at: datetime | None = None

    def __post_init__(self) -> None:
        _frozen_tuple(self, "rows")


@dataclass(frozen=True, kw_only=True)
class TransferRow:
    receipt_no: str
    applicant: str
    service: Localized
    documents: int
    pages: int
    accepted_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class TransferData:
    """One batch of accepted packages whose paper originals go to the committee."""

    batch_id: str
    batch_date: date
    branch: BranchInfo
    rows: Sequence[TransferRow]
    committee: Localized = ""
    handed_over_by: str = ""
    received_by: str = ""

    def __post_init__(self) -> None:
        _frozen_tuple(self, "rows")
