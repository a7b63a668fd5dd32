"""What makes a package complete: ONE function, `assess`, says it for the whole desk.

From the service, the applicant type and what was presented it says: accept (with the
documents for the receipt), or refuse (with the missing documents for Annex 2), and what
must still be put right before either can be written. Seed §9 lists the documents; §10 makes
an incomplete package a refusal. The wizard's pages and the acceptance transaction all ask
this module; none of them restates its rules.

The rules, each with its source:
- A document not presented is missing (§10).
- An expert conclusion is valid for three months from the expertise (each standard, §9):
  its date is required, cannot lie in the future, and an expired conclusion counts as a
  missing document. There is no "accept anyway".
- A document the standard asks for in electronic form (§9, "электрондық көшірмесі",
  "электрондық құжат") needs its file. The application is made by the desk (Annex 1).
- Every presented document needs its sheet count for the receipt (§9 2): "the number of the
  documents attached"). Where scans exist and their pages are counted, the count is theirs:
  a second scan changes it; the clerk's own count stands only for a document without
  counted scans.
- A conclusion stated as bound needs its number of bound pages (§9).
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any

from ozq_desktop.errors import ValidationError
from ozq_desktop.i18n import N_, Bilingual
from ozq_wire.catalog import ApplicantType, DocumentSpec, Service

CONCLUSION_VALID_MONTHS = 3


class Outcome(StrEnum):
    ACCEPT = "accept"
    REFUSE = "refuse"


@dataclass(frozen=True)
class PresentedDocument:
    """What the clerk found of one checklist document: declared here, once. The wizard's draft
    (`drafts.DocumentDraft`) is one with its scans; an accepted package stores these same facts
    in its `PackageDocument` rows (`stored_facts`/`facts_of_row`), and sends them to the hub."""

    code: str
    presented: bool
    pages: int = 0  # the clerk's own count of sheets
    scan_pages: tuple[int, ...] = ()  # the pages of each attached file; 0: not counted
    expertise_date: date | None = None
    signed_by_head: bool | None = None
    sealed: bool | None = None
    bound: bool | None = None
    bound_pages: int | None = None

    @property
    def sheets(self) -> int:
        """The sheet count for the receipt: the scans' pages when every scan is counted."""
        if self.scan_pages and all(self.scan_pages):
            return sum(self.scan_pages)
        return self.pages

    @property
    def sheets_from_scans(self) -> bool:
        return bool(self.scan_pages) and all(self.scan_pages)


# What a checklist document's facts are, declared once (above): the wizard's draft holds
# each (drafts.DocumentDraft), an accepted package stores each in a column of its
# PackageDocument row, and the hub gets them in the package's metadata. `scan_pages` is
# derived from the draft's scans, and stored as the sheet count.
FACTS = tuple(f.name for f in fields(PresentedDocument) if f.name != "scan_pages")


def facts_of(doc: Any) -> dict[str, Any]:
    """The facts of a draft document, a PresentedDocument or a stored row, by name."""
    return {name: getattr(doc, name) for name in FACTS}


def wire_facts(row: Any) -> dict[str, Any]:
    """A stored document's facts as JSON values, for the package's metadata on the hub, with
    the reason it was counted missing, if any."""
    values = facts_of(row)
    if values["expertise_date"] is not None:
        values["expertise_date"] = values["expertise_date"].isoformat()
    values["expired_choice"] = row.expired_choice
    return values


@dataclass(frozen=True)
class ConclusionFlag:
    code: str
    expertise_date: date
    valid_until: date
    expired: bool


@dataclass(frozen=True)
class DocumentProblem:
    """Something to put right about one presented document. `blocks_refusal`: whether it
    stops a refusal too (the conclusion's date decides what is missing), or only acceptance
    (sheets and files are not on the refusal)."""

    code: str
    error: ValidationError
    blocks_refusal: bool
    note: str = ""  # the same, in a few words beside the document's name (a msgid)


