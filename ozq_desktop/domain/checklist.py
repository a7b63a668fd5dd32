"""The checklist decision: from the service, the applicant type and what was presented,
either accept (with the documents for the receipt) or refuse (with the missing documents
for Annex 2). Seed §9 lists the documents; §10 makes an incomplete package a refusal."""

from __future__ import annotations

import calendar as _cal
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from ozq_wire.catalog import ApplicantType, DocumentSpec, Service

CONCLUSION_VALID_MONTHS = 3


class Outcome(StrEnum):
    ACCEPT = "accept"
    REFUSE = "refuse"


class ExpiredChoice(StrEnum):
    """What the clerk decided about an expert conclusion older than three months."""

    ACCEPT_ANYWAY = "accept_anyway"
    TREAT_AS_MISSING = "treat_as_missing"


@dataclass(frozen=True)
class PresentedDocument:
    code: str
    presented: bool
    pages: int = 0
    expertise_date: date | None = None
    signed_by_head: bool | None = None
    sealed: bool | None = None
    bound: bool | None = None
    bound_pages: int | None = None
    expired_choice: ExpiredChoice | None = None


@dataclass(frozen=True)
class ConclusionFlag:
    code: str
    expertise_date: date
    valid_until: date
    expired: bool


@dataclass(frozen=True)
class ChecklistDecision:
    outcome: Outcome
    presented: list[DocumentSpec]
    missing: list[DocumentSpec]
    flags: list[ConclusionFlag] = field(default_factory=list)
    pending_choices: list[str] = field(default_factory=list)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


def conclusion_valid_until(expertise_date: date) -> date:
    """Seed, each service: the conclusion is valid for three months from the expertise. A period
    in months ends on the same-numbered day of the last month (Civil Code, art. 192)."""
    return add_months(expertise_date, CONCLUSION_VALID_MONTHS)


def conclusion_flag(code: str, expertise_date: date, today: date) -> ConclusionFlag:
    valid_until = conclusion_valid_until(expertise_date)
    return ConclusionFlag(code, expertise_date, valid_until, expired=today > valid_until)


def decide(
    service: Service,
    applicant_type: ApplicantType | str,
    presented: Mapping[str, PresentedDocument],
    today: date,
) -> ChecklistDecision:
    have: list[DocumentSpec] = []
    missing: list[DocumentSpec] = []
    flags: list[ConclusionFlag] = []
    pending: list[str] = []
    for spec in service.documents_for(applicant_type):
        doc = presented.get(spec.code)
        if doc is None or not doc.presented:
            missing.append(spec)
            continue
        if spec.expert_conclusion and doc.expertise_date is not None:
            flag = conclusion_flag(spec.code, doc.expertise_date, today)
            flags.append(flag)
            if flag.expired:
                if doc.expired_choice is None:
                    pending.append(spec.code)
                elif doc.expired_choice is ExpiredChoice.TREAT_AS_MISSING:
                    missing.append(spec)
                    continue
        have.append(spec)
    outcome = Outcome.REFUSE if missing else Outcome.ACCEPT
    return ChecklistDecision(outcome, have, missing, flags, pending)
