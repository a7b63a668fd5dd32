"""Every printed document, one way: `render(kind, ref, lang, database=…, catalog=…)` gives
the bytes of a document about a stored package (`ref` is its id) or a day (`ref` is a `Day`).
Every preview, print and export of the desk goes through it. Qt-free.

It reads what the document says in one snapshot (`database.read`; in the app that runs on
the task helper's database worker), then renders it with `ozq_desktop.printing` in the
calling thread (a pool worker in the app). Documents are always rendered from what was
stored, never from a screen, so a reprint is what was written.

Importing this package is light: the printing layer (reportlab) and the bridge from the
database to its plain data (`documents.bridge`: `receipt_data`, `annex1_for`, …) load when a
document is first rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Union

from ozq_desktop.i18n import N_

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ozq_desktop.domain.changes import Database
    from ozq_desktop.domain.recovery import RevealedSheet
    from ozq_wire.catalog import Catalog


class Kind(StrEnum):
    RECEIPT = "receipt"  # the acceptance receipt (a package)
    REFUSAL = "refusal"  # the Annex 2 refusal-to-accept receipt (a package)
    APPLICATION = "application"  # the Annex 1 application (a package)
    HANDOVER = "handover"  # the receipt for a result handed over (a package)
    REGISTER = "register"  # the daily register, PDF (a Day)
    REGISTER_XLSX = "register_xlsx"  # the daily register, Excel (a Day)
    TRANSFER = "transfer"  # the day's transfer register for the committee (a Day)
    TIMES_REPORT = "service_time"  # waits and service times over a period (a Period)
    RECOVERY_SHEET = "recovery_sheet"  # the desk's recovery key (a RevealedSheet)


TITLES = {
    Kind.RECEIPT: N_("Receipt of acceptance of documents"),
    Kind.REFUSAL: N_("Receipt of refusal to accept documents (Annex 2)"),
    Kind.APPLICATION: N_("Application (Annex 1)"),
    Kind.HANDOVER: N_("Receipt of the result handed over"),
    Kind.REGISTER: N_("Daily register"),
    Kind.REGISTER_XLSX: N_("Daily register"),
    Kind.TRANSFER: N_("Transfer register"),
    Kind.TIMES_REPORT: N_("Waits and service times"),
    Kind.RECOVERY_SHEET: N_("Recovery key of the desk's data"),
}


@dataclass(frozen=True)
class Day:
    """What a day's document is about: the day, one clerk or all, and who signs it."""

    day: date
    clerk_id: int | None = None
    signer: str = ""  # the supervisor's name on the register; who hands the transfer over


@dataclass(frozen=True)
class Period:
    """What a report over days is about: the days, who asks (reports are the supervisor's),
    and when it is printed."""

    start: date
    end: date
    actor: Any  # the signed-in Account
    printed_at: datetime | None = None


# A package id, a Day, a Period, or (the recovery sheet) the sheet as revealed to a supervisor.
Ref = Union[str, Day, Period, "RevealedSheet"]

PACKAGE_KINDS = frozenset({Kind.RECEIPT, Kind.REFUSAL, Kind.APPLICATION, Kind.HANDOVER})


def data_of(session: Session, kind: Kind, ref: Ref, *, catalog: Catalog) -> Any:
    """What the document says, read from the database (the printing layer's plain data)."""
    from ozq_desktop.documents import bridge  # reportlab loads here, in a worker

    if kind in PACKAGE_KINDS:
        if not isinstance(ref, str):
            raise TypeError(f"a {kind} is about a package, not {ref!r}")
        read: dict[Kind, Callable[..., Any]] = {
            Kind.RECEIPT: bridge.receipt_data,
            Kind.REFUSAL: bridge.refusal_data,
            Kind.APPLICATION: bridge.annex1_data,
            Kind.HANDOVER: bridge.handover_data,
        }
        return read[kind](session=session, catalog=catalog, package_id=ref)
    if kind is Kind.RECOVERY_SHEET:
        from ozq_desktop.domain.recovery import RevealedSheet

        if not isinstance(ref, RevealedSheet):
            raise TypeError(f"a {kind} is about a revealed sheet, not {ref!r}")
        # Made from the sheet itself: its showing was audited when it was revealed.
        return bridge.recovery_sheet_data(ref)
    if kind is Kind.TIMES_REPORT:
        if not isinstance(ref, Period):
            raise TypeError(f"a {kind} is about a period, not {ref!r}")
        from ozq_desktop.domain.service_times import service_time_report

        report = service_time_report(session=session, actor=ref.actor, start=ref.start, end=ref.end)
        return bridge.times_report_data(
            session=session, catalog=catalog, report=report, printed_at=ref.printed_at
        )
    if not isinstance(ref, Day):
        raise TypeError(f"a {kind} is about a day, not {ref!r}")
    if kind is Kind.TRANSFER:
        return bridge.transfer_data(
            session=session, catalog=catalog, day=ref.day, handed_over_by=ref.signer
        )
    from ozq_desktop.domain.registers import daily_register

    register = daily_register(session=session, day=ref.day, clerk_id=ref.clerk_id)
    return bridge.register_data(
        session=session, catalog=catalog, register=register, supervisor_name=ref.signer
    )


def render_data(kind: Kind, data: Any, lang: str) -> bytes:
    """The document's bytes in `lang` (PDF, or XLSX for REGISTER_XLSX)."""
    from ozq_desktop import printing
    from ozq_desktop.printing.recovery_sheet import render_recovery_sheet
    from ozq_desktop.printing.times_report import render_times_report

    renderers: dict[Kind, Callable[[Any, str], bytes]] = {
        Kind.RECEIPT: printing.render_receipt,
        Kind.REFUSAL: printing.render_refusal,
        Kind.APPLICATION: printing.render_annex1,
        Kind.HANDOVER: printing.render_handover,
        Kind.REGISTER: printing.render_register,
        Kind.REGISTER_XLSX: printing.render_register_xlsx,
        Kind.TRANSFER: printing.render_transfer,
        Kind.TIMES_REPORT: render_times_report,
        Kind.RECOVERY_SHEET: render_recovery_sheet,
    }
    return renderers[kind](data, lang)


def render(kind: Kind, ref: Ref, lang: str, *, database: Database, catalog: Catalog) -> bytes:
    """The one way to get a document's bytes: read its data in one snapshot, then render."""
    data = database.read(lambda session: data_of(session, kind, ref, catalog=catalog))
    return render_data(kind, data, lang)
