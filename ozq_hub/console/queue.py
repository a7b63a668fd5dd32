"""The committee's queue: received packages of the user's department, by due date.

Keyset paging on (due_date, uuid), the order of the `ix_package_*_due` indexes, so the
hundredth page costs what the first does. Search: a 12-digit IIN/BIN exactly; a whole
receipt number exactly; a part of a receipt number (say its last digits) or the beginning
of an IIN/BIN; otherwise a part of the applicant's name. On PostgreSQL trigram indexes
answer the parts (migration 0005); without them the parts are found by reading the table.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.orm import Session

from ozq_hub.models import OPEN_REVIEW_STATES, Branch, Package
from ozq_hub.service.packages import fold
from ozq_wire import protocol as p

STATES = ("new", "in_review", "granted", "refused")
OPEN_STATES = OPEN_REVIEW_STATES
DECIDED_STATES = ("granted", "refused")
_RECEIPT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_WHOLE_RECEIPT = re.compile(r"^[A-Za-z0-9_.-]+-[A-Za-z0-9_.-]+-\d{7}$")  # branch-desk-number


@dataclass(frozen=True)
class QueueFilter:
    service: str = ""
    branch: str = ""
    state: str = ""  # one of STATES
    decided: str = ""  # "yes" / "no"
    q: str = ""
    after: str = ""  # "<due date>|<uuid>" of the last row of the previous page

    def query(self, **changes: str) -> dict[str, str]:
        """The filter as query parameters (without the cursor unless given)."""
        values = {
            "service": self.service,
            "branch": self.branch,
            "state": self.state,
            "decided": self.decided,
            "q": self.q,
            **changes,
        }
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class QueueRow:
    uuid: uuid.UUID
    receipt_no: str
    service_id: str
    applicant_name: str
    applicant_idn: str
    branch_code: str
    branch_name: str
    received_at: dt.datetime | None
    due_date: dt.date | None
    review_state: str

    def urgency(self, today: dt.date) -> str:
        if self.review_state in DECIDED_STATES or self.due_date is None:
            return ""
        if self.due_date < today:
            return "overdue"
        return "today" if self.due_date == today else ""


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_after: str | None
    overdue: int
    due_today: int


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search(q: str):
    q = q.strip()
    if not q:
        return None
    if q.isdigit() and len(q) == 12:
        return or_(Package.applicant_idn == q, Package.receipt_no == q)
    if _RECEIPT.match(q) and any(ch.isdigit() for ch in q):
        if _WHOLE_RECEIPT.match(q):
            return Package.receipt_no.in_({q, q.upper()})
        return or_(
            Package.receipt_no.ilike("%" + _escape_like(q) + "%", escape="\\"),
            Package.applicant_idn.like(_escape_like(q) + "%", escape="\\"),
        )
    return Package.applicant_name_fold.like("%" + _escape_like(fold(q)) + "%", escape="\\")


def _cursor(after: str) -> tuple[dt.date, uuid.UUID] | None:
    day, _, ident = after.partition("|")
    try:
        return dt.date.fromisoformat(day), uuid.UUID(ident)
    except ValueError:
        return None


def _conditions(branches: frozenset[str], f: QueueFilter) -> list:
    visible = sorted(branches & {f.branch}) if f.branch else sorted(branches)
    conditions = [
        Package.status == p.PackageStatus.RECEIVED.value,
        Package.due_date.is_not(None),
        Package.branch_code.in_(visible),
    ]
    if f.service:
        conditions.append(Package.service_id == f.service)
    if f.state in STATES:
        conditions.append(Package.review_state == f.state)
    if f.decided == "yes":
        conditions.append(Package.review_state.in_(DECIDED_STATES))
    elif f.decided == "no":
        conditions.append(Package.review_state.in_(OPEN_STATES))
    search = _search(f.q)
    if search is not None:
        conditions.append(search)
    return conditions


def page(
    session: Session, *, branches: frozenset[str], f: QueueFilter, today: dt.date, size: int
) -> QueuePage:
    conditions = _conditions(branches, f)
    keyed = list(conditions)
    cursor = _cursor(f.after) if f.after else None
    if cursor is not None:
        keyed.append(tuple_(Package.due_date, Package.uuid) > tuple_(*cursor))
    statement = (
        select(
            Package.uuid,
            Package.receipt_no,
            Package.service_id,
            Package.applicant_name,
            Package.applicant_idn,
            Package.branch_code,
            Branch.name.label("branch_name"),
            Package.received_at,
            Package.due_date,
            Package.review_state,
        )
        .join(Branch, Branch.code == Package.branch_code)
        .where(and_(*keyed))
        .order_by(Package.due_date, Package.uuid)
        .limit(size + 1)
    )
    rows = [QueueRow(**row._mapping) for row in session.execute(statement)]
    more = len(rows) > size
    rows = rows[:size]
    next_after = f"{rows[-1].due_date.isoformat()}|{rows[-1].uuid}" if more else None
    overdue, due_today = _urgent_counts(session, conditions, today)
    return QueuePage(rows=rows, next_after=next_after, overdue=overdue, due_today=due_today)


def _urgent_counts(session: Session, conditions: list, today: dt.date) -> tuple[int, int]:
    """Open packages under the same filter that are overdue, and due today."""
    open_ = Package.review_state.in_(OPEN_STATES)
    overdue = func.count().filter(Package.due_date < today)
    due_today = func.count().filter(Package.due_date == today)
    row = session.execute(
        select(overdue, due_today).where(*conditions, open_, Package.due_date <= today)
    ).one()
    return int(row[0]), int(row[1])


def branches(session: Session, codes: frozenset[str]) -> list[tuple[str, str]]:
    return [
        (row.code, row.name)
        for row in session.execute(
            select(Branch.code, Branch.name).where(Branch.code.in_(codes)).order_by(Branch.code)
        )
    ]
