"""The console's pages for reviewers and heads: sign-in, the queue, a package with its
scans, the review draft and the decision with its confirmation step."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from ozq_hub.api.handlers import status_for
from ozq_hub.console import accounts, audit, queue, review, web
from ozq_hub.console.accounts import SignedIn, SignInResult
from ozq_hub.console.i18n import LANGUAGES, M_
from ozq_hub.db import utcnow
from ozq_hub.models import Blob
from ozq_hub.refusals import Refusal
from ozq_hub.service import decisions, rules, throttle
from ozq_wire import protocol as p

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("")
def home(request: Request, user: web.SignedInUser) -> Response:
    return web.redirect("/console/admin/users" if user.is_admin else "/console/queue")


@router.get("/lang/{code}")
def switch_language(code: str, request: Request, next: str = "/console") -> Response:
    response = web.redirect(web.safe_next(next))
    if code in LANGUAGES:
        response.set_cookie(
            web.LANG_COOKIE, code, path="/", max_age=365 * 86400, samesite="lax", httponly=True
        )
    return response


# ---------------------------------------------------------------- sign-in


def _login_page(request: Request, *, error: str = "", login: str = "", status: int = 200):
    token, new = web.anonymous_csrf(request)
    page = web.render(
        request,
        "login.html",
        status=status,
        csrf=token,
        error=error,
        login=login,
        next=web.safe_next(request.query_params.get("next")),
    )
    return web.with_anonymous_csrf(page, request, token, new)


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


def _sign_in(request: Request, login: str, password: str) -> tuple[str, str | None, int]:
    """(message id or "", session token, retry-after seconds)."""
    hub = web.hub_of(request)
    settings = hub.console
    address = web.client_address(request)
    now = utcnow()
    with hub.db.writing(durable=False) as session:  # a lost count costs nothing
        wait = throttle.count_attempt(
            session,
            key=f"login-ip:{address}",
            limit=settings.login_per_address,
            window_seconds=settings.rate_window_seconds,
            now=now,
        )
    if wait:
        return M_("Too many sign-in attempts from this computer. Try again later."), None, wait
    with hub.db.writing() as session:
        result, user = accounts.sign_in(
            session, login=login, password=password, now=now, settings=settings
        )
        action = {
            SignInResult.OK: "login",
            SignInResult.WRONG: "login_failed",
            SignInResult.LOCKED: "login_locked",
        }[result]
        audit.record(
            session,
            action=action,
            now=now,
            user_id=user.id if user else None,
            user_login=login.strip()[:64],
            address=address,
        )
        if result is SignInResult.OK and user is not None:
            return "", accounts.open_session(session, user=user, now=now, settings=settings), 0
    if result is SignInResult.LOCKED:
        return (
            M_(
                "The account is locked after too many wrong passwords. Try again later, or ask an administrator to unlock it."
            ),
            None,
            0,
        )
    return M_("Wrong login or password."), None, 0


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    web.check_anonymous_csrf(request, form)
    login_name = str(form.get("login", ""))[:64]
    password = str(form.get("password", ""))[:1024]
    error, token, wait = await run_in_threadpool(_sign_in, request, login_name, password)
    if token is None:
        page = _login_page(request, error=error, login=login_name, status=429 if wait else 401)
        if wait:
            page.headers["Retry-After"] = str(wait)
        return page
    response = web.redirect(web.safe_next(str(form.get("next", "")) or None))
    web.set_cookie(response, web.hub_of(request), web.SESSION, token)
    return response


def _sign_out(request: Request, user: SignedIn) -> None:
    hub = web.hub_of(request)
    with hub.db.writing() as session:
        accounts.end_session(session, token_hash=user.token_hash)
        web.record(session, request, user, "logout")


@router.post("/logout")
async def logout(request: Request, user: web.SignedInUser) -> Response:
    form = await request.form()
    web.check_csrf(form, user.csrf_token)
    await run_in_threadpool(_sign_out, request, user)
    response = web.redirect("/console/login")
    web.delete_cookie(response, web.hub_of(request), web.SESSION)
    return response


# ---------------------------------------------------------------- the queue


@router.get("/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    user: web.Reviewer,
    service: Annotated[str, Query(max_length=64)] = "",
    branch: Annotated[str, Query(max_length=64)] = "",
    state: Annotated[str, Query(max_length=16)] = "",
    decided: Annotated[str, Query(max_length=3)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
    after: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    hub = web.hub_of(request)
    f = queue.QueueFilter(
        service=service, branch=branch, state=state, decided=decided, q=q.strip(), after=after
    )
    with hub.db.reading() as session:
        result = queue.page(
            session,
            branches=user.branches,
            f=f,
            today=web.due.today(hub.tz),
            size=hub.console.page_size,
        )
        branches = queue.branches(session, user.branches)
    next_url = (
        "/console/queue?" + urlencode(f.query(after=result.next_after))
        if result.next_after
        else None
    )
    return web.render(
        request,
        "queue.html",
        user=user,
        f=f,
        page=result,
        next_url=next_url,
        first_url="/console/queue?" + urlencode(f.query()) if f.after else None,
        branches=branches,
        services=list(rules.catalog()),
        states=queue.STATES,
    )


# ---------------------------------------------------------------- a package


def _visible(
    request: Request, user: SignedIn, package_uuid: uuid.UUID, *, viewed: bool = False
) -> review.PackageView:
    """The package as the user may see it, or the 404 page. `viewed`: the view is written
    to the hub's audit trail in the same transaction that reads the package."""
    hub = web.hub_of(request)
    with hub.db.writing() if viewed else hub.db.reading() as session:
        package = review.visible_package(session, user, package_uuid)
        if package is None:
            raise web.PageError(404, "No such package in your department.")
        if viewed:
            _record_view(session, request, user, "view_package", package_uuid)
        return review.package_view(session, package)


