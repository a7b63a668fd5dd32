"""Driving the console over HTTP as a browser would, without one: cookies kept by hand
(the console's cookies are Secure; a browser sends them to http://127.0.0.1 because
loopback is a secure context, httpx would not), forms posted with their CSRF token."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import httpx
from sqlalchemy import select

from ozq_hub.console import accounts
from ozq_hub.db import Database, utcnow
from ozq_hub.models import HubAuditRow
from ozq_hub.service import enrolment
from ozq_wire import protocol as p
from tests.hub.helpers import Desk, Scan

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Browser:
    """One visitor: a cookie jar of its own over a plain httpx client."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30, follow_redirects=False)
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def _keep(self, response: httpx.Response) -> httpx.Response:
        for header in response.headers.get_list("set-cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value in ("", '""'):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def _headers(self) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie} if cookie else {}

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self._keep(self.http.get(url, headers=self._headers(), **kwargs))

    def post(self, url: str, data: dict | list, **kwargs) -> httpx.Response:
        items = list(data.items()) if isinstance(data, dict) else list(data)
        headers = self._headers() | {"Content-Type": "application/x-www-form-urlencoded"}
        return self._keep(self.http.post(url, content=urlencode(items), headers=headers, **kwargs))

    def csrf(self, url: str) -> str:
        page = self.get(url)
        found = _CSRF.search(page.text)
        assert found, f"no CSRF token on {url}: {page.status_code} {page.text[:300]}"
        return found.group(1)

    def form(self, url: str, action: str, fields: dict | list) -> httpx.Response:
        """Open `url`, then post its form to `action` with the page's CSRF token."""
        token = self.csrf(url)
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        return self.post(action, data=[("csrf", token), *items])

    def sign_in(self, login: str, password: str = PASSWORD) -> httpx.Response:
        return self.form("/console/login", "/console/login", {"login": login, "password": password})


def unique(prefix: str) -> str:
    """A login or name no other test uses (the HTTP tests share one hub per backend)."""
    return f"{prefix}{uuid.uuid4().hex[:6]}"


def hub_audit(hub, **where) -> list[HubAuditRow]:
    """The hub's audit rows matching `where` (column=value), oldest first."""
    database = Database(hub.db)
    try:
        with database.reading() as session:
            statement = select(HubAuditRow).order_by(HubAuditRow.id)
            for name, value in where.items():
                statement = statement.where(getattr(HubAuditRow, name) == value)
            return list(session.execute(statement).scalars())
    finally:
        database.dispose()


def make_user(
    database_url: str, login: str, role: str, branches: set[str], password: str = PASSWORD
) -> None:
    database = Database(database_url)
    try:
        with database.writing() as session:
            for code in branches:
                enrolment.ensure_branch(session, code=code, name=None, now=utcnow())
            accounts.create_user(
                session,
                login=login,
                full_name=f"{login.title()} Тестов",
                role=role,
                password=password,
                branches=branches,
                now=utcnow(),
            )
    finally:
        database.dispose()


def pdf_bytes(text: str = "Scan") -> bytes:
    """A real one-page PDF."""
    from reportlab.pdfgen import canvas

    from ozq_desktop.printing.fonts import register_fonts

    register_fonts()  # the desk's printing sets reportlab's base font to its own
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("LiberationSerif", 28)
    page.drawString(72, 750, text)
    page.setFont("LiberationSerif", 12)
    for line in range(30):
        page.drawString(72, 700 - 20 * line, f"{line + 1}. " + "—" * 40)
    page.showPage()
    page.save()
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def push(
    desk: Desk,
    *,
    service_id: str = "declaration-registration",
    accepted_at: dt.datetime | None = None,
    idn: str = "940140000385",
    name: str = "«Қауіпсіздік» ЖШС",
    receipt_no: str | None = None,
    representative: dict | None = None,
) -> p.DeclareRequest:
    """Declare, upload and commit a package with a PDF and a PNG scan."""
    accepted_at = accepted_at or dt.datetime.now().replace(microsecond=0)
    tag = uuid.uuid4().hex[:6]
    files = [
        Scan(f"conclusion-{tag}.pdf", pdf_bytes(f"Conclusion {tag}")),
        Scan(f"declaration-{tag}.png", png_bytes() + tag.encode(), mime="image/png"),
    ]
    manifest = [scan.entry() for scan in files]
    request = p.DeclareRequest(
        package_uuid=uuid.uuid4(),
        receipt_no=receipt_no or desk.receipt(),
        service_id=service_id,
        clerk=p.Clerk(login="clerk1", full_name="Әлия Сейітова"),
        device_time=dt.datetime.now(dt.UTC),
        manifest=manifest,
        manifest_hash=p.manifest_hash(manifest),
        metadata={
            "applicant_type": "legal_entity",
            "applicant_idn": idn,
            "applicant_name": name,
            "accepted_at": accepted_at.isoformat(),
            "representative": representative,
            "documents": [
                {"code": "expert_conclusion", "presented": True, "pages": 40},
                {"code": "declaration", "presented": True, "pages": 12},
            ],
            "files": [
                {"name": files[0].name, "document_code": "expert_conclusion"},
                {"name": files[1].name, "document_code": "declaration"},
            ],
            "audit": [
                {
                    "id": 1,
                    "at": accepted_at.isoformat(),
                    "user_id": 2,
                    "action": "accepted",
                    "details": {},
                }
            ],
        },
    )
    desk.push(request, files)
    return request
