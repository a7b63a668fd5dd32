"""The committee's console and the status page in a real Chromium, end to end with a desk.

One browser session serves every test here. With OZQ_CONSOLE_SCREENSHOTS=docs/console the
main path also saves the screenshots docs/console/README.md lists."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import update

from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.domain.drafts import ScanDraft
from ozq_desktop.models import Package
from ozq_desktop.models.branch import BranchSettings
from ozq_desktop.printing.data import local
from ozq_desktop.storage.engine import reading, transaction
from ozq_desktop.storage.scans import ScanStore
from ozq_desktop.sync.engine import SyncEngine
from ozq_hub import cli
from ozq_hub.db import sqlite_url
from ozq_hub.devtools import HubProcess
from ozq_wire.catalog import load_catalog
from tests.browser.conftest import needs_chromium, screenshot_dir
from tests.domain.helpers import VALID_BIN, draft_for
from tests.hub.console.helpers import PASSWORD, make_user, pdf_bytes
from tests.signing.pki import sign_draft
from tests.sync.test_desk_sync import assert_exactly_once

pytestmark = [needs_chromium, pytest.mark.slow]

PUBLIC_URL = "http://ozq.example.kz"
_DESK_NUMBERS = itertools.count(1)  # D1, D2, …: one desk code per test, in file order
CATALOG = load_catalog()


@dataclass
class Hub:
    process: HubProcess
    folder: Path

    @property
    def url(self) -> str:
        return self.process.base_url

    def cli(self, *args: str) -> str:
        out = io.StringIO()
        from contextlib import redirect_stdout

        command, *rest = args
        with redirect_stdout(out):
            assert cli.main([command, "--db", self.process.database_url, *rest]) == 0
        return out.getvalue().strip()


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-hub")
    process = HubProcess(
        sqlite_url(folder / "hub.sqlite3"),
        folder / "blobs",
        committee_token=secrets.token_urlsafe(16),
        env={"OZQ_HUB_PUBLIC_URL": PUBLIC_URL},
    ).start()
    yield Hub(process, folder)
    process.stop()


def _png(color=(30, 90, 160)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 1200), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 840, 200), fill=color)
    for y in range(260, 1100, 40):
        draw.line((60, y, 840, y), fill=(120, 120, 120), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _accept(desk, store, *, days_ago: int, name: str):
    at = (dt.datetime.now() - dt.timedelta(days=days_ago)).replace(microsecond=0, hour=11)
    codes = ["application", "declaration", "expert_conclusion"]
    draft = draft_for("declaration-registration", "legal_entity", VALID_BIN, codes, started_at=at)
    draft.applicant.name = name
    scans = {
        "application": (pdf_bytes(f"Annex 1 {name}"), "application.pdf"),
        "declaration": (_png(), "declaration-page-1.png"),
        "expert_conclusion": (pdf_bytes(f"Expert conclusion for {name}"), "expert-conclusion.pdf"),
    }
    for code, (data, file_name) in scans.items():
        ref = store.add_bytes(data, file_name)
        draft.documents[code].scans = [ScanDraft(ref.sha256, ref.size, ref.mime, ref.name)]
    with transaction(desk["factory"]) as s:
        return accept_package(
            session=s,
            catalog=CATALOG,
            draft=draft,
            clerk=desk["clerk"],
            at=at,
            signature=sign_draft(draft),  # the clerk's EDS: the desk accepts nothing without it
        )


@pytest.fixture
def connected_desk(desk, hub, memory_keyring, tmp_path):
    """A desk enrolled with the hub of branch ALA01; its scan store; its sync engine."""
    store = ScanStore(tmp_path / "scans")
    engine = SyncEngine(
        factory=desk["factory"], store=store, catalog=CATALOG, owner=f"desk-{uuid.uuid4().hex[:6]}"
    )
    # A desk code of its own per test: the hub allows one active device per desk and takes
    # only the device's own receipt numbers (<branch>-<desk>-<n>).
    desk_code = f"D{next(_DESK_NUMBERS)}"
    with transaction(desk["factory"]) as s:
        s.execute(update(BranchSettings).values(desk_code=desk_code))
    code = hub.cli("enrol-code", "--branch", "ALA01", "--branch-name", "Алматы қ. филиалы")
    engine.enrol(hub_url=hub.url, code=code, desk_code=desk_code, actor=desk["supervisor"])
    return desk, store, engine


def _open(chrome, hub, path: str):
    chrome.get(hub.url + path)


def _gone(element):
    """True once `element`'s page has been replaced. Mid-navigation chromedriver may answer
    "node does not belong to the document" rather than "stale": both mean it is gone."""

    def check(_driver) -> bool:
        try:
            element.is_enabled()
        except WebDriverException:  # StaleElementReferenceException among them
            return True
        return False

    return check


def _follow(chrome, element):
    """Click a link or a form's button and wait until the next page has replaced this one:
    a loaded machine may still show the old page when the click returns."""
    element.click()
    WebDriverWait(chrome, 30).until(_gone(element))
    WebDriverWait(chrome, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )


def _sign_in(chrome, hub, login: str, password: str = PASSWORD):
    chrome.delete_all_cookies()
    _open(chrome, hub, "/console/login")
    chrome.find_element(By.ID, "login").send_keys(login)
    chrome.find_element(By.ID, "password").send_keys(password)
    _follow(chrome, chrome.find_element(By.ID, "sign-in"))


def _language(chrome, lang: str):
    links = chrome.find_elements(By.ID, f"lang-{lang}")
    if links:
        _follow(chrome, links[0])


def _shot(chrome, name: str):
    folder = screenshot_dir()
    if folder is not None:
        chrome.save_screenshot(str(folder / f"{name}.png"))


def _package_row(chrome, receipt: str):
    return chrome.find_element(By.CSS_SELECTOR, f'tr[data-receipt="{receipt}"]')


def test_review_a_scan_tick_the_checklist_grant_and_the_desk_pulls_it_once(
    chrome, hub, connected_desk
):
    desk, store, engine = connected_desk
    late = _accept(desk, store, days_ago=30, name="«Алатау Энерго» ЖШС")
    fresh = _accept(desk, store, days_ago=0, name="«Қазмұнайсервис» ЖШС")
    report = engine.run_once()
    assert (report.pushed, report.error) == (2, None)
    make_user(hub.process.database_url, "aigul", "reviewer", {"ALA01"})
    make_user(hub.process.database_url, "bolat", "head", {"ALA01"})

    # The reviewer finds the overdue package at the top of the queue, marked overdue.
    _sign_in(chrome, hub, "aigul")
    assert chrome.current_url.endswith("/console/queue"), chrome.find_element(
        By.TAG_NAME, "main"
    ).text
    rows = chrome.find_elements(By.CSS_SELECTOR, "#queue tbody tr")
    assert rows[0].get_attribute("data-receipt") == late.receipt_no
    assert "overdue" in rows[0].get_attribute("class")
    assert "overdue" not in _package_row(chrome, fresh.receipt_no).get_attribute("class")
    for lang in ("kk", "ru"):
        _language(chrome, lang)
        _shot(chrome, f"{lang}-1-queue")
    _language(chrome, "kk")
    _follow(
        chrome, _package_row(chrome, late.receipt_no).find_element(By.CSS_SELECTOR, "a.receipt")
    )

    # Opens the expert conclusion's scan (a PDF in the browser's viewer), then the image.
    pdfs = chrome.find_elements(By.XPATH, "//a[contains(@class,'scan-link')][contains(., '.pdf')]")
    _follow(chrome, pdfs[-1])  # the expert conclusion: the last document of service 3
    frame = chrome.find_element(By.ID, "scan-frame")
    assert "/files/" in frame.get_attribute("src")
    for lang in ("kk", "ru"):
        _language(chrome, lang)
        WebDriverWait(chrome, 10).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )
        import time

        time.sleep(1.5)  # the PDF viewer draws the first page after the load event
        _shot(chrome, f"{lang}-2-package-scan-pdf")
    _language(chrome, "kk")
    _follow(
        chrome,
        chrome.find_element(By.XPATH, "//a[contains(@class,'scan-link')][contains(., '.png')]"),
    )
    image = chrome.find_element(By.ID, "scan-image")
    WebDriverWait(chrome, 10).until(
        lambda d: d.execute_script(
            "return arguments[0].complete && arguments[0].naturalWidth", image
        )
    )
    assert chrome.execute_script("return arguments[0].naturalWidth", image) == 900

    # Ticks the checklist (service 3: 14 items), adds a note, and saves the draft.
    boxes = chrome.find_elements(By.CSS_SELECTOR, "#review-form input[type=checkbox]")
    assert len(boxes) == 14
    for box in boxes[:12]:
        box.click()
    chrome.find_element(By.NAME, "note:1.13").send_keys("Тәуекел талдауы толық емес")
    _follow(chrome, chrome.find_element(By.ID, "save-review"))
    assert chrome.find_element(By.ID, "notice").is_displayed()
    boxes = chrome.find_elements(By.CSS_SELECTOR, "#review-form input[type=checkbox]")
    assert [b.is_selected() for b in boxes] == [True] * 12 + [False] * 2
    assert (
        chrome.find_element(By.NAME, "note:1.13").get_attribute("value")
        == "Тәуекел талдауы толық емес"
    )

    # The head grants it, through the confirmation step.
    _sign_in(chrome, hub, "bolat")
    assert chrome.current_url.endswith("/console/queue"), chrome.page_source[-1500:]
    for lang in ("kk", "ru"):
        _open(chrome, hub, f"/console/packages/{late.package_id}")
        _language(chrome, lang)
        assert "/console/packages/" in chrome.current_url, chrome.page_source[-1500:]
        chrome.find_element(By.ID, "number").send_keys("ДПБ-2026-0042")
        chrome.execute_script(
            "arguments[0].value = '2026-12-01'", chrome.find_element(By.ID, "date")
        )
        chrome.execute_script("arguments[0].scrollIntoView()", chrome.find_element(By.ID, "decide"))
        _shot(chrome, f"{lang}-3-decision-form")
        _follow(chrome, chrome.find_element(By.ID, "grant"))
        facts = chrome.find_element(By.ID, "confirm-facts").text
        assert "ДПБ-2026-0042" in facts and "01.12.2026" in facts
        _shot(chrome, f"{lang}-4-decision-confirm")
    _follow(chrome, chrome.find_element(By.ID, "confirm-decision"))
    assert "Выдано" in chrome.find_element(By.ID, "package-state").text

    # The desk pulls the decision: exactly once, and a replay changes nothing.
    report = engine.run_once()
    assert report.decisions == [late.receipt_no]
    with reading(desk["factory"]) as s:
        package = s.get(Package, late.package_id)
        assert (package.status, package.decision_number, package.decision_kind) == (
            "decision_granted",
            "ДПБ-2026-0042",
            "registration",
        )
    assert_exactly_once(desk, hub, store)
    assert engine.run_once().decisions == []

    # The applicant follows the QR code of the receipt: the status page, number filled in.
    with reading(desk["factory"]) as s:
        from ozq_desktop.sync import state

        link = state.status_page_link(s, fresh.receipt_no)
    assert link == f"{PUBLIC_URL}/status?receipt={fresh.receipt_no}"
    for lang in ("kk", "ru"):
        chrome.delete_all_cookies()
        _open(chrome, hub, link.removeprefix(PUBLIC_URL))
        _language(chrome, lang)
        assert chrome.find_element(By.ID, "receipt").get_attribute("value") == fresh.receipt_no
        chrome.find_element(By.ID, "idn").send_keys(VALID_BIN)
        _follow(chrome, chrome.find_element(By.ID, "check"))
        assert chrome.find_element(By.ID, "status-answer").is_displayed()
        _shot(chrome, f"{lang}-5-status")
    _language(chrome, "kk")


def test_a_refusal_with_reasons_in_both_languages_reaches_the_desk(chrome, hub, connected_desk):
    desk, store, engine = connected_desk
    package = _accept(desk, store, days_ago=3, name="«Refused» ЖШС")
    assert engine.run_once().pushed == 1
    make_user(hub.process.database_url, "dana", "head", {"ALA01"})
    _sign_in(chrome, hub, "dana")
    _open(chrome, hub, f"/console/packages/{package.package_id}")
    chrome.find_element(By.ID, "reason-kk").send_keys("Сараптама қорытындысы 3 айдан ескі")
    chrome.find_element(By.ID, "reason-ru").send_keys("Экспертное заключение старше 3 месяцев")
    _follow(chrome, chrome.find_element(By.ID, "refuse"))
    assert (
        "Экспертное заключение старше 3 месяцев" in chrome.find_element(By.ID, "confirm-facts").text
    )
    _follow(chrome, chrome.find_element(By.ID, "confirm-decision"))
    assert engine.run_once().decisions == [package.receipt_no]
    with reading(desk["factory"]) as s:
        stored = s.get(Package, package.package_id)
        assert stored.status == "decision_refused"
        assert stored.decision_reason_kk == "Сараптама қорытындысы 3 айдан ескі"
        assert stored.decision_reason_ru == "Экспертное заключение старше 3 месяцев"
        from ozq_desktop.documents.bridge import refusal_reasons

        reasons = refusal_reasons(stored)
    assert local(reasons[0], "ru") == "Экспертное заключение старше 3 месяцев"
    assert local(reasons[0], "kk") == "Сараптама қорытындысы 3 айдан ескі"


def test_five_wrong_passwords_lock_the_account(chrome, hub):
    make_user(hub.process.database_url, "erlan", "reviewer", {"ALA01"})
    for attempt in range(5):
        _sign_in(chrome, hub, "erlan", f"wrong password {attempt}")
    assert "бұғатталды" in chrome.find_element(By.ID, "login-error").text
    _sign_in(chrome, hub, "erlan", PASSWORD)
    assert "бұғатталды" in chrome.find_element(By.ID, "login-error").text
    assert chrome.current_url.endswith("/console/login")


def test_a_form_posted_without_its_csrf_token_is_refused(chrome, hub, connected_desk):
    desk, store, engine = connected_desk
    package = _accept(desk, store, days_ago=1, name="«CSRF» ЖШС")
    engine.run_once()
    make_user(hub.process.database_url, "farida", "reviewer", {"ALA01"})
    _sign_in(chrome, hub, "farida")
    _open(chrome, hub, f"/console/packages/{package.package_id}")
    chrome.find_elements(By.CSS_SELECTOR, "#review-form input[type=checkbox]")[0].click()
    chrome.execute_script("document.querySelector('#review-form input[name=csrf]').remove()")
    _follow(chrome, chrome.find_element(By.ID, "save-review"))
    assert "Бетті қайта ашыңыз" in chrome.find_element(By.ID, "page-error").text
    _open(chrome, hub, f"/console/packages/{package.package_id}")
    assert not chrome.find_elements(By.CSS_SELECTOR, "#review-form input[type=checkbox]")[
        0
    ].is_selected()


def test_a_reviewer_of_another_department_cannot_open_the_package(chrome, hub, connected_desk):
    desk, store, engine = connected_desk
    package = _accept(desk, store, days_ago=2, name="«Бөтен» ЖШС")
    engine.run_once()
    hub.cli("enrol-code", "--branch", "AST01", "--branch-name", "Астана қ. филиалы")
    make_user(hub.process.database_url, "gulnar", "reviewer", {"AST01"})
    _sign_in(chrome, hub, "gulnar")
    assert not chrome.find_elements(By.CSS_SELECTOR, f'tr[data-receipt="{package.receipt_no}"]')
    _open(chrome, hub, f"/console/packages/{package.package_id}")
    assert "бөліміңізде мұндай пакет жоқ" in chrome.find_element(By.ID, "page-error").text
    _open(chrome, hub, f"/console/packages/{package.package_id}/files/0")
    assert "бөліміңізде мұндай пакет жоқ" in chrome.find_element(By.ID, "page-error").text


def test_the_status_page_for_a_real_receipt_a_wrong_iin_and_an_unknown_receipt(
    chrome, hub, connected_desk
):
    desk, store, engine = connected_desk
    package = _accept(desk, store, days_ago=1, name="«Статус» ЖШС")
    engine.run_once()

    def look(receipt: str, idn: str) -> str:
        chrome.delete_all_cookies()
        _open(chrome, hub, "/status")
        chrome.find_element(By.ID, "receipt").send_keys(receipt)
        chrome.find_element(By.ID, "idn").send_keys(idn)
        _follow(chrome, chrome.find_element(By.ID, "check"))
        return chrome.find_element(By.ID, "status-answer").text

    real = look(package.receipt_no, VALID_BIN)
    assert "Комитетке келіп түсті" in real and "Алматы қ. филиалы" in real
    assert "«Статус»" not in chrome.page_source
    wrong = look(package.receipt_no, "990240000131")
    unknown = look("ALA01-D1-9999999", VALID_BIN)
    assert wrong == unknown
    assert "Өтініш табылмады" in unknown
