"""Opens every top-level window and dialog of the desk on the screen it runs on and prints,
as JSON, where each one landed against the screen's available area. Run by
tests/ui/test_screen_fit.py under Xvfb at a stated screen size:

    DISPLAY=:N QT_QPA_PLATFORM=xcb python -m tests.ui.fit_probe <data-folder>
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from ozq_desktop import i18n
from ozq_desktop.app import DeskApp
from ozq_desktop.ui.actions import ActionId
from tests.ui.conftest import VALID_BIN, make_pdf, set_up_desk
from tests.ui.driver import WizardDriver
from tests.ui.screenshots import Bot, settle


def place(name: str, window: QWidget) -> dict:
    settle(200)
    frame, area = window.frameGeometry(), window.screen().availableGeometry()
    return {
        "name": name,
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "area": [area.x(), area.y(), area.width(), area.height()],
    }


def main(folder: Path) -> int:
    QApplication.instance() or QApplication(sys.argv)
    i18n.set_language("ru")  # the longer texts
    set_up_desk(folder / "data")
    bot = Bot()
    app = DeskApp(folder / "data")
    app.start()
    bot.waitUntil(lambda: app.login is not None and app.login.ready)
    out = [place("login", app.login)]
    app.login.login_edit.setText("boss")
    app.login.password_edit.setText("supersecret")
    app.login.submit()
    bot.waitUntil(lambda: app.main_window is not None and app.tasks.pending == 0)
    main_window = app.main_window
    out.append(place("main_window", main_window))
    user = main_window.status.user_label
    out.append(
        {
            "name": "status_user_text",
            "need": user.fontMetrics().horizontalAdvance(user.text()),
            "has": user.contentsRect().width(),
        }
    )
    for action, attr in (
        (ActionId.DEADLINES, "supervision"),
        (ActionId.HANDOVER, "handover_dialog"),
        (ActionId.NEEDS_ATTENTION, "attention_dialog"),
        (ActionId.HUB_SETTINGS, "hub_dialog"),
        (ActionId.SIGNING, "signing_dialog"),
    ):
        main_window.actions[action].trigger()
        bot.waitUntil(lambda a=attr: getattr(main_window, a, None) is not None)
        dialog = getattr(main_window, attr)
        out.append(place(attr, dialog))
        dialog.close()
    drive = WizardDriver(bot, app)
    drive.start("attestation")
    drive.place()
    drive.applicant(VALID_BIN, "«Қазмұнай» ЖШС")
    docs = drive.page("page_documents")
    scan_list = docs.editors["application"].scan_list
    scan_list.scan()
    out.append(place("scan_dialog", scan_list.scan_dialog))
    scan_list.scan_dialog.close()
    drive.documents(
        {
            code: [make_pdf(folder / f"{code}.pdf", 1)]
            for code in ("application", "expert_conclusion", "specialists_and_base")
        }
    )
    drive.annex1({"industry_sector": "нефтегаз", "activity_kind": "экспертиза"})
    drive.consent()
    drive.confirm()
    wizard = drive.wizard
    wizard.done_page.print_receipt.click()
    bot.waitUntil(lambda: wizard.preview is not None and wizard.preview.isVisible())
    out.append(place("pdf_preview", wizard.preview))
    wizard.preview.close()
    print(json.dumps(out))
    app.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