@dataclass(frozen=True)
class ChecklistDecision:
    outcome: Outcome
    presented: list[DocumentSpec]
    missing: list[DocumentSpec]
    flags: list[ConclusionFlag] = field(default_factory=list)
    problems: list[DocumentProblem] = field(default_factory=list)  # for this outcome
    sheets: dict[str, int] = field(default_factory=dict)  # presented documents' sheet counts
    # What a refusal leaves aside: it does not stop the refusal, but the document is not in
    # order, and the review must not show it as if it were.
    set_aside: list[DocumentProblem] = field(default_factory=list)

    def notes(self, code: str) -> list[str]:
        """The short notes (msgids) of what is not in order about one presented document."""
        return [p.note for p in (*self.problems, *self.set_aside) if p.code == code and p.note]

    def expired(self, code: str) -> ConclusionFlag | None:
        """The expired conclusion's flag, when `code` is missing because it expired."""
        return next((f for f in self.flags if f.code == code and f.expired), None)


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


def _name(spec: DocumentSpec) -> Bilingual:
    return Bilingual(spec.name.kk, spec.name.ru)


def document_problems(
    spec: DocumentSpec, doc: PresentedDocument, today: date
) -> list[DocumentProblem]:
    """What is wrong with one presented document, in the order the clerk should fix it."""
    if not doc.presented:
        return []
    found: list[DocumentProblem] = []

    def problem(blocks_refusal: bool, msgid: str, note: str) -> None:
        error = ValidationError(msgid, document=_name(spec))
        found.append(DocumentProblem(spec.code, error, blocks_refusal, note))

    if spec.expert_conclusion:
        if doc.expertise_date is None:
            problem(
                True,
                N_("Enter the date of the expertise: «{document}»."),
                N_("no date of the expertise"),
            )
            return found
        if doc.expertise_date > today:
            problem(
                True,
                N_("The date of the expertise is in the future: «{document}»."),
                N_("the date of the expertise is in the future"),
            )
            return found
        if conclusion_flag(spec.code, doc.expertise_date, today).expired:
            return found  # missing: nothing else about it matters
    if spec.needs_file and not doc.scan_pages:
        problem(
            False,
            N_("Attach the file of «{document}»: the standard asks for it in electronic form."),
            N_("no file attached"),
        )
    if not spec.is_application and doc.sheets < 1:
        problem(False, N_("Enter the number of sheets of «{document}»."), N_("no number of sheets"))
    if spec.expert_conclusion and doc.bound and not doc.bound_pages:
        problem(
            False,
            N_("Enter the number of bound pages: «{document}»."),
            N_("no number of bound pages"),
        )
    return found


def assess(
    service: Service,
    applicant_type: ApplicantType | str,
    presented: Mapping[str, PresentedDocument],
    today: date,
) -> ChecklistDecision:
    """THE rule of completeness (see the module's docstring)."""
    have: list[DocumentSpec] = []
    missing: list[DocumentSpec] = []
    flags: list[ConclusionFlag] = []
    problems: list[DocumentProblem] = []
    sheets: dict[str, int] = {}
    for spec in service.documents_for(applicant_type):
        doc = presented.get(spec.code)
        if doc is None or not doc.presented:
            missing.append(spec)
            continue
        problems += document_problems(spec, doc, today)
        if spec.expert_conclusion and doc.expertise_date is not None:
            flag = conclusion_flag(spec.code, doc.expertise_date, today)
            flags.append(flag)
            if flag.expired:
                missing.append(spec)
                continue
        have.append(spec)
        sheets[spec.code] = doc.sheets
    outcome = Outcome.REFUSE if missing else Outcome.ACCEPT
    set_aside: list[DocumentProblem] = []
    if outcome is Outcome.REFUSE:
        set_aside = [p for p in problems if not p.blocks_refusal]
        problems = [p for p in problems if p.blocks_refusal]
    return ChecklistDecision(outcome, have, missing, flags, problems, sheets, set_aside)
