"""What every console and status page shares: templates, the language, the signed-in
user, CSRF checks, cookies and the security headers.

Pages are rendered on the server from Jinja2 templates with plain forms and no script.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData

from ozq_hub.api.deps import HubContext
from ozq_hub.console import accounts, audit, i18n
from ozq_hub.console.accounts import Role, SignedIn
from ozq_hub.db import utcnow
from ozq_hub.service import due

HERE = Path(__file__).resolve().parent
LANG_COOKIE = "ozq_lang"

# Pages: nothing but our own style sheet, images and frames (a scan), and forms to
# ourselves; no script at all, no framing by others.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# A scan shown inside the package page: framed by our own pages only.
SCAN_CSP = "frame-ancestors 'self'; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"

_env = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


class PageRedirect(Exception):
    """Answer with a 303 to `url` (e.g. to the sign-in page)."""

    def __init__(self, url: str) -> None:
        self.url = url


class PageError(Exception):
    """Answer with an error page: `status` and a console message."""

    def __init__(self, status: int, msgid: str, **params: object) -> None:
        self.status = status
        self.msgid = msgid
        self.params = params


def hub_of(request: Request) -> HubContext:
    return request.app.state.hub


def lang_of(request: Request) -> str:
    return i18n.language(request.cookies.get(LANG_COOKIE))


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


def record(
    session,
    request: Request,
    user: SignedIn,
    action: str,
    *,
    package_uuid=None,
    now: dt.datetime | None = None,
    details: dict | None = None,
) -> None:
    """A row of the hub's audit trail for what a signed-in user did in the console."""
    audit.record(
        session,
        action=action,
        now=now or utcnow(),
        user_id=user.user_id,
        user_login=user.login,
        address=client_address(request),
        package_uuid=package_uuid,
        details=details,
    )


def cookie_name(hub: HubContext, base: str) -> str:
    """`__Host-` cookies must be Secure, have Path=/ and no Domain: no other host or path
    can plant or read them."""
    return base if hub.console.insecure_cookies else f"__Host-{base}"


def set_cookie(response: Response, hub: HubContext, base: str, value: str, **extra) -> None:
    response.set_cookie(
        cookie_name(hub, base),
        value,
        path="/",
        httponly=True,
        secure=not hub.console.insecure_cookies,
        samesite="strict",
        **extra,
    )


def delete_cookie(response: Response, hub: HubContext, base: str) -> None:
    response.delete_cookie(
        cookie_name(hub, base),
        path="/",
        httponly=True,
        secure=not hub.console.insecure_cookies,
        samesite="strict",
    )


def format_date(value: dt.date | None, lang: str) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def format_datetime(value: dt.datetime | None, hub: HubContext) -> str:
    if value is None:
        return "—"
    return value.astimezone(hub.tz).strftime("%d.%m.%Y %H:%M")


def format_desk_time(value: object) -> str:
    """A time or a date the desk sent as ISO text (its own wall clock), as the pages show
    dates: 04.11.2026 11:37, or 01.11.2026; anything else as it came."""
    text = str(value or "")
    if not text:
        return "—"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return parsed.strftime("%d.%m.%Y" if len(text) == 10 else "%d.%m.%Y %H:%M")


def render(
    request: Request, template: str, *, status: int = 200, user: SignedIn | None = None, **ctx
) -> HTMLResponse:
    hub = hub_of(request)
    lang = lang_of(request)

    def _(msgid: str, **params: object) -> str:
        return i18n.translate(msgid, lang, **params)

    html = _env.get_template(template).render(
        _=_,
        lang=lang,
        other_langs=[code for code in i18n.LANGUAGES if code != lang],
        user=user,
        request_path=request.url.path,
        here=quote(_local_path(request), safe="/"),
        date=lambda d: format_date(d, lang),
        when=lambda t: format_datetime(t, hub),
        desk_when=format_desk_time,
        today=due.today(hub.tz),
        **ctx,
    )
    return HTMLResponse(html, status_code=status)


