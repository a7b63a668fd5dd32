"""The administrator's pages: committee users and their departments, branches, and the
working calendar's overrides (which reach every desk through the change feed)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from ozq_hub.console import accounts, web
from ozq_hub.console.accounts import AccountProblem, Role, SignedIn
from ozq_hub.console.i18n import M_
from ozq_hub.db import utcnow
from ozq_hub.models import Branch, Device
from ozq_hub.service import calendar, enrolment
from ozq_wire import protocol as p

router = APIRouter(prefix="/console/admin", include_in_schema=False)


def _branches(session) -> list[tuple[str, str, int]]:
    devices = (
        select(Device.branch_code, func.count().label("n"))
        .where(Device.revoked_at.is_(None))
        .group_by(Device.branch_code)
        .subquery()
    )
    return [
        (row.code, row.name, row.n or 0)
        for row in session.execute(
            select(Branch.code, Branch.name, devices.c.n)
            .outerjoin(devices, devices.c.branch_code == Branch.code)
            .order_by(Branch.code)
        )
    ]


def _users_page(
    request: Request,
    user: SignedIn,
    *,
    error: str = "",
    status: int = 200,
    **ctx,
):
    hub = web.hub_of(request)
    with hub.db.reading() as session:
        users = accounts.list_users(session)
        branches = _branches(session)
    return web.render(
        request,
        "admin_users.html",
        status=status,
        user=user,
        users=users,
        branches=branches,
        roles=[r.value for r in Role],
        error=error,
        now=utcnow(),
        **ctx,
    )


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, user: web.Administrator, done: str = "") -> Response:
    notice = M_("Saved.") if done else ""
    return _users_page(request, user, notice=notice)


def _audit(session, request: Request, user: SignedIn, action: str, **details) -> None:
    web.record(session, request, user, action, details=details)


def _create(request: Request, user: SignedIn, form) -> str:
    hub = web.hub_of(request)
    login = str(form.get("login", "")).strip()
    try:
        with hub.db.writing() as session:
            accounts.create_user(
                session,
                login=login,
                full_name=str(form.get("full_name", "")),
                role=str(form.get("role", "")),
                password=str(form.get("password", "")),
                branches={str(b) for b in form.getlist("branches")},
                now=utcnow(),
            )
            _audit(session, request, user, "user_created", login=login, role=str(form.get("role")))
    except AccountProblem as exc:
        return web.i18n.translate(exc.msgid, web.lang_of(request), **exc.params)
    except ValueError:
        return web.i18n.translate(M_("Choose a role."), web.lang_of(request))
    return ""


@router.post("/users")
async def create_user(request: Request, user: web.Administrator) -> Response:
    form = await request.form()
    web.check_csrf(form, user.csrf_token)
    error = await run_in_threadpool(_create, request, user, form)
    if error:
        return await run_in_threadpool(lambda: _users_page(request, user, error=error, status=422))
    return web.redirect("/console/admin/users?done=1")


def _change(request: Request, user: SignedIn, user_id: int, form) -> str:
    hub = web.hub_of(request)
    action = str(form.get("action", ""))
    try:
        with hub.db.writing() as session:
            if action == "unlock":
                accounts.unlock(session, user_id=user_id)
            elif action in ("deactivate", "activate"):
                if user_id == user.user_id:
                    raise AccountProblem("You cannot deactivate yourself.")
                accounts.set_active(session, user_id=user_id, active=action == "activate")
            elif action == "branches":
                accounts.set_branches(
                    session, user_id=user_id, branches={str(b) for b in form.getlist("branches")}
                )
            elif action == "password":
                accounts.set_password(
                    session, user_id=user_id, password=str(form.get("password", ""))
                )
            else:
                raise AccountProblem("Unknown action.")
            _audit(session, request, user, f"user_{action}", user_id=user_id)
    except AccountProblem as exc:
        return web.i18n.translate(exc.msgid, web.lang_of(request), **exc.params)
    return ""


@router.post("/users/{user_id}")
async def change_user(
    user_id: Annotated[int, Path(ge=1)], request: Request, user: web.Administrator
) -> Response:
    form = await request.form()
    web.check_csrf(form, user.csrf_token)
    error = await run_in_threadpool(_change, request, user, user_id, form)
    if error:
        return await run_in_threadpool(lambda: _users_page(request, user, error=error, status=422))
    return web.redirect("/console/admin/users?done=1")


# ---------------------------------------------------------------- branches


def _branches_page(request: Request, user: SignedIn, *, notice: str, enrolment_code: str):
    hub = web.hub_of(request)
    with hub.db.reading() as session:
        branches = _branches(session)
    return web.render(
        request,
        "admin_branches.html",
        user=user,
        branches=branches,
        notice=notice,
        enrolment_code=enrolment_code,
    )


@router.get("/branches", response_class=HTMLResponse)
def branches_page(request: Request, user: web.Administrator, done: str = "") -> Response:
    return _branches_page(request, user, notice=M_("Saved.") if done else "", enrolment_code="")


def _save_branch(request: Request, user: SignedIn, form) -> str:
    hub = web.hub_of(request)
    code = str(form.get("code", "")).strip()
    name = str(form.get("name", "")).strip()
    try:
        if not code or len(code) > 64 or not code.replace("-", "").replace("_", "").isalnum():
            raise AccountProblem("The branch code is letters, digits and dashes.")
        if not name:
            raise AccountProblem("Enter the branch's name.")
    except AccountProblem as exc:
        return exc.msgid
    now = utcnow()
    issued = ""
    with hub.db.writing() as session:
        enrolment.ensure_branch(session, code=code, name=name[:200], now=now)
        if form.get("issue_code"):
            issued = enrolment.issue_enrolment_code(
                session,
                branch_code=code,
                branch_name=name[:200],
                hours=hub.limits.enrolment_code_hours,
                now=now,
            )
        _audit(session, request, user, "branch_saved", code=code, code_issued=bool(issued))
    return "=" + issued


@router.post("/branches")
async def save_branch(request: Request, user: web.Administrator) -> Response:
    form = await request.form()
    web.check_csrf(form, user.csrf_token)
    result = await run_in_threadpool(_save_branch, request, user, form)
    if not result.startswith("="):
        raise web.PageError(422, result)
    code = result[1:]
    if not code:
        return web.redirect("/console/admin/branches?done=1")
    # The one-time code is shown in this answer only: never in an address, where the
    # browser's history and the access logs would keep it.
    return await run_in_threadpool(
        lambda: _branches_page(request, user, notice=M_("Saved."), enrolment_code=code)
    )


# ---------------------------------------------------------------- the calendar


@router.get("/calendar", response_class=HTMLResponse)
def calendar_page(request: Request, user: web.Administrator, done: str = "") -> Response:
    hub = web.hub_of(request)
    with hub.db.reading() as session:
        overrides = calendar.list_overrides(session)
    return web.render(
        request,
        "admin_calendar.html",
        user=user,
        overrides=[o for o in overrides if o.kind is not p.CalendarDay.STANDARD],
        notice=M_("Saved. The desks receive the change at their next sync.") if done else "",
    )


def _save_override(request: Request, user: SignedIn, form) -> None:
    hub = web.hub_of(request)
    try:
        day = dt.date.fromisoformat(str(form.get("date", "")))
        kind = p.CalendarDay(str(form.get("kind", "")))
    except ValueError as exc:
        raise web.PageError(422, "Give a date and what the day becomes.") from exc
    note = str(form.get("note", "")).strip()[:500]
    with hub.db.writing() as session:
        calendar.set_override(session, day=day, kind=kind, note=note, now=utcnow(), tz=hub.tz)
        _audit(session, request, user, "calendar_override", day=day.isoformat(), kind=kind.value)


@router.post("/calendar")
async def save_override(request: Request, user: web.Administrator) -> Response:
    form = await request.form()
    web.check_csrf(form, user.csrf_token)
    await run_in_threadpool(_save_override, request, user, form)
    return web.redirect("/console/admin/calendar?done=1")
