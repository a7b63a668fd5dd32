"""The applicant's public status page, and the hub's public address reaching the desks."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import httpx
import pytest

from tests.hub.console.conftest import PUBLIC_URL
from tests.hub.console.helpers import Browser, make_user, push

pytestmark = pytest.mark.slow


def _answer(page: str) -> str:
    found = re.search(r'id="status-answer">(.*?)</section>', page, re.S)
    assert found, page[-800:]
    return found.group(1)


def test_a_real_receipt_shows_its_state_due_date_and_branch_but_no_name(browser, console_hub):
    desk = console_hub.enrol()
    package = push(desk, idn="940140000385", name="«Құпия» ЖШС")
    browser.get(f"/status?receipt={package.receipt_no}")
    answer = browser.form(
        f"/status?receipt={package.receipt_no}",
        "/status",
        {"receipt": package.receipt_no, "idn": "9401 4000 0385"},
    )
    assert answer.status_code == 200
    text = _answer(answer.text)
    assert "Комитетке келіп түсті" in text  # received by the committee
    assert f"Branch {desk.branch}" in text
    assert re.search(r'id="legal-due-date">\d\d\.\d\d\.\d{4}<', text)
    assert "Құпия" not in answer.text and "940140000385" not in answer.text
    assert ".pdf" not in answer.text and ".png" not in answer.text


def test_a_wrong_iin_and_an_unknown_receipt_get_the_same_answer(browser, console_hub):
    desk = console_hub.enrol()
    package = push(desk, idn="940140000385")
    wrong_iin = browser.form(
        "/status", "/status", {"receipt": package.receipt_no, "idn": "940140000386"}
    )
    unknown = browser.form(
        "/status", "/status", {"receipt": f"{desk.branch}-D1-9999999", "idn": "940140000385"}
    )
    assert wrong_iin.status_code == unknown.status_code == 200
    assert _answer(wrong_iin.text) == _answer(unknown.text)
    assert "Өтініш табылмады" in _answer(unknown.text)


def test_the_state_follows_the_review_and_the_decision_without_the_reason(
    browser, another_browser, console_hub
):
    desk = console_hub.enrol()
    package = push(desk, idn="940140000385")
    head = f"head{uuid.uuid4().hex[:6]}"
    make_user(console_hub.db, head, "head", {desk.branch})
    another_browser.sign_in(head)
    url = f"/console/packages/{package.package_uuid}"
    another_browser.form(url, f"{url}/review", {"version": "0", "checked": "1.1"})
    look = {"receipt": package.receipt_no, "idn": "940140000385"}
    assert "Қаралуда" in _answer(browser.form("/status", "/status", look).text)
    confirm = another_browser.form(
        url,
        f"{url}/decision/confirm",
        {"outcome": "refused", "reason_kk": "Құпия себеп", "reason_ru": "Секретная причина"},
    )
    hidden = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', confirm.text))
    assert another_browser.post(f"{url}/decision", hidden).status_code == 303
    page = browser.form("/status", "/status", look)
    assert "Бас тартылды" in _answer(page.text)
    assert "себептері сонда беріледі" in _answer(page.text)
    assert "Құпия себеп" not in page.text and "Секретная" not in page.text


def test_look_ups_are_limited_per_receipt(console_hub):
    desk = console_hub.enrol()
    package = push(desk, idn="940140000385")
    codes = []
    for _ in range(6):  # the test hub allows 4 look-ups per receipt per hour
        visitor = Browser(console_hub.process.base_url)  # a fresh visitor each time
        answer = visitor.form(
            "/status", "/status", {"receipt": package.receipt_no, "idn": "940140000385"}
        )
        codes.append(answer.status_code)
        visitor.close()
    assert codes == [200] * 4 + [429, 429]
    assert int(answer.headers["retry-after"]) > 0


def test_both_fields_are_required(browser):
    answer = browser.form("/status", "/status", {"receipt": "X-1", "idn": "123"})
    assert answer.status_code == 422
    assert "12 цифрын" in answer.text


def test_the_hub_sends_its_status_page_at_enrolment_and_with_every_pull(console_hub):
    code = console_hub.cli("enrol-code", "--branch", f"S-{uuid.uuid4().hex[:6]}").strip()
    with httpx.Client(base_url=console_hub.process.api_url, timeout=10) as client:
        enrolled = client.post(
            "/enrol", json={"code": code, "desk_code": "D1", "device_name": "pc"}
        ).json()
        assert enrolled["status_page_url"] == f"{PUBLIC_URL}/status"
        headers = {"Authorization": f"Bearer {enrolled['token']}"}
        changes = client.get("/changes", headers=headers).json()
        state = client.get("/state", headers=headers).json()
    assert changes["status_page_url"] == state["status_page_url"] == f"{PUBLIC_URL}/status"


def test_the_due_date_is_the_desks_rule_with_service_3_a_working_day_early(console_hub):
    from ozq_hub.db import Database
    from ozq_hub.models import Package
    from ozq_wire.calendar import WorkingCalendar
    from ozq_wire.catalog import load_catalog

    desk = console_hub.enrol()
    at = dt.datetime(2026, 11, 25, 10, 0)  # a Wednesday
    three = push(desk, service_id="declaration-registration", accepted_at=at)
    two = push(desk, service_id="technology-permit", accepted_at=at)
    database = Database(console_hub.db)
    try:
        with database.reading() as session:
            p3 = session.get(Package, three.package_uuid)
            p2 = session.get(Package, two.package_uuid)
    finally:
        database.dispose()
    calendar, catalog = WorkingCalendar(), load_catalog()
    term3 = catalog.get("declaration-registration").term
    assert p3.legal_due_date == calendar.result_date(at, term3.count, term3.unit)
    assert p3.due_date == calendar.add_working_days(p3.legal_due_date, -1)
    assert p3.due_date == calendar.result_date(at, term3.count, term3.unit, 1)
    term2 = catalog.get("technology-permit").term
    assert p2.due_date == p2.legal_due_date == calendar.result_date(at, term2.count, term2.unit)
    assert p3.accepted_on == at.date()
