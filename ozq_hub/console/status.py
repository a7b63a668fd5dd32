"""The applicant's public status page: a receipt number and the IIN/BIN, both required.

It says where the case stands (received, under review, the result is ready at the
branch, or refused: collect the reasons at the branch), the legal due date, and where and
when to collect. Never a name, a scan or a reason. "No such receipt" and "wrong IIN/BIN"
get the same answer from the same single query. Look-ups are rate-limited per address and
per receipt number in the database (service/throttle.py), shared by every hub process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from ozq_hub.console import web
from ozq_hub.db import utcnow
from ozq_hub.models import Branch, Package
from ozq_hub.service import throttle
from ozq_wire import protocol as p

router = APIRouter(include_in_schema=False)

MAX_RECEIPT = 64


@dataclass(frozen=True)
class StatusAnswer:
    state: str  # received / in_review / granted / refused
    legal_due_date: dt.date | None
    branch_name: str
    received_on: dt.date | None


def look_up(session, *, receipt_no: str, idn: str, tz: dt.tzinfo) -> StatusAnswer | None:
    row = session.execute(
        select(
            Package.review_state,
            Package.legal_due_date,
            Package.received_at,
            Branch.name,
        )
        .join(Branch, Branch.code == Package.branch_code)
        .where(
            Package.receipt_no == receipt_no,
            Package.applicant_idn == idn,
            Package.status == p.PackageStatus.RECEIVED.value,
        )
        .order_by(Package.received_at.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    state = "received" if row.review_state == "new" else row.review_state
    return StatusAnswer(
        state=state,
        legal_due_date=row.legal_due_date,
        branch_name=row.name,
        received_on=row.received_at.astimezone(tz).date() if row.received_at else None,
    )


def _page(request: Request, *, status: int = 200, **ctx) -> Response:
    token, new = web.anonymous_csrf(request)
    ctx.setdefault("receipt", "")
    page = web.render(request, "status.html", status=status, csrf=token, **ctx)
    return web.with_anonymous_csrf(page, request, token, new)


@router.get("/status", response_class=HTMLResponse)
def status_form(
    request: Request, receipt: Annotated[str, Query(max_length=MAX_RECEIPT)] = ""
) -> Response:
    return _page(request, receipt=receipt.strip())


def _answer(request: Request, receipt: str, idn: str) -> tuple[StatusAnswer | None, int]:
    """Two statements in one transaction: the look-up counted against the address and the
    receipt number (one upsert of both counters), then the indexed look-up itself. Its
    commit need not reach the disk: a lost count costs nothing."""
    hub = web.hub_of(request)
    settings = hub.console
    with hub.db.writing(durable=False) as session:
        wait = throttle.count_attempts(
            session,
            limits={
                f"status-ip:{web.client_address(request)}": settings.status_per_address,
                f"status-receipt:{receipt}": settings.status_per_receipt,
            },
            window_seconds=settings.rate_window_seconds,
            now=utcnow(),
        )
        if wait:
            return None, wait
        return look_up(session, receipt_no=receipt, idn=idn, tz=hub.tz), 0


@router.post("/status", response_class=HTMLResponse)
async def status_answer(request: Request) -> Response:
    form = await request.form()
    web.check_anonymous_csrf(request, form)
    receipt = str(form.get("receipt", "")).strip()[:MAX_RECEIPT]
    idn = "".join(str(form.get("idn", "")).split())[:20]
    if not receipt or not (len(idn) == 12 and idn.isdigit()):
        return _page(request, status=422, receipt=receipt, invalid=True)
    answer, wait = await run_in_threadpool(_answer, request, receipt, idn)
    if wait:
        page = _page(request, status=429, receipt=receipt, limited=True)
        page.headers["Retry-After"] = str(wait)
        return page
    return _page(request, receipt=receipt, answer=answer, asked=True)
