"""Every console route over HTTP against a real hub process: sign-in, roles, CSRF,
departments, headers, the queue, the review draft and the decision."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid

import httpx
import pytest
from sqlalchemy import update

from ozq_hub.db import Database, utcnow
from ozq_hub.models import ConsoleSession
from ozq_wire import protocol as p
from tests.hub.console.helpers import PASSWORD, make_user, push, unique
from tests.hub.console.helpers import hub_audit as _audit

pytestmark = pytest.mark.slow


def _name(prefix: str) -> str:
    return unique(prefix)


# ---------------------------------------------------------------- sign-in and sessions


def test_pages_need_a_signed_in_user(browser, console_hub):
    some = uuid.uuid4()
    for path in (
        "/console",
        "/console/queue",
        f"/console/packages/{some}",
        f"/console/packages/{some}/files/0",
        "/console/admin/users",
        "/console/admin/branches",
        "/console/admin/calendar",
    ):
        answer = browser.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/console/login?next=%2Fconsole"), path


def test_sign_in_sets_a_secure_http_only_strict_cookie_and_sign_out_ends_it(browser, dept):
    _desk, users = dept
    answer = browser.sign_in(users["reviewer"])
    assert answer.status_code == 303 and answer.headers["location"] == "/console"
    cookie = next(
        h for h in answer.headers.get_list("set-cookie") if h.startswith("__Host-ozq_session=")
    )
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert flag.lower() in cookie.lower(), cookie
    assert "domain" not in cookie.lower()
    assert browser.get("/console/queue").status_code == 200
    token = browser.csrf("/console/queue")
    assert browser.post("/console/logout", {"csrf": token}).status_code == 303
    assert browser.get("/console/queue").status_code == 303


def test_a_wrong_password_and_an_unknown_login_get_the_same_answer(browser, dept):
    _desk, users = dept
    wrong = browser.sign_in(users["reviewer"], "not the password")
    unknown = browser.sign_in(_name("nobody"), "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Логин немесе құпиясөз қате." in wrong.text
    assert "Логин немесе құпиясөз қате." in unknown.text


def test_five_wrong_passwords_lock_the_account_until_an_administrator_unlocks_it(
    browser, another_browser, dept, console_hub
):
    _desk, users = dept
    login = users["reviewer"]
    answers = [browser.sign_in(login, f"wrong-{i}") for i in range(5)]
    assert [a.status_code for a in answers] == [401] * 5
    assert "бұғатталды" in answers[-1].text  # the fifth says the account is locked
    # Even the right password is refused now, without being tried.
    locked = browser.sign_in(login, PASSWORD)
    assert locked.status_code == 401 and "бұғатталды" in locked.text
    actions = [row.action for row in _audit(console_hub, user_login=login)]
    assert actions == ["login_failed"] * 4 + ["login_locked"] * 2
    # The administrator unlocks; the right password works again.
    assert another_browser.sign_in(users["administrator"]).status_code == 303
    page = another_browser.get("/console/admin/users")
    user_id = re.search(
        rf'data-login="{login}".*?/console/admin/users/(\d+)', page.text, re.S
    ).group(1)
    done = another_browser.form(
        "/console/admin/users", f"/console/admin/users/{user_id}", {"action": "unlock"}
    )
    assert done.status_code == 303
    assert browser.sign_in(login, PASSWORD).status_code == 303


def test_an_idle_session_ends(browser, dept, console_hub):
    _desk, users = dept
    browser.sign_in(users["reviewer"])
    assert browser.get("/console/queue").status_code == 200
    database = Database(console_hub.db)
    try:
        with database.writing() as session:
            session.execute(
                update(ConsoleSession).values(last_seen_at=utcnow() - dt.timedelta(minutes=31))
            )
    finally:
        database.dispose()
    assert browser.get("/console/queue").status_code == 303


# ---------------------------------------------------------------- CSRF


def test_every_form_posted_without_its_csrf_token_is_refused(browser, dept):
    desk, users = dept
    package = push(desk)
    browser.sign_in(users["head"])
    uuid_ = package.package_uuid
    for action, fields in (
        (f"/console/packages/{uuid_}/review", {"checked": "1.1", "version": "0"}),
        (
            f"/console/packages/{uuid_}/decision/confirm",
            {"outcome": "refused", "reason_kk": "а", "reason_ru": "б"},
        ),
        (
            f"/console/packages/{uuid_}/decision",
            {"outcome": "refused", "reason_kk": "а", "reason_ru": "б", "expected_version": "0"},
        ),
        ("/console/logout", {}),
    ):
        for token in (None, "forged-token-forged-token"):
            data = dict(fields) | ({"csrf": token} if token else {})
            answer = browser.post(action, data)
            assert answer.status_code == 403, (action, token)
            assert "Бетті қайта ашыңыз" in answer.text
    # Nothing was saved or decided, and the session still works.
    page = browser.get(f"/console/packages/{uuid_}")
    assert page.status_code == 200 and "Әзірге шешім жоқ." in page.text


def test_sign_in_and_status_forms_need_their_token_too(browser, dept):
    _desk, users = dept
    assert (
        browser.post("/console/login", {"login": users["head"], "password": PASSWORD}).status_code
        == 403
    )
    assert browser.post("/status", {"receipt": "X-1", "idn": "940140000385"}).status_code == 403


def test_admin_forms_need_their_token(browser, dept):
    _desk, users = dept
    browser.sign_in(users["administrator"])
    for action, fields in (
        ("/console/admin/users", {"login": "x", "full_name": "X", "role": "reviewer"}),
        ("/console/admin/users/1", {"action": "unlock"}),
        ("/console/admin/branches", {"code": "ZZ", "name": "Z"}),
        ("/console/admin/calendar", {"date": "2027-01-04", "kind": "day_off"}),
    ):
        assert browser.post(action, fields).status_code == 403, action


# ---------------------------------------------------------------- roles and departments


def test_roles(browser, another_browser, dept):
    desk, users = dept
    package = push(desk)
    browser.sign_in(users["reviewer"])
    page = browser.get(f"/console/packages/{package.package_uuid}")
    assert page.status_code == 200
    assert 'id="grant-form"' not in page.text  # a reviewer sees no decision form
    confirm = browser.form(
        f"/console/packages/{package.package_uuid}",
        f"/console/packages/{package.package_uuid}/decision/confirm",
        {"outcome": "granted", "kind": "registration", "number": "R-1", "date": "2026-12-01"},
    )
    assert confirm.status_code == 403
    for path in ("/console/admin/users", "/console/admin/branches", "/console/admin/calendar"):
        assert browser.get(path).status_code == 403, path
    another_browser.sign_in(users["administrator"])
    assert another_browser.get("/console/queue").status_code == 403
    assert another_browser.get(f"/console/packages/{package.package_uuid}").status_code == 403
    assert another_browser.get("/console/admin/users").status_code == 200


def test_a_reviewer_of_another_department_cannot_open_the_package_by_url(
    browser, dept, console_hub
):
    desk, _users = dept
    package = push(desk)
    other = console_hub.enrol()
    outsider = _name("out")
    make_user(console_hub.db, outsider, "head", {other.branch})
    browser.sign_in(outsider)
    queue = browser.get("/console/queue")
    assert package.receipt_no not in queue.text
    assert _receipts(browser.get(f"/console/queue?q={package.receipt_no}").text) == []
    unknown = uuid.uuid4()
    mine = browser.get(f"/console/packages/{package.package_uuid}")
    missing = browser.get(f"/console/packages/{unknown}")
    assert mine.status_code == missing.status_code == 404
    # The same page, but for the address it links back to in the language switch.
    assert mine.text.replace(str(package.package_uuid), "?") == missing.text.replace(
        str(unknown), "?"
    )
    assert browser.get(f"/console/packages/{package.package_uuid}/files/0").status_code == 404
    token = browser.csrf("/console/queue")
    for action in ("review", "decision/confirm"):
        answer = browser.post(
            f"/console/packages/{package.package_uuid}/{action}",
            {
                "csrf": token,
                "outcome": "refused",
                "reason_kk": "а",
                "reason_ru": "б",
                "version": "0",
            },
        )
        assert answer.status_code == 404, action


# ---------------------------------------------------------------- headers


def test_security_headers(browser, dept):
    desk, users = dept
    package = push(desk)
    login = browser.get("/console/login")
    status = browser.get("/status")
    browser.sign_in(users["reviewer"])
    queue = browser.get("/console/queue")
    page = browser.get(f"/console/packages/{package.package_uuid}?scan=0")
    for answer in (login, status, queue, page):
        csp = answer.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "script-src" not in csp  # no script at all
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "no-store" in answer.headers["cache-control"]
    scan = browser.get(f"/console/packages/{package.package_uuid}/files/0")
    assert scan.status_code == 200 and scan.content.startswith(b"%PDF")
    assert scan.headers["content-type"] == "application/pdf"
    assert scan.headers["content-disposition"].startswith("inline;")
    assert "frame-ancestors 'self'" in scan.headers["content-security-policy"]
    assert scan.headers["x-frame-options"] == "SAMEORIGIN"
    assert "no-store" in scan.headers["cache-control"]
    css = browser.get("/console/static/console.css")
    assert css.status_code == 200 and "max-age=3600" in css.headers["cache-control"]


# ---------------------------------------------------------------- the queue


def _receipts(page: str) -> list[str]:
    return re.findall(r'data-receipt="([^"]+)"', page)


def _hidden(page: str) -> dict[str, str]:
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page)
    }


def test_the_queue_is_sorted_by_due_date_and_marks_overdue_and_due_today(browser, dept):
    desk, users = dept
    now = dt.datetime.now().replace(microsecond=0)
    old = push(desk, accepted_at=now - dt.timedelta(days=40), name="Ескі ЖШС")
    new = push(desk, accepted_at=now, name="Жаңа ЖШС")
    browser.sign_in(users["reviewer"])
    page = browser.get("/console/queue")
    assert _receipts(page.text)[:2] == [old.receipt_no, new.receipt_no]
    row = re.search(rf'<tr class="(\w*)" data-receipt="{old.receipt_no}"', page.text)
    assert row.group(1) == "overdue"
    assert "Мерзімі өткен: 1" in page.text


def test_the_metrics_count_the_overdue_packages_the_queue_shows(browser, dept, console_hub):
    desk, users = dept
    now = dt.datetime.now().replace(microsecond=0)
    for days in (40, 35, 0):
        push(desk, accepted_at=now - dt.timedelta(days=days))
    browser.sign_in(users["reviewer"])
    page = browser.get("/console/queue").text
    shown = int(re.search(r'id="count-overdue">[^<]*?(\d+)<', page).group(1))
    metrics = httpx.get(console_hub.process.base_url + "/metrics").text
    gauge = rf'^ozq_hub_queue_overdue{{branch="{desk.branch}"}} (\S+)$'
    assert shown == float(re.search(gauge, metrics, re.M).group(1)) == 2


def test_queue_filters_search_and_paging(browser, dept):
    desk, users = dept
    now = dt.datetime.now().replace(microsecond=0)
    made = [
        push(
            desk,
            accepted_at=now - dt.timedelta(days=10 - i),
            name=f"Алатау-{i} ЖШС",
            idn=f"94014000{i:04d}",
        )
        for i in range(5)
    ]
    made.append(push(desk, service_id="attestation", accepted_at=now, name="Energy Ltd"))
    browser.sign_in(users["reviewer"])
    # Keyset paging, three a page: every package once, in due-date order.
    seen, url = [], "/console/queue"
    while url:
        page = browser.get(url)
        seen += _receipts(page.text)
        found = re.search(r'href="(/console/queue\?[^"]*after=[^"]*)" id="next-page"', page.text)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert sorted(seen) == sorted(m.receipt_no for m in made)
    assert len(seen) == len(set(seen))
    assert seen[0] == made[0].receipt_no
    # Search: a part of the name, an IIN/BIN, a receipt number.
    assert _receipts(browser.get("/console/queue?q=алатау-3").text) == [made[3].receipt_no]
    assert _receipts(browser.get("/console/queue?q=energy").text) == [made[5].receipt_no]
    assert _receipts(browser.get("/console/queue?q=940140000002").text) == [made[2].receipt_no]
    assert _receipts(browser.get(f"/console/queue?q={made[4].receipt_no}").text) == [
        made[4].receipt_no
    ]
    tail = made[4].receipt_no[-7:]  # the last digits of a receipt number
    assert _receipts(browser.get(f"/console/queue?q={tail}").text) == [made[4].receipt_no]
    # Filters: service; decided or not.
    assert _receipts(browser.get("/console/queue?service=attestation").text) == [made[5].receipt_no]
    assert _receipts(browser.get("/console/queue?decided=yes").text) == []
    assert _receipts(browser.get("/console/queue?decided=no").text) == seen[:3]
    assert _receipts(browser.get("/console/queue?state=new&service=attestation").text) == [
        made[5].receipt_no
    ]


# ---------------------------------------------------------------- reviewing and deciding


def test_the_review_draft_keeps_ticks_and_notes_and_refuses_a_stale_save(
    browser, another_browser, dept, console_hub
):
    desk, users = dept
    package = push(desk)
    url = f"/console/packages/{package.package_uuid}"
    browser.sign_in(users["reviewer"])
    another_browser.sign_in(users["head"])
    page = browser.get(url)
    assert page.text.count('name="checked"') == 14  # service 3: 14 items
    saved = browser.form(
        url,
        f"{url}/review",
        [
            ("version", "0"),
            ("checked", "1.1"),
            ("checked", "1.14"),
            ("note:1.2", "Жоқ"),
            ("note:", "Жалпы"),
        ],
    )
    assert saved.status_code == 303
    page = browser.get(url)
    assert 'value="1.1" id="item-1.1" checked' in page.text
    assert 'value="1.14" id="item-1.14" checked' in page.text
    assert 'value="1.2" id="item-1.2">' in page.text
    assert 'value="Жоқ"' in page.text and ">Жалпы</textarea>" in page.text
    # Someone who opened the form before that save cannot overwrite it unknowingly.
    stale = another_browser.form(url, f"{url}/review", [("version", "0"), ("checked", "1.3")])
    assert stale.status_code == 409
    assert 'value="1.1" id="item-1.1" checked' in stale.text
    assert [r.action for r in _audit(console_hub, package_uuid=package.package_uuid)].count(
        "save_review"
    ) == 1
    assert "Қаралуда" in browser.get("/console/queue").text  # under review


def test_a_decision_is_confirmed_then_recorded_and_a_revision_makes_version_two(
    browser, dept, console_hub
):
    desk, users = dept
    package = push(desk)
    url = f"/console/packages/{package.package_uuid}"
    browser.sign_in(users["head"])
    grant = {
        "outcome": "granted",
        "kind": "registration",
        "number": "ДПБ-2026-0042",
        "date": "2026-12-01",
    }
    confirm = browser.form(url, f"{url}/decision/confirm", grant)
    assert confirm.status_code == 200
    assert "ДПБ-2026-0042" in confirm.text and '"version": 1' in html.unescape(confirm.text)
    # Nothing is recorded until the confirmation is posted.
    assert "Әзірге шешім жоқ." in browser.get(url).text
    hidden = _hidden(confirm.text)
    done = browser.post(f"{url}/decision", hidden)
    assert done.status_code == 303 and done.headers["location"].endswith("?decided=1")
    # The same confirmation posted again (a double click) records nothing more.
    again = browser.post(f"{url}/decision", hidden)
    assert again.status_code == 409
    refuse = {
        "outcome": "refused",
        "reason_kk": "Қорытынды ескірген",
        "reason_ru": "Заключение устарело",
    }
    confirm = browser.form(url, f"{url}/decision/confirm", refuse)
    wire = html.unescape(confirm.text)
    assert '"version": 2' in wire and '"reason_kk": "Қорытынды ескірген"' in wire
    hidden = _hidden(confirm.text)
    assert browser.post(f"{url}/decision", hidden).status_code == 303
    # The desk's feed carries both versions; the latest has both languages' reasons.
    changes, _cursor = desk.all_changes()
    mine = [
        c.decision
        for c in changes
        if isinstance(c, p.DecisionChange) and c.decision.package_uuid == package.package_uuid
    ]
    assert [d.version for d in mine] == [1, 2]
    assert (mine[1].reason_kk, mine[1].reason_ru) == ("Қорытынды ескірген", "Заключение устарело")
    assert mine[1].reason == "Қорытынды ескірген\n\nЗаключение устарело"  # for older desks
    actions = [r.action for r in _audit(console_hub, package_uuid=package.package_uuid)]
    assert actions.count("decision") == 2 and "view_package" in actions


def test_a_refusal_needs_both_languages(browser, dept):
    desk, users = dept
    package = push(desk)
    url = f"/console/packages/{package.package_uuid}"
    browser.sign_in(users["head"])
    answer = browser.form(
        url,
        f"{url}/decision/confirm",
        {"outcome": "refused", "reason_kk": "Себеп", "reason_ru": ""},
    )
    assert answer.status_code == 422
    assert "қазақ және орыс тілдерінде" in answer.text
    assert ">Себеп</textarea>" in answer.text  # what was typed is kept


def test_the_language_switch(browser):
    answer = browser.get("/console/lang/ru?next=/console/login")
    assert answer.status_code == 303 and answer.headers["location"] == "/console/login"
    assert "Войти" in browser.get("/console/login").text
    evil = browser.get("/console/lang/kk?next=//evil.example/x")
    assert evil.headers["location"] == "/console"
