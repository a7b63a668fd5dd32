"""Receipt numbers, unique across every desk with no network: branch code, desk code and a
per-desk sequence. The sequence advances in the same transaction that writes the package, so
a number is never handed out twice, even after a crash: a rolled-back acceptance printed nothing."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ozq_desktop.models import ReceiptCounter

SEQUENCE_DIGITS = 7


def desk_key(branch_code: str, desk_code: str) -> str:
    return f"{branch_code}-{desk_code}"


def format_receipt_number(branch_code: str, desk_code: str, value: int) -> str:
    return f"{branch_code}-{desk_code}-{value:0{SEQUENCE_DIGITS}d}"


TRAINING_PREFIX = "T"
TRAINING_DIGITS = SEQUENCE_DIGITS - 1


def next_receipt_number(
    *, session: Session, branch_code: str, desk_code: str, training: bool = False
) -> str:
    """The next number of this desk. A training package (training mode) takes its own sequence
    and a "T" before its digits, «ALA01-D1-T000001»: it spends no real number, and no real
    number (digits only after the desk code) can ever equal it."""
    key = desk_key(branch_code, desk_code) + ("-training" if training else "")
    value = session.scalar(
        update(ReceiptCounter)
        .where(ReceiptCounter.desk_key == key)
        .values(last_value=ReceiptCounter.last_value + 1)
        .returning(ReceiptCounter.last_value)
    )
    if value is None:
        session.execute(insert(ReceiptCounter).values(desk_key=key, last_value=1))
        value = 1
    if training:
        return f"{branch_code}-{desk_code}-{TRAINING_PREFIX}{value:0{TRAINING_DIGITS}d}"
    return format_receipt_number(branch_code, desk_code, value)


def last_issued(*, session: Session, branch_code: str, desk_code: str) -> int:
    key = desk_key(branch_code, desk_code)
    return (
        session.scalar(select(ReceiptCounter.last_value).where(ReceiptCounter.desk_key == key)) or 0
    )
