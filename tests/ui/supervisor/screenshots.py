"""Pictures of the hand-over, sync and supervision screens in both languages, for
docs/screenshots. Run under Xvfb like tests/ui/screenshots.py:

    Xvfb :99 -screen 0 1366x768x24 -nolisten tcp &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb python -m tests.ui.supervisor.screenshots
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
from keyring.backends import fail
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication

from ozq_desktop import i18n
from ozq_desktop.app import DeskApp
from ozq_desktop.domain.calendar_store import load_calendar, put_override
from ozq_desktop.domain.complaints import NewComplaint, register_complaint
from ozq_desktop.storage.engine import transaction
from ozq_desktop.ui.actions import ActionId
from ozq_wire.calendar import OverrideKind
from tests.ui.conftest import set_up_desk
from tests.ui.screenshots import ROOT, Bot, settle, shoot
from tests.ui.supervisor.helpers import accept_one, decide


def seed(app: DeskApp, boss) -> list:
    now = datetime.now().replace(microsecond=0)
    late = accept_one(app, boss, seed=1, at=now - timedelta(days=90))
    ready = accept_one(app, boss, seed=2, at=now - timedelta(days=20))
    decide(app, ready.package_id)
    accept_one(app, boss, seed=3)
    with transaction(app.desk.factory) as s:
        calendar = load_calendar(session=s)
        register_complaint(
            session=s,
            actor=boss,
            calendar=calendar,
            new=NewComplaint(
                "Ш-17",
                date.today() - timedelta(days=60),
                "Ахметова Гүлнар",
                "Кезек",
                "Ұзақ күттім.",
            ),
        )
        register_complaint(
            session=s,
            actor=boss,
            calendar=calendar,
            new=NewComplaint(
                "Ш-18", date.today(), "Омаров Бауыржан", "Қызмет сапасы", "Қолхат кеш берілді."
            ),
        )
        put_override(
            session=s,
            day=date(date.today().year, 12, 31),
            kind=OverrideKind.DAY_OFF,
            note="Әкім шешімі",
            actor=boss,
        )
    return [late, ready]


def shots(out: Path, folder: Path) -> None:
    bot = Bot()
    app = DeskApp(folder)
    app.start()
    bot.waitUntil(lambda: app.login is not None and app.login.ready)
    app.login.login_edit.setText("boss")
    app.login.password_edit.setText("supersecret")
    app.login.submit()
    bot.waitUntil(lambda: app.main_window is not None and app.tasks.pending == 0)
    main = app.main_window
    _late, ready = seed(app, main.clerk.user)
    main.refresh()
    bot.waitUntil(lambda: app.tasks.pending == 0)
    shoot(main, out, "20-home-deadlines-sync")

    main.actions[ActionId.HANDOVER].trigger()
    dialog = main.handover_dialog
    dialog.search_box.setText(ready.receipt_no)
    dialog.run_search()
    bot.waitUntil(lambda: app.tasks.pending == 0 and dialog.model.rowCount() == 1)
    dialog.by_poa.setChecked(True)
    dialog.name_edit.setText("Ахметов Ерлан Болатұлы")
    dialog.iin_edit.setText("900101300017")
    dialog.poa_number_edit.setText("СН-1234")
    dialog.poa_date_edit.setDate(QDate(date.today() - timedelta(days=3)))
    shoot(dialog, out, "21-handover")
    dialog.record()
    bot.waitUntil(lambda: dialog.preview is not None)
    preview = dialog.preview
    bot.waitUntil(lambda: preview.pdf_bytes.startswith(b"%PDF-") and app.tasks.pending == 0)
    settle(600)
    shoot(preview, out, "22-handover-preview")
    preview.close()
    dialog.close()

    for action_id, name in (
        (ActionId.DEADLINES, "23-deadlines"),
        (ActionId.REGISTER, "24-register"),
        (ActionId.COMPLAINTS, "25-complaints"),
        (ActionId.CALENDAR, "26-calendar"),
        (ActionId.USERS, "27-users"),
    ):
        main.actions[action_id].trigger()
        window = main.supervision
        bot.waitUntil(lambda: app.tasks.pending == 0)
        if action_id is ActionId.COMPLAINTS:
            window.complaints.table.selectRow(0)  # the overdue one stays highlighted
        shoot(window, out, name)
        if action_id is ActionId.CALENDAR:
            calendar_change(bot, app, window.calendar, out)
    main.supervision.close()

    main.actions[ActionId.HUB_SETTINGS].trigger()
    bot.waitUntil(lambda: app.tasks.pending == 0)
    shoot(main.hub_dialog, out, "28-hub-settings")
    main.hub_dialog.close()
    main.actions[ActionId.NEEDS_ATTENTION].trigger()
    bot.waitUntil(lambda: app.tasks.pending == 0)
    shoot(main.attention_dialog, out, "29-needs-attention")
    main.attention_dialog.close()
    signing_key(bot, app, main, out, folder)
    recovery_sheet(bot, app, main, out)
    app.shutdown()


def calendar_change(bot: Bot, app, page, out: Path) -> None:
    """A day off proposed for tomorrow's working day: what it moves, asked before saving."""
    with transaction(app.desk.factory) as s:
        day = load_calendar(session=s).next_working_day(date.today())
    page.day_edit.setDate(QDate(day))
    page.kind_combo.setCurrentIndex(page.kind_combo.findData(OverrideKind.DAY_OFF))
    page.note_edit.setText("Әкім шешімі")
    page.add()
    bot.waitUntil(lambda: page.confirm_dialog is not None and app.tasks.pending == 0)
    settle(300)
    shoot(page.confirm_dialog, out, "26a-calendar-change")
    page.confirm_dialog.reject()


def recovery_sheet(bot: Bot, app, main, out: Path) -> None:
    """Supervisor → Recovery sheet of the data key: the sheet to print (issue 12)."""
    main.actions[ActionId.RECOVERY_SHEET].trigger()
    bot.waitUntil(lambda: getattr(main, "recovery_sheet_dialog", None) is not None)
    dialog = main.recovery_sheet_dialog
    bot.waitUntil(lambda: dialog.pdf_bytes.startswith(b"%PDF-") and app.tasks.pending == 0)
    settle(600)
    shoot(dialog, out, "31-recovery-sheet")
    dialog.close()


def signing_key(bot: Bot, app, main, out: Path, folder: Path) -> None:
    """Desk → Signing key (EDS): a key file chosen and checked with a test signature."""
    from tests.signing.pki import make_pki

    key = make_pki("Сейітова Ләззат").pkcs12(folder / "RSA256_demo.p12", "demo-pass")
    main.actions[ActionId.SIGNING].trigger()
    dialog = main.signing_dialog
    dialog.radio["pkcs12"].setChecked(True)
    dialog.path_edit.setText(str(key))
    dialog.check_with("demo-pass")
    bot.waitUntil(lambda: dialog.message.kind == "ok")
    shoot(dialog, out, "30-signing-key")
    dialog.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    keyring.set_keyring(fail.Keyring())  # the throwaway desk keeps its key in its own folder
    QApplication.instance() or QApplication(sys.argv)
    for lang in i18n.LANGUAGES:
        i18n.set_language(lang)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "data"
            os.environ["OZQ_DATA_DIR"] = tmp
            set_up_desk(folder)
            shots(args.out, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
