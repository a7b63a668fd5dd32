"""Pictures of the counter's devices in both languages, for docs/screenshots: the queue ticket
on step 1, the scan dialog in the middle of a feeder batch (SANE's `test` backend as the
scanner), the print dialog listing a real CUPS queue, and the supervisor's waits and service
times with the chart. Run under Xvfb like tests/ui/screenshots.py (CUPS needs root):

    Xvfb :99 -screen 0 1366x768x24 -nolisten tcp &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb python -m tests.ui.devices_screenshots
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
from keyring.backends import fail
from PySide6.QtWidgets import QApplication

from ozq_desktop import i18n
from ozq_desktop.app import DeskApp
from ozq_desktop.domain.acceptance import accept_package
from ozq_desktop.domain.drafts import Place
from ozq_desktop.settings import PRINTER, SCANNER_DPI, SCANNER_OPTIONS, SCANNER_SOURCE
from ozq_desktop.storage.engine import transaction
from ozq_desktop.ui.actions import ActionId
from ozq_wire.catalog import load_catalog
from tests.devices.helpers import PrivateCups
from tests.domain.helpers import VALID_BIN, draft_for
from tests.signing.pki import sign_draft
from tests.ui.conftest import CLERK_LOGIN, CLERK_PASSWORD, make_pdf, set_up_desk
from tests.ui.driver import WizardDriver
from tests.ui.screenshots import ROOT, Bot, settle, shoot

SERVICES = {
    "attestation": ["application", "expert_conclusion", "specialists_and_base"],
    "declaration-registration": ["application", "declaration", "expert_conclusion"],
}


def sign_in(bot: Bot, app: DeskApp, login: str, password: str):
    bot.waitUntil(lambda: app.login is not None and app.login.ready)
    app.login.login_edit.setText(login)
    app.login.password_edit.setText(password)
    app.login.submit()
    bot.waitUntil(lambda: app.main_window is not None and app.tasks.pending == 0)
    return app.main_window


def clerk_shots(out: Path, folder: Path, cups: PrivateCups | None) -> None:
    bot = Bot()
    app = DeskApp(folder)
    app.start()
    main = sign_in(bot, app, CLERK_LOGIN, CLERK_PASSWORD)
    drive = WizardDriver(bot, app)
    wizard = drive.start("attestation")
    place = drive.page("page_place")
    issued = (wizard.draft.started_at - timedelta(minutes=18)).strftime("%H:%M")
    place.ticket.number.setText(f"A123 {issued}")  # as the barcode reader types it
    place.ticket.split_scanned()
    shoot(main, out, "31-step1-queue-ticket")
    drive.place()
    drive.applicant(VALID_BIN, "«Қазмұнай» ЖШС")
    page = drive.page("page_documents")

    # A slow feeder with a grid on each page, so the picture catches the batch half-way.
    app.settings.setValue(
        SCANNER_OPTIONS.key,
        ["-x=150", "-y=200", "--test-picture=Grid", "--read-delay=yes",
         "--read-delay-duration=150000"],
    )  # fmt: skip
    app.settings.setValue(SCANNER_SOURCE.key, "feeder")
    app.settings.setValue(SCANNER_DPI.key, 200)
    editor = page.editors["expert_conclusion"]
    editor.scan_list.scan()
    dialog = editor.scan_list.scan_dialog
    bot.waitUntil(lambda: dialog.device.count() > 0)
    dialog.start_scan()
    bot.waitUntil(lambda: len(dialog.batch) >= 4, timeout=60000)
    shoot(dialog, out, "32-scan-dialog-mid-batch")
    dialog.stop_scan()
    bot.waitUntil(lambda: not dialog.scanning, timeout=30000)
    dialog.attach()
    bot.waitUntil(lambda: not dialog.isVisible() and app.tasks.pending == 0, timeout=30000)
    page.scroll.ensureWidgetVisible(editor)
    settle(300)
    shoot(main, out, "33-step3-scanned-document")

    if cups is not None:
        app.settings.setValue(PRINTER.key, cups.queue)
        for code in ("application", "specialists_and_base"):  # both wanted as files
            other = page.editors[code]
            other.presented.setChecked(True)
            other.scan_list.add_paths([make_pdf(folder / f"{code}.pdf", 1)])
            bot.waitUntil(lambda e=other: len(e.scan_list.scans) == 1, timeout=10000)
        conclusion = editor.conclusion
        from PySide6.QtCore import QDate

        conclusion.expertise_date.setDate(QDate.currentDate().addDays(-10))
        for box in (conclusion.signed, conclusion.sealed, conclusion.bound):
            box.setChecked(True)
        conclusion.bound_pages.setValue(40)
        bot.waitUntil(lambda: app.tasks.pending == 0)
        drive.next()
        drive.annex1({"industry_sector": "мұнай-газ", "activity_kind": "сараптама"})
        drive.consent()
        drive.confirm()
        drive.wizard.done_page.print_receipt.click()
        preview = drive.wizard.preview
        bot.waitUntil(lambda: preview.pdf_bytes.startswith(b"%PDF-"))
        preview.print_button.click()
        dialog = preview.print_dialog
        bot.waitUntil(lambda: dialog.printers.count() > 0)
        settle(300)
        shoot(dialog, out, "34-print-dialog")
        dialog.reject()
        preview.close()
    app.shutdown()


def seed_week(app: DeskApp, clerk_ids) -> None:
    """A working week of packages with tickets: busier hours wait longer."""
    rng = random.Random(7)
    catalog = load_catalog()
    monday = date.today() - timedelta(days=date.today().weekday())
    with transaction(app.desk.factory) as s:
        from ozq_desktop.models import User

        clerks = [s.get(User, i) for i in clerk_ids]
        for day in range(6):
            for hour in range(9, 20):
                for _ in range(rng.randint(1, 4)):
                    start = datetime.combine(
                        monday + timedelta(days=day), time(hour, rng.randint(0, 50))
                    )
                    busy = 1.9 if hour in (11, 12, 17) else 1.0
                    wait = max(60, int(rng.gauss(420, 200) * busy))
                    service = max(120, int(rng.gauss(560, 180)))
                    service_id = rng.choice(list(SERVICES))
                    draft = draft_for(
                        service_id, "legal_entity", VALID_BIN, SERVICES[service_id],
                        started_at=start,
                    )  # fmt: skip
                    if rng.random() < 0.08:
                        draft.place = Place.HOME_VISIT
                        draft.visit_address = "Алматы қ."
                        draft.visit_reason = "денсаулығына байланысты"
                    else:
                        draft.ticket_number = f"A{rng.randint(1, 400)}"
                        draft.ticket_time = (start - timedelta(seconds=wait)).time()
                    accept_package(
                        session=s,
                        catalog=catalog,
                        draft=draft,
                        clerk=rng.choice(clerks),
                        at=start + timedelta(seconds=service),
                        signature=sign_draft(draft),
                    )


def supervisor_shots(out: Path, folder: Path) -> None:
    bot = Bot()
    app = DeskApp(folder)
    app.start()
    main = sign_in(bot, app, "boss", "supersecret")
    seed_week(app, [main.clerk.user.id, 2])
    main.actions[ActionId.SERVICE_TIME].trigger()
    window = main.supervision
    page = window.service_time
    page.show_week()
    bot.waitUntil(lambda: page.report is not None and app.tasks.pending == 0)
    settle(300)
    shoot(window, out, "35-service-time-chart")
    page.print_report()
    preview = page.preview
    bot.waitUntil(lambda: preview.pdf_bytes.startswith(b"%PDF-") and app.tasks.pending == 0)
    preview.resize(820, 780)
    settle(600)
    shoot(preview, out, "36-service-time-report")
    preview.close()
    window.close()
    app.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    keyring.set_keyring(fail.Keyring())
    QApplication.instance() or QApplication(sys.argv)
    with tempfile.TemporaryDirectory() as sane_tmp:
        conf = Path(sane_tmp) / "sane.d"
        shutil.copytree("/etc/sane.d", conf)
        (conf / "dll.conf").write_text("test\n")
        os.environ["SANE_CONFIG_DIR"] = str(conf)
        cups = None
        if os.geteuid() == 0 and shutil.which("lp"):
            cups_dir = Path(tempfile.mkdtemp(prefix="ozq-cups-"))
            cups_dir.chmod(0o755)
            cups = PrivateCups(cups_dir).start()
            os.environ.update(cups.env)
        try:
            for lang in i18n.LANGUAGES:
                i18n.set_language(lang)
                with tempfile.TemporaryDirectory() as tmp:
                    folder = Path(tmp) / "data"
                    os.environ["OZQ_DATA_DIR"] = tmp
                    set_up_desk(folder)
                    clerk_shots(args.out, folder, cups)
                    supervisor_shots(args.out, folder)
        finally:
            if cups is not None:
                cups.stop()
                shutil.rmtree(cups.folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
