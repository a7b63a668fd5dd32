"""Pictures of every wizard step in both languages, for docs/screenshots and the README.

Run under Xvfb (a real X server, real window decorations absent but real fonts), once per
screen size the counters have; the windows size themselves from the screen (ui/screen_fit.py):

    Xvfb :99 -screen 0 1366x768x24 -nolisten tcp &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb python -m tests.ui.screenshots            # docs/screenshots
    Xvfb :98 -screen 0 1920x1080x24 -nolisten tcp &
    DISPLAY=:98 QT_QPA_PLATFORM=xcb python -m tests.ui.screenshots --out docs/screenshots/1920x1080

Without DISPLAY it falls back to the offscreen platform (widget.grab() works there too).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from ozq_desktop import i18n
from ozq_desktop.app import DeskApp
from ozq_desktop.ui.dialogs import DiscardChoice
from ozq_desktop.ui.wizard import wizard as wizard_module
from tests.ui.conftest import (
    CLERK_LOGIN,
    CLERK_PASSWORD,
    VALID_BIN,
    VALID_IIN,
    make_pdf,
    set_up_desk,
)
from tests.ui.driver import WizardDriver

ROOT = Path(__file__).resolve().parents[2]


class Bot:
    """The two qtbot calls the driver uses, for a script without pytest."""

    def waitUntil(self, predicate, timeout: int = 15000) -> None:
        deadline = time.monotonic() + timeout / 1000
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met")
            QCoreApplication.processEvents()
            time.sleep(0.01)

    def mouseClick(self, widget: QWidget, button: Qt.MouseButton) -> None:
        QTest.mouseClick(widget, button)


def settle(ms: int = 150) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def shoot(widget: QWidget, out: Path, name: str) -> None:
    settle()
    path = out / f"{i18n.current_language()}-{name}.png"
    widget.grab().save(str(path))
    print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def first_run(out: Path, lang: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = DeskApp(Path(tmp))
        app.start()
        bot = Bot()
        bot.waitUntil(lambda: app.first_run is not None)
        window = app.first_run
        values = {
            "branch_name": "«Азаматтарға арналған үкімет» филиалы, Алматы",
            "department_no": "3",
            "address": "Алматы қ., Абай даңғ., 10",
            "branch_name_ru": "Филиал «Правительство для граждан», Алматы",
            "address_ru": "г. Алматы, пр. Абая, 10",
            "branch_code": "ALA01",
            "desk_code": "D1",
            "phone": "+7 727 000 00 00",
            "sv_login": "boss",
            "sv_full_name": "Сейітова Ләззат",
        }
        for key, value in values.items():
            window.edits[key].setText(value)
        window.adjustSize()
        shoot(window, out, "00-first-run")
        app.shutdown()


def wizard_steps(out: Path, tmp: Path) -> None:
    bot = Bot()
    app = DeskApp(tmp / "data")
    app.start()
    bot.waitUntil(lambda: app.login is not None and app.login.ready)
    login = app.login
    login.login_edit.setText(CLERK_LOGIN)
    login.password_edit.setText(CLERK_PASSWORD)
    shoot(login, out, "01-login")
    login.submit()
    bot.waitUntil(lambda: app.main_window is not None and app.tasks.pending == 0)
    main = app.main_window
    drive = WizardDriver(bot, app)
    shoot(main, out, "02-home")

    drive.start("attestation")
    wizard = drive.wizard
    shoot(main, out, "03-step1-service-and-place")
    drive.place()
    page = drive.page("page_applicant")
    page.idn.setText(VALID_BIN)
    page.name_edit.setText("«Қазмұнай» ЖШС")
    page.address_edit.setText("Астана қ., Мәңгілік Ел, 1")
    page.phone_edit.setText("+7 700 000 00 00")
    page.email_edit.setText("info@kazmunai.kz")
    page.rep_box.setChecked(True)
    page.rep_name.setText("Ахметов Ерлан Болатұлы")
    page.rep_iin.setText(VALID_IIN)
    page.poa_number.setText("17")
    page.poa_date.setDate(date.today() - timedelta(days=10))
    shoot(main, out, "04-step2-applicant")
    lock = main.auto_lock
    lock.lock()  # what an idle desk shows; the wizard waits beneath
    lock.screen.password.setText("wrong")
    lock.screen.submit()
    bot.waitUntil(lambda: app.tasks.pending == 0 and lock.screen.unlock_button.isEnabled())
    shoot(lock.screen, out, "04a-locked")
    lock.screen.password.setText(CLERK_PASSWORD)
    lock.screen.submit()
    bot.waitUntil(lambda: not lock.is_locked)
    drive.next()
    docs = drive.page("page_documents")
    scans = {
        "application": [make_pdf(tmp / "app.pdf", 1, "Өтініш")],
        "expert_conclusion": [make_pdf(tmp / "ec.pdf", 3, "Қорытынды")],
        "specialists_and_base": [make_pdf(tmp / "staff.pdf", 2, "Мамандар")],
    }
    for code, paths in scans.items():
        docs.editors[code].scan_list.add_paths(paths)
        bot.waitUntil(lambda c=code: len(docs.editors[c].scan_list.scans) == 1)
    conclusion = docs.editors["expert_conclusion"].conclusion
    old = date.today() - timedelta(days=120)
    from PySide6.QtCore import QDate

    conclusion.expertise_date.setDate(QDate(old.year, old.month, old.day))
    conclusion.signed.setChecked(True)
    conclusion.sealed.setChecked(True)
    bot.waitUntil(lambda: app.tasks.pending == 0)
    docs.scroll.ensureWidgetVisible(docs.editors["expert_conclusion"], 0, 0)
    shoot(main, out, "05-step3-documents-expired-conclusion")  # red: it counts as missing
    conclusion.expertise_date.setDate(QDate.currentDate().addDays(-20))
    conclusion.bound.setChecked(True)
    conclusion.bound_pages.setValue(42)
    docs.editors["specialists_and_base"].presented.setChecked(True)
    shoot(main, out, "06-step3-documents")
    drive.next()
    drive.page("page_annex1")
    annex = drive.page("page_annex1")
    annex.editors["industry_sector"].setText("мұнай-газ өнеркәсібі")
    annex.editors["activity_kind"].setText("өнеркәсіптік қауіпсіздік саласындағы сараптама")
    shoot(main, out, "07-step4-application-details")
    drive.next()
    drive.page("page_consent").consent.setChecked(True)
    shoot(main, out, "08-step5-consent")
    drive.next()
    shoot(main, out, "09-step6-review-accept")
    drive.confirm()
    shoot(main, out, "10-step7-done-receipt")
    drive.qtbot.mouseClick(wizard.done_page.print_receipt, Qt.MouseButton.LeftButton)
    bot.waitUntil(lambda: wizard.preview is not None and wizard.preview.pdf_bytes != b"")
    shoot(wizard.preview, out, "11-receipt-preview")
    wizard.preview.close()
    drive.qtbot.mouseClick(wizard.done_page.next_button, Qt.MouseButton.LeftButton)

    # Service 3 without the declaration: the refusal path.
    drive.start("declaration-registration")
    drive.place(
        home=True,
        address="Қарағанды қ., Бұқар жырау к., 5, 12-пәтер",
        reason="денсаулық жағдайына байланысты келе алмайды",
    )
    drive.applicant(VALID_IIN, "Серікбаев Ахмет Нұрланұлы", kind="natural_person")
    drive.documents({"application": [], "expert_conclusion": []}, date.today() - timedelta(days=5))
    drive.annex1({})
    drive.consent()
    shoot(main, out, "12-step6-review-refuse")
    drive.confirm()
    shoot(main, out, "13-step7-done-refusal")
    drive.qtbot.mouseClick(wizard_done(drive).print_refusal, Qt.MouseButton.LeftButton)
    bot.waitUntil(
        lambda: drive.wizard.preview is not None and drive.wizard.preview.pdf_bytes != b""
    )
    shoot(drive.wizard.preview, out, "14-refusal-preview")
    drive.wizard.preview.close()
    drive.qtbot.mouseClick(wizard_done(drive).next_button, Qt.MouseButton.LeftButton)
    bot.waitUntil(lambda: app.tasks.pending == 0)
    shoot(main, out, "15-home-after")

    # An application left half-way: the home screen offers to resume it.
    wizard_module.ask_discard = lambda _parent: DiscardChoice.KEEP_DRAFT
    drive.start("technology-permit")
    drive.place()
    drive.page("page_applicant").name_edit.setText("«Павлодар Мұнай» АҚ")
    drive.wizard.cancel()
    bot.waitUntil(lambda: app.tasks.pending == 0 and main.home.draft_banner.isVisible())
    shoot(main, out, "16-home-resume-offer")
    app.shutdown()


def wizard_done(drive: WizardDriver):
    return drive.wizard.done_page


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    QApplication.instance() or QApplication(sys.argv)
    for lang in i18n.LANGUAGES:
        i18n.set_language(lang)
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["OZQ_DATA_DIR"] = tmp
            first_run(args.out, lang)
            set_up_desk(Path(tmp) / "data")
            wizard_steps(args.out, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
