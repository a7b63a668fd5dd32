"""Builders shared by the domain tests: valid identifiers and ready-made drafts."""

from __future__ import annotations

from datetime import date, datetime

from ozq_desktop.domain.drafts import ApplicantDraft, DocumentDraft, PackageDraft, ScanDraft
from ozq_desktop.domain.identifiers import check_digit

VALID_IIN = "900101300017"
VALID_BIN = "940140000385"


def complete_with_check_digit(first11: str) -> str:
    digit = check_digit(first11)
    assert digit is not None, first11
    return first11 + str(digit)


def non_resident_bin() -> str:
    for serial in range(10000, 10100):
        digit = check_digit(f"150350{serial}")
        if digit is not None:
            return f"150350{serial}{digit}"
    raise AssertionError("no valid BIN found")


def scan(name: str = "scan.pdf", fill: str = "a", pages: int = 3) -> ScanDraft:
    return ScanDraft(sha256=fill * 64, size=1000, mime="application/pdf", name=name, pages=pages)


def draft_for(
    service_id: str,
    applicant_type: str,
    idn: str,
    codes: list[str],
    *,
    consent: bool = True,
    expertise_date: date | None = date(2026, 11, 1),
    started_at: datetime = datetime(2026, 11, 25, 10, 0),
) -> PackageDraft:
    draft = PackageDraft(service_id=service_id, started_at=started_at, consent=consent)
    draft.applicant = ApplicantDraft(
        type=applicant_type,
        idn=idn,
        name="«Қазмұнай» ЖШС",
        address="Астана қ., Мәңгілік Ел, 1",
        phone="+7 700 000 0000",
    )
    for i, code in enumerate(codes):
        doc = DocumentDraft(
            code=code, presented=True, pages=3, scans=[scan(f"{code}.pdf", "abcdef"[i])]
        )
        if code == "expert_conclusion":
            doc.expertise_date = expertise_date
            doc.signed_by_head = doc.sealed = doc.bound = True
            doc.bound_pages = 40
        draft.documents[code] = doc
    return draft