def _local_path(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def safe_next(target: str | None, default: str = "/console") -> str:
    """Only a path on this site: no scheme, no host, no `//` or back-slash tricks."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ch in target for ch in "\r\n\\"):
        return default
    return target


# ---------------------------------------------------------------- who is signed in


SESSION = "ozq_session"
ANON_CSRF = "ozq_csrf"


def current_user(request: Request) -> SignedIn | None:
    hub = hub_of(request)
    token = request.cookies.get(cookie_name(hub, SESSION))
    if not token:
        return None
    now = utcnow()
    with hub.db.reading() as session:
        signed, stale = accounts.find_session(session, token=token, now=now, settings=hub.console)
    if signed is not None and stale:
        with hub.db.writing() as session:
            accounts.touch(session, token_hash=signed.token_hash, now=now)
    return signed


def require_user(request: Request, *roles: Role) -> SignedIn:
    """The signed-in user, or a redirect to sign in; 403 when the role is not among `roles`."""
    user = current_user(request)
    if user is None:
        next_path = quote(_local_path(request), safe="")
        raise PageRedirect(f"/console/login?next={next_path}")
    if roles and user.role not in roles:
        raise PageError(403, "Your role does not allow this page.")
    return user


# A page declares who may open it, as the API's routes declare `desk: DeskCaller`: the
# dependency answers before the route runs (and before a form is read), with a redirect to
# the sign-in page or the 403 page. FastAPI runs these plain functions in a worker thread.


def _anyone(request: Request) -> SignedIn:
    return require_user(request)


def _reviewer(request: Request) -> SignedIn:
    return require_user(request, Role.REVIEWER, Role.HEAD)


def _head(request: Request) -> SignedIn:
    return require_user(request, Role.HEAD)


def _administrator(request: Request) -> SignedIn:
    return require_user(request, Role.ADMINISTRATOR)


SignedInUser = Annotated[SignedIn, Depends(_anyone)]
Reviewer = Annotated[SignedIn, Depends(_reviewer)]  # a reviewer or a head
Head = Annotated[SignedIn, Depends(_head)]
Administrator = Annotated[SignedIn, Depends(_administrator)]


# ---------------------------------------------------------------- CSRF


def check_csrf(form: FormData, expected: str | None) -> None:
    given = form.get("csrf")
    if not expected or not isinstance(given, str) or not hmac.compare_digest(given, expected):
        raise PageError(
            403, "The form has expired or did not come from this site. Open the page again."
        )


def anonymous_csrf(request: Request) -> tuple[str, bool]:
    """The double-submit token of a visitor who is not signed in (sign-in and status
    forms): the cookie's value, or a new one (True: set the cookie)."""
    hub = hub_of(request)
    token = request.cookies.get(cookie_name(hub, ANON_CSRF))
    if token and 20 <= len(token) <= 100:
        return token, False
    return secrets.token_urlsafe(32), True


def check_anonymous_csrf(request: Request, form: FormData) -> None:
    hub = hub_of(request)
    check_csrf(form, request.cookies.get(cookie_name(hub, ANON_CSRF)))


def with_anonymous_csrf(response: Response, request: Request, token: str, new: bool) -> Response:
    if new:
        set_cookie(response, hub_of(request), ANON_CSRF, token)
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ---------------------------------------------------------------- headers


class SecurityHeaders:
    """Adds the browser-facing security headers to every /console and /status answer.
    A route may set its own Content-Security-Policy, X-Frame-Options or Cache-Control."""

    PREFIXES = ("/console", "/status")

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.PREFIXES):
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/console/static/")

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                wanted = [
                    (b"content-security-policy", PAGE_CSP.encode()),
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                    (
                        b"cache-control",
                        b"public, max-age=3600" if static else b"no-store, max-age=0",
                    ),
                ]
                if not static:
                    wanted.append((b"pragma", b"no-cache"))
                headers += [(name, value) for name, value in wanted if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