def _record_view(session, request: Request, user: SignedIn, action: str, package_uuid, **details):
    web.record(session, request, user, action, package_uuid=package_uuid, details=details)


def _package_page(
    request: Request,
    user: SignedIn,
    view: review.PackageView,
    *,
    scan: int | None = None,
    status: int = 200,
    **ctx,
) -> Response:
    shown = view.manifest[scan] if scan is not None and 0 <= scan < len(view.manifest) else None
    ctx.setdefault("grant", {})
    ctx.setdefault("refuse", {})
    return web.render(
        request,
        "package.html",
        status=status,
        user=user,
        v=view,
        scan_index=scan if shown else None,
        scan=shown,
        inline_types=review.INLINE_TYPES,
        grant_kinds=review.grant_kinds(view.service),
        hub_audit=view.hub_audit,
        **ctx,
    )


@router.get("/packages/{package_uuid}", response_class=HTMLResponse)
def package_page(
    package_uuid: uuid.UUID,
    request: Request,
    user: web.Reviewer,
    scan: Annotated[int | None, Query(ge=0, le=1000)] = None,
    saved: int = 0,
    decided: int = 0,
) -> Response:
    view = _visible(request, user, package_uuid, viewed=True)
    notice = ""
    if saved:
        notice = M_("The review draft is saved.")
    elif decided:
        notice = M_("The decision is recorded; the desk receives it at its next sync.")
    return _package_page(request, user, view, scan=scan, notice=notice)


def _scan(request: Request, user: SignedIn, package_uuid: uuid.UUID, index: int):
    """The scan's manifest entry, size and bytes (decrypted and checked as they are sent),
    its view recorded; or the 404 page, with nothing recorded."""
    hub = web.hub_of(request)
    with hub.db.writing() as session:
        package = review.visible_package(session, user, package_uuid)
        if package is None:
            raise web.PageError(404, "No such package in your department.")
        manifest = review.manifest_of(session, package_uuid)
        if index >= len(manifest):
            raise web.PageError(404, "No such scan in this package.")
        entry = manifest[index]
        blob = session.get(Blob, entry.sha256)
        try:
            if blob is None:
                raise FileNotFoundError(entry.sha256)
            stream = hub.store.open_for_sending(entry.sha256)
        except FileNotFoundError:
            raise web.PageError(404, "The scan has not reached the hub.") from None
        _record_view(
            session, request, user, "view_scan", package_uuid, name=entry.name, sha256=entry.sha256
        )
    return entry, blob.size, stream


