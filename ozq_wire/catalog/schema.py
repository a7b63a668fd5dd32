"""The schema every service file in `ozq_wire/catalog/services/` must match.

A fourth service needs only a new file that passes this schema; nothing in the
code names the three services of the seed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator


class RuleViolation(ValueError):
    """A rule across fields, raised with the path of the field that breaks it."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in both working languages."""

    kk: Annotated[str, Field(min_length=1)]
    ru: Annotated[str, Field(min_length=1)]

    def get(self, lang: str) -> str:
        return self.ru if lang == "ru" else self.kk

    def as_dict(self) -> dict[str, str]:
        """{"kk": ..., "ru": ...}: the form the printing layer takes for bilingual text."""
        return {"kk": self.kk, "ru": self.ru}


class ApplicantType(StrEnum):
    LEGAL_ENTITY = "legal_entity"
    NATURAL_PERSON = "natural_person"
    NON_RESIDENT_LEGAL_ENTITY = "non_resident_legal_entity"


class TermUnit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


class ResultKind(StrEnum):
    ATTESTATION_CERTIFICATE = "attestation_certificate"
    PERMISSION = "permission"
    REGISTRATION = "registration"
    REASONED_REFUSAL = "reasoned_refusal"


class Term(_Strict):
    count: Annotated[int, Field(gt=0, le=365)]
    unit: TermUnit
    # Seed, service 3, §8.2: on the service-centre route the result is handed
    # over this many working days before the term ends.
    early_days_at_service_centre: Annotated[int, Field(ge=0, le=30)] = 0


class DocumentSpec(_Strict):
    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: Text
    applicant_types: Annotated[list[ApplicantType], Field(min_length=1)]
    electronic_copy: bool = False  # "электрондық көшірмесі": an electronic copy
    electronic_document: bool = False  # "электрондық құжат нысанында": an e-document
    expert_conclusion: bool = False
    applicant_eds: bool = False
    clerk_eds: bool = False
    is_application: bool = False
    seed_ref: str = ""

    @property
    def needs_file(self) -> bool:
        """The standard asks for this document in electronic form, so the package carries its
        file (a scan, or the e-document itself). The application is the exception: the desk
        makes it from Annex 1 when the package is accepted."""
        electronic = self.electronic_copy or self.electronic_document or self.applicant_eds
        return electronic and not self.is_application


class Annex1Field(_Strict):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    label: Text
    required: bool = True
    multiline: bool = False


class ConclusionSection(_Strict):
    """The items an expert conclusion must contain, for the committee's review."""

    title: Text
    applies_to: Text | None = None
    items: Annotated[list[Text], Field(min_length=1)]


class Annex1(_Strict):
    """The application form. `{placeholders}` are filled from the Annex 1 fields."""

    header: Text
    title: Text
    body: Text
    attachments: list[Text]
    # The caption under the head's signature blank, where the standard words it its own way
    # (service 3: "(ұйым басшысының қолы)"); None: "(ұйым басшысының қолы, Т.А.Ә.)".
    signature_caption: Text | None = None


class ApplicantNotice(_Strict):
    """What the receipt and the refusal tell the applicant (each standard, §11, §16, §17):
    where to learn the status of the case, and how and where to complain."""

    status: Text
    complaints: Text


class Receipt(_Strict):
    """The acceptance receipt's wording where a standard has its own (§9 2))."""

    # Item 4: "the date and place (time) of issue of the documents" (services 1, 2) or
    # "the date (time) of receiving the service and the place of issue" (service 3).
    result_item: Text


class Annex2(_Strict):
    """Only what differs between the services' refusal receipts; the rest is common."""

    copies_sentence: Text


class Service(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    number: Annotated[int, Field(gt=0)]
    name: Text
    short_name: Text
    legal_basis: Text
    provider: Text
    law_article: Annotated[int, Field(gt=0)]
    applicant_types: Annotated[list[ApplicantType], Field(min_length=1)]
    term: Term
    results: Annotated[list[ResultKind], Field(min_length=1)]
    documents: Annotated[list[DocumentSpec], Field(min_length=1)]
    annex1_fields: list[Annex1Field]
    annex1: Annex1
    annex2: Annex2
    receipt: Receipt
    notice: ApplicantNotice
    # Applicant types the standard sends to the service provider itself rather than to the
    # service centre (service 2, §9: non-resident legal entities apply to the authorised body).
    provider_only: list[ApplicantType] = []
    expert_conclusion: list[ConclusionSection] = []

    @model_validator(mode="after")
    def _consistent(self) -> Service:
        seen: set[str] = set()
        for index, doc in enumerate(self.documents):
            if doc.code in seen:
                raise RuleViolation(
                    ("documents", index, "code"), f"document code {doc.code!r} is used twice"
                )
            seen.add(doc.code)
            stray = set(doc.applicant_types) - set(self.applicant_types)
            if stray:
                raise RuleViolation(
                    ("documents", index, "applicant_types"),
                    f"document {doc.code!r} names applicant types the service does not admit: "
                    + ", ".join(sorted(stray)),
                )
        for kind in self.applicant_types:
            if not self.documents_for(kind):
                raise RuleViolation(
                    ("documents",), f"no documents listed for applicant type {kind.value!r}"
                )
        if len(set(self.results)) != len(self.results):
            raise RuleViolation(("results",), "a result kind is listed twice")
        if self.results == [ResultKind.REASONED_REFUSAL]:
            raise RuleViolation(("results",), "a service needs a result other than a refusal")
        stray = set(self.provider_only) - set(self.applicant_types)
        if stray:
            raise RuleViolation(
                ("provider_only",),
                "provider_only names applicant types the service does not admit: "
                + ", ".join(sorted(stray)),
            )
        keys = [f.key for f in self.annex1_fields]
        if len(keys) != len(set(keys)):
            raise RuleViolation(("annex1_fields",), "Annex 1 field keys must be unique")
        return self

    @property
    def counter_applicant_types(self) -> list[ApplicantType]:
        """Who may hand the documents in at the service centre."""
        return [t for t in self.applicant_types if t not in self.provider_only]

    def can_refuse(self) -> bool:
        """Whether the standard lets the provider end the service in a reasoned refusal."""
        return ResultKind.REASONED_REFUSAL in self.results

    def documents_for(self, applicant_type: ApplicantType | str) -> list[DocumentSpec]:
        kind = ApplicantType(applicant_type)
        return [d for d in self.documents if kind in d.applicant_types]

    def document(self, code: str) -> DocumentSpec:
        for doc in self.documents:
            if doc.code == code:
                return doc
        raise KeyError(code)
