"""The daily register's table, grouped by clerk and totalled, shared by the PDF and the XLSX."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import time

from ozq_desktop.i18n import N_, tr
from ozq_desktop.printing.data import Outcome, RegisterData, RegisterRow, local

OUTCOME_LABELS = {
    Outcome.ACCEPTED: N_("Outcome: accepted"),
    Outcome.REFUSED: N_("Outcome: refused"),
    Outcome.HANDED_OVER: N_("Outcome: handed over"),
}
COLUMNS = (
    N_("Row number"),
    N_("Time of the record"),
    N_("Receipt number"),
    N_("Requested state service"),
    N_("Applicant's name"),
    N_("Outcome at the counter"),
)


@dataclass(frozen=True)
class Line:
    """One row of the register as printed."""

    number: int
    time: str
    receipt_no: str
    service: str
    applicant: str
    outcome: str


@dataclass(frozen=True)
class ClerkGroup:
    clerk: str
    lines: tuple[Line, ...]
    by_outcome: Counter[Outcome]


@dataclass(frozen=True)
class ServiceTotal:
    service: str
    by_outcome: Counter[Outcome]

    @property
    def total(self) -> int:
        return sum(self.by_outcome.values())


@dataclass(frozen=True)
class RegisterTable:
    groups: tuple[ClerkGroup, ...]
    services: tuple[ServiceTotal, ...]
    by_outcome: Counter[Outcome]

    @property
    def total(self) -> int:
        return sum(self.by_outcome.values())


def time_text(value: time | str) -> str:
    return value if isinstance(value, str) else f"{value.hour:02d}:{value.minute:02d}"


def outcome_text(outcome: Outcome, lang: str) -> str:
    return tr(OUTCOME_LABELS[outcome], lang)


def column_titles(lang: str) -> list[str]:
    return [tr(title, lang) for title in COLUMNS]


def register_table(data: RegisterData, lang: str) -> RegisterTable:
    """Clerks in alphabetical order, each clerk's rows by time; rows numbered through."""
    by_clerk: dict[str, list[RegisterRow]] = {}
    for row in data.rows:
        by_clerk.setdefault(row.clerk, []).append(row)
    groups, number = [], 0
    for clerk in sorted(by_clerk):
        rows = sorted(by_clerk[clerk], key=lambda r: (time_text(r.time), r.receipt_no))
        lines = []
        for row in rows:
            number += 1
            lines.append(
                Line(
                    number=number,
                    time=time_text(row.time),
                    receipt_no=row.receipt_no,
                    service=local(row.service, lang),
                    applicant=row.applicant,
                    outcome=outcome_text(row.outcome, lang),
                )
            )
        groups.append(ClerkGroup(clerk, tuple(lines), Counter(r.outcome for r in rows)))
    per_service: dict[str, Counter[Outcome]] = {}
    for row in data.rows:
        per_service.setdefault(local(row.service, lang), Counter())[row.outcome] += 1
    services = tuple(ServiceTotal(name, per_service[name]) for name in sorted(per_service))
    return RegisterTable(tuple(groups), services, Counter(r.outcome for r in data.rows))


def outcome_summary(counts: Counter[Outcome], lang: str) -> str:
    """«Барлығы: 12 (Құжаттар қабылданды — 8, …)»."""
    parts = ", ".join(f"{outcome_text(o, lang)} — {counts.get(o, 0)}" for o in Outcome)
    return tr("Total: {count} ({parts})", lang, count=sum(counts.values()), parts=parts)