@router.get("/packages/{package_uuid}/files/{index}")
def package_file(
    package_uuid: uuid.UUID,
    index: Annotated[int, Path(ge=0, le=1000)],
    request: Request,
    user: web.Reviewer,
) -> Response:
    entry, size, stream = _scan(request, user, package_uuid, index)
    inline = entry.mime in review.INLINE_TYPES
    disposition = "inline" if inline else "attachment"
    return StreamingResponse(
        stream,
        media_type=entry.mime if inline else "application/octet-stream",
        headers={
            "Content-Length": str(size),
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(entry.name)}",
            "Content-Security-Policy": web.SCAN_CSP,
            "X-Frame-Options": "SAMEORIGIN",
            "Cache-Control": "no-store, max-age=0",
        },
    )


def _save_review(request: Request, user: SignedIn, package_uuid: uuid.UUID, form) -> int | None:
    hub = web.hub_of(request)
    checked = {str(v) for v in form.getlist("checked")}
    notes = {
        key.removeprefix("note:"): str(value)
        for key, value in form.multi_items()
        if key.startswith("note:")
    }
    try:
        expected = int(str(form.get("version", "0")))
    except ValueError:
        expected = -1
    now = utcnow()
    with hub.db.writing() as session:
        package = review.visible_package(session, user, package_uuid)
        if package is None:
            raise web.PageError(404, "No such package in your department.")
        try:
            version = review.save_draft(
                session,
                package=package,
                user=user,
                checked=checked,
                notes=notes,
                expected_version=expected,
                now=now,
            )
        except review.ReviewConflict:
            return None
        web.record(
            session,
            request,
            user,
            "save_review",
            package_uuid=package_uuid,
            now=now,
            details={"version": version, "checked": len(checked)},
        )
    return version


@router.post("/packages/{package_uuid}/review")
async def save_review(package_uuid: uuid.UUID, request: Request, user: web.Reviewer) -> Response:
    form = await request.form()
    web.check_csrf(form, user.csrf_token)
    version = await run_in_threadpool(_save_review, request, user, package_uuid, form)
    if version is None:
        view = await run_in_threadpool(_visible, request, user, package_uuid)
        return await run_in_threadpool(
            lambda: _package_page(
                request,
                user,
                view,
                status=409,
                error=M_(
                    "Someone else saved this review meanwhile: here is their version. Make your changes again."
                ),
            )
        )
    return web.redirect(f"/console/packages/{package_uuid}?saved={version}#review")


# ---------------------------------------------------------------- deciding


def _decision_request(form, user: SignedIn) -> tuple[p.DecisionRequest | None, str, dict]:
    """The request the form describes, or an error message and the values to show again."""
    outcome = str(form.get("outcome", ""))
    decided_by = f"{user.full_name} ({user.login})"[:200]
    if outcome == "granted":
        values = {k: str(form.get(k, "")).strip() for k in ("kind", "number", "date")}
        if not values["number"] or not values["date"]:
            return None, M_("A grant needs its number and date."), values
        try:
            day = dt.date.fromisoformat(values["date"])
        except ValueError:
            return None, M_("The date must be a date (YYYY-MM-DD)."), values
        try:
            return (
                p.DecisionRequest(
                    outcome=p.Outcome.GRANTED,
                    kind=values["kind"] or None,
                    number=values["number"],
                    date=day,
                    decided_by=decided_by,
                ),
                "",
                values,
            )
        except ValidationError:
            return None, M_("Check the grant's kind, number and date."), values
    if outcome == "refused":
        values = {
            k: str(form.get(k, "")).replace("\r\n", "\n").strip()
            for k in ("reason_kk", "reason_ru")
        }
        if not values["reason_kk"] or not values["reason_ru"]:
            return None, M_("A refusal needs its reasons in both Kazakh and Russian."), values
        try:
            return (
                p.DecisionRequest(
                    outcome=p.Outcome.REFUSED,
                    reason_kk=values["reason_kk"],
                    reason_ru=values["reason_ru"],
                    decided_by=decided_by,
                ),
                "",
                values,
            )
        except ValidationError:
            return None, M_("The reasons are too long (at most 10,000 characters)."), values
    return None, M_("Choose to grant or to refuse."), {}


