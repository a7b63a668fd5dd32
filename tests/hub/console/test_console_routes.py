"""Every console route over HTTP, the ones test_console_http.py leaves out: each route's
role check (with a valid CSRF token, so that only the role can refuse), the administrator's
pages doing their work, the package page's contents and checklist for every service, the
headers of error and administration pages, the per-address limits, and the CLI that makes
the first administrator."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

import httpx
import pytest

from ozq_hub.db import Database, sqlite_url
from ozq_hub.models import Package
from ozq_wire import protocol as p
from ozq_wire.calendar import Override, OverrideKind, WorkingCalendar
from ozq_wire.catalog import load_catalog
from tests.hub.console.conftest import start_console_hub
from tests.hub.console.helpers import PASSWORD, Browser, hub_audit, push, unique

pytestmark = pytest.mark.slow


def _package(hub, package_uuid) -> Package:
    database = Database(hub.db)
    try:
        with database.reading() as session:
            return session.get(Package, package_uuid)
    finally:
        database.dispose()


def _user_id(page: str, login: str) -> str:
    return re.search(rf'data-login="{login}".*?/console/admin/users/(\d+)', page, re.S).group(1)


# ---------------------------------------------------------------- roles, route by route


def _routes(package_uuid, user_id: str) -> list[tuple[str, str, dict, set[str]]]:
    """(method, path, form, the roles allowed) for every route behind a sign-in."""
    pkg = f"/console/packages/{package_uuid}"
    refuse = {"outcome": "refused", "reason_kk": "а", "reason_ru": "б"}
    committee, head, admin = {"reviewer", "head"}, {"head"}, {"administrator"}
    return [
        ("GET", "/console/queue", {}, committee),
        ("GET", pkg, {}, committee),
        ("GET", f"{pkg}/files/0", {}, committee),
        ("POST", f"{pkg}/review", {"version": "0", "checked": "1.1"}, committee),
        ("POST", f"{pkg}/decision/confirm", refuse, head),
        ("POST", f"{pkg}/decision", refuse | {"expected_version": "0"}, head),
        ("GET", "/console/admin/users", {}, admin),
        ("POST", "/console/admin/users", {"login": unique("x"), "full_name": "X"}, admin),
        ("POST", f"/console/admin/users/{user_id}", {"action": "unlock"}, admin),
        ("GET", "/console/admin/branches", {}, admin),
        ("POST", "/console/admin/branches", {"code": unique("ZZ"), "name": "Z"}, admin),
        ("GET", "/console/admin/calendar", {}, admin),
        ("POST", "/console/admin/calendar", {"date": "2031-01-06", "kind": "day_off"}, admin),
    ]


def test_every_route_refuses_the_roles_it_is_not_for(dept, console_hub):
    desk, users = dept
    package = push(desk)
    admin = Browser(console_hub.process.base_url)
    admin.sign_in(users["administrator"])
    some_user = _user_id(admin.get("/console/admin/users").text, users["reviewer"])
    admin.close()
    for role, login in users.items():
        visitor = Browser(console_hub.process.base_url)
        try:
            assert visitor.sign_in(login).status_code == 303
            home = visitor.get("/console")
            wanted = "/console/admin/users" if role == "administrator" else "/console/queue"
            assert (home.status_code, home.headers["location"]) == (303, wanted)
            token = visitor.csrf(wanted)  # the session's token, on every signed-in page
            for method, path, form, allowed in _routes(package.package_uuid, some_user):
                if role in allowed:
                    if method == "GET":
                        assert visitor.get(path).status_code == 200, (role, path)
                    continue
                answer = (
                    visitor.get(path)
                    if method == "GET"
                    else visitor.post(path, {"csrf": token, **form})
                )
                assert answer.status_code == 403, (role, method, path, answer.status_code)
                assert 'id="page-error"' in answer.text
        finally:
            visitor.close()
    # Nothing a refused request carried was done.
    page = _package(console_hub, package.package_uuid)
    assert page.review_state == "new"
    actions = {row.action for row in hub_audit(console_hub, package_uuid=package.package_uuid)}
    assert actions <= {"view_package", "view_scan"}


# ---------------------------------------------------------------- the administrator's pages


def test_the_cli_creates_the_first_administrator(console_hub, browser, monkeypatch):
    login = unique("admin")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    out = console_hub.cli(
        "console-user", "--login", login, "--name", "Әкімші", "--role", "administrator",
        "--password-stdin",
    )  # fmt: skip
    assert out.strip() == f"created administrator {login}"
    assert browser.sign_in(login).headers["location"] == "/console"
    assert browser.get("/console").headers["location"] == "/console/admin/users"
    assert f'data-login="{login}"' in browser.get("/console/admin/users").text
    created = [
        r for r in hub_audit(console_hub, action="user_created") if r.details["login"] == login
    ]
    assert [(r.user_login, r.details["role"]) for r in created] == [("ozq-hub", "administrator")]


def test_an_administrator_makes_a_user_whose_department_decides_what_they_see(
    dept, console_hub, browser, another_browser
):
    desk, users = dept
    other = console_hub.enrol()
    mine, theirs = push(desk), push(other)
    browser.sign_in(users["administrator"])
    login = unique("new")
    made = browser.form(
        "/console/admin/users",
        "/console/admin/users",
        [("login", login), ("full_name", "Жаңа Қызметкер"), ("role", "reviewer"),
         ("password", PASSWORD), ("branches", desk.branch)],
    )  # fmt: skip
    assert made.status_code == 303
    assert another_browser.sign_in(login).status_code == 303
    assert another_browser.get(f"/console/packages/{mine.package_uuid}").status_code == 200
    assert another_browser.get(f"/console/packages/{theirs.package_uuid}").status_code == 404
    # The administrator moves the user to the other branch: what they see follows at once.
    user_id = _user_id(browser.get("/console/admin/users").text, login)
    moved = browser.form(
        "/console/admin/users",
        f"/console/admin/users/{user_id}",
        [("action", "branches"), ("branches", other.branch)],
    )
    assert moved.status_code == 303
    assert another_browser.get(f"/console/packages/{mine.package_uuid}").status_code == 404
    assert another_browser.get(f"/console/packages/{theirs.package_uuid}").status_code == 200
    # A new password replaces the old one; deactivating ends the user's sessions.
    new_password = "another long password"
    assert (
        browser.form(
            "/console/admin/users",
            f"/console/admin/users/{user_id}",
            {"action": "password", "password": new_password},
        ).status_code
        == 303
    )
    third = Browser(console_hub.process.base_url)
    try:
        assert third.sign_in(login, PASSWORD).status_code == 401
        assert third.sign_in(login, new_password).status_code == 303
    finally:
        third.close()
    off = browser.form(
        "/console/admin/users", f"/console/admin/users/{user_id}", {"action": "deactivate"}
    )
    assert off.status_code == 303
    assert another_browser.get("/console/queue").status_code == 303  # back to sign-in
    assert another_browser.sign_in(login, new_password).status_code == 401
    # Bad input is refused with the reason, and nothing is made.
    for fields, reason in (
        ({"login": login, "full_name": "X", "role": "reviewer", "password": PASSWORD}, login),
        ({"login": unique("s"), "full_name": "X", "role": "reviewer", "password": "short"}, "10"),
        ({"login": unique("r"), "full_name": "X", "role": "owner", "password": PASSWORD}, ""),
    ):
        refused = browser.form("/console/admin/users", "/console/admin/users", fields)
        assert refused.status_code == 422, fields
        assert 'id="admin-error"' in refused.text and reason in refused.text
    actions = [r.action for r in hub_audit(console_hub, user_login=users["administrator"])]
    for action in ("user_created", "user_branches", "user_password", "user_deactivate"):
        assert action in actions


def test_an_administrator_adds_a_branch_with_a_one_time_enrolment_code_a_desk_can_use(
    dept, console_hub, browser
):
    _desk, users = dept
    browser.sign_in(users["administrator"])
    code = unique("KAR").upper()
    answer = browser.form(
        "/console/admin/branches",
        "/console/admin/branches",
        {"code": code, "name": "Қарағанды филиалы", "issue_code": "1"},
    )
    # The code is shown in this answer, not put in an address (history, access logs).
    assert answer.status_code == 200 and "location" not in answer.headers
    enrolment_code = re.search(
        r'id="enrolment-code">.*?<strong class="mono">([^<]+)</strong>', answer.text, re.S
    ).group(1)
    assert "Қарағанды филиалы" in browser.get("/console/admin/branches").text
    assert enrolment_code not in browser.get("/console/admin/branches").text
    with console_hub.client() as client:
        enrolled = client.post(
            "/enrol", json={"code": enrolment_code, "desk_code": "D1", "device_name": "pc"}
        )
    assert enrolled.status_code == 200 and enrolled.json()["branch_code"] == code
    # Without a code: saved, and back to the list.
    plain = browser.form(
        "/console/admin/branches", "/console/admin/branches", {"code": code, "name": "Қарағанды"}
    )
    assert plain.status_code == 303
    bad = browser.form(
        "/console/admin/branches", "/console/admin/branches", {"code": "a b", "name": "X"}
    )
    assert bad.status_code == 422


def test_a_calendar_override_moves_the_due_dates_and_reaches_the_desks(dept, console_hub, browser):
    desk, users = dept
    at = dt.datetime(2025, 3, 3, 10, 0)  # a Monday, far from the other tests' packages
    package = push(desk, service_id="technology-permit", accepted_at=at)
    before = _package(console_hub, package.package_uuid)
    term = load_catalog().get("technology-permit").term
    assert before.due_date == WorkingCalendar().result_date(at, term.count, term.unit)
    day = before.due_date  # a calendar-day term ending on a day off moves forward
    browser.sign_in(users["administrator"])
    saved = browser.form(
        "/console/admin/calendar",
        "/console/admin/calendar",
        {"date": day.isoformat(), "kind": "day_off", "note": "Үкімет қаулысы"},
    )
    assert saved.status_code == 303
    assert day.strftime("%d.%m.%Y") in browser.get("/console/admin/calendar").text
    after = _package(console_hub, package.package_uuid)
    moved = WorkingCalendar([Override(day, OverrideKind.DAY_OFF)])
    assert after.due_date == moved.result_date(at, term.count, term.unit) > before.due_date
    changes, _cursor = desk.all_changes()
    days = [c.override.date for c in changes if isinstance(c, p.CalendarOverrideChange)]
    assert day in days
    bad = browser.form("/console/admin/calendar", "/console/admin/calendar", {"date": "x"})
    assert bad.status_code == 422


# ---------------------------------------------------------------- the package page


@pytest.mark.parametrize(
    ("service_id", "sections"),
    [("attestation", [11, 5, 3]), ("technology-permit", [13, 3, 2, 2]),
     ("declaration-registration", [14])],
)  # fmt: skip
def test_the_checklist_is_the_expert_conclusions_contents_of_each_service(
    dept, browser, service_id, sections
):
    desk, users = dept
    package = push(desk, service_id=service_id)
    browser.sign_in(users["reviewer"])
    page = browser.get(f"/console/packages/{package.package_uuid}").text
    keys = re.findall(r'name="checked" value="(\d+)\.(\d+)"', page)
    counted = [sum(1 for s, _ in keys if int(s) == n) for n in range(1, len(sections) + 1)]
    assert counted == sections and len(keys) == sum(sections)


def test_the_package_page_shows_the_applicant_representative_documents_eds_and_audit(
    dept, browser, console_hub
):
    desk, users = dept
    representative = {
        "full_name": "Серік Әбенов", "iin": "880101300123", "poa_number": "17",
        "poa_date": "2026-11-01",
    }  # fmt: skip
    package = push(desk, name="«Мұнай Құрылыс» ЖШС", representative=representative)
    browser.sign_in(users["reviewer"])
    page = browser.get(f"/console/packages/{package.package_uuid}").text

    def section(name: str) -> str:
        return re.search(rf'id="{name}"(.*?)</(section|details|dd)>', page, re.S).group(1)

    assert "«Мұнай Құрылыс» ЖШС" in section("applicant-name")
    shown = section("representative")
    assert "Серік Әбенов" in shown and "880101300123" in shown and "01.11.2026" in shown
    documents = section("documents")
    sheets = re.findall(r'<td class="num">(\d+)</td>', documents)
    assert sheets == ["12", "40"] or sorted(sheets) == ["12", "40"]
    assert documents.count('class="scan-link') == 2
    assert "EDS" in section("eds") or "ЭЦҚ" in section("eds")
    assert 'id="eds-state"' in page
    desk_rows = section("desk-audit")
    assert "<td>accepted</td>" in desk_rows
    # This view is on the hub's audit trail, with the user.
    rows = hub_audit(console_hub, package_uuid=package.package_uuid, action="view_package")
    assert [r.user_login for r in rows] == [users["reviewer"]]


# ---------------------------------------------------------------- headers of every kind of page


def test_error_and_administration_pages_carry_the_security_headers(dept, browser, console_hub):
    _desk, users = dept
    answers = {"sign-in failed": browser.sign_in(users["reviewer"], "wrong password")}
    browser.sign_in(users["reviewer"])
    answers["not found"] = browser.get(f"/console/packages/{uuid.uuid4()}")
    answers["forbidden"] = browser.get("/console/admin/users")
    answers["redirect"] = browser.get("/console")
    admin = Browser(console_hub.process.base_url)
    try:
        admin.sign_in(users["administrator"])
        for path in ("/console/admin/users", "/console/admin/branches", "/console/admin/calendar"):
            answers[path] = admin.get(path)
    finally:
        admin.close()
    assert [a.status_code for a in answers.values()] == [401, 404, 403, 303, 200, 200, 200]
    for what, answer in answers.items():
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"], what
        assert answer.headers["x-frame-options"] == "DENY", what
        assert "no-store" in answer.headers["cache-control"], what


# ---------------------------------------------------------------- limits per address


def test_sign_ins_and_status_look_ups_are_limited_per_address(tmp_path):
    hub = start_console_hub(
        sqlite_url(tmp_path / "hub.sqlite3"),
        tmp_path,
        OZQ_HUB_CONSOLE="status_per_address=3,status_per_receipt=1000,login_per_address=3",
    )
    try:
        codes = []
        for i in range(5):  # different receipts, different visitors, one address
            visitor = Browser(hub.base_url)
            receipt = f"ALA01-D1-{i:07d}"
            codes.append(
                visitor.form("/status", "/status", {"receipt": receipt, "idn": "940140000385"})
            )
            visitor.close()
        assert [a.status_code for a in codes] == [200] * 3 + [429] * 2
        assert int(codes[-1].headers["retry-after"]) > 0
        assert "Сұраулар тым көп" in codes[-1].text  # too many look-ups: no answer given
        visitor = Browser(hub.base_url)
        sign_ins = [visitor.sign_in(unique("who"), "not the password") for _ in range(5)]
        assert [a.status_code for a in sign_ins] == [401] * 3 + [429] * 2
        assert int(sign_ins[-1].headers["retry-after"]) > 0
        visitor.close()
        assert httpx.get(hub.base_url + "/livez").status_code == 200
    finally:
        hub.stop()