def _preview(view: review.PackageView, request: p.DecisionRequest) -> p.Decision:
    latest = view.latest
    return p.Decision(
        package_uuid=view.package.uuid,
        receipt_no=view.package.receipt_no,
        version=latest.version + 1 if latest else 1,
        outcome=request.outcome,
        kind=request.kind,
        number=request.number,
        date=request.date,
        reason=request.full_reason(),
        reason_kk=request.reason_kk,
        reason_ru=request.reason_ru,
        decided_by=request.decided_by,
        decided_at=utcnow(),
    )


def _form_error(request, user, view, outcome: str, error: str, values: dict) -> Response:
    key = "grant" if outcome == "granted" else "refuse"
    return _package_page(request, user, view, status=422, decision_error=error, **{key: values})


@router.post("/packages/{package_uuid}/decision/confirm", response_class=HTMLResponse)
async def confirm_decision(package_uuid: uuid.UUID, request: Request, user: web.Head) -> Response:
    form = await request.form()
    web.check_csrf(form, user.csrf_token)
    view = await run_in_threadpool(_visible, request, user, package_uuid)
    decision, error, values = _decision_request(form, user)
    if decision is None:
        outcome = str(form.get("outcome", ""))
        return await run_in_threadpool(_form_error, request, user, view, outcome, error, values)
    preview = _preview(view, decision)
    return await run_in_threadpool(
        lambda: web.render(
            request,
            "confirm.html",
            user=user,
            v=view,
            d=preview,
            wire=preview.model_dump_json(indent=2, exclude_none=True, exclude={"decided_at"}),
            expected_version=view.latest.version if view.latest else 0,
            fields={
                "outcome": decision.outcome.value,
                "kind": decision.kind.value if decision.kind else "",
                "number": decision.number or "",
                "date": decision.date.isoformat() if decision.date else "",
                "reason_kk": decision.reason_kk or "",
                "reason_ru": decision.reason_ru or "",
            },
        )
    )


def _record(request: Request, user: SignedIn, package_uuid, decision, expected: int):
    hub = web.hub_of(request)
    now = utcnow()
    with hub.db.writing() as session:
        package = review.visible_package(session, user, package_uuid)
        if package is None:
            raise web.PageError(404, "No such package in your department.")
        latest = decisions.latest_decisions(session, [package]).get(package_uuid)
        if (latest.version if latest else 0) != expected:
            return None
        try:
            recorded = decisions.record_decision(
                session, package_uuid=package_uuid, request=decision, now=now
            )
        except Refusal as refusal:
            raise web.PageError(
                status_for(refusal),
                "The decision cannot be recorded: {reason}",
                reason=refusal.detail,
            ) from refusal
        web.record(
            session,
            request,
            user,
            "decision",
            package_uuid=package_uuid,
            now=now,
            details=recorded.model_dump(mode="json", exclude_none=True),
        )
        return recorded


@router.post("/packages/{package_uuid}/decision")
async def record_decision(package_uuid: uuid.UUID, request: Request, user: web.Head) -> Response:
    form = await request.form()
    web.check_csrf(form, user.csrf_token)
    decision, error, values = _decision_request(form, user)
    if decision is None:
        view = await run_in_threadpool(_visible, request, user, package_uuid)
        outcome = str(form.get("outcome", ""))
        return await run_in_threadpool(_form_error, request, user, view, outcome, error, values)
    try:
        expected = int(str(form.get("expected_version", "")))
    except ValueError:
        expected = -1
    recorded = await run_in_threadpool(_record, request, user, package_uuid, decision, expected)
    if recorded is None:
        view = await run_in_threadpool(_visible, request, user, package_uuid)
        return await run_in_threadpool(
            lambda: _package_page(
                request,
                user,
                view,
                status=409,
                decision_error=M_(
                    "Another decision was recorded meanwhile. Read it, then decide again."
                ),
            )
        )
    return web.redirect(f"/console/packages/{package_uuid}?decided={recorded.version}")
